//! Bulk loading of demo rows: multi-row INSERTs with explicit ids, the same
//! SQL on SQLite and PostgreSQL. One batch is one transaction.

use sqlx::{AnyConnection, AnyPool};

use crate::Result;
use crate::db::{Arg, Backend, Sql};

use super::rows::{Batch, NextIds};

/// Bound values per statement. SQLite allows 32,766 and PostgreSQL 65,535,
/// but sqlx's SQLite driver looks up the name of every `$N` by a linear
/// scan, so binding costs grow with the square of the count there: a few
/// hundred values per statement is the sweet spot (measured, see
/// bench/BENCHMARKS.md).
fn max_params(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 256,
        Backend::Postgres => 32_766,
    }
}
/// Past a few hundred rows a longer statement stops paying off.
const MAX_ROWS: usize = 500;

/// The first free id of every table the seeder fills, so that a second run
/// appends after the first. Demo rows carry explicit ids because messages
/// and events must point at rows of the same batch.
pub async fn next_ids(pool: &AnyPool) -> Result<NextIds> {
    let mut c = pool.acquire().await?;
    let next = |table: &'static str| {
        // Table names are literals, never input.
        let q = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(q))
    };
    Ok(NextIds {
        customer: next("customers").fetch_one(&mut *c).await?,
        conversation: next("conversations").fetch_one(&mut *c).await?,
        message: next("messages").fetch_one(&mut *c).await?,
        event: next("events").fetch_one(&mut *c).await?,
    })
}

/// Writes one batch: customers first, then what refers to them.
pub async fn insert_batch(c: &mut AnyConnection, backend: Backend, b: &Batch) -> Result<()> {
    let p = max_params(backend);
    insert_rows(
        c,
        p,
        "INSERT INTO customers (id, name, name_fold, phone, language, timezone, first_seen_at, \
         last_seen_at, created_at, updated_at) VALUES ",
        &b.customers,
        |r| {
            [
                r.id.into(),
                r.name.clone().into(),
                r.name.to_lowercase().into(),
                Arg::OptText(r.phone.clone()),
                r.language.into(),
                r.timezone.into(),
                r.created_at.into(),
                r.created_at.into(),
                r.created_at.into(),
                r.created_at.into(),
            ]
        },
    )
    .await?;
    insert_rows(
        c,
        p,
        "INSERT INTO customer_emails (email, customer_id, is_primary, created_at) VALUES ",
        &b.customers,
        |r| {
            [
                r.email.clone().into(),
                r.id.into(),
                1_i64.into(),
                r.created_at.into(),
            ]
        },
    )
    .await?;
    insert_rows(
        c,
        p,
        "INSERT INTO conversations (id, inbox_id, customer_id, subject, subject_fold, status, priority, channel, \
         assignee_id, team_id, tags, language, created_at, updated_at, first_response_at, solved_at, \
         closed_at, waiting_since, reopen_count, transfer_count, message_count) VALUES ",
        &b.conversations,
        |r| {
            [
                r.id.into(),
                r.inbox_id.into(),
                r.customer_id.into(),
                r.subject.clone().into(),
                // Unicode lowercase, as the conversation service stores it for filters.
                r.subject.to_lowercase().into(),
                r.status.into(),
                r.priority.into(),
                r.channel.into(),
                r.assignee_id.into(),
                r.team_id.into(),
                serde_json::to_string(&r.tags)
                    .unwrap_or_else(|_| "[]".into())
                    .into(),
                r.language.into(),
                r.created_at.into(),
                r.updated_at.into(),
                r.first_response_at.into(),
                r.solved_at.into(),
                r.closed_at.into(),
                r.waiting_since.into(),
                r.reopen_count.into(),
                r.transfer_count.into(),
                r.message_count.into(),
            ]
        },
    )
    .await?;
    insert_rows(
        c,
        p,
        "INSERT INTO conversation_tags (conversation_id, tag) VALUES ",
        &b.tags,
        |(id, tag)| [(*id).into(), (*tag).into()],
    )
    .await?;
    insert_rows(
        c,
        p,
        "INSERT INTO messages (id, conversation_id, direction, internal, author_kind, author_id, \
         author_name, author_email, text, message_id, delivery_status, created_at) VALUES ",
        &b.messages,
        |r| {
            [
                r.id.into(),
                r.conversation_id.into(),
                r.direction.into(),
                i64::from(r.internal).into(),
                r.author_kind.into(),
                r.author_id.into(),
                r.author_name.clone().into(),
                Arg::OptText(r.author_email.clone()),
                r.text.clone().into(),
                Arg::OptText(r.message_id.clone()),
                Arg::OptText(r.delivery_status.map(str::to_string)),
                r.created_at.into(),
            ]
        },
    )
    .await?;
    insert_rows(
        c,
        p,
        "INSERT INTO events (id, conversation_id, kind, actor_kind, actor_id, data, created_at) VALUES ",
        &b.events,
        |r| {
            [
                r.id.into(),
                r.conversation_id.into(),
                r.kind.as_str().into(),
                r.actor_kind.into(),
                r.actor_id.into(),
                r.data.clone().into(),
                r.created_at.into(),
            ]
        },
    )
    .await?;
    Ok(())
}

/// Inserts `rows` with as many rows per statement as the limits allow.
async fn insert_rows<R: Sync, const N: usize>(
    c: &mut AnyConnection,
    max_params: usize,
    head: &str,
    rows: &[R],
    values: impl Fn(&R) -> [Arg; N] + Send + Sync,
) -> Result<()> {
    let per = (max_params / N).clamp(1, MAX_ROWS);
    for chunk in rows.chunks(per) {
        let mut sql = Sql::new(head);
        for (i, r) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            for (j, v) in values(r).into_iter().enumerate() {
                if j > 0 {
                    sql.push(", ");
                }
                sql.bind(v);
            }
            sql.push(")");
        }
        sql.query().execute(&mut *c).await?;
    }
    Ok(())
}

/// Sets each new customer's last contact to their latest conversation, for
/// customers `first..end` (all of them have at least one).
pub async fn touch_customers(c: &mut AnyConnection, first: i64, end: i64) -> Result<()> {
    let mut sql = Sql::new(
        "UPDATE customers SET (last_seen_at, updated_at) = \
         (SELECT cv.created_at, cv.created_at FROM conversations cv \
          WHERE cv.customer_id = customers.id ORDER BY cv.id DESC LIMIT 1) \
         WHERE id >= ",
    );
    sql.bind(first).push(" AND id < ").bind(end);
    sql.query().execute(c).await?;
    Ok(())
}

/// PostgreSQL identity columns do not see explicit ids: move each sequence
/// past them so that the next conversation created through the API does
/// not collide. Then refresh the planner's statistics.
pub async fn after_load(c: &mut AnyConnection, backend: Backend) -> Result<()> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    for table in ["customers", "conversations", "messages", "events"] {
        let q = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        );
        sqlx::query(sqlx::AssertSqlSafe(q)).execute(&mut *c).await?;
    }
    sqlx::query("ANALYZE").execute(&mut *c).await?;
    Ok(())
}
