//! The only SQL of signatures: the `signatures` table.

use sqlx::AnyConnection;

use super::service::Owner;
use crate::Result;

fn column(owner: Owner) -> (&'static str, i64) {
    match owner {
        Owner::Agent(id) => ("user_id", id),
        Owner::Inbox(id) => ("inbox_id", id),
    }
}

/// `(language, text)` of `owner`'s signatures, the fallback (`""`) first.
pub(super) async fn list(c: &mut AnyConnection, owner: Owner) -> Result<Vec<(String, String)>> {
    let (col, id) = column(owner);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT language, text FROM signatures WHERE {col} = $1 ORDER BY language"
    )))
    .bind(id)
    .fetch_all(c)
    .await?)
}

/// Replaces all of `owner`'s signatures with `items` (`(language, text)`).
pub(super) async fn replace(
    c: &mut AnyConnection,
    owner: Owner,
    items: &[(String, String)],
    now: i64,
) -> Result<()> {
    let (col, id) = column(owner);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM signatures WHERE {col} = $1"
    )))
    .bind(id)
    .execute(&mut *c)
    .await?;
    for (language, text) in items {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO signatures ({col}, language, text, updated_at) VALUES ($1, $2, $3, $4)"
        )))
        .bind(id)
        .bind(language)
        .bind(text)
        .bind(now)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// The text of `owner`'s signature in `language`, else their fallback.
pub(super) async fn pick(
    c: &mut AnyConnection,
    owner: Owner,
    language: &str,
) -> Result<Option<String>> {
    let (col, id) = column(owner);
    let rows: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT language, text FROM signatures WHERE {col} = $1 AND language IN ($2, '')"
    )))
    .bind(id)
    .bind(language)
    .fetch_all(c)
    .await?;
    let of = |l: &str| rows.iter().find(|(rl, _)| rl == l).map(|(_, t)| t.clone());
    Ok(of(language)
        .filter(|_| !language.is_empty())
        .or_else(|| of("")))
}
