//! The only SQL of customer health: `customer_health`, `outreaches`,
//! `health_marks`.

use sqlx::{AnyConnection, FromRow};

use super::model::Outcome;
use crate::Result;
use crate::db::Sql;

/// A customer's score as stored.
pub(super) struct Scored<'a> {
    pub customer_id: i64,
    pub score: i64,
    /// JSON.
    pub signals: &'a str,
    /// JSON; `None` keeps the stored facts (a re-scoring).
    pub facts: Option<&'a str>,
    pub inbox_id: Option<i64>,
    pub language: Option<&'a str>,
    pub organization_id: Option<i64>,
    /// The radar's threshold.
    pub below: i64,
    pub now: i64,
}

/// Stores a customer's score (and facts); `at_risk_since` is kept while
/// the score stays below the threshold, set when it goes below, cleared
/// when it goes above.
pub(super) async fn store(c: &mut AnyConnection, s: &Scored<'_>) -> Result<()> {
    let at_risk = s.score < s.below;
    sqlx::query(
        "INSERT INTO customer_health (customer_id, score, signals, facts, inbox_id, language,
             organization_id, at_risk_since, computed_at)
         VALUES ($1, $2, $3, COALESCE($4, '{}'), $5, $6, $7, $8, $9)
         ON CONFLICT (customer_id) DO UPDATE SET
             score = excluded.score,
             signals = excluded.signals,
             facts = COALESCE($4, customer_health.facts),
             inbox_id = COALESCE(excluded.inbox_id, customer_health.inbox_id),
             language = excluded.language,
             organization_id = excluded.organization_id,
             at_risk_since = CASE WHEN $10 = 1
                 THEN COALESCE(customer_health.at_risk_since, excluded.computed_at) END,
             computed_at = excluded.computed_at",
    )
    .bind(s.customer_id)
    .bind(s.score)
    .bind(s.signals)
    .bind(s.facts)
    .bind(s.inbox_id)
    .bind(s.language)
    .bind(s.organization_id)
    .bind(at_risk.then_some(s.now))
    .bind(s.now)
    .bind(i64::from(at_risk))
    .execute(c)
    .await?;
    Ok(())
}

/// Forgets a customer's score (merged away, or without conversations).
pub(super) async fn forget(c: &mut AnyConnection, customer_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM customer_health WHERE customer_id = $1")
        .bind(customer_id)
        .execute(c)
        .await?;
    Ok(())
}

/// A customer's stored score and signals (JSON).
pub(super) async fn get(c: &mut AnyConnection, customer_id: i64) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT score, signals FROM customer_health WHERE customer_id = $1")
            .bind(customer_id)
            .fetch_optional(c)
            .await?,
    )
}

/// The radar's filters.
#[derive(Debug, Clone, Default)]
pub(super) struct Filter {
    pub organization_id: Option<i64>,
    pub inbox_id: Option<i64>,
    pub language: Option<String>,
}

#[derive(Debug, FromRow)]
pub(super) struct RadarRow {
    pub customer_id: i64,
    pub score: i64,
    pub signals: String,
    pub inbox_id: Option<i64>,
    pub language: Option<String>,
    pub at_risk_since: Option<i64>,
}

/// One page of the radar: scores below `below`, lowest first, after the
/// keyset `(score, customer_id)`. Each filter is an equality on the
/// leading column of its own index, so the page is an index range scan.
pub(super) async fn radar(
    c: &mut AnyConnection,
    f: &Filter,
    below: i64,
    after: Option<(i64, i64)>,
    limit: i64,
) -> Result<Vec<RadarRow>> {
    let mut sql = Sql::new(
        "SELECT customer_id, score, signals, inbox_id, language, at_risk_since
         FROM customer_health WHERE score < ",
    );
    sql.bind(below);
    if let Some(o) = f.organization_id {
        sql.push(" AND organization_id = ").bind(o);
    }
    if let Some(i) = f.inbox_id {
        sql.push(" AND inbox_id = ").bind(i);
    }
    if let Some(l) = &f.language {
        sql.push(" AND language = ").bind(l.clone());
    }
    // A row value, not `score > a OR (score = a AND id > b)`: both
    // backends turn it into the start of the index range, so a deep page
    // costs what the first one does.
    if let Some((score, id)) = after {
        sql.push(" AND (score, customer_id) > (")
            .bind(score)
            .push(", ")
            .bind(id)
            .push(")");
    }
    sql.push(" ORDER BY score, customer_id LIMIT ").bind(limit);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Stored facts after `after_id`, by customer id: (customer, facts JSON).
pub(super) async fn facts_after(
    c: &mut AnyConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT customer_id, facts FROM customer_health WHERE customer_id > $1
         ORDER BY customer_id LIMIT $2",
    )
    .bind(after_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Customers that went below the threshold since `since`: (customer,
/// score, signals JSON).
pub(super) async fn newly_at_risk(
    c: &mut AnyConnection,
    since: i64,
    limit: i64,
) -> Result<Vec<(i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT customer_id, score, signals FROM customer_health WHERE at_risk_since >= $1
         ORDER BY score, customer_id LIMIT $2",
    )
    .bind(since)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Claims the mark `name` when it was last done at or before `due` or with
/// another note: one node, one claim (a conditional UPDATE).
pub(super) async fn claim_mark(
    c: &mut AnyConnection,
    name: &str,
    due: i64,
    note: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE health_marks SET at = $1, note = $2 WHERE name = $3 AND (at <= $4 OR note <> $2)",
    )
    .bind(now)
    .bind(note)
    .bind(name)
    .bind(due)
    .execute(c)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the mark `name` was last done.
pub(super) async fn mark(c: &mut AnyConnection, name: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT at FROM health_marks WHERE name = $1")
            .bind(name)
            .fetch_optional(c)
            .await?
            .unwrap_or(0),
    )
}

/// A new outreach.
pub(super) async fn insert_outreach(
    c: &mut AnyConnection,
    customer_id: i64,
    conversation_id: i64,
    assignee_id: i64,
    created_by: Option<i64>,
    score: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outreaches (customer_id, conversation_id, assignee_id, created_by, score,
             outcome, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id",
    )
    .bind(customer_id)
    .bind(conversation_id)
    .bind(assignee_id)
    .bind(created_by)
    .bind(score)
    .bind(now)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, FromRow)]
pub(super) struct OutreachRow {
    pub id: i64,
    pub customer_id: i64,
    pub conversation_id: i64,
    pub assignee_id: i64,
    pub score: i64,
    #[sqlx(try_from = "String")]
    pub outcome: Outcome,
    pub created_at: i64,
}

const OUTREACH_COLUMNS: &str = "SELECT id, customer_id, conversation_id, assignee_id, score, outcome, created_at FROM outreaches";

/// The outreaches of these conversations.
pub(super) async fn outreaches_of(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<OutreachRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(OUTREACH_COLUMNS);
    sql.push(" WHERE conversation_id IN ")
        .bind_list(ids.iter().copied())
        .push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Outreaches still pending that started at or before `before`.
pub(super) async fn pending_before(
    c: &mut AnyConnection,
    before: i64,
    limit: i64,
) -> Result<Vec<OutreachRow>> {
    let mut sql = Sql::new(OUTREACH_COLUMNS);
    sql.push(" WHERE outcome = 'pending' AND created_at <= ")
        .bind(before)
        .push(" ORDER BY created_at, id LIMIT ")
        .bind(limit);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// A customer's outreaches, newest first.
pub(super) async fn outreaches_of_customer(
    c: &mut AnyConnection,
    customer_id: i64,
) -> Result<Vec<OutreachRow>> {
    let mut sql = Sql::new(OUTREACH_COLUMNS);
    sql.push(" WHERE customer_id = ")
        .bind(customer_id)
        .push(" ORDER BY id DESC LIMIT 20");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Records an outreach's outcome.
pub(super) async fn set_outcome(
    c: &mut AnyConnection,
    id: i64,
    outcome: Outcome,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE outreaches SET outcome = $1,
             decided_at = CASE WHEN $1 = 'pending' THEN NULL ELSE COALESCE(decided_at, $2) END
         WHERE id = $3",
    )
    .bind(outcome.as_str())
    .bind(now)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

/// Outreaches started since `since`, counted by outcome.
pub(super) async fn outcome_counts(
    c: &mut AnyConnection,
    since: i64,
) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT outcome, COUNT(*) FROM outreaches WHERE created_at >= $1 GROUP BY outcome",
    )
    .bind(since)
    .fetch_all(c)
    .await?)
}

/// The inbox of a customer's latest conversation, as last scored.
pub(super) async fn inbox_of(c: &mut AnyConnection, customer_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar::<_, Option<i64>>(
        "SELECT inbox_id FROM customer_health WHERE customer_id = $1",
    )
    .bind(customer_id)
    .fetch_optional(c)
    .await?
    .flatten())
}

/// A customer's stored score, as a refresh compares it.
#[derive(Debug, FromRow)]
pub(super) struct StoredRow {
    pub customer_id: i64,
    pub score: i64,
    pub signals: String,
    pub facts: String,
    pub inbox_id: Option<i64>,
    pub language: Option<String>,
    pub organization_id: Option<i64>,
}

/// The stored scores of these customers (those without one are left out).
pub(super) async fn stored_of(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<StoredRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut sql = Sql::new(
            "SELECT customer_id, score, signals, facts, inbox_id, language, organization_id
             FROM customer_health WHERE customer_id IN ",
        );
        sql.bind_list(chunk.iter().copied());
        out.extend(sql.query_as::<StoredRow>().fetch_all(&mut *c).await?);
    }
    Ok(out)
}

/// The follower's cursor (`health::follower`): the last event it scored,
/// read outside a write.
pub(super) async fn cursor(c: &mut AnyConnection) -> Result<i64> {
    mark(c, CURSOR).await
}

/// The follower's cursor, locked for the write that moves it.
pub(super) async fn lock_cursor(c: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("UPDATE health_marks SET at = at WHERE name = $1 RETURNING at")
            .bind(CURSOR)
            .fetch_one(c)
            .await?,
    )
}

/// Moves the follower's cursor.
pub(super) async fn set_cursor(c: &mut AnyConnection, event_id: i64) -> Result<()> {
    sqlx::query("UPDATE health_marks SET at = $1 WHERE name = $2")
        .bind(event_id)
        .bind(CURSOR)
        .execute(c)
        .await?;
    Ok(())
}

/// The `health_marks` row of the follower's cursor (an event id, not a
/// time).
const CURSOR: &str = "cursor";
