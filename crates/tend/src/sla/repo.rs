//! The `sla_policies` and `sla_clocks` tables: the only SQL of service
//! levels, one file like every domain's repository.

use sqlx::{AnyConnection, FromRow};

use super::clock::Clock;
use super::model::{BreachAction, Metric, Outcome, Policy, PolicyMatch, Targets};
use crate::db::changes::SERVICE_LEVELS;
use crate::time::rfc3339;
use crate::vocab::Status;
use crate::{Error, Result};

#[derive(Debug, FromRow)]
struct PolicyRow {
    id: i64,
    name: String,
    position: i64,
    business_hours: i64,
    calendar_id: Option<i64>,
    match_rules: String,
    first_response: Option<i64>,
    next_response: Option<i64>,
    resolution: Option<i64>,
    pause_on: String,
    warn_percent: i64,
    on_breach: String,
    notify_team_id: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl PolicyRow {
    fn into_policy(self) -> Result<Policy> {
        let broken = |what: &str, e: String| {
            Error::Internal(anyhow::anyhow!(
                "service-level policy {}: its stored {what} does not read ({e})",
                self.id
            ))
        };
        let matches: PolicyMatch =
            serde_json::from_str(&self.match_rules).map_err(|e| broken("match", e.to_string()))?;
        let pause_on: Vec<Status> =
            serde_json::from_str(&self.pause_on).map_err(|e| broken("pause_on", e.to_string()))?;
        let on_breach = match self.on_breach.as_str() {
            "" => None,
            s => Some(BreachAction::from_db(s).map_err(|e| broken("on_breach", e.to_string()))?),
        };
        Ok(Policy {
            id: self.id,
            name: self.name,
            position: self.position,
            business_hours: self.business_hours != 0,
            calendar_id: self.calendar_id,
            matches,
            targets: Targets {
                first_response: self.first_response,
                next_response: self.next_response,
                resolution: self.resolution,
            },
            pause_on,
            warn_percent: self.warn_percent,
            on_breach,
            notify_team_id: self.notify_team_id,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        })
    }
}

const POLICY_COLUMNS: &str = "SELECT id, name, position, business_hours, calendar_id, match_rules, \
     first_response, next_response, resolution, pause_on, warn_percent, on_breach, \
     notify_team_id, created_at, updated_at FROM sla_policies";

/// The columns a policy write sets.
pub(super) struct PolicyWrite {
    pub name: String,
    pub position: i64,
    pub business_hours: bool,
    pub calendar_id: Option<i64>,
    pub match_rules: String,
    pub targets: Targets,
    pub pause_on: String,
    pub warn_percent: i64,
    pub on_breach: Option<BreachAction>,
    pub notify_team_id: Option<i64>,
}

pub(super) async fn insert_policy(c: &mut AnyConnection, w: &PolicyWrite, now: i64) -> Result<i64> {
    SERVICE_LEVELS.mark();
    Ok(sqlx::query_scalar(
        "INSERT INTO sla_policies (name, position, business_hours, calendar_id, match_rules, \
         first_response, next_response, resolution, pause_on, warn_percent, on_breach, \
         notify_team_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(&w.name)
    .bind(w.position)
    .bind(i64::from(w.business_hours))
    .bind(w.calendar_id)
    .bind(&w.match_rules)
    .bind(w.targets.first_response)
    .bind(w.targets.next_response)
    .bind(w.targets.resolution)
    .bind(&w.pause_on)
    .bind(w.warn_percent)
    .bind(w.on_breach.map_or("", BreachAction::as_str))
    .bind(w.notify_team_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Replaces a policy; false when there is none.
pub(super) async fn update_policy(
    c: &mut AnyConnection,
    id: i64,
    w: &PolicyWrite,
    now: i64,
) -> Result<bool> {
    SERVICE_LEVELS.mark();
    let n = sqlx::query(
        "UPDATE sla_policies SET name = $1, position = $2, business_hours = $3, calendar_id = $4, \
         match_rules = $5, first_response = $6, next_response = $7, resolution = $8, \
         pause_on = $9, warn_percent = $10, on_breach = $11, notify_team_id = $12, \
         updated_at = $13 WHERE id = $14",
    )
    .bind(&w.name)
    .bind(w.position)
    .bind(i64::from(w.business_hours))
    .bind(w.calendar_id)
    .bind(&w.match_rules)
    .bind(w.targets.first_response)
    .bind(w.targets.next_response)
    .bind(w.targets.resolution)
    .bind(&w.pause_on)
    .bind(w.warn_percent)
    .bind(w.on_breach.map_or("", BreachAction::as_str))
    .bind(w.notify_team_id)
    .bind(now)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Removes a policy (its clocks keep their history); false when there is none.
pub(super) async fn delete_policy(c: &mut AnyConnection, id: i64) -> Result<bool> {
    SERVICE_LEVELS.mark();
    sqlx::query(
        "UPDATE sla_clocks SET policy_id = NULL WHERE policy_id = $1 AND stopped_at IS NOT NULL",
    )
    .bind(id)
    .execute(&mut *c)
    .await?;
    let n = sqlx::query("DELETE FROM sla_policies WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub(super) async fn policy(c: &mut AnyConnection, id: i64) -> Result<Option<Policy>> {
    let row: Option<PolicyRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{POLICY_COLUMNS} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await?;
    row.map(PolicyRow::into_policy).transpose()
}

/// Every policy, in the order they are tried.
pub(super) async fn policies(c: &mut AnyConnection) -> Result<Vec<Policy>> {
    let rows: Vec<PolicyRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{POLICY_COLUMNS} ORDER BY position, id"
    )))
    .fetch_all(c)
    .await?;
    rows.into_iter().map(PolicyRow::into_policy).collect()
}

/// Whether a calendar is used by a policy.
pub async fn calendar_used_in(c: &mut AnyConnection, calendar_id: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sla_policies WHERE calendar_id = $1")
        .bind(calendar_id)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

#[derive(Debug, FromRow)]
struct ClockRow {
    id: i64,
    conversation_id: i64,
    metric: String,
    round: i64,
    policy_id: Option<i64>,
    target_minutes: i64,
    calendar_id: Option<i64>,
    warn_percent: i64,
    started_at: i64,
    consumed_ms: i64,
    running_since: Option<i64>,
    due_at: Option<i64>,
    warn_at: Option<i64>,
    warned_at: Option<i64>,
    breached_at: Option<i64>,
    fire_at: Option<i64>,
    pauses: String,
    stopped_at: Option<i64>,
    outcome: Option<String>,
}

impl ClockRow {
    fn into_clock(self) -> Result<(i64, Clock)> {
        let pauses: Vec<(i64, Option<i64>)> = serde_json::from_str(&self.pauses)
            .map_err(|e| Error::Internal(anyhow::anyhow!("clock {}: pauses: {e}", self.id)))?;
        Ok((
            self.conversation_id,
            Clock {
                id: Some(self.id),
                metric: Metric::from_db(&self.metric)?,
                round: self.round,
                policy_id: self.policy_id,
                target_minutes: self.target_minutes,
                calendar_id: self.calendar_id,
                warn_percent: self.warn_percent,
                started_at: self.started_at,
                consumed_ms: self.consumed_ms,
                running_since: self.running_since,
                due_at: self.due_at,
                warn_at: self.warn_at,
                warned_at: self.warned_at,
                breached_at: self.breached_at,
                fire_at: self.fire_at,
                pauses,
                stopped_at: self.stopped_at,
                outcome: self.outcome.as_deref().map(Outcome::from_db).transpose()?,
            },
        ))
    }
}

const CLOCK_COLUMNS: &str = "SELECT id, conversation_id, metric, round, policy_id, target_minutes, \
     calendar_id, warn_percent, started_at, consumed_ms, running_since, due_at, warn_at, \
     warned_at, breached_at, fire_at, pauses, stopped_at, outcome FROM sla_clocks";

async fn clocks_where(c: &mut AnyConnection, filter: &str, bind: i64) -> Result<Vec<(i64, Clock)>> {
    let rows: Vec<ClockRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CLOCK_COLUMNS} WHERE {filter}"
    )))
    .bind(bind)
    .fetch_all(c)
    .await?;
    rows.into_iter().map(ClockRow::into_clock).collect()
}

/// A conversation's open clocks, and the latest clock of each metric
/// (whose round the next one follows).
pub(super) async fn open_and_latest(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Vec<Clock>> {
    Ok(clocks_where(
        c,
        "conversation_id = $1 AND (stopped_at IS NULL OR id IN \
         (SELECT MAX(id) FROM sla_clocks WHERE conversation_id = $1 GROUP BY metric)) ORDER BY id",
        conversation_id,
    )
    .await?
    .into_iter()
    .map(|(_, c)| c)
    .collect())
}

/// Every clock of a conversation, oldest first (its history).
pub(super) async fn all_clocks(c: &mut AnyConnection, conversation_id: i64) -> Result<Vec<Clock>> {
    Ok(
        clocks_where(c, "conversation_id = $1 ORDER BY id", conversation_id)
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect(),
    )
}

/// Open clocks of many conversations (for lists).
pub(super) async fn open_clocks_of(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, Clock)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows: Vec<ClockRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CLOCK_COLUMNS} WHERE conversation_id IN ({list}) AND stopped_at IS NULL ORDER BY id"
    )))
    .fetch_all(c)
    .await?;
    rows.into_iter().map(ClockRow::into_clock).collect()
}

/// Open clocks that ran on a calendar or under a policy (to recount after
/// an edit), after clock `after`, at most `limit`.
pub(super) async fn open_clocks_using(
    c: &mut AnyConnection,
    column: Using,
    id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Clock)>> {
    let filter = match column {
        Using::Calendar => "calendar_id = $1",
        Using::Policy => "policy_id = $1",
        Using::Inbox => "conversation_id IN (SELECT id FROM conversations WHERE inbox_id = $1)",
    };
    let rows: Vec<ClockRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CLOCK_COLUMNS} WHERE {filter} AND stopped_at IS NULL AND id > $2 ORDER BY id LIMIT $3"
    )))
    .bind(id)
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.into_iter().map(ClockRow::into_clock).collect()
}

/// Which open clocks an edit recounts.
#[derive(Debug, Clone, Copy)]
pub enum Using {
    /// Those counting on a calendar.
    Calendar,
    /// Those a policy set.
    Policy,
    /// Those of an inbox's conversations (its calendar changed).
    Inbox,
}

fn pauses_json(k: &Clock) -> String {
    serde_json::to_string(&k.pauses).unwrap_or_else(|_| "[]".into())
}

/// Parameters per clock in [`insert_clocks_sql`].
pub const CLOCK_PARAMS: usize = 17;

/// SQL inserting `n` new clocks of the conversation bound as
/// `$conversation`, their columns bound from `$first` on by
/// [`bind_clocks`] (so a caller may append it to a statement of its own).
pub fn insert_clocks_sql(conversation: usize, first: usize, n: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO sla_clocks (conversation_id, metric, round, policy_id, target_minutes, \
         calendar_id, warn_percent, started_at, consumed_ms, running_since, due_at, warn_at, \
         warned_at, breached_at, fire_at, pauses, stopped_at, outcome) VALUES ",
    );
    for i in 0..n {
        let b = first + i * CLOCK_PARAMS;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${conversation}"));
        for k in 0..CLOCK_PARAMS {
            sql.push_str(&format!(", ${}", b + k));
        }
        sql.push(')');
    }
    sql
}

/// Binds the clocks in the order [`insert_clocks_sql`] names them.
pub fn bind_clocks<'q, O>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    clocks: &[&Clock],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    for k in clocks {
        q = q
            .bind(k.metric.as_str())
            .bind(k.round)
            .bind(k.policy_id)
            .bind(k.target_minutes)
            .bind(k.calendar_id)
            .bind(k.warn_percent)
            .bind(k.started_at)
            .bind(k.consumed_ms)
            .bind(k.running_since)
            .bind(k.due_at)
            .bind(k.warn_at)
            .bind(k.warned_at)
            .bind(k.breached_at)
            .bind(k.fire_at)
            .bind(pauses_json(k))
            .bind(k.stopped_at)
            .bind(k.outcome.map(Outcome::as_str));
    }
    q
}

/// Inserts new clocks (one statement) and writes changed ones.
pub(super) async fn save(
    c: &mut AnyConnection,
    conversation_id: i64,
    new: &[&Clock],
    changed: &[&Clock],
) -> Result<()> {
    if !new.is_empty() {
        let sql = insert_clocks_sql(1, 2, new.len());
        let q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql)).bind(conversation_id);
        bind_clocks(q, new).fetch_all(&mut *c).await?;
    }
    for k in changed {
        let Some(id) = k.id else { continue };
        update_clock(c, id, k, None).await?;
    }
    Ok(())
}

/// Writes a clock; with `fire_at_was`, only if its `fire_at` is still that
/// (the timer's claim: another node that fired it first moved it).
/// Answers whether the row was written.
pub(super) async fn update_clock(
    c: &mut AnyConnection,
    id: i64,
    k: &Clock,
    fire_at_was: Option<i64>,
) -> Result<bool> {
    let claim = if fire_at_was.is_some() {
        " AND fire_at = $16"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE sla_clocks SET policy_id = $1, target_minutes = $2, calendar_id = $3, \
         warn_percent = $4, consumed_ms = $5, running_since = $6, due_at = $7, warn_at = $8, \
         warned_at = $9, breached_at = $10, fire_at = $11, pauses = $12, stopped_at = $13, \
         outcome = $14 WHERE id = $15{claim}"
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(k.policy_id)
        .bind(k.target_minutes)
        .bind(k.calendar_id)
        .bind(k.warn_percent)
        .bind(k.consumed_ms)
        .bind(k.running_since)
        .bind(k.due_at)
        .bind(k.warn_at)
        .bind(k.warned_at)
        .bind(k.breached_at)
        .bind(k.fire_at)
        .bind(pauses_json(k))
        .bind(k.stopped_at)
        .bind(k.outcome.map(Outcome::as_str))
        .bind(id);
    if let Some(was) = fire_at_was {
        q = q.bind(was);
    }
    Ok(q.execute(c).await?.rows_affected() == 1)
}

/// Clocks whose `fire_at` has come, earliest first, with their
/// conversation's inbox: `(inbox_id, conversation_id, clock)`.
pub(super) async fn due(
    c: &mut AnyConnection,
    now: i64,
    limit: i64,
    only: Option<i64>,
) -> Result<Vec<(i64, i64, Clock)>> {
    #[derive(FromRow)]
    struct Due {
        inbox_id: i64,
        #[sqlx(flatten)]
        clock: ClockRow,
    }
    let cols = CLOCK_COLUMNS
        .trim_start_matches("SELECT ")
        .trim_end_matches(" FROM sla_clocks")
        .split(", ")
        .map(|c| format!("k.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let which = match only {
        Some(id) => format!("k.id = {id}"),
        None => ready_clock(now),
    };
    let rows: Vec<Due> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT v.inbox_id, {cols} FROM sla_clocks k JOIN conversations v ON v.id = k.conversation_id \
         WHERE k.fire_at IS NOT NULL AND k.fire_at <= $1 AND {which} ORDER BY k.fire_at, k.id LIMIT $2"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|r| {
            let inbox = r.inbox_id;
            r.clock.into_clock().map(|(conv, k)| (inbox, conv, k))
        })
        .collect()
}

/// The condition on clock `k` that the timer may try it now: it is not
/// backing off or parked after failures.
fn ready_clock(now: i64) -> String {
    crate::jobs::service::ready_sql(crate::jobs::Job::SlaTimer, "k.id", now)
}

/// The ids of the clocks [`due`] would claim, earliest first.
pub(super) async fn due_ids(c: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT k.id FROM sla_clocks k WHERE k.fire_at IS NOT NULL AND k.fire_at <= $1 AND {} \
         ORDER BY k.fire_at, k.id LIMIT $2",
        ready_clock(now)
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// SQL for a conversation's next running deadline (NULL without one; a
/// paused clock has none), given the column that holds its id: what the
/// "Breaching soon" view and routing sort by.
pub fn next_due_sql(conversation_id: &str) -> String {
    format!(
        "(SELECT MIN(k.due_at) FROM sla_clocks k WHERE k.conversation_id = {conversation_id} \
         AND k.stopped_at IS NULL AND k.running_since IS NOT NULL)"
    )
}

/// The earliest `fire_at` of a clock the timer may try at `now` (not one
/// backing off or parked: those are found by the polls).
pub(super) async fn next_fire(c: &mut AnyConnection, now: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT MIN(k.fire_at) FROM sla_clocks k WHERE k.fire_at IS NOT NULL AND {}",
        ready_clock(now)
    )))
    .fetch_one(c)
    .await?)
}
