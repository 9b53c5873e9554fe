//! The size check before a fetch. A pass first asks the server for the
//! size (`RFC822.SIZE`) of every new message in one command; a message over
//! the attachment limit is never fetched whole. The other messages are
//! fetched bounded to one byte more than the limit, so a server that
//! reports no size (or a wrong one) cannot make Tend read more either. It is recorded in the mail
//! log as quarantined, with its sender and subject (from at most 16 KB of
//! its header) and a reason an admin can read, and the pass saves its UID
//! like any stored message's: it is neither skipped silently nor fetched
//! again on every pass. The message itself stays in the mailbox as it was
//! (not marked or moved: Tend does not have it).

use std::collections::HashMap;

use futures_util::StreamExt as _;

use crate::state::AppState;

use super::imap::{COMMAND_TIMEOUT, ImapSession, within};

/// How long fetching one message may take (a large message on a slow link).
const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
use super::ingest::{IngestOutcome, Outcome};
use super::repo::{self, MailLogEntry};

/// How much of an oversized message's header is read for the mail log.
const HEADER_PEEK: usize = 16 * 1024;

/// The sizes of the messages past `last_uid`, by UID, in one command.
pub(super) async fn sizes(
    session: &mut ImapSession,
    last_uid: i64,
) -> anyhow::Result<HashMap<u32, u64>> {
    within(COMMAND_TIMEOUT, "UID FETCH RFC822.SIZE", async {
        let mut out = HashMap::new();
        let mut fetches = session
            .uid_fetch(format!("{}:*", last_uid + 1), "(UID RFC822.SIZE)")
            .await?;
        while let Some(f) = fetches.next().await {
            let f = f?;
            if let (Some(uid), Some(size)) = (f.uid, f.size) {
                out.insert(uid, u64::from(size));
            }
        }
        Ok::<_, async_imap::error::Error>(out)
    })
    .await
}

/// Message `uid`, or its first `at_most` bytes when it is larger (a partial
/// fetch): a server that reports no size, or a wrong one, still cannot make
/// Tend read more than that. `None` when the server sent no body.
pub(super) async fn fetch_at_most(
    session: &mut ImapSession,
    uid: u32,
    at_most: u64,
) -> anyhow::Result<Option<Vec<u8>>> {
    within(FETCH_TIMEOUT, "UID FETCH", async {
        let mut fetches = session
            .uid_fetch(uid.to_string(), format!("(UID BODY.PEEK[]<0.{at_most}>)"))
            .await?;
        let mut raw = None;
        while let Some(f) = fetches.next().await {
            let f = f?;
            if let Some(b) = f.body() {
                raw = Some(b.to_vec());
            }
        }
        Ok::<_, async_imap::error::Error>(raw)
    })
    .await
}

/// Records message `uid` as too large to fetch: `size` bytes, or (not
/// `exact`) at least that many.
pub(super) async fn record_too_large(
    st: &AppState,
    session: &mut ImapSession,
    inbox_id: i64,
    uid: u32,
    size: u64,
    exact: bool,
) -> anyhow::Result<IngestOutcome> {
    let header = within(COMMAND_TIMEOUT, "UID FETCH BODY.PEEK[HEADER]", async {
        let mut header = None;
        let mut fetches = session
            .uid_fetch(
                uid.to_string(),
                format!("(UID BODY.PEEK[HEADER]<0.{HEADER_PEEK}>)"),
            )
            .await?;
        while let Some(f) = fetches.next().await {
            if let Some(h) = f?.header() {
                header = Some(h[..h.len().min(HEADER_PEEK)].to_vec());
            }
        }
        Ok::<_, async_imap::error::Error>(header)
    })
    .await?;
    let parsed = header.and_then(|mut h| {
        h.extend_from_slice(b"\r\n\r\n");
        tend_mail::parse(&h).ok()
    });
    let limit = st.config.max_attachment_bytes;
    let reason = super::hold::HoldReason::NotFetched {
        size: exact.then_some(size),
        limit: limit as u64,
        uid,
    }
    .to_string();
    let now = st.clock.now_ms();
    let (r, message_id, sender, subject) = (
        reason.clone(),
        parsed.as_ref().and_then(|p| p.message_id.clone()),
        parsed
            .as_ref()
            .and_then(|p| p.from.as_ref().map(|m| m.address.to_lowercase())),
        parsed
            .as_ref()
            .map(|p| p.subject.chars().take(998).collect::<String>()),
    );
    st.db
        .write(move |c| {
            Box::pin(async move {
                repo::insert_mail_log(
                    c,
                    &MailLogEntry {
                        inbox_id: Some(inbox_id),
                        outcome: "quarantined",
                        reason: &r,
                        message_id: message_id.as_deref(),
                        sender: sender.as_deref(),
                        subject: subject.as_deref(),
                        raw_sha256: None,
                        size: i64::try_from(size).unwrap_or(i64::MAX),
                    },
                    now,
                )
                .await
            })
        })
        .await?;
    metrics::counter!("tend_inbound_email_total", "outcome" => "quarantined").increment(1);
    tracing::info!(
        inbox = inbox_id,
        uid,
        size,
        "IMAP: message too large to fetch; quarantined"
    );
    Ok(IngestOutcome {
        outcome: Outcome::Quarantined,
        conversation_id: None,
        reason: Some(reason),
    })
}
