//! The `remedy_kinds` and `authority_limits` tables: what may be given,
//! and who may give how much without asking.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::db::Sql;
use crate::time::rfc3339;

use super::model::{Bound, Limit, RemedyKind};

#[derive(FromRow)]
struct KindRow {
    id: i64,
    key: String,
    name: String,
    webhook_url: Option<String>,
}

pub(super) async fn kinds(c: &mut AnyConnection) -> Result<Vec<RemedyKind>> {
    let rows: Vec<KindRow> =
        sqlx::query_as("SELECT id, key, name, webhook_url FROM remedy_kinds ORDER BY id")
            .fetch_all(c)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| RemedyKind {
            id: r.id,
            key: r.key,
            name: r.name,
            webhook_url: r.webhook_url,
        })
        .collect())
}

/// A kind's webhook: its URL and sealed secret.
pub(super) async fn kind_webhook(
    c: &mut AnyConnection,
    key: &str,
) -> Result<Option<(String, Option<String>)>> {
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT webhook_url, webhook_secret FROM remedy_kinds WHERE key = $1")
            .bind(key)
            .fetch_optional(c)
            .await?;
    Ok(row.and_then(|(url, secret)| url.map(|u| (u, secret))))
}

/// Replaces a kind's name and webhook (the sealed secret kept when
/// `secret` is `None`); answers whether it exists.
pub(super) async fn update_kind(
    c: &mut AnyConnection,
    id: i64,
    name: &str,
    url: Option<&str>,
    secret: Option<&str>,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE remedy_kinds SET name = $1, webhook_url = $2, \
         webhook_secret = CASE WHEN $2 IS NULL THEN NULL ELSE COALESCE($3, webhook_secret) END \
         WHERE id = $4",
    )
    .bind(name)
    .bind(url)
    .bind(secret)
    .bind(id)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}

pub(super) async fn kind_exists(c: &mut AnyConnection, key: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM remedy_kinds WHERE key = $1")
        .bind(key)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

pub(super) async fn insert_kind(
    c: &mut AnyConnection,
    key: &str,
    name: &str,
    url: Option<&str>,
    secret: Option<&str>,
    now: i64,
) -> Result<RemedyKind> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO remedy_kinds (key, name, webhook_url, webhook_secret, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(key)
    .bind(name)
    .bind(url)
    .bind(secret)
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(RemedyKind {
        id,
        key: key.to_string(),
        name: name.to_string(),
        webhook_url: url.map(str::to_string),
    })
}

#[derive(FromRow)]
struct LimitRow {
    id: i64,
    subject: String,
    kind: String,
    currency: String,
    limit_per_case: i64,
    limit_per_month: i64,
    updated_at: i64,
}

impl LimitRow {
    fn into_limit(self) -> Limit {
        let (mut role, mut team_id, mut user_id) = (None, None, None);
        match Bound::parse(&self.subject) {
            Some(Bound::Role(r)) => role = Some(r),
            Some(Bound::Team(t)) => team_id = Some(t),
            Some(Bound::User(u)) => user_id = Some(u),
            None => {}
        }
        Limit {
            id: self.id,
            role,
            team_id,
            user_id,
            kind: self.kind,
            currency: self.currency,
            limit_per_case: self.limit_per_case,
            limit_per_month: self.limit_per_month,
            updated_at: rfc3339(self.updated_at),
        }
    }
}

const LIMIT_COLUMNS: &str = "SELECT id, subject, kind, currency, limit_per_case, \
     limit_per_month, updated_at FROM authority_limits";

pub(super) async fn limits(c: &mut AnyConnection) -> Result<Vec<Limit>> {
    let mut q = Sql::new(LIMIT_COLUMNS);
    q.push(" ORDER BY kind, currency, subject");
    let rows: Vec<LimitRow> = q.query_as().fetch_all(c).await?;
    Ok(rows.into_iter().map(LimitRow::into_limit).collect())
}

/// Sets (inserts or replaces) a limit; answers it.
#[allow(clippy::too_many_arguments)]
pub(super) async fn put_limit(
    c: &mut AnyConnection,
    bound: &Bound,
    kind: &str,
    currency: &str,
    per_case: i64,
    per_month: i64,
    by: Option<i64>,
    now: i64,
) -> Result<Limit> {
    let row: LimitRow = sqlx::query_as(
        "INSERT INTO authority_limits (subject, kind, currency, limit_per_case, limit_per_month, \
         updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (subject, kind, currency) DO UPDATE SET limit_per_case = excluded.limit_per_case, \
         limit_per_month = excluded.limit_per_month, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at \
         RETURNING id, subject, kind, currency, limit_per_case, limit_per_month, updated_at",
    )
    .bind(bound.subject())
    .bind(kind)
    .bind(currency)
    .bind(per_case)
    .bind(per_month)
    .bind(by)
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(row.into_limit())
}

pub(super) async fn delete_limit(c: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM authority_limits WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// The limits of `kind` and `currency` that bind any of `subjects`.
pub(super) async fn limits_for(
    c: &mut AnyConnection,
    subjects: &[String],
    kind: &str,
    currency: &str,
) -> Result<Vec<Limit>> {
    let mut q = Sql::new(LIMIT_COLUMNS);
    q.push(" WHERE kind = ")
        .bind(kind)
        .push(" AND currency = ")
        .bind(currency)
        .push(" AND subject IN ")
        .bind_list(subjects.iter().cloned());
    let rows: Vec<LimitRow> = q.query_as().fetch_all(c).await?;
    Ok(rows.into_iter().map(LimitRow::into_limit).collect())
}
