//! The only SQL about routing: agents' routing rows, rules, queues, the
//! ownership log and handling times.

use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::db::Sql;
use crate::db::changes::WriterCache;
use tend_routing::Presence;

mod log;

pub(super) use log::*;

/// An agent's routing row.
#[derive(Debug, Clone, FromRow)]
pub(super) struct AgentRow {
    #[sqlx(try_from = "String")]
    pub presence: Presence,
    pub auto_away: i64,
    pub last_active_at: i64,
    pub capacity: String,
    pub languages: String,
    pub skills: String,
}

const AGENT_COLUMNS: &str =
    "ra.presence, ra.auto_away, ra.last_active_at, ra.capacity, ra.languages, ra.skills";

/// Makes sure the agent has a routing row (offline until they say otherwise).
pub(super) async fn ensure_agent(c: &mut AnyConnection, user_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO routing_agents (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn agent(c: &mut AnyConnection, user_id: i64) -> Result<Option<AgentRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {AGENT_COLUMNS} FROM routing_agents ra WHERE ra.user_id = "
    ));
    sql.bind(user_id);
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// The agent's row, locked until the transaction ends (PostgreSQL).
pub(super) async fn agent_for_update(
    c: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<AgentRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {AGENT_COLUMNS} FROM routing_agents ra WHERE ra.user_id = "
    ));
    sql.bind(user_id);
    if crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE");
    }
    Ok(sql.query_as().fetch_optional(c).await?)
}

pub(super) async fn set_profile(
    c: &mut AnyConnection,
    user_id: i64,
    capacity: &str,
    languages: &str,
    skills: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE routing_agents SET capacity = $1, languages = $2, skills = $3, updated_at = $4 \
         WHERE user_id = $5",
    )
    .bind(capacity)
    .bind(languages)
    .bind(skills)
    .bind(now)
    .bind(user_id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn set_presence(
    c: &mut AnyConnection,
    user_id: i64,
    presence: Presence,
    auto_away: bool,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE routing_agents SET presence = $1, auto_away = $2, presence_changed_at = $3, \
         last_active_at = $3 WHERE user_id = $4",
    )
    .bind(presence.as_str())
    .bind(i64::from(auto_away))
    .bind(now)
    .bind(user_id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn touch_active(c: &mut AnyConnection, user_id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE routing_agents SET last_active_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user_id)
        .execute(c)
        .await?;
    Ok(())
}

/// Online agents inactive since before `cutoff` become away (auto-away).
/// Returns the user ids.
pub(super) async fn auto_away(c: &mut AnyConnection, cutoff: i64, now: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "UPDATE routing_agents SET presence = 'away', auto_away = 1, presence_changed_at = $1 \
         WHERE presence = 'online' AND last_active_at < $2 RETURNING user_id",
    )
    .bind(now)
    .bind(cutoff)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub(super) async fn set_last_assigned(
    c: &mut AnyConnection,
    user_id: i64,
    stamp: i64,
) -> Result<()> {
    sqlx::query("UPDATE routing_agents SET last_assigned_at = $1 WHERE user_id = $2")
        .bind(stamp)
        .bind(user_id)
        .execute(c)
        .await?;
    Ok(())
}

/// A team member who may receive conversations.
#[derive(Debug, Clone, FromRow)]
pub(super) struct MemberRow {
    pub user_id: i64,
    #[sqlx(try_from = "String")]
    pub presence: Presence,
    pub last_assigned_at: i64,
    pub capacity: String,
    pub languages: String,
    pub skills: String,
}

/// The active members of a team with a routing row, by id. With `lock`
/// (PostgreSQL) their rows stay locked until the transaction ends: every
/// assignment takes these locks in id order first, so two transactions never
/// count the same free place.
pub(super) async fn team_agents(
    c: &mut AnyConnection,
    team_id: i64,
    lock: bool,
) -> Result<Vec<MemberRow>> {
    let mut sql = Sql::new(
        "SELECT ra.user_id, ra.presence, ra.last_assigned_at, ra.capacity, ra.languages, ra.skills \
         FROM routing_agents ra JOIN team_members tm ON tm.user_id = ra.user_id \
         JOIN users u ON u.id = ra.user_id WHERE u.active = 1 AND tm.team_id = ",
    );
    sql.bind(team_id).push(" ORDER BY ra.user_id");
    if lock && crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE OF ra");
    }
    Ok(sql.query_as().fetch_all(c).await?)
}

/// An inbox's rule.
#[derive(Debug, Clone, FromRow)]
pub(super) struct RuleRow {
    pub inbox_id: i64,
    pub team_id: i64,
    pub strategy: String,
    pub skills_first: i64,
    pub sticky: i64,
    pub updated_at: i64,
}

const RULE_COLUMNS: &str = "inbox_id, team_id, strategy, skills_first, sticky, updated_at";

thread_local! {
    /// Rules as read by the SQLite writer: every conversation created asks
    /// for its inbox's rule inside the write, and rules change only through
    /// [`upsert_rule`] and [`delete_rule`] (which mark the change).
    static WRITER_RULES: WriterCache<i64, Option<RuleRow>> =
        const { WriterCache::new(&crate::db::changes::ROUTING_RULES) };
}

pub(super) async fn rule(c: &mut AnyConnection, inbox_id: i64) -> Result<Option<RuleRow>> {
    if let Some(kept) = WRITER_RULES.with(|r| r.get(&inbox_id)) {
        return Ok(kept);
    }
    let epoch = WRITER_RULES.with(WriterCache::epoch);
    let mut sql = Sql::new(&format!(
        "SELECT {RULE_COLUMNS} FROM routing_rules WHERE inbox_id = "
    ));
    sql.bind(inbox_id);
    let found: Option<RuleRow> = sql.query_as().fetch_optional(c).await?;
    WRITER_RULES.with(|r| r.put(inbox_id, found.clone(), epoch));
    Ok(found)
}

pub(super) async fn rules_for(c: &mut AnyConnection, inbox_ids: &[i64]) -> Result<Vec<RuleRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {RULE_COLUMNS} FROM routing_rules WHERE inbox_id IN "
    ));
    sql.bind_list(inbox_ids.iter().copied());
    Ok(sql.query_as().fetch_all(c).await?)
}

pub(super) async fn upsert_rule(c: &mut AnyConnection, r: &RuleRow) -> Result<()> {
    crate::db::changes::ROUTING_RULES.mark();
    sqlx::query(
        "INSERT INTO routing_rules (inbox_id, team_id, strategy, skills_first, sticky, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (inbox_id) DO UPDATE SET team_id = $2, \
         strategy = $3, skills_first = $4, sticky = $5, updated_at = $6",
    )
    .bind(r.inbox_id)
    .bind(r.team_id)
    .bind(&r.strategy)
    .bind(r.skills_first)
    .bind(r.sticky)
    .bind(r.updated_at)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn delete_rule(c: &mut AnyConnection, inbox_id: i64) -> Result<bool> {
    crate::db::changes::ROUTING_RULES.mark();
    let n = sqlx::query("DELETE FROM routing_rules WHERE inbox_id = $1")
        .bind(inbox_id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Teams that receive some inbox's conversations or have a queue.
pub(super) async fn routed_teams(c: &mut AnyConnection) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT team_id FROM routing_rules UNION SELECT team_id FROM routing_queue ORDER BY 1",
    )
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// A waiting conversation.
#[derive(Debug, Clone, FromRow)]
pub(super) struct QueueRow {
    pub conversation_id: i64,
    pub team_id: i64,
    pub inbox_id: i64,
    pub channel: String,
    pub language: Option<String>,
    pub skills: String,
    pub previous_agent_id: Option<i64>,
    pub queued_at: i64,
}

pub(super) async fn enqueue(c: &mut AnyConnection, q: &QueueRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO routing_queue (conversation_id, team_id, inbox_id, channel, language, skills, \
         previous_agent_id, queued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (conversation_id) DO NOTHING",
    )
    .bind(q.conversation_id)
    .bind(q.team_id)
    .bind(q.inbox_id)
    .bind(&q.channel)
    .bind(&q.language)
    .bind(&q.skills)
    .bind(q.previous_agent_id)
    .bind(q.queued_at)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn dequeue(c: &mut AnyConnection, conversation_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM routing_queue WHERE conversation_id = $1")
        .bind(conversation_id)
        .execute(c)
        .await?;
    Ok(())
}

/// The head of a team's queue: the soonest service-level deadline first, then
/// the longest wait.
pub(super) async fn queue_head(
    c: &mut AnyConnection,
    team_id: i64,
    limit: i64,
) -> Result<Vec<QueueRow>> {
    // The soonest service-level deadline first; without one, the longest
    // wait.
    let due = crate::sla::repo::next_due_sql("routing_queue.conversation_id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT conversation_id, team_id, inbox_id, channel, language, skills, previous_agent_id, \
         queued_at FROM routing_queue WHERE team_id = $1 \
         ORDER BY COALESCE({due}, 9007199254740991), queued_at, conversation_id LIMIT $2"
    )))
    .bind(team_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Teams with conversations waiting.
pub(super) async fn queued_teams(c: &mut AnyConnection) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT DISTINCT team_id FROM routing_queue ORDER BY 1")
        .fetch_all(c)
        .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// Per channel: waiting conversations and the oldest `queued_at`.
pub(super) async fn queue_counts(
    c: &mut AnyConnection,
    team_id: i64,
) -> Result<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT channel, COUNT(*), MIN(queued_at) FROM routing_queue WHERE team_id = $1 \
         GROUP BY channel ORDER BY channel",
    )
    .bind(team_id)
    .fetch_all(c)
    .await?)
}

/// Active agents who are online.
pub(super) async fn agents_online(c: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM routing_agents ra JOIN users u ON u.id = ra.user_id \
         WHERE ra.presence = $1 AND u.active = 1",
    )
    .bind(Presence::Online.as_str())
    .fetch_one(&mut *c)
    .await?)
}

/// Online active agents per inbox: members of the teams granted it, plus
/// the online admins and supervisors (who may work every inbox) under the
/// inbox id 0.
pub(super) async fn online_per_inbox(c: &mut AnyConnection) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT ti.inbox_id, COUNT(DISTINCT ra.user_id) FROM routing_agents ra \
         JOIN users u ON u.id = ra.user_id \
         JOIN team_members tm ON tm.user_id = ra.user_id \
         JOIN team_inboxes ti ON ti.team_id = tm.team_id \
         WHERE ra.presence = $1 AND u.active = 1 GROUP BY ti.inbox_id \
         UNION ALL SELECT 0, COUNT(*) FROM routing_agents ra JOIN users u ON u.id = ra.user_id \
         WHERE ra.presence = $1 AND u.active = 1 AND u.role IN ('admin', 'supervisor')",
    )
    .bind(Presence::Online.as_str())
    .fetch_all(&mut *c)
    .await?)
}
