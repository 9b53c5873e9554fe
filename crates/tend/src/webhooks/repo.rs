//! The only SQL of webhooks: `webhooks`, `webhook_kinds`, `webhook_cursor`
//! and `webhook_deliveries`.

use sqlx::{AnyConnection, FromRow};

use super::model::{Delivery, DeliveryState, Webhook};
use crate::Result;
use crate::db::Sql;
use crate::time::{rfc3339, rfc3339_opt};
use crate::vocab::EventKind;

/// A subscription as stored (its secret sealed).
#[derive(Debug, Clone, FromRow)]
pub(super) struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub created_at: i64,
}

impl WebhookRow {
    pub(super) fn into_webhook(self) -> Webhook {
        let events: Vec<String> = serde_json::from_str(&self.events).unwrap_or_default();
        Webhook {
            id: self.id,
            url: self.url,
            events: events
                .iter()
                .filter_map(|e| EventKind::from_db(e).ok())
                .collect(),
            created_at: rfc3339(self.created_at),
        }
    }
}

/// A new subscription: its row and its kinds. Answers its id.
pub(super) async fn insert_webhook(
    c: &mut AnyConnection,
    url: &str,
    events: &[EventKind],
    sealed_secret: &str,
    created_by: Option<i64>,
    now: i64,
) -> Result<i64> {
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhooks (url, events, secret, after_event_id, created_by, created_at) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(id), 0) FROM events), $4, $5) RETURNING id",
    )
    .bind(url)
    .bind(serde_json::json!(names).to_string())
    .bind(sealed_secret)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?;
    for k in names {
        sqlx::query("INSERT INTO webhook_kinds (kind, webhook_id) VALUES ($1, $2)")
            .bind(k)
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    Ok(id)
}

const WEBHOOK_COLUMNS: &str = "SELECT id, url, events, created_at FROM webhooks";

/// Subscriptions by id, after `after`.
pub(super) async fn list_webhooks(
    c: &mut AnyConnection,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<WebhookRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{WEBHOOK_COLUMNS} WHERE id > $1 ORDER BY id LIMIT $2"
    )))
    .bind(after.unwrap_or(0))
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub(super) async fn get_webhook(c: &mut AnyConnection, id: i64) -> Result<Option<WebhookRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{WEBHOOK_COLUMNS} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// Removes a subscription with its kinds and its deliveries (queued or
/// logged). Answers whether it existed.
pub(super) async fn delete_webhook(c: &mut AnyConnection, id: i64) -> Result<bool> {
    for sql in [
        "DELETE FROM webhook_deliveries WHERE webhook_id = $1",
        "DELETE FROM webhook_kinds WHERE webhook_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    let r = sqlx::query("DELETE FROM webhooks WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Whether any subscription exists.
/// The newest event's id (0: none), and whether any subscription exists:
/// what the follower asks at each pass, in one round trip.
pub(super) async fn head_and_any_webhook(c: &mut AnyConnection) -> Result<(i64, bool)> {
    let (id, any): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE((SELECT MAX(id) FROM events), 0), \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM webhooks) THEN 1 ELSE 0 END AS BIGINT)",
    )
    .fetch_one(c)
    .await?;
    Ok((id, any != 0))
}

/// The follower's stored cursor.
pub(super) async fn cursor(c: &mut AnyConnection) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT event_id FROM webhook_cursor WHERE id = 1")
        .fetch_optional(c)
        .await?;
    Ok(row.map_or(0, |(id,)| id))
}

/// Queues a delivery for every subscription that wants an event with id
/// in `(lo, hi]` made after it, once (a second pass over the same events
/// adds nothing), and moves the cursor to `hi`. Answers how many were
/// queued.
pub(super) async fn queue_range(c: &mut AnyConnection, lo: i64, hi: i64, now: i64) -> Result<u64> {
    let r = sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, stream, event_id, conversation_id, kind, data, \
         event_created_at, attempts, next_attempt_at, created_at) \
         SELECT w.id, 'w' || CAST(w.id AS TEXT), e.id, e.conversation_id, e.kind, e.data, e.created_at, 0, $3, $3 \
         FROM events e JOIN webhook_kinds k ON k.kind = e.kind JOIN webhooks w ON w.id = k.webhook_id \
         WHERE e.id > $1 AND e.id <= $2 AND e.id > w.after_event_id \
         ON CONFLICT (webhook_id, event_id) DO NOTHING",
    )
    .bind(lo)
    .bind(hi)
    .bind(now)
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE webhook_cursor SET event_id = $1 WHERE id = 1 AND event_id < $1")
        .bind(hi)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected())
}

/// A delivery without a subscription (an automation's webhook action).
pub(super) struct Adhoc<'a> {
    pub url: &'a str,
    pub secret: Option<&'a str>,
    pub event_id: i64,
    pub conversation_id: i64,
    pub kind: EventKind,
    pub data: String,
    pub event_created_at: i64,
}

pub(super) async fn insert_adhoc(c: &mut AnyConnection, d: &Adhoc<'_>, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, url, secret, stream, event_id, conversation_id, \
         kind, data, event_created_at, attempts, next_attempt_at, created_at) \
         VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9)",
    )
    .bind(d.url)
    .bind(d.secret)
    .bind(format!("u{}", d.url))
    .bind(d.event_id)
    .bind(d.conversation_id)
    .bind(d.kind.as_str())
    .bind(&d.data)
    .bind(d.event_created_at)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// A delivery the sender may attempt.
#[derive(Debug, Clone, FromRow)]
pub(super) struct DueRow {
    pub id: i64,
    pub url: String,
    /// Sealed, or plaintext as given by an automation; none: unsigned.
    pub secret: Option<String>,
    pub event_id: i64,
    pub conversation_id: i64,
    pub kind: String,
    pub data: String,
    pub event_created_at: i64,
    pub attempts: i64,
}

/// Due deliveries, earliest first, each the oldest undelivered one of its
/// stream and conversation (so a conversation's events go in order).
pub(super) async fn due(c: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<DueRow>> {
    Ok(sqlx::query_as(
        "SELECT d.id, COALESCE(d.url, w.url) AS url, COALESCE(d.secret, w.secret) AS secret, \
         d.event_id, d.conversation_id, d.kind, d.data, d.event_created_at, d.attempts \
         FROM webhook_deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.delivered_at IS NULL AND d.next_attempt_at <= $1 \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.delivered_at IS NULL \
           AND p.stream = d.stream AND p.conversation_id = d.conversation_id \
           AND (p.event_id < d.event_id OR (p.event_id = d.event_id AND p.id < d.id))) \
         ORDER BY d.next_attempt_at, d.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The delivery queue, as `db::claim` leases it.
pub(super) const QUEUE: crate::db::Queue = crate::db::Queue {
    table: "webhook_deliveries",
    done: "delivered_at",
    due_at: "next_attempt_at",
};

/// What an attempt came to.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub id: i64,
    pub status_code: Option<i64>,
    /// None: delivered.
    pub error: Option<String>,
    /// When to try again, unless delivered.
    pub retry_at: i64,
    pub at: i64,
}

/// Records attempts: delivered, or due again at their backoff. The
/// delivered ones take one statement per answer code (each statement on
/// SQLite costs the writer thread hand-offs); failures one each.
pub(super) async fn record(c: &mut AnyConnection, outcomes: &[Outcome]) -> Result<()> {
    let mut delivered: std::collections::BTreeMap<Option<i64>, (i64, Vec<i64>)> =
        std::collections::BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.error.is_none()) {
        let e = delivered.entry(o.status_code).or_insert((o.at, Vec::new()));
        e.0 = e.0.max(o.at);
        e.1.push(o.id);
    }
    for (code, (at, ids)) in delivered {
        let mut q = Sql::new(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = NULL, \
             next_attempt_at = NULL, last_status_code = ",
        );
        q.bind(code)
            .push(", delivered_at = ")
            .bind(at)
            .push(" WHERE delivered_at IS NULL AND id IN ")
            .bind_list(ids);
        q.query().execute(&mut *c).await?;
    }
    for o in outcomes.iter().filter(|o| o.error.is_some()) {
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $1, \
             last_error = $2, next_attempt_at = $3 WHERE id = $4 AND delivered_at IS NULL",
        )
        .bind(o.status_code)
        .bind(o.error.as_deref())
        .bind(o.retry_at)
        .bind(o.id)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// The earliest time a delivery that waits on no earlier one is due.
pub(super) async fn next_due(c: &mut AnyConnection) -> Result<Option<i64>> {
    let (at,): (Option<i64>,) = sqlx::query_as(
        "SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d WHERE d.delivered_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.delivered_at IS NULL \
           AND p.stream = d.stream AND p.conversation_id = d.conversation_id \
           AND (p.event_id < d.event_id OR (p.event_id = d.event_id AND p.id < d.id)))",
    )
    .fetch_one(c)
    .await?;
    Ok(at)
}

#[derive(Debug, Clone, FromRow)]
pub(super) struct DeliveryRow {
    pub id: i64,
    pub event_id: i64,
    pub kind: String,
    pub conversation_id: i64,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<i64>,
    pub delivered_at: Option<i64>,
}

impl DeliveryRow {
    pub(super) fn into_delivery(self) -> Result<Delivery> {
        Ok(Delivery {
            id: self.id,
            event_id: self.event_id,
            kind: EventKind::from_db(&self.kind).map_err(|e| anyhow::anyhow!(e))?,
            conversation_id: self.conversation_id,
            status: DeliveryState::of(self.attempts, self.delivered_at.is_some()),
            attempts: self.attempts,
            last_status_code: self.last_status_code,
            last_error: self.last_error,
            next_attempt_at: rfc3339_opt(self.next_attempt_at),
            delivered_at: rfc3339_opt(self.delivered_at),
        })
    }
}

const DELIVERY_COLUMNS: &str = "SELECT id, event_id, kind, conversation_id, attempts, \
     last_status_code, last_error, next_attempt_at, delivered_at FROM webhook_deliveries";

/// A subscription's deliveries, newest first, before `before`.
pub(super) async fn deliveries(
    c: &mut AnyConnection,
    webhook_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<DeliveryRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DELIVERY_COLUMNS} WHERE webhook_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    )))
    .bind(webhook_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(c)
    .await?)
}

pub(super) async fn delivery(
    c: &mut AnyConnection,
    webhook_id: i64,
    id: i64,
) -> Result<Option<DeliveryRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DELIVERY_COLUMNS} WHERE webhook_id = $1 AND id = $2"
    )))
    .bind(webhook_id)
    .bind(id)
    .fetch_optional(c)
    .await?)
}

/// The delivery an automation or a remedy kind queued for an event (not a
/// subscription's), if any.
pub(super) async fn adhoc_delivery(
    c: &mut AnyConnection,
    event_id: i64,
) -> Result<Option<DeliveryRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DELIVERY_COLUMNS} WHERE webhook_id IS NULL AND event_id = $1 ORDER BY id LIMIT 1"
    )))
    .bind(event_id)
    .fetch_optional(c)
    .await?)
}

/// Makes a delivery due now, delivered or not. Answers whether it exists.
pub(super) async fn redeliver(
    c: &mut AnyConnection,
    webhook_id: i64,
    id: i64,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE webhook_deliveries SET delivered_at = NULL, next_attempt_at = $1 \
         WHERE webhook_id = $2 AND id = $3",
    )
    .bind(now)
    .bind(webhook_id)
    .bind(id)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}
