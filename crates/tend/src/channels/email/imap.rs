//! The IMAP poller: every inbox with an `imap_url` is polled for new
//! messages by UID. The position is saved after each message is committed,
//! so a crash at any point re-reads at most one message, which is then a
//! duplicate (same Message-ID) and changes nothing.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use futures_util::StreamExt as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::app::AppState;

use super::ingest::{self, Source};
use super::repo;

/// How often mailboxes are polled.
pub const POLL_EVERY: Duration = Duration::from_secs(30);

/// Polls all IMAP inboxes forever; inboxes added while running are picked up
/// on the next round.
pub async fn run(st: AppState, every: Duration) {
    loop {
        match crate::inboxes::service::imap_inboxes(&st).await {
            Ok(inboxes) => {
                for (inbox_id, url) in inboxes {
                    if let Err(e) = poll_inbox(&st, inbox_id, &url).await {
                        tracing::warn!(
                            inbox = inbox_id,
                            error = format!("{e:#}"),
                            "IMAP poll failed; will retry"
                        );
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "listing IMAP inboxes failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// The parts of an `imap[s]://user:pass@host:port/MAILBOX` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapTarget {
    /// TLS from the start (imaps).
    pub tls: bool,
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
    let tls = match u.scheme() {
        "imaps" => true,
        "imap" => false,
        s => return Err(anyhow!("unsupported IMAP scheme {s}")),
    };
    let decode = |s: &str| percent_decode(s);
    let mailbox = decode(u.path().trim_start_matches('/'));
    Ok(ImapTarget {
        tls,
        host: u
            .host_str()
            .context("the IMAP URL has no host")?
            .to_string(),
        port: u.port().unwrap_or(if tls { 993 } else { 143 }),
        user: decode(u.username()),
        password: decode(u.password().unwrap_or("")),
        mailbox: if mailbox.is_empty() {
            "INBOX".into()
        } else {
            mailbox
        },
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Polls one inbox once; returns how many messages were ingested.
pub async fn poll_inbox(st: &AppState, inbox_id: i64, url: &str) -> anyhow::Result<usize> {
    let t = parse_target(url)?;
    let tcp = tokio::time::timeout(
        Duration::from_secs(30),
        TcpStream::connect((t.host.as_str(), t.port)),
    )
    .await
    .context("connecting to the IMAP server timed out")?
    .with_context(|| format!("connecting to {}:{}", t.host, t.port))?;
    if t.tls {
        let connector = tls_connector();
        let name = rustls::pki_types::ServerName::try_from(t.host.clone())
            .context("bad IMAP host name")?;
        let stream = connector
            .connect(name, tcp)
            .await
            .context("TLS handshake with the IMAP server")?;
        poll_stream(st, inbox_id, &t, stream).await
    } else {
        poll_stream(st, inbox_id, &t, tcp).await
    }
}

fn tls_connector() -> tokio_rustls::TlsConnector {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|b| b.with_root_certificates(roots).with_no_client_auth());
    match config {
        Ok(c) => tokio_rustls::TlsConnector::from(Arc::new(c)),
        // Only fails when the provider lacks every default version, which
        // ring does not; fall back to a config that will refuse to connect.
        Err(_) => tokio_rustls::TlsConnector::from(Arc::new(
            rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
        )),
    }
}

async fn poll_stream<S>(
    st: &AppState,
    inbox_id: i64,
    t: &ImapTarget,
    stream: S,
) -> anyhow::Result<usize>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .context("reading the IMAP greeting")?;
    let mut session = client
        .login(&t.user, &t.password)
        .await
        .map_err(|(e, _)| anyhow!("IMAP login failed: {e}"))?;
    let mailbox = session
        .select(&t.mailbox)
        .await
        .with_context(|| format!("selecting {}", t.mailbox))?;
    let uidvalidity = i64::from(mailbox.uid_validity.unwrap_or(0));
    let saved = {
        let mut c = st.db.pool().acquire().await?;
        repo::imap_state(&mut c, inbox_id).await?
    };
    // A new UIDVALIDITY means the UIDs were renumbered: read everything
    // again; duplicates are recognised by Message-ID.
    let last_uid = match saved {
        Some((v, last)) if v == uidvalidity => last,
        _ => 0,
    };
    let mut uids: Vec<u32> = session
        .uid_search(format!("UID {}:*", last_uid + 1))
        .await
        .context("searching for new messages")?
        .into_iter()
        .filter(|u| i64::from(*u) > last_uid)
        .collect();
    uids.sort_unstable();
    let mut done = 0;
    for uid in uids {
        let raw = {
            let mut fetches = session
                .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
                .await?;
            let mut raw = None;
            while let Some(f) = fetches.next().await {
                let f = f?;
                if let Some(b) = f.body() {
                    raw = Some(b.to_vec());
                }
            }
            raw
        };
        if let Some(raw) = raw {
            ingest::ingest(st, inbox_id, &raw, Source::Imap).await?;
            done += 1;
        }
        let now = st.clock.now_ms();
        let uid = i64::from(uid);
        st.db
            .write(move |c| {
                Box::pin(
                    async move { repo::save_imap_state(c, inbox_id, uidvalidity, uid, now).await },
                )
            })
            .await?;
    }
    let _ = session.logout().await;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imap_urls_parse() {
        let t =
            parse_target("imap://sup%40ort:p%40ss@127.0.0.1:1143/Support%20Mail").expect("parses");
        assert_eq!(
            t,
            ImapTarget {
                tls: false,
                host: "127.0.0.1".into(),
                port: 1143,
                user: "sup@ort".into(),
                password: "p@ss".into(),
                mailbox: "Support Mail".into()
            }
        );
        let t = parse_target("imaps://u:p@mail.example.org").expect("parses");
        assert!(t.tls);
        assert_eq!((t.port, t.mailbox.as_str()), (993, "INBOX"));
        assert!(parse_target("pop3://u:p@x").is_err());
    }
}
