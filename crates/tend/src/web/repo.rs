//! The web UI's own SQL: sessions, one-time links and agent preferences.

use sqlx::AnyConnection;

use crate::Result;

/// A signed-in session joined with its user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf_token: String,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: i64,
    pub language: Option<String>,
    pub timezone: Option<String>,
}

pub async fn session(c: &mut AnyConnection, id_hash: &str) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.name, u.email, \
         u.role, u.active, u.language, u.timezone \
         FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(c)
    .await?)
}

pub async fn insert_session(
    c: &mut AnyConnection,
    id_hash: &str,
    user_id: i64,
    csrf: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn touch_session(
    c: &mut AnyConnection,
    id_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1")
        .bind(id_hash)
        .bind(now)
        .bind(expires_at)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete_session(c: &mut AnyConnection, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(c)
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change or
/// deactivation).
pub async fn delete_user_sessions(
    c: &mut AnyConnection,
    user_id: i64,
    keep: Option<&str>,
) -> Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete_expired_sessions(c: &mut AnyConnection, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// A one-time link.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub purpose: String,
    pub user_id: Option<i64>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn insert_link(
    c: &mut AnyConnection,
    token_hash: &str,
    purpose: &str,
    user_id: Option<i64>,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO web_links (token_hash, purpose, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn link(c: &mut AnyConnection, token_hash: &str) -> Result<Option<LinkRow>> {
    Ok(sqlx::query_as(
        "SELECT purpose, user_id, expires_at, used_at FROM web_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await?)
}

/// Marks a link used; false when it was already used (a race lost).
pub async fn use_link(c: &mut AnyConnection, token_hash: &str, now: i64) -> Result<bool> {
    let r =
        sqlx::query("UPDATE web_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL")
            .bind(token_hash)
            .bind(now)
            .execute(c)
            .await?;
    Ok(r.rows_affected() == 1)
}

/// Retires the unused links of `purpose` for `user_id` (setup links have
/// none): a new link replaces them.
pub async fn expire_links(
    c: &mut AnyConnection,
    purpose: &str,
    user_id: Option<i64>,
    now: i64,
) -> Result<()> {
    let q = match user_id {
        Some(_) => {
            "UPDATE web_links SET expires_at = $1 WHERE purpose = $2 AND user_id = $3 \
             AND used_at IS NULL AND expires_at > $1"
        }
        None => {
            "UPDATE web_links SET expires_at = $1 WHERE purpose = $2 AND user_id IS NULL \
             AND used_at IS NULL AND expires_at > $1"
        }
    };
    let mut q = sqlx::query(q).bind(now).bind(purpose);
    if let Some(uid) = user_id {
        q = q.bind(uid);
    }
    q.execute(c).await?;
    Ok(())
}

pub async fn password_hash(c: &mut AnyConnection, user_id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(c)
            .await?;
    Ok(row.and_then(|r| r.0))
}

pub async fn set_preferences(
    c: &mut AnyConnection,
    user_id: i64,
    language: Option<&str>,
    timezone: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE users SET language = $2, timezone = $3 WHERE id = $1")
        .bind(user_id)
        .bind(language)
        .bind(timezone)
        .execute(c)
        .await?;
    Ok(())
}
