//! The reports' SQL: the projection's cursor, the stored measurements and
//! the hourly buckets.

use sqlx::{AnyConnection, FromRow};

use super::metrics::Fact;
use super::model::Metric;
use crate::Result;
use crate::db::Sql;
use crate::vocab::Channel;

/// Bucket rows per statement (8 values each).
const ROWS: usize = 100;

/// The cursor, locked until the transaction ends (on PostgreSQL the update
/// holds the row; on SQLite the single writer orders everything), so two
/// projections (a node's task and `tend reports rebuild`, or two nodes)
/// never measure the same conversation at once.
pub(super) async fn lock_cursor(c: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE report_cursor SET event_id = event_id WHERE id = 1 RETURNING event_id",
    )
    .fetch_one(c)
    .await?)
}

/// Moves the cursor.
pub(super) async fn set_cursor(c: &mut AnyConnection, event_id: i64) -> Result<()> {
    sqlx::query("UPDATE report_cursor SET event_id = $1 WHERE id = 1")
        .bind(event_id)
        .execute(c)
        .await?;
    Ok(())
}

/// The cursor, read outside a write.
pub(super) async fn cursor(c: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT event_id FROM report_cursor WHERE id = 1")
            .fetch_one(c)
            .await?,
    )
}

/// Forgets every measurement and sum; the cursor goes to `event_id`.
pub(super) async fn reset(c: &mut AnyConnection, event_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM report_facts")
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM report_buckets")
        .execute(&mut *c)
        .await?;
    set_cursor(c, event_id).await
}

/// A stored measurement with the conversation's language and tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stored {
    pub conversation_id: i64,
    pub fact: Fact,
    pub language: Option<String>,
    pub tags: Vec<String>,
}

#[derive(FromRow)]
struct FactRow {
    conversation_id: i64,
    #[sqlx(try_from = "String")]
    metric: Metric,
    seq: i64,
    detail: String,
    at: i64,
    value: i64,
    business: Option<i64>,
    agent_id: Option<i64>,
    team_id: Option<i64>,
    inbox_id: i64,
    #[sqlx(try_from = "String")]
    channel: Channel,
    language: Option<String>,
    tags: String,
}

/// The stored measurements of these conversations, by conversation, metric
/// and number.
pub(super) async fn facts_of(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Stored>> {
    let mut sql = Sql::new(
        "SELECT conversation_id, metric, seq, detail, at, value, business, agent_id, team_id, \
         inbox_id, channel, language, tags FROM report_facts WHERE conversation_id IN ",
    );
    sql.bind_list(ids.iter().copied())
        .push(" ORDER BY conversation_id, metric, seq");
    let rows: Vec<FactRow> = sql.query_as().fetch_all(c).await?;
    Ok(rows
        .into_iter()
        .map(|r| Stored {
            conversation_id: r.conversation_id,
            fact: Fact {
                metric: r.metric,
                seq: r.seq,
                detail: r.detail,
                at: r.at,
                value: r.value,
                business: r.business,
                agent_id: r.agent_id,
                team_id: r.team_id,
                inbox_id: r.inbox_id,
                channel: r.channel,
            },
            language: r.language,
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
        })
        .collect())
}

/// Replaces the stored measurements of these conversations with `facts`.
pub(super) async fn replace_facts(
    c: &mut AnyConnection,
    ids: &[i64],
    facts: &[&Stored],
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("DELETE FROM report_facts WHERE conversation_id IN ");
    sql.bind_list(ids.iter().copied());
    sql.query().execute(&mut *c).await?;
    for chunk in facts.chunks(ROWS / 2) {
        let mut sql = Sql::new(
            "INSERT INTO report_facts (conversation_id, metric, seq, detail, at, value, business, \
             agent_id, team_id, inbox_id, channel, language, tags) VALUES ",
        );
        for (i, s) in chunk.iter().enumerate() {
            let f = &s.fact;
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(s.conversation_id)
                .push(", ")
                .bind(f.metric.as_str())
                .push(", ")
                .bind(f.seq)
                .push(", ")
                .bind(f.detail.clone())
                .push(", ")
                .bind(f.at)
                .push(", ")
                .bind(f.value)
                .push(", ")
                .bind(f.business)
                .push(", ")
                .bind(f.agent_id)
                .push(", ")
                .bind(f.team_id)
                .push(", ")
                .bind(f.inbox_id)
                .push(", ")
                .bind(f.channel.as_str())
                .push(", ")
                .bind(s.language.clone())
                .push(", ")
                .bind(serde_json::to_string(&s.tags).unwrap_or_else(|_| "[]".into()))
                .push(")");
        }
        sql.query().execute(&mut *c).await?;
    }
    Ok(())
}

/// A bucket's key: metric, dimension, business (0/1), group, hour, bin.
pub(super) type BucketKey = (String, &'static str, i64, String, i64, i64);

/// Adds `(n, total)` to each bucket.
pub(super) async fn add_to_buckets(
    c: &mut AnyConnection,
    deltas: &[(&BucketKey, (i64, i64))],
) -> Result<()> {
    for chunk in deltas.chunks(ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO report_buckets (metric, dimension, business, grp, hour, bin, n, total) VALUES ",
        );
        for (i, ((metric, dimension, business, grp, hour, bin), (n, total))) in
            chunk.iter().enumerate()
        {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(metric.clone())
                .push(", ")
                .bind(*dimension)
                .push(", ")
                .bind(*business)
                .push(", ")
                .bind(grp.clone())
                .push(", ")
                .bind(*hour)
                .push(", ")
                .bind(*bin)
                .push(", ")
                .bind(*n)
                .push(", ")
                .bind(*total)
                .push(")");
        }
        sql.push(
            " ON CONFLICT (metric, dimension, business, hour, grp, bin) DO UPDATE SET \
             n = report_buckets.n + excluded.n, total = report_buckets.total + excluded.total",
        );
        sql.query().execute(&mut *c).await?;
    }
    Ok(())
}

/// What a report reads: per group (or per hour) and bin, the sums.
pub(super) struct Read<'a> {
    pub metric: &'a str,
    pub dimension: &'a str,
    pub business: bool,
    pub from_hour: i64,
    pub to_hour: i64,
    /// Group by hour instead of by group.
    pub by_hour: bool,
}

/// `(group or hour as text, bin, n, total)` over `[from_hour, to_hour)`.
pub(super) async fn read(
    c: &mut AnyConnection,
    r: &Read<'_>,
) -> Result<Vec<(String, i64, i64, i64)>> {
    let key = if r.by_hour {
        "CAST(hour AS TEXT)"
    } else {
        "grp"
    };
    let mut sql = Sql::new(&format!(
        "SELECT {key}, bin, CAST(SUM(n) AS BIGINT), CAST(SUM(total) AS BIGINT) FROM report_buckets \
         WHERE metric = "
    ));
    sql.bind(r.metric.to_string())
        .push(" AND dimension = ")
        .bind(r.dimension.to_string())
        .push(" AND business = ")
        .bind(i64::from(r.business))
        .push(" AND hour >= ")
        .bind(r.from_hour)
        .push(" AND hour < ")
        .bind(r.to_hour)
        .push(&format!(" GROUP BY {key}, bin HAVING SUM(n) <> 0"));
    Ok(sql.query_as().fetch_all(c).await?)
}
