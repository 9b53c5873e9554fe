//! The only SQL of the `secrets` table: named values made on first use and
//! shared by every node through the database, stored sealed.

use sqlx::AnyConnection;

use crate::Result;

/// The stored (sealed) value `name`, if made.
pub(super) async fn get(c: &mut AnyConnection, name: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM secrets WHERE name = $1")
            .bind(name)
            .fetch_optional(c)
            .await?,
    )
}

/// Stores a value unless one exists (the first writer wins on every node).
pub(super) async fn insert(c: &mut AnyConnection, name: &str, value: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(value)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Every row, to seal what is still plaintext.
pub(super) async fn all(c: &mut AnyConnection) -> Result<Vec<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT name, value FROM secrets ORDER BY name")
            .fetch_all(c)
            .await?,
    )
}

/// Replaces `name`'s value, only while it is still `was` (another node may
/// have sealed it meanwhile).
pub(super) async fn replace(
    c: &mut AnyConnection,
    name: &str,
    was: &str,
    value: &str,
) -> Result<()> {
    sqlx::query("UPDATE secrets SET value = $1 WHERE name = $2 AND value = $3")
        .bind(value)
        .bind(name)
        .bind(was)
        .execute(c)
        .await?;
    Ok(())
}
