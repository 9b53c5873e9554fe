//! The only SQL of the email channel: the outbox, the mail log and the IMAP
//! polling position.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::vocab::{DeliveryStatus, MailKind};

/// A row of the outbox.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    /// Id.
    pub id: i64,
    /// The conversation message this mail carries, if any.
    pub message_id: Option<i64>,
    /// Envelope sender.
    pub mail_from: String,
    /// Envelope recipients, JSON array.
    pub rcpt: String,
    /// The composed message in the attachment store.
    pub raw_sha256: String,
    /// Attempts so far.
    pub attempts: i64,
    /// When it may next be tried.
    pub next_attempt_at: i64,
}

/// What to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewOutbound {
    pub message_id: Option<i64>,
    pub conversation_id: Option<i64>,
    pub inbox_id: Option<i64>,
    pub kind: MailKind,
    pub mail_from: String,
    pub rcpt: Vec<String>,
    pub raw_sha256: String,
    pub smtp_message_id: String,
    /// Why the mail is held instead of sent (`None`: it goes out).
    pub held_reason: Option<String>,
}

/// Held mail is never due: it waits at the end of time until released.
const NEVER: i64 = i64::MAX;

pub async fn insert_outbox(c: &mut AnyConnection, o: &NewOutbound, now: i64) -> Result<i64> {
    let next = if o.held_reason.is_some() { NEVER } else { now };
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (message_id, conversation_id, kind, mail_from, rcpt, raw_sha256, smtp_message_id, \
         status, attempts, next_attempt_at, created_at, inbox_id, held_reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $9, $10, $11) RETURNING id",
    )
    .bind(o.message_id)
    .bind(o.conversation_id)
    .bind(o.kind.as_str())
    .bind(&o.mail_from)
    .bind(serde_json::to_string(&o.rcpt).unwrap_or_else(|_| "[]".into()))
    .bind(&o.raw_sha256)
    .bind(&o.smtp_message_id)
    .bind(next)
    .bind(now)
    .bind(o.inbox_id)
    .bind(o.held_reason.as_deref())
    .fetch_one(c)
    .await?)
}

/// Automatic mail of `inbox_id` queued since `since` and not held (what
/// the hourly cap counts).
pub async fn automatic_since(c: &mut AnyConnection, inbox_id: i64, since: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE inbox_id = $1 AND created_at > $2 \
         AND kind <> 'reply' AND held_reason IS NULL AND kind <> 'side'",
    )
    .bind(inbox_id)
    .bind(since)
    .fetch_one(c)
    .await?)
}

/// An outbox row as admins see it (`GET /outbox`).
#[derive(Debug, Clone, FromRow)]
pub struct OutboxListRow {
    pub id: i64,
    pub message_id: Option<i64>,
    pub conversation_id: Option<i64>,
    pub inbox_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub kind: MailKind,
    pub rcpt: String,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub held_reason: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const OUTBOX_LIST_COLUMNS: &str = "id, message_id, conversation_id, inbox_id, kind, rcpt, status, attempts, \
     last_error, held_reason, created_at, sent_at";

/// Outbox rows newest first, below `before` (an id), one more than `limit`
/// when more follow; `status` `held` keeps held mail, `queued`, `sent` or
/// `failed` the mail in that state that is not held.
pub async fn list_outbox(
    c: &mut AnyConnection,
    status: Option<DeliveryStatus>,
    inbox_id: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<OutboxListRow>> {
    let mut sql = crate::db::Sql::new(&format!(
        "SELECT {OUTBOX_LIST_COLUMNS} FROM outbox WHERE 1=1"
    ));
    match status {
        Some(DeliveryStatus::Held) => {
            sql.push(" AND held_reason IS NOT NULL");
        }
        Some(s) => {
            sql.push(" AND held_reason IS NULL AND status = ")
                .bind(s.as_str());
        }
        None => {}
    }
    if let Some(i) = inbox_id {
        sql.push(" AND inbox_id = ").bind(i);
    }
    if let Some(b) = before {
        sql.push(" AND id < ").bind(b);
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(limit + 1);
    Ok(sql.query_as::<OutboxListRow>().fetch_all(c).await?)
}

/// One outbox row as admins see it.
pub async fn outbox_row(c: &mut AnyConnection, id: i64) -> Result<Option<OutboxListRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {OUTBOX_LIST_COLUMNS} FROM outbox WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// Releases held mail: due now. False when it was not held.
pub async fn release(c: &mut AnyConnection, id: i64, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE outbox SET held_reason = NULL, next_attempt_at = $1 \
         WHERE id = $2 AND held_reason IS NOT NULL AND status = 'queued'",
    )
    .bind(now)
    .bind(id)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn due(c: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    let ready = crate::jobs::service::ready_sql(crate::jobs::Job::Outbox, "outbox.id", now);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, message_id, mail_from, rcpt, raw_sha256, attempts, \
         next_attempt_at FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 AND held_reason IS NULL \
         AND {ready} ORDER BY next_attempt_at, id LIMIT $2"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Takes a row for `lease_until`; false when another worker took it first.
pub async fn claim(
    c: &mut AnyConnection,
    id: i64,
    seen_next: i64,
    lease_until: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND status = 'queued' AND next_attempt_at = $3 \
         AND held_reason IS NULL",
    )
    .bind(lease_until)
    .bind(id)
    .bind(seen_next)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn mark_sent(c: &mut AnyConnection, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn mark_retry(c: &mut AnyConnection, id: i64, next: i64, error: &str) -> Result<()> {
    sqlx::query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3")
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn mark_failed(c: &mut AnyConnection, id: i64, error: &str) -> Result<()> {
    sqlx::query("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2")
        .bind(error)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// The outbox row that sent `smtp_message_id` (to match a bounce).
pub async fn outbox_by_smtp_id(
    c: &mut AnyConnection,
    smtp_message_id: &str,
) -> Result<Option<OutboxRow>> {
    Ok(sqlx::query_as(
        "SELECT id, message_id, mail_from, rcpt, raw_sha256, attempts, \
         next_attempt_at FROM outbox WHERE smtp_message_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(smtp_message_id)
    .fetch_optional(c)
    .await?)
}

/// A mail that did not become a message.
#[derive(Debug, Clone)]
pub struct MailLogEntry<'a> {
    pub inbox_id: Option<i64>,
    pub outcome: &'a str,
    pub reason: &'a str,
    pub message_id: Option<&'a str>,
    pub sender: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub raw_sha256: Option<&'a str>,
    pub size: i64,
}

pub async fn insert_mail_log(c: &mut AnyConnection, e: &MailLogEntry<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO mail_log (inbox_id, outcome, reason, message_id, sender, subject, raw_sha256, size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(e.inbox_id)
    .bind(e.outcome)
    .bind(e.reason)
    .bind(e.message_id)
    .bind(e.sender)
    .bind(e.subject)
    .bind(e.raw_sha256)
    .bind(e.size)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Whether the mail log holds machine mail from `sender` that was ignored
/// (reason: a `tend_mail::MachineKind` code).
pub async fn ignored_machine_mail_from(c: &mut AnyConnection, sender: &str) -> Result<bool> {
    let mut sql = crate::db::Sql::new("SELECT COUNT(*) FROM mail_log WHERE sender = ");
    sql.bind(sender)
        .push(" AND outcome = 'ignored' AND reason IN ")
        .bind_list(tend_mail::MachineKind::ALL.map(tend_mail::MachineKind::code));
    let (n,): (i64,) = sql.query_as().fetch_one(c).await?;
    Ok(n > 0)
}

pub async fn imap_state(c: &mut AnyConnection, inbox_id: i64) -> Result<Option<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT uidvalidity, last_uid FROM imap_state WHERE inbox_id = $1")
            .bind(inbox_id)
            .fetch_optional(c)
            .await?,
    )
}

pub async fn save_imap_state(
    c: &mut AnyConnection,
    inbox_id: i64,
    uidvalidity: i64,
    last_uid: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO imap_state (inbox_id, uidvalidity, last_uid, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (inbox_id) DO UPDATE SET uidvalidity = $2, last_uid = $3, updated_at = $4",
    )
    .bind(inbox_id)
    .bind(uidvalidity)
    .bind(last_uid)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// A row of the mail log as admins see it (`GET /mail-log`).
#[derive(Debug, Clone, FromRow)]
pub struct MailLogRow {
    pub id: i64,
    pub inbox_id: Option<i64>,
    pub outcome: String,
    pub reason: String,
    pub message_id: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub raw_sha256: Option<String>,
    pub size: i64,
    pub created_at: i64,
    pub retried_at: Option<i64>,
    pub retry_outcome: Option<String>,
    pub retry_conversation_id: Option<i64>,
}

const MAIL_LOG_COLUMNS: &str = "id, inbox_id, outcome, reason, message_id, sender, subject, raw_sha256, size, \
     created_at, retried_at, retry_outcome, retry_conversation_id";

/// Mail-log rows newest first, below `before` (an id), one more than
/// `limit` when more follow.
pub async fn list_mail_log(
    c: &mut AnyConnection,
    outcome: Option<&str>,
    inbox_id: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<MailLogRow>> {
    let mut sql = crate::db::Sql::new(&format!(
        "SELECT {MAIL_LOG_COLUMNS} FROM mail_log WHERE 1=1"
    ));
    if let Some(o) = outcome {
        sql.push(" AND outcome = ").bind(o.to_string());
    }
    if let Some(i) = inbox_id {
        sql.push(" AND inbox_id = ").bind(i);
    }
    if let Some(b) = before {
        sql.push(" AND id < ").bind(b);
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(limit + 1);
    Ok(sql.query_as::<MailLogRow>().fetch_all(c).await?)
}

/// One mail-log row.
pub async fn mail_log(c: &mut AnyConnection, id: i64) -> Result<Option<MailLogRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MAIL_LOG_COLUMNS} FROM mail_log WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// Deletes a mail-log row; true when there was one.
pub async fn delete_mail_log(c: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM mail_log WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// What an admin's retry of a mail-log row came to. A retry that is held
/// again (`reason` given) replaces the row's reason with the current one.
pub async fn record_retry(
    c: &mut AnyConnection,
    id: i64,
    outcome: &str,
    conversation_id: Option<i64>,
    reason: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE mail_log SET retried_at = $1, retry_outcome = $2, retry_conversation_id = $3, \
         reason = COALESCE($4, reason) WHERE id = $5",
    )
    .bind(now)
    .bind(outcome)
    .bind(conversation_id)
    .bind(reason)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

/// Holds the queued reply mail of conversation message `message_id` until
/// `until` (undo send); false when there is none to hold.
pub async fn hold_reply(c: &mut AnyConnection, message_id: i64, until: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1, hold_until = $1 WHERE message_id = $2 \
         AND status = 'queued' AND attempts = 0 AND held_reason IS NULL",
    )
    .bind(until)
    .bind(message_id)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Takes back the held reply mail of `message_id` before it is due: the
/// row goes only while the sender has not claimed it (a claim moves
/// `next_attempt_at` off `hold_until`). False: too late, it goes or went.
pub async fn take_back_reply(c: &mut AnyConnection, message_id: i64, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "DELETE FROM outbox WHERE message_id = $1 AND status = 'queued' AND attempts = 0 \
         AND hold_until IS NOT NULL AND next_attempt_at = hold_until AND hold_until > $2",
    )
    .bind(message_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}
