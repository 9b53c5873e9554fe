//! The only SQL of the survey loop: surveys, their credits, follow-up
//! tasks, template overrides and the link secret. Reports and stories read
//! conversations, customers, users and teams by join.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;

use super::model::SATISFIED_RATING;
use super::rules::{SkipReason, SurveyState};

const SURVEY_COLS: &str = "s.id, s.conversation_id, s.customer_id, s.token, s.channel, s.solved_at, \
     s.owner_id, s.status, s.skip_reason, s.follow_up, s.language, s.answer, s.rating, s.comment, s.unhappy, \
     s.created_at, s.answered_at";

/// A survey row.
#[derive(Debug, Clone, FromRow)]
pub(super) struct SurveyRow {
    pub id: i64,
    pub conversation_id: i64,
    pub customer_id: i64,
    pub token: String,
    pub channel: String,
    pub solved_at: i64,
    pub owner_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: SurveyState,
    pub skip_reason: Option<String>,
    pub follow_up: i64,
    pub language: Option<String>,
    pub answer: Option<String>,
    pub rating: Option<i64>,
    pub comment: Option<String>,
    pub unhappy: i64,
    pub created_at: i64,
    pub answered_at: Option<i64>,
}

/// What to insert.
pub(super) struct NewSurvey<'a> {
    pub conversation_id: i64,
    pub customer_id: i64,
    pub inbox_id: i64,
    pub token: &'a str,
    pub channel: &'a str,
    pub solved_at: i64,
    pub solve_round: i64,
    pub owner_id: Option<i64>,
    pub status: SurveyState,
    pub skip_reason: Option<SkipReason>,
    pub follow_up: bool,
    pub language: Option<&'a str>,
    pub now: i64,
}

/// Solves without their survey, oldest first, that are `ready` (an SQL
/// condition on `c`: see `jobs::service::ready_sql`).
pub(super) async fn unsurveyed_solves(
    c: &mut AnyConnection,
    limit: i64,
    ready: &str,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.id FROM conversations c WHERE c.status = 'solved' AND c.solved_at IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.conversation_id = c.id AND s.solve_round = c.reopen_count) \
         AND {ready} ORDER BY c.solved_at, c.id LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Whether solve `round` already has its survey.
pub(super) async fn surveyed(
    c: &mut AnyConnection,
    conversation_id: i64,
    round: i64,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM surveys WHERE conversation_id = $1 AND solve_round = $2",
    )
    .bind(conversation_id)
    .bind(round)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Whether the customer was asked (by mail or inline) since `since`.
pub(super) async fn asked_since(
    c: &mut AnyConnection,
    customer_id: i64,
    since: i64,
) -> Result<bool> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM surveys WHERE customer_id = ");
    sql.bind(customer_id)
        .push(" AND status IN ")
        .push(&SurveyState::sql_list(SurveyState::asked))
        .push(" AND created_at > ")
        .bind(since);
    let (n,): (i64,) = sql.query_as().fetch_one(c).await?;
    Ok(n > 0)
}

/// Whether an earlier survey of the conversation was unhappy.
pub(super) async fn had_unhappy(c: &mut AnyConnection, conversation_id: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM surveys WHERE conversation_id = $1 AND unhappy = 1",
    )
    .bind(conversation_id)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Inserts a survey; `None` when this solve already has one.
pub(super) async fn insert_survey(c: &mut AnyConnection, s: &NewSurvey<'_>) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO surveys (conversation_id, customer_id, inbox_id, token, channel, solved_at, solve_round, owner_id, \
         status, skip_reason, follow_up, language, unhappy, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13) \
         ON CONFLICT (conversation_id, solve_round) DO NOTHING RETURNING id",
    )
    .bind(s.conversation_id)
    .bind(s.customer_id)
    .bind(s.inbox_id)
    .bind(s.token)
    .bind(s.channel)
    .bind(s.solved_at)
    .bind(s.solve_round)
    .bind(s.owner_id)
    .bind(s.status.as_str())
    .bind(s.skip_reason.map(SkipReason::as_str))
    .bind(i64::from(s.follow_up))
    .bind(s.language)
    .bind(s.now)
    .fetch_optional(c)
    .await?)
}

/// Credits a survey to agents.
pub(super) async fn insert_credits(
    c: &mut AnyConnection,
    survey_id: i64,
    users: &[i64],
) -> Result<()> {
    for u in users {
        sqlx::query("INSERT INTO survey_credits (survey_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(survey_id)
            .bind(u)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// A survey by its link token, locked for update on PostgreSQL.
pub(super) async fn by_token_for_update(
    c: &mut AnyConnection,
    token: &str,
) -> Result<Option<SurveyRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {SURVEY_COLS} FROM surveys s WHERE s.token = "
    ));
    sql.bind(token);
    if crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE");
    }
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// A survey by its link token.
pub(super) async fn by_token(c: &mut AnyConnection, token: &str) -> Result<Option<SurveyRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {SURVEY_COLS} FROM surveys s WHERE s.token = "
    ));
    sql.bind(token);
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// Surveys of a conversation the viewer may see, oldest first.
pub(super) async fn of_conversation(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Vec<SurveyRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {SURVEY_COLS} FROM surveys s JOIN conversations c ON c.id = s.conversation_id WHERE s.conversation_id = "
    ));
    sql.bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" ORDER BY s.id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Stores the answer fields.
pub(super) async fn save_answer(c: &mut AnyConnection, s: &SurveyRow) -> Result<()> {
    sqlx::query("UPDATE surveys SET answer = $1, rating = $2, comment = $3, unhappy = $4, answered_at = $5 WHERE id = $6")
        .bind(&s.answer)
        .bind(s.rating)
        .bind(&s.comment)
        .bind(s.unhappy)
        .bind(s.answered_at)
        .bind(s.id)
        .execute(c)
        .await?;
    Ok(())
}

/// A story row.
#[derive(Debug, Clone, FromRow)]
pub(super) struct StoryRow {
    pub id: i64,
    pub conversation_id: i64,
    pub subject: String,
    pub customer_name: Option<String>,
    pub rating: i64,
    pub comment: String,
    pub language: Option<String>,
    pub answered_at: i64,
}

/// Success stories (rating ≥ 4 with a comment) the viewer may see, newest
/// first; only those credited to `user_id` when given.
pub(super) async fn stories(
    c: &mut AnyConnection,
    viewer: &Viewer,
    user_id: Option<i64>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<StoryRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT s.id, s.conversation_id, c.subject, cu.name AS customer_name, s.rating, s.comment, s.language, \
         s.answered_at FROM surveys s JOIN conversations c ON c.id = s.conversation_id \
         JOIN customers cu ON cu.id = s.customer_id \
         WHERE s.rating >= {SATISFIED_RATING} AND s.comment IS NOT NULL AND s.answered_at IS NOT NULL"
    ));
    if let Some(u) = user_id {
        sql.push(" AND EXISTS (SELECT 1 FROM survey_credits sc WHERE sc.survey_id = s.id AND sc.user_id = ")
            .bind(u)
            .push(")");
    }
    if let Some(b) = before_id {
        sql.push(" AND s.id < ").bind(b);
    }
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" ORDER BY s.id DESC LIMIT ").bind(limit);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// (survey id, user id, user name) of the credits of some surveys.
pub(super) async fn credits(
    c: &mut AnyConnection,
    survey_ids: &[i64],
) -> Result<Vec<(i64, i64, String)>> {
    let mut sql = Sql::new(
        "SELECT sc.survey_id, u.id, u.name FROM survey_credits sc JOIN users u ON u.id = sc.user_id WHERE sc.survey_id IN ",
    );
    sql.bind_list(survey_ids.iter().copied());
    sql.push(" ORDER BY sc.survey_id, u.name");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// How the CSAT report groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupBy {
    Agent,
    Team,
    Inbox,
    Channel,
}

/// (key, name, sent, answered, rated, satisfied) per group, over surveys
/// sent in `[from, to)`. Each survey counts in exactly one group of every
/// grouping, so each grouping adds up to the same totals: the agent is the
/// owner when it was solved (`owner_id`), the team the conversation's; a
/// survey without one is in the group with the empty key and name.
pub(super) async fn csat(
    c: &mut AnyConnection,
    group: GroupBy,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, i64, i64, i64, i64)>> {
    let (key, name, joins) = match group {
        GroupBy::Agent => (
            "COALESCE(CAST(u.id AS TEXT), '')",
            "COALESCE(u.name, '')",
            "LEFT JOIN users u ON u.id = s.owner_id",
        ),
        GroupBy::Team => (
            "COALESCE(CAST(t.id AS TEXT), '')",
            "COALESCE(t.name, '')",
            "JOIN conversations cv ON cv.id = s.conversation_id LEFT JOIN teams t ON t.id = cv.team_id",
        ),
        GroupBy::Inbox => (
            "CAST(i.id AS TEXT)",
            "i.name",
            "JOIN inboxes i ON i.id = s.inbox_id",
        ),
        GroupBy::Channel => ("s.channel", "s.channel", ""),
    };
    let asked = SurveyState::sql_list(SurveyState::asked);
    let mut sql = Sql::new(&format!(
        "SELECT g.k, g.n, COUNT(*), \
         SUM(CASE WHEN g.answered_at IS NOT NULL THEN 1 ELSE 0 END), \
         SUM(CASE WHEN g.rating IS NOT NULL THEN 1 ELSE 0 END), \
         SUM(CASE WHEN g.rating >= {SATISFIED_RATING} THEN 1 ELSE 0 END) \
         FROM (SELECT {key} AS k, {name} AS n, s.answered_at, s.rating FROM surveys s {joins} \
         WHERE s.status IN {asked} AND s.created_at >= "
    ));
    sql.bind(from).push(" AND s.created_at < ").bind(to);
    sql.push(") g GROUP BY g.k, g.n ORDER BY CASE WHEN g.k = '' THEN 1 ELSE 0 END, g.n, g.k");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// An admin's template override.
pub(super) async fn template(
    c: &mut AnyConnection,
    name: &str,
    locale: &str,
) -> Result<Option<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT source, updated_at FROM templates WHERE name = $1 AND locale = $2")
            .bind(name)
            .bind(locale)
            .fetch_optional(c)
            .await?,
    )
}

/// Stores an override.
pub(super) async fn save_template(
    c: &mut AnyConnection,
    name: &str,
    locale: &str,
    source: &str,
    by: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO templates (name, locale, source, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (name, locale) DO UPDATE SET source = excluded.source, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(locale)
    .bind(source)
    .bind(by)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Removes an override (back to the built-in template).
pub(super) async fn delete_template(c: &mut AnyConnection, name: &str, locale: &str) -> Result<()> {
    sqlx::query("DELETE FROM templates WHERE name = $1 AND locale = $2")
        .bind(name)
        .bind(locale)
        .execute(c)
        .await?;
    Ok(())
}

/// The token of a conversation's unanswered inline survey, if any.
pub(super) async fn inline_due_token(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<String>> {
    let mut sql = Sql::new("SELECT token FROM surveys WHERE conversation_id = ");
    sql.bind(conversation_id)
        .push(" AND status = ")
        .bind(SurveyState::InlineDue.as_str())
        .push(" AND answered_at IS NULL ORDER BY id DESC LIMIT 1");
    let row: Option<(String,)> = sql.query_as().fetch_optional(c).await?;
    Ok(row.map(|(t,)| t))
}

/// The token of the survey of a conversation's current solve (its
/// `solve_round` is the conversation's `reopen_count`), if it has one.
pub(super) async fn current_solve_token(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<String>> {
    let mut sql = Sql::new(
        "SELECT s.token FROM surveys s JOIN conversations c ON c.id = s.conversation_id \
         AND s.solve_round = c.reopen_count WHERE s.conversation_id = ",
    );
    sql.bind(conversation_id);
    let row: Option<(String,)> = sql.query_as().fetch_optional(c).await?;
    Ok(row.map(|(t,)| t))
}
