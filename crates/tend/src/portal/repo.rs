//! The portal's only SQL: sign-in links and customer sessions.

use sqlx::AnyConnection;

use crate::Result;

/// Stores a new sign-in link and retires the customer's older unused ones
/// (only the newest link a customer was sent opens anything).
pub async fn insert_link(
    c: &mut AnyConnection,
    token_hash: &str,
    customer_id: i64,
    language: Option<&str>,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE portal_links SET expires_at = $2 \
         WHERE customer_id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(customer_id)
    .bind(now)
    .execute(&mut *c)
    .await?;
    // Spent and expired links are of no use to anyone: swept as new ones come.
    sqlx::query("DELETE FROM portal_links WHERE expires_at < $1")
        .bind(now - 24 * 3_600_000)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "INSERT INTO portal_links (token_hash, customer_id, language, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(customer_id)
    .bind(language)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await?;
    Ok(())
}

/// A sign-in link.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub customer_id: i64,
    pub language: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn link(c: &mut AnyConnection, token_hash: &str) -> Result<Option<LinkRow>> {
    Ok(sqlx::query_as(
        "SELECT customer_id, language, expires_at, used_at FROM portal_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await?)
}

/// Spends a live link; `None` when it is unknown, used or expired (or was
/// spent by a concurrent request a moment ago).
pub async fn spend_link(
    c: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<LinkRow>> {
    let spent = sqlx::query(
        "UPDATE portal_links SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected();
    if spent != 1 {
        return Ok(None);
    }
    link(c, token_hash).await
}

/// A portal session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub customer_id: i64,
    pub csrf_token: String,
    pub language: Option<String>,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ends_at: i64,
}

/// A new session (expired ones are swept first).
pub async fn insert_session(
    c: &mut AnyConnection,
    token_hash: &str,
    row: &SessionRow,
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM portal_sessions WHERE expires_at < $1")
        .bind(now)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "INSERT INTO portal_sessions (token_hash, customer_id, csrf_token, language, created_at, \
         last_seen_at, expires_at, ends_at) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(row.customer_id)
    .bind(&row.csrf_token)
    .bind(row.language.as_deref())
    .bind(now)
    .bind(row.expires_at)
    .bind(row.ends_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn session(c: &mut AnyConnection, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT customer_id, csrf_token, language, last_seen_at, expires_at, ends_at \
         FROM portal_sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await?)
}

pub async fn touch_session(
    c: &mut AnyConnection,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE portal_sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1",
    )
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn delete_session(c: &mut AnyConnection, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM portal_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(c)
        .await?;
    Ok(())
}
