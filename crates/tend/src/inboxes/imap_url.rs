//! An inbox's IMAP source: the URL `imap[s]://user:pass@host:port/MAILBOX`
//! that admins set, parsed once for the inbox's validation and for the
//! email channel that connects to it.

use anyhow::{Context as _, anyhow};

/// How an IMAP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapTls {
    /// `imaps://`: TLS from the first byte.
    Tls,
    /// `imap://`: STARTTLS, which the server must offer; without it Tend
    /// does not log in (the password would cross the network in clear).
    StartTls,
    /// `imap://…?tls=none`: no TLS. The admin's explicit choice, for a
    /// server on a network they trust.
    Plain,
}

/// The parts of an `imap[s]://user:pass@host:port/MAILBOX[?tls=none]` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapTarget {
    /// How the connection is protected.
    pub tls: ImapTls,
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// User.
    pub user: String,
    /// Password.
    pub password: String,
    /// Mailbox (default INBOX).
    pub mailbox: String,
}

/// Parses an inbox's IMAP URL.
pub fn parse_target(url: &str) -> anyhow::Result<ImapTarget> {
    let u = url::Url::parse(url).context("the IMAP URL does not parse")?;
    let param = u
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let tls = match (u.scheme(), param.as_deref()) {
        ("imaps", None) => ImapTls::Tls,
        ("imap", None | Some("starttls")) => ImapTls::StartTls,
        ("imap", Some("none")) => ImapTls::Plain,
        ("imaps", Some(t)) => {
            return Err(anyhow!("imaps:// is TLS from the start; remove ?tls={t}"));
        }
        ("imap", Some(t)) => {
            return Err(anyhow!(
                "unknown ?tls={t}; leave it out (STARTTLS) or write tls=none to allow a clear-text login"
            ));
        }
        (s, _) => return Err(anyhow!("unsupported IMAP scheme {s}")),
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mailbox = decode(u.path().trim_start_matches('/'));
    Ok(ImapTarget {
        tls,
        host: u
            .host_str()
            .context("the IMAP URL has no host")?
            .to_string(),
        port: u
            .port()
            .unwrap_or(if tls == ImapTls::Tls { 993 } else { 143 }),
        user: decode(u.username()),
        password: decode(u.password().unwrap_or("")),
        mailbox: if mailbox.is_empty() {
            "INBOX".into()
        } else {
            mailbox
        },
    })
}

/// Whether two mailbox names are the same mailbox (`INBOX` is
/// case-insensitive, RFC 3501 section 5.1).
pub fn same_mailbox(a: &str, b: &str) -> bool {
    a == b || (a.eq_ignore_ascii_case("INBOX") && b.eq_ignore_ascii_case("INBOX"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn imap_urls_parse() {
        let t =
            parse_target("imap://sup%40ort:p%40ss@127.0.0.1:1143/Support%20Mail").expect("parses");
        assert_eq!(
            t,
            ImapTarget {
                tls: ImapTls::StartTls,
                host: "127.0.0.1".into(),
                port: 1143,
                user: "sup@ort".into(),
                password: "p@ss".into(),
                mailbox: "Support Mail".into()
            }
        );
        let t = parse_target("imaps://u:p@mail.example.org").expect("parses");
        assert_eq!(t.tls, ImapTls::Tls);
        assert_eq!((t.port, t.mailbox.as_str()), (993, "INBOX"));
        assert!(parse_target("pop3://u:p@x").is_err());
        let t = parse_target("imap://u:p@10.0.0.5/INBOX?tls=none").expect("parses");
        assert_eq!(
            (t.tls, t.port, t.mailbox.as_str()),
            (ImapTls::Plain, 143, "INBOX")
        );
        assert!(parse_target("imap://u:p@h/INBOX?tls=maybe").is_err());
        assert!(parse_target("imaps://u:p@h/INBOX?tls=none").is_err());
    }

    #[test]
    fn inbox_is_one_mailbox_in_any_case() {
        assert!(same_mailbox("inbox", "INBOX"));
        assert!(!same_mailbox("Inbox/Done", "INBOX"));
    }
}
