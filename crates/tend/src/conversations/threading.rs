//! Which existing conversation an inbound email may join: the one place
//! where threading is decided, for every door mail comes through (SMTP,
//! IMAP, the inbound webhook, an admin's retry).
//!
//! The rules, in order:
//!
//! 1. **Only the inbox it arrived at.** Every look-up (In-Reply-To,
//!    References, the `[#id]` subject token) is limited to conversations of
//!    the inbox the mail arrived at. A key that names a conversation of
//!    another inbox leads nowhere, exactly as if it named nothing.
//! 2. **Threading headers first.** In-Reply-To, then References (newest
//!    first) name a stored message of this inbox. Knowing a Message-ID
//!    means having received a mail of the thread (ours are random; a
//!    customer's were seen only by that mail's recipients), so the sender
//!    need not be a participant: a colleague answering with "reply all"
//!    joins.
//! 3. **The subject token** `[#id]` is public and guessable (conversation
//!    numbers are sequential), so it joins only when the sender is a
//!    participant: one of the customer's addresses, or an address CC'd on
//!    one of the conversation's messages.
//! 4. **Merged conversations.** A merge moves every message (and so every
//!    Message-ID) to the surviving conversation, so the headers find it
//!    there; a `[#id]` token of the merged-away number leads to the
//!    survivor too (`merged_into`). Merges stay within one inbox
//!    (`combine.rs`), so rule 1 holds for both.
//! 5. **DMARC.** Mail that failed DMARC for its From domain never joins (or
//!    reopens) an existing conversation, whichever key named it.
//!
//! A refused join opens a new conversation in the arrival inbox that
//! names the refused one and why (a `join_refused` event); the agent sees
//! it on the timeline. A same subject alone never threads.

use sqlx::AnyConnection;

use crate::Result;

use super::inbound::InboundEmail;
use super::repo;

/// Which key named the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The In-Reply-To or References header.
    Headers,
    /// Our `[#id]` subject token.
    SubjectToken,
}

impl Via {
    /// The name in event data.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Headers => "headers",
            Via::SubjectToken => "subject_token",
        }
    }
}

/// Why a message did not join the conversation its keys named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The sender is neither an address of the customer nor CC'd on it.
    NotParticipant,
    /// The message failed DMARC for its From domain.
    DmarcFail,
    /// The subject token names no conversation of the arrival inbox (one of
    /// another inbox, or none at all: the two are not told apart).
    NotInInbox,
}

impl Reason {
    /// The name in event data and in locale keys (`join-refused-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotParticipant => "not_participant",
            Reason::DmarcFail => "dmarc_fail",
            Reason::NotInInbox => "not_in_inbox",
        }
    }

    /// The reason in words, for the mail's outcome.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::NotParticipant => {
                "the sender does not take part in the conversation its subject names"
            }
            Reason::DmarcFail => "the message failed DMARC for its From domain",
            Reason::NotInInbox => "the subject names no conversation of this inbox",
        }
    }
}

/// A join that was refused: the new conversation links to `named`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The conversation the keys named (none for [`Reason::NotInInbox`]).
    pub named: Option<i64>,
    /// Which key named it.
    pub via: Via,
    /// Why it was not joined.
    pub reason: Reason,
}

/// Where an inbound email's keys lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    /// No existing conversation: a new one.
    New,
    /// Join this conversation of the arrival inbox.
    Join(i64),
    /// A new conversation, linked to the one the keys named.
    Refused(Refusal),
}

/// The rule for a conversation of the arrival inbox named by `via`: pure.
pub fn decide(via: Via, named: i64, participant: bool, dmarc_failed: bool) -> Thread {
    let refuse = |reason| {
        Thread::Refused(Refusal {
            named: Some(named),
            via,
            reason,
        })
    };
    if dmarc_failed {
        return refuse(Reason::DmarcFail);
    }
    match via {
        Via::Headers => Thread::Join(named),
        Via::SubjectToken if participant => Thread::Join(named),
        Via::SubjectToken => refuse(Reason::NotParticipant),
    }
}

/// Longest References list looked at (newest first); the rest is old history.
const MAX_REFERENCES: usize = 50;

/// Finds where `m` goes (inside the write transaction, so the answer holds
/// until it commits).
pub(super) async fn find(c: &mut AnyConnection, m: &InboundEmail) -> Result<Thread> {
    let dmarc_failed = m.auth.as_ref().is_some_and(|a| a.dmarc_failed());
    // In-Reply-To, then References newest first: one statement for all.
    let keys: Vec<&str> = m
        .in_reply_to
        .iter()
        .chain(m.references.iter().take(MAX_REFERENCES))
        .map(String::as_str)
        .collect();
    let found = repo::conversations_of_message_ids(c, m.inbox_id, &keys).await?;
    if let Some(named) = keys
        .iter()
        .find_map(|k| found.iter().find(|(id, _)| id == k).map(|(_, conv)| *conv))
    {
        return Ok(decide(Via::Headers, named, false, dmarc_failed));
    }
    let Some(token) = m.subject_token else {
        return Ok(Thread::New);
    };
    // A token naming a merged conversation leads to the one it was merged
    // into (`merged_into`, resolved by the look-up).
    match repo::token_target(c, token, m.from.as_str()).await? {
        Some((named, inbox, participant)) if inbox == m.inbox_id => {
            Ok(decide(Via::SubjectToken, named, participant, dmarc_failed))
        }
        // Another inbox's conversation, or none: told apart to nobody.
        _ => Ok(Thread::Refused(Refusal {
            named: None,
            via: Via::SubjectToken,
            reason: Reason::NotInInbox,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dmarc_failure_never_joins() {
        for via in [Via::Headers, Via::SubjectToken] {
            for participant in [true, false] {
                assert_eq!(
                    decide(via, 7, participant, true),
                    Thread::Refused(Refusal {
                        named: Some(7),
                        via,
                        reason: Reason::DmarcFail
                    })
                );
            }
        }
    }

    #[test]
    fn subject_token_needs_a_participant() {
        assert_eq!(decide(Via::SubjectToken, 7, true, false), Thread::Join(7));
        assert_eq!(
            decide(Via::SubjectToken, 7, false, false),
            Thread::Refused(Refusal {
                named: Some(7),
                via: Via::SubjectToken,
                reason: Reason::NotParticipant
            })
        );
    }

    #[test]
    fn threading_headers_join_without_participation() {
        assert_eq!(decide(Via::Headers, 7, false, false), Thread::Join(7));
    }
}
