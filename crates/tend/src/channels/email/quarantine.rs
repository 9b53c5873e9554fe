//! The mail log for admins: mail that did not become a message (quarantined
//! or ignored), its raw bytes, and the retry that runs a held message
//! through [`super::ingest`] again.
//!
//! A retry keeps one row per received message: its outcome is written on
//! the entry that was retried (`retried_at`, `retry_outcome`,
//! `retry_conversation_id`, and the current `reason` when it is held
//! again), never as a second row that would hide the first. An entry whose
//! message is in a conversation cannot be retried again (409).

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

use super::ingest::{self, IngestOutcome, Outcome, Source};
use super::repo::{self, MailLogRow};

/// A message in the mail log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MailLogItem {
    /// Id.
    pub id: i64,
    /// The inbox it was sent to.
    pub inbox_id: Option<i64>,
    /// `quarantined` (held for a person to look at) or `ignored`
    /// (auto-generated, a bounce, our own mail), as first received.
    pub outcome: Outcome,
    /// Why it was held; after a retry that held it again, the retry's reason.
    pub reason: String,
    /// Its Message-ID, when it could be read.
    pub message_id: Option<String>,
    /// Its From address, when it could be read.
    pub sender: Option<String>,
    /// Its subject, when it could be read (untrusted text).
    pub subject: Option<String>,
    /// Size of the raw message in bytes.
    pub size: i64,
    /// When it was received (RFC 3339).
    pub created_at: String,
    /// When an admin last retried it (RFC 3339).
    pub retried_at: Option<String>,
    /// What the last retry came to.
    pub retry_outcome: Option<Outcome>,
    /// The conversation the retry put it in.
    pub retry_conversation_id: Option<i64>,
    /// Whether the raw message is kept (`GET /mail-log/{id}/raw`).
    pub has_raw: bool,
}

impl From<MailLogRow> for MailLogItem {
    fn from(r: MailLogRow) -> Self {
        MailLogItem {
            id: r.id,
            inbox_id: r.inbox_id,
            outcome: Outcome::parse(&r.outcome).unwrap_or(Outcome::Quarantined),
            reason: r.reason,
            message_id: r.message_id,
            sender: r.sender,
            subject: r.subject,
            size: r.size,
            created_at: crate::time::rfc3339(r.created_at),
            retried_at: crate::time::rfc3339_opt(r.retried_at),
            retry_outcome: r.retry_outcome.as_deref().and_then(Outcome::parse),
            retry_conversation_id: r.retry_conversation_id,
            has_raw: r.raw_sha256.is_some(),
        }
    }
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only `Quarantined` or `Ignored` ones.
    pub outcome: Option<Outcome>,
    /// Only mail to this inbox.
    pub inbox_id: Option<i64>,
    /// Below this id (the previous page's cursor).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// Parses the `outcome` filter: only held outcomes are in the log.
pub fn parse_held(s: &str) -> Result<Outcome> {
    match Outcome::parse(s) {
        Some(o @ (Outcome::Quarantined | Outcome::Ignored)) => Ok(o),
        _ => Err(Error::invalid(
            "outcome",
            format!("unknown outcome {s:?}; use quarantined or ignored"),
        )),
    }
}

/// Mail-log entries, newest first, and whether more follow. Admins only.
pub async fn list(st: &AppState, viewer: &Viewer, f: Filter) -> Result<(Vec<MailLogItem>, bool)> {
    viewer.require_admin()?;
    let mut c = st.db.pool().acquire().await?;
    let mut rows = repo::list_mail_log(
        &mut c,
        f.outcome.map(Outcome::as_str),
        f.inbox_id,
        f.before,
        f.limit,
    )
    .await?;
    let more = rows.len() as i64 > f.limit;
    rows.truncate(f.limit.max(0) as usize);
    Ok((rows.into_iter().map(MailLogItem::from).collect(), more))
}

async fn row(st: &AppState, viewer: &Viewer, id: i64) -> Result<MailLogRow> {
    viewer.require_admin()?;
    let mut c = st.db.pool().acquire().await?;
    repo::mail_log(&mut c, id)
        .await?
        .ok_or(Error::NotFound("mail-log entry"))
}

/// One entry. Admins only.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<MailLogItem> {
    row(st, viewer, id).await.map(MailLogItem::from)
}

/// The entry's raw message, exactly as received. Admins only.
pub async fn raw(st: &AppState, viewer: &Viewer, id: i64) -> Result<Vec<u8>> {
    let r = row(st, viewer, id).await?;
    let sha = r.raw_sha256.ok_or(Error::NotFound("raw message"))?;
    crate::attachments::load(st, &sha).await
}

/// Deletes entries and their raw messages (kept in the database: at once,
/// when no message or other entry names the same bytes; kept as a file:
/// with the store's next sweep). One write; ids that are gone already are
/// skipped. Returns the ids deleted. Admins only.
pub async fn delete(st: &AppState, viewer: &Viewer, ids: &[i64]) -> Result<Vec<i64>> {
    viewer.require_admin()?;
    let ids = ids.to_vec();
    let deleted = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let mut deleted = Vec::new();
                for id in ids {
                    let Some(r) = repo::mail_log(c, id).await? else {
                        continue;
                    };
                    if repo::delete_mail_log(c, id).await? {
                        deleted.push(id);
                    }
                    if let Some(sha) = r.raw_sha256 {
                        crate::attachments::forget_in(c, &sha).await?;
                    }
                }
                Ok(deleted)
            })
        })
        .await?;
    tracing::info!(entries = ?deleted, "mail-log entries deleted");
    Ok(deleted)
}

/// What a retry came to.
#[derive(Debug, Clone)]
pub struct Retried {
    /// The new outcome, as `POST /inbound/email` would answer it.
    pub outcome: IngestOutcome,
    /// The entry, with the retry recorded.
    pub entry: MailLogItem,
}

/// Runs the entry's raw message through the ingest pipeline again, for its
/// inbox, without the per-sender rate limit; records the outcome on the
/// entry. Admins only; 409 when the message is already in a conversation.
pub async fn retry(st: &AppState, viewer: &Viewer, id: i64) -> Result<Retried> {
    let r = row(st, viewer, id).await?;
    if let Some(conversation) = r.retry_conversation_id {
        return Err(Error::conflict(
            "already_retried",
            format!(
                "this message was already retried and is in conversation {conversation}; open that conversation instead"
            ),
            json!({"conversation_id": conversation}),
        ));
    }
    let Some(inbox_id) = r.inbox_id else {
        return Err(Error::conflict(
            "no_inbox",
            "this message was not received for an inbox, so it cannot be retried",
            json!({}),
        ));
    };
    let Some(sha) = r.raw_sha256 else {
        return Err(Error::conflict(
            "no_raw_message",
            "the raw message was not kept, so it cannot be retried",
            json!({}),
        ));
    };
    let bytes = crate::attachments::load(st, &sha).await?;
    let outcome = ingest::ingest(st, inbox_id, &bytes, Source::Retry).await?;
    let held = matches!(outcome.outcome, Outcome::Quarantined | Outcome::Ignored);
    let (name, conversation_id, reason) = (
        outcome.outcome.as_str(),
        outcome.conversation_id,
        held.then(|| outcome.reason.clone()).flatten(),
    );
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                repo::record_retry(c, id, name, conversation_id, reason.as_deref(), now).await
            })
        })
        .await?;
    tracing::info!(entry = id, outcome = name, "mail-log entry retried");
    let entry = get(st, viewer, id).await?;
    Ok(Retried { outcome, entry })
}
