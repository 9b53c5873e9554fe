//! Who sent a message and how it is addressed, as machine-mail detection
//! reads it: the sender's address and display name, the return path, the
//! subject's reply and forward prefixes, the mail program.

use crate::machine::Mail;
use crate::machine_words as words;
use crate::model::Mailbox;

/// Who sent the mail, as far as classification cares.
#[derive(Debug, Default)]
pub(crate) struct Sender {
    /// Lowercased local part.
    pub(crate) local: String,
    /// Lowercased domain (empty for `MAILER-DAEMON` without one).
    pub(crate) domain: String,
    /// Lowercased display name.
    pub(crate) name: String,
}

impl Sender {
    /// The sender from the parsed From mailbox; when it has no address
    /// (`From: MAILER-DAEMON <>`), the raw header stands in as the name.
    pub(crate) fn of(from: Option<&Mailbox>, raw_from: Option<&str>) -> Sender {
        let Some(m) = from else {
            return Sender {
                name: raw_from.unwrap_or_default().to_lowercase(),
                ..Sender::default()
            };
        };
        let (local, domain) = m.address.rsplit_once('@').unwrap_or((&m.address, ""));
        Sender {
            local: local.to_lowercase(),
            domain: domain.to_lowercase(),
            name: m.name.as_deref().unwrap_or_default().to_lowercase(),
        }
    }

    /// `MAILER-DAEMON`, `postmaster` (also `post_master`, `Mailer_Daemon`),
    /// MDaemon, and Exchange's `MicrosoftExchange<32 hex digits>`.
    pub(crate) fn is_daemon(&self) -> bool {
        is_daemon_local(&self.local)
    }

    /// A local part only programs send from (`no-reply`, `bounces`, …).
    pub(crate) fn is_robot(&self) -> bool {
        let squashed: String = self.local.chars().filter(|c| c.is_alphanumeric()).collect();
        squashed.contains("noreply")
            || squashed.contains("donotreply")
            || self.has_word(words::ROBOT_WORDS)
            || self.has_word(words::MAIL_SYSTEM_WORDS)
    }

    /// A local part of the mail system itself (`mailer`, `smtp`, `bounces`,
    /// `sysadmin`), or a mail system's display name: narrower than
    /// [`Sender::is_robot`], which a shop's parcel notifications also match.
    pub(crate) fn is_mail_system(&self) -> bool {
        self.has_word(words::MAIL_SYSTEM_WORDS) || self.has_machine_name()
    }

    fn has_word(&self, list: &[&str]) -> bool {
        self.local
            .split(['-', '_', '.', '+'])
            .any(|w| list.contains(&w))
    }

    /// A mail system's display name ("Mail Delivery Subsystem").
    pub(crate) fn has_machine_name(&self) -> bool {
        !self.name.is_empty() && words::MACHINE_NAMES.iter().any(|n| self.name.contains(n))
    }
}

pub(crate) fn is_daemon_local(local: &str) -> bool {
    let squashed: String = local
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    [
        "mailerdaemon",
        "maildaemon",
        "mailerdeamon",
        "postmaster",
        "postmast",
        "mdaemon",
    ]
    .iter()
    .any(|d| squashed.starts_with(d))
        || squashed
            .strip_prefix("microsoftexchange")
            .is_some_and(|rest| rest.len() == 32 && rest.chars().all(|c| c.is_ascii_hexdigit()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReturnPath {
    /// `<>`: the null sender every bounce and report must use.
    Null,
    /// `<MAILER-DAEMON@…>`, as some servers write the null sender.
    Daemon,
    /// Anything else, or no Return-Path.
    Other,
}

pub(crate) fn return_path(mail: &Mail<'_>) -> ReturnPath {
    let Some(value) = mail.header("return-path") else {
        return ReturnPath::Other;
    };
    let value = value.trim();
    let inner = match (value.find('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => value[a + 1..b].trim(),
        _ => value,
    };
    if inner.is_empty() {
        return ReturnPath::Null;
    }
    let local = inner.rsplit_once('@').map_or(inner, |(l, _)| l);
    if is_daemon_local(local) {
        ReturnPath::Daemon
    } else {
        ReturnPath::Other
    }
}

/// Lowercase, white space collapsed, without leading `[tags]` and
/// `***SPAM***` markers that filters add.
pub(crate) fn normalise_subject(subject: &str) -> String {
    let mut s: String = subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    loop {
        let trimmed = s.trim_start();
        let rest = if let Some(r) = trimmed.strip_prefix('[') {
            r.find(']').filter(|&end| end < 40).map(|end| &r[end + 1..])
        } else if let Some(r) = trimmed.strip_prefix("***") {
            r.find("***").map(|end| &r[end + 3..])
        } else {
            None
        };
        match rest {
            Some(rest) => s = rest.trim_start().to_string(),
            None => return trimmed.to_string(),
        }
    }
}

/// Reply and forward prefixes in the languages mail programs use.
const REPLY_FORWARD: &[&str] = &[
    "re",
    "fw",
    "fwd",
    "aw",
    "wg",
    "tr",
    "rv",
    "res",
    "enc",
    "sv",
    "vs",
    "vb",
    "antw",
    "antwort",
    "doorst",
    "ref",
    "réf",
    "odp",
    "pd",
    "i",
    "r",
    "rif",
    "fs",
    "vl",
    "ynt",
    "ilt",
    "atb",
    "pārs",
    "отв",
    "пересл",
    "fwd ",
    "转发",
    "回复",
    "答复",
    "回覆",
    "轉寄",
    "転送",
    "返信",
    "답장",
    "회신",
    "전달",
    "πρθ",
    "σχετ",
];

pub(crate) fn is_reply_or_forward(subject: &str) -> bool {
    let Some(end) = subject.find([':', '：']) else {
        return false;
    };
    let head = subject[..end].trim();
    // `Re[2]`, `RE(3)`, `Fwd 2`.
    let head = head
        .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '[' | ']' | '(' | ')'))
        .trim();
    head.chars().count() <= 8 && REPLY_FORWARD.contains(&head)
}

/// Mail programs that people write with; bounces and reports are written
/// by servers, which name none of these.
const MAIL_PROGRAMS: &[&str] = &[
    "thunderbird",
    "mozilla",
    "apple mail",
    "iphone mail",
    "ipad mail",
    "microsoft outlook",
    "microsoft-macoutlook",
    "outlook-ios",
    "outlook-android",
    "microsoft windows live mail",
    "windows mail",
    "evolution",
    "kmail",
    "k-9 mail",
    "mutt",
    "alpine",
    "sylpheed",
    "claws mail",
    "becky!",
    "roundcube",
    "squirrelmail",
    "horde",
    "rainloop",
    "snappymail",
    "mailbird",
    "em client",
    "postbox",
    "airmail",
    "spark",
    "ymailnorrin",
    "gnus",
];

pub(crate) fn written_by_mail_program(mail: &Mail<'_>) -> bool {
    ["x-mailer", "user-agent"].iter().any(|h| {
        mail.header(h).is_some_and(|v| {
            let v = v.to_lowercase();
            MAIL_PROGRAMS.iter().any(|p| v.contains(p))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_addresses_in_their_spellings() {
        for local in [
            "MAILER-DAEMON",
            "mailer_daemon",
            "Mailer-Daemon",
            "postmaster",
            "post_master",
            "MDaemon",
            "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e",
        ] {
            assert!(is_daemon_local(local), "{local}");
        }
        for local in ["post", "master", "daemonic", "microsoftexchange", "anna"] {
            assert!(!is_daemon_local(local), "{local}");
        }
    }

    #[test]
    fn reply_and_forward_prefixes() {
        for s in [
            "re: x",
            "fwd: undeliverable",
            "wg: x",
            "tr : x",
            "re[2]: x",
            "転送: x",
            "rv: x",
        ] {
            assert!(is_reply_or_forward(s), "{s}");
        }
        for s in [
            "undeliverable: re: x",
            "returned mail: see transcript",
            "report domain: a",
        ] {
            assert!(!is_reply_or_forward(s), "{s}");
        }
    }

    #[test]
    fn subjects_lose_filter_tags() {
        assert_eq!(
            normalise_subject("[SPAM]  Undeliverable:  X"),
            "undeliverable: x"
        );
        assert_eq!(
            normalise_subject("***SPAM*** Returned mail"),
            "returned mail"
        );
        assert_eq!(
            normalise_subject("[Preview] Report Domain: a"),
            "report domain: a"
        );
    }
}
