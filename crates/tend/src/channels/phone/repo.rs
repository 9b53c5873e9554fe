//! The only SQL of calls (`calls`, `call_events`).

use sqlx::{AnyConnection, FromRow};

use super::model::{Call, CallDirection, CallState};
use crate::Result;
use crate::time::rfc3339_opt;

/// A call's row.
#[derive(Debug, Clone, FromRow)]
pub(super) struct CallRow {
    pub id: i64,
    pub call_id: String,
    pub direction: String,
    pub from_typed: String,
    pub from_e164: Option<String>,
    pub to_typed: String,
    pub to_e164: Option<String>,
    pub state: String,
    pub missed: i64,
    pub inbox_id: i64,
    pub customer_id: i64,
    pub conversation_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub started_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
}

impl CallRow {
    pub(super) fn direction(&self) -> CallDirection {
        CallDirection::from_db(&self.direction)
    }

    pub(super) fn state(&self) -> CallState {
        CallState::from_db(&self.state)
    }

    pub(super) fn into_call(self, duplicate: bool) -> Call {
        Call {
            id: self.id,
            direction: self.direction(),
            state: self.state(),
            call_id: self.call_id,
            from: self.from_typed,
            from_e164: self.from_e164,
            to: self.to_typed,
            to_e164: self.to_e164,
            missed: self.missed != 0,
            customer_id: self.customer_id,
            inbox_id: self.inbox_id,
            conversation_id: self.conversation_id,
            agent_id: self.agent_id,
            started_at: rfc3339_opt(self.started_at),
            answered_at: rfc3339_opt(self.answered_at),
            ended_at: rfc3339_opt(self.ended_at),
            duplicate,
        }
    }
}

const SELECT: &str = "SELECT id, call_id, direction, from_typed, from_e164, to_typed, to_e164, \
     state, missed, inbox_id, customer_id, conversation_id, agent_id, started_at, answered_at, \
     ended_at FROM calls";

/// The call the phone system calls `call_id`.
pub(super) async fn by_call_id(c: &mut AnyConnection, call_id: &str) -> Result<Option<CallRow>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE call_id = $1")))
            .bind(call_id)
            .fetch_optional(c)
            .await?,
    )
}

/// A call's first event: the call, ringing.
pub(super) struct NewCall<'a> {
    pub call_id: &'a str,
    pub direction: CallDirection,
    pub from: (&'a str, Option<&'a str>),
    pub to: (&'a str, Option<&'a str>),
    pub inbox_id: i64,
    pub customer_id: i64,
    pub now: i64,
}

/// Inserts a call unless the phone system's id is taken (answers whether
/// it was inserted).
pub(super) async fn insert(c: &mut AnyConnection, n: &NewCall<'_>) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO calls (call_id, direction, from_typed, from_e164, to_typed, to_e164, state, \
         missed, inbox_id, customer_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'new', 0, $7, $8, $9, $9) ON CONFLICT (call_id) DO NOTHING",
    )
    .bind(n.call_id)
    .bind(n.direction.as_str())
    .bind(n.from.0)
    .bind(n.from.1)
    .bind(n.to.0)
    .bind(n.to.1)
    .bind(n.inbox_id)
    .bind(n.customer_id)
    .bind(n.now)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that the call's `event` arrived; `false`: it had before.
pub(super) async fn note_event(
    c: &mut AnyConnection,
    id: i64,
    event: &str,
    at: i64,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO call_events (call_id, event, at, received_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (call_id, event) DO NOTHING",
    )
    .bind(id)
    .bind(event)
    .bind(at)
    .bind(now)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes a call's changing fields back.
pub(super) async fn update(c: &mut AnyConnection, r: &CallRow, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE calls SET state = $1, missed = $2, conversation_id = $3, agent_id = $4, \
         started_at = $5, answered_at = $6, ended_at = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&r.state)
    .bind(r.missed)
    .bind(r.conversation_id)
    .bind(r.agent_id)
    .bind(r.started_at)
    .bind(r.answered_at)
    .bind(r.ended_at)
    .bind(now)
    .bind(r.id)
    .execute(c)
    .await?;
    Ok(())
}

/// A customer's calls, newest first.
pub(super) async fn of_customer(
    c: &mut AnyConnection,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<CallRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE customer_id = $1 ORDER BY id DESC LIMIT $2"
    )))
    .bind(customer_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// A call by its id.
pub(super) async fn by_id(c: &mut AnyConnection, id: i64) -> Result<Option<CallRow>> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1")))
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

/// The newest calls (at most `limit`), newest first: the ringing ones are
/// among them (a call rings for minutes, not for thousands of calls).
pub(super) async fn newest(c: &mut AnyConnection, limit: i64) -> Result<Vec<CallRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} ORDER BY id DESC LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(c)
    .await?)
}
