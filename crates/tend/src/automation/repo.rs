//! The automation tables: the only SQL of automation.

use sqlx::{AnyConnection, FromRow};

use super::model::{After, Automation, Conditions, Since, Trigger, When};
use crate::db::changes::AUTOMATIONS;
use crate::time::rfc3339;
use crate::{Error, Result};

#[derive(Debug, FromRow)]
struct Row {
    id: i64,
    name: String,
    active: i64,
    position: i64,
    on_event: Option<String>,
    after_minutes: Option<i64>,
    since: Option<String>,
    calendar_id: Option<i64>,
    conditions: String,
    actions: String,
    trace: i64,
    created_at: i64,
    updated_at: i64,
}

impl Row {
    fn into_rule(self) -> Result<Automation> {
        let broken = |what: &str, e: String| {
            Error::Internal(anyhow::anyhow!(
                "automation {}: its stored {what} does not read ({e})",
                self.id
            ))
        };
        let when = match (&self.on_event, self.after_minutes, &self.since) {
            (Some(e), _, _) => When::Event {
                event: Trigger::from_db(e).map_err(|e| broken("event", e.to_string()))?,
            },
            (None, Some(minutes), Some(s)) => When::After {
                after: After {
                    minutes,
                    since: Since::from_db(s).map_err(|e| broken("moment", e.to_string()))?,
                    calendar_id: self.calendar_id,
                },
            },
            _ => return Err(broken("when", "neither an event nor a delay".into())),
        };
        let conditions: Conditions = serde_json::from_str(&self.conditions)
            .map_err(|e| broken("conditions", e.to_string()))?;
        let actions =
            serde_json::from_str(&self.actions).map_err(|e| broken("actions", e.to_string()))?;
        Ok(Automation {
            id: self.id,
            name: self.name,
            active: self.active != 0,
            position: self.position,
            when,
            conditions,
            actions,
            trace: self.trace != 0,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        })
    }
}

const COLUMNS: &str = "SELECT id, name, active, position, on_event, after_minutes, since, calendar_id, \
     conditions, actions, trace, created_at, updated_at FROM automations";

/// The columns a rule write sets.
pub(super) struct Write {
    pub name: String,
    pub active: bool,
    pub position: i64,
    pub when: When,
    pub conditions: String,
    pub actions: String,
    pub trace: bool,
}

impl Write {
    fn parts(
        &self,
    ) -> (
        Option<&'static str>,
        Option<i64>,
        Option<&'static str>,
        Option<i64>,
    ) {
        match self.when {
            When::Event { event } => (Some(event.as_str()), None, None, None),
            When::After { after } => (
                None,
                Some(after.minutes),
                Some(after.since.as_str()),
                after.calendar_id,
            ),
        }
    }
}

pub(super) async fn insert(c: &mut AnyConnection, w: &Write, now: i64) -> Result<i64> {
    AUTOMATIONS.mark();
    let (event, minutes, since, calendar) = w.parts();
    Ok(sqlx::query_scalar(
        "INSERT INTO automations (name, active, position, on_event, after_minutes, since, calendar_id, \
         conditions, actions, trace, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(&w.name)
    .bind(i64::from(w.active))
    .bind(w.position)
    .bind(event)
    .bind(minutes)
    .bind(since)
    .bind(calendar)
    .bind(&w.conditions)
    .bind(&w.actions)
    .bind(i64::from(w.trace))
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Replaces a rule; false when there is none.
pub(super) async fn update(c: &mut AnyConnection, id: i64, w: &Write, now: i64) -> Result<bool> {
    AUTOMATIONS.mark();
    let (event, minutes, since, calendar) = w.parts();
    let n = sqlx::query(
        "UPDATE automations SET name = $1, active = $2, position = $3, on_event = $4, after_minutes = $5, \
         since = $6, calendar_id = $7, conditions = $8, actions = $9, trace = $10, updated_at = $11 \
         WHERE id = $12",
    )
    .bind(&w.name)
    .bind(i64::from(w.active))
    .bind(w.position)
    .bind(event)
    .bind(minutes)
    .bind(since)
    .bind(calendar)
    .bind(&w.conditions)
    .bind(&w.actions)
    .bind(i64::from(w.trace))
    .bind(now)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Sets one rule's position (a reorder; nothing else of it changes, so its
/// timers stay as they are); false when there is none.
pub(super) async fn set_position(
    c: &mut AnyConnection,
    id: i64,
    position: i64,
    now: i64,
) -> Result<bool> {
    AUTOMATIONS.mark();
    let n = sqlx::query("UPDATE automations SET position = $1, updated_at = $2 WHERE id = $3")
        .bind(position)
        .bind(now)
        .bind(id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Removes a rule with its timers and traces; false when there is none.
pub(super) async fn delete(c: &mut AnyConnection, id: i64) -> Result<bool> {
    AUTOMATIONS.mark();
    for sql in [
        "DELETE FROM automation_timers WHERE automation_id = $1",
        "DELETE FROM automation_traces WHERE automation_id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *c).await?;
    }
    let n = sqlx::query("DELETE FROM automations WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub(super) async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<Automation>> {
    sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_optional(c)
        .await?
        .map(Row::into_rule)
        .transpose()
}

/// Every rule (`active_only`: the running ones), in the order they run.
pub(super) async fn list(c: &mut AnyConnection, active_only: bool) -> Result<Vec<Automation>> {
    let filter = if active_only { " WHERE active = 1" } else { "" };
    sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "{COLUMNS}{filter} ORDER BY position, id"
    )))
    .fetch_all(c)
    .await?
    .into_iter()
    .map(Row::into_rule)
    .collect()
}

/// Sets (or moves) the time rule `rule`'s timer on a conversation, unless
/// it has fired for this moment (or a later one) already.
pub(super) async fn set_timer(
    c: &mut AnyConnection,
    rule: i64,
    conversation_id: i64,
    moment: i64,
    due_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO automation_timers (automation_id, conversation_id, moment, due_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (automation_id, conversation_id) \
         DO UPDATE SET moment = excluded.moment, due_at = excluded.due_at \
         WHERE automation_timers.fired_moment IS NULL OR automation_timers.fired_moment < excluded.moment",
    )
    .bind(rule)
    .bind(conversation_id)
    .bind(moment)
    .bind(due_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Drops a time rule's pending timers (it was disabled or changed); what
/// it fired is kept.
pub(super) async fn clear_timers(c: &mut AnyConnection, rule: i64) -> Result<()> {
    sqlx::query("DELETE FROM automation_timers WHERE automation_id = $1 AND due_at IS NOT NULL")
        .bind(rule)
        .execute(c)
        .await?;
    Ok(())
}

/// A timer that is due.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Due {
    /// The rule.
    pub automation_id: i64,
    /// The conversation.
    pub conversation_id: i64,
    /// The moment it counts from.
    pub moment: i64,
    /// When it is due.
    pub due_at: i64,
}

/// The timers due at `now`, earliest first (not those of a conversation
/// whose firing failed and waits out its backoff).
pub(super) async fn due(c: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<Due>> {
    let ready = crate::jobs::service::ready_sql(
        crate::jobs::Job::AutomationTimer,
        "t.conversation_id",
        now,
    );
    Ok(sqlx::query_as::<_, Due>(sqlx::AssertSqlSafe(format!(
        "SELECT t.automation_id, t.conversation_id, t.moment, t.due_at FROM automation_timers t \
         WHERE t.due_at <= $1 AND {ready} ORDER BY t.due_at LIMIT $2"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The earliest timer, if any.
pub(super) async fn next_due(c: &mut AnyConnection) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT MIN(due_at) FROM automation_timers")
            .fetch_one(c)
            .await?,
    )
}

/// Takes a due timer as it was read: true when this caller took it (so it
/// fires once, whoever else looks).
pub(super) async fn take(c: &mut AnyConnection, d: &Due) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE automation_timers SET due_at = NULL, fired_moment = moment \
         WHERE automation_id = $1 AND conversation_id = $2 AND moment = $3 AND due_at IS NOT NULL",
    )
    .bind(d.automation_id)
    .bind(d.conversation_id)
    .bind(d.moment)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Records an evaluation that did not fire.
pub(super) async fn insert_trace(
    c: &mut AnyConnection,
    conversation_id: i64,
    rule: i64,
    cause: &str,
    detail: &serde_json::Value,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO automation_traces (conversation_id, automation_id, cause, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(conversation_id)
    .bind(rule)
    .bind(cause)
    .bind(detail.to_string())
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// A recorded evaluation.
#[derive(Debug, Clone, FromRow)]
pub struct TraceRow {
    /// The rule.
    pub automation_id: i64,
    /// The event or moment.
    pub cause: String,
    /// JSON.
    pub detail: String,
    /// When.
    pub created_at: i64,
}

/// A conversation's recorded evaluations, newest first.
pub(super) async fn traces(
    c: &mut AnyConnection,
    conversation_id: i64,
    limit: i64,
) -> Result<Vec<TraceRow>> {
    Ok(sqlx::query_as::<_, TraceRow>(
        "SELECT automation_id, cause, detail, created_at FROM automation_traces \
         WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(conversation_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Queues an automatic reply to the customer message `message_id`; false
/// when that message already has one.
pub(super) async fn queue_reply(
    c: &mut AnyConnection,
    conversation_id: i64,
    rule: i64,
    message_id: i64,
    template: &str,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO automation_replies (conversation_id, automation_id, message_id, template, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(conversation_id)
    .bind(rule)
    .bind(message_id)
    .bind(template)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// An automatic reply waiting to be sent.
#[derive(Debug, Clone, FromRow)]
pub struct ReplyRow {
    /// Id.
    pub id: i64,
    /// The conversation.
    pub conversation_id: i64,
    /// The rule.
    pub automation_id: i64,
    /// JSON template.
    pub template: String,
}

pub(super) async fn unsent_replies(
    c: &mut AnyConnection,
    now: i64,
    limit: i64,
) -> Result<Vec<ReplyRow>> {
    let ready = crate::jobs::service::ready_sql(crate::jobs::Job::AutomationReply, "r.id", now);
    Ok(sqlx::query_as::<_, ReplyRow>(sqlx::AssertSqlSafe(format!(
        "SELECT r.id, r.conversation_id, r.automation_id, r.template FROM automation_replies r \
         WHERE r.sent_at IS NULL AND r.skipped IS NULL AND {ready} ORDER BY r.id LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Marks a reply sent (`skipped`: `None`) or skipped with a reason; false
/// when another runner already did.
pub(super) async fn finish_reply(
    c: &mut AnyConnection,
    id: i64,
    skipped: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE automation_replies SET sent_at = $1, skipped = $2 \
         WHERE id = $3 AND sent_at IS NULL AND skipped IS NULL",
    )
    .bind(skipped.map_or(Some(now), |_| None))
    .bind(skipped)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}
