//! Why a message was held in the mail log: a closed set. Each producer
//! (ingest, the IMAP size check) writes a reason with [`HoldReason`]'s
//! `Display`, the English the API has always answered; [`HoldReason::parse`]
//! reads a stored reason back, so the admin's page names every reason in
//! the admin's language through one exhaustive `match`.

use std::fmt;

use tend_mail::MachineKind;

/// Messages one sender may send in ten minutes before the rest is held.
pub const SENDER_LIMIT: i64 = 30;

/// Why a message is in the mail log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldReason {
    /// Over the size limit (`size` bytes, `limit` bytes).
    TooLarge { size: u64, limit: u64 },
    /// Over the size limit on the IMAP server, so never fetched: its size
    /// (`None` when the server gave no exact one) and the limit.
    NotFetched {
        size: Option<u64>,
        limit: u64,
        uid: u32,
    },
    /// The MIME parser could not read it (its words, untranslated).
    Unreadable { detail: String },
    /// No From address that parses.
    NoFrom,
    /// The sender went over [`SENDER_LIMIT`] in ten minutes.
    SenderLimit { sender: String },
    /// Machine mail (a bounce, a report…); `matched` when it is about a
    /// message the desk sent.
    Machine { kind: MachineKind, matched: bool },
    /// Mail from one of our own addresses (a forwarding loop).
    OwnAddress,
    /// A reason this version does not know (written by another version).
    Other(String),
}

const TOO_LARGE: (&str, &str) = ("the message is ", " bytes, over the limit of ");
const NOT_FETCHED: &str = "; it was not fetched and stays in the IMAP mailbox (UID ";
const LARGER: (&str, &str) = ("the message is larger than the limit of ", " bytes");
const UNREADABLE: &str = "the message could not be read: ";
const NO_FROM: &str = "the message has no usable From address";
const SENDER: &str = " messages in 10 minutes (loop protection)";
const OWN: &str = "own_address_loop";

impl fmt::Display for HoldReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoldReason::TooLarge { size, limit } => {
                write!(f, "{}{size}{}{limit}", TOO_LARGE.0, TOO_LARGE.1)
            }
            HoldReason::NotFetched { size, limit, uid } => {
                match size {
                    Some(size) => write!(f, "{}{size}{}{limit}", TOO_LARGE.0, TOO_LARGE.1)?,
                    None => write!(f, "{}{limit}{}", LARGER.0, LARGER.1)?,
                }
                write!(f, "{NOT_FETCHED}{uid})")
            }
            HoldReason::Unreadable { detail } => write!(f, "{UNREADABLE}{detail}"),
            HoldReason::NoFrom => f.write_str(NO_FROM),
            HoldReason::SenderLimit { sender } => {
                write!(f, "{sender} sent more than {SENDER_LIMIT}{SENDER}")
            }
            HoldReason::Machine { kind, matched } => {
                f.write_str(kind.code())?;
                if *matched {
                    f.write_str("_matched")?;
                }
                Ok(())
            }
            HoldReason::OwnAddress => f.write_str(OWN),
            HoldReason::Other(s) => f.write_str(s),
        }
    }
}

fn too_large(s: &str) -> Option<(u64, u64)> {
    let rest = s.strip_prefix(TOO_LARGE.0)?;
    let (size, limit) = rest.split_once(TOO_LARGE.1)?;
    Some((size.parse().ok()?, limit.parse().ok()?))
}

impl HoldReason {
    /// Reads a stored reason (the inverse of `Display`).
    pub fn parse(s: &str) -> HoldReason {
        if let Some((head, uid)) = s.split_once(NOT_FETCHED)
            && let Some(Ok(uid)) = uid.strip_suffix(')').map(str::parse::<u32>)
        {
            if let Some((size, limit)) = too_large(head) {
                return HoldReason::NotFetched {
                    size: Some(size),
                    limit,
                    uid,
                };
            }
            if let Some(Ok(limit)) = head
                .strip_prefix(LARGER.0)
                .and_then(|r| r.strip_suffix(LARGER.1))
                .map(str::parse::<u64>)
            {
                return HoldReason::NotFetched {
                    size: None,
                    limit,
                    uid,
                };
            }
        }
        if let Some((size, limit)) = too_large(s) {
            return HoldReason::TooLarge { size, limit };
        }
        if let Some(detail) = s.strip_prefix(UNREADABLE) {
            return HoldReason::Unreadable {
                detail: detail.to_string(),
            };
        }
        if s == NO_FROM {
            return HoldReason::NoFrom;
        }
        if s == OWN {
            return HoldReason::OwnAddress;
        }
        if let Some(sender) = s
            .strip_suffix(SENDER)
            .and_then(|r| r.strip_suffix(&format!(" sent more than {SENDER_LIMIT}")))
        {
            return HoldReason::SenderLimit {
                sender: sender.to_string(),
            };
        }
        let (code, matched) = match s.strip_suffix("_matched") {
            Some(code) => (code, true),
            None => (s, false),
        };
        match MachineKind::ALL.iter().find(|k| k.code() == code) {
            Some(kind) => HoldReason::Machine {
                kind: *kind,
                matched,
            },
            None => HoldReason::Other(s.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HoldReason;
    use tend_mail::MachineKind;

    #[test]
    fn every_reason_reads_back_as_written() {
        let mut all = vec![
            HoldReason::TooLarge {
                size: 2_100_000,
                limit: 2_000_000,
            },
            HoldReason::NotFetched {
                size: Some(3),
                limit: 2,
                uid: 7,
            },
            HoldReason::NotFetched {
                size: None,
                limit: 2,
                uid: 9,
            },
            HoldReason::Unreadable {
                detail: "bad header".into(),
            },
            HoldReason::NoFrom,
            HoldReason::SenderLimit {
                sender: "robot@example.net".into(),
            },
            HoldReason::OwnAddress,
            HoldReason::Other("something else".into()),
        ];
        for kind in MachineKind::ALL {
            for matched in [false, true] {
                all.push(HoldReason::Machine { kind, matched });
            }
        }
        for r in all {
            assert_eq!(HoldReason::parse(&r.to_string()), r, "{r}");
        }
        // The wording the API has always answered.
        assert_eq!(
            HoldReason::SenderLimit {
                sender: "a@b.c".into()
            }
            .to_string(),
            "a@b.c sent more than 30 messages in 10 minutes (loop protection)"
        );
    }
}
