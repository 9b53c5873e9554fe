//! The sweep's one question to the database: which of these digests does a
//! row still name? Every column that names a stored file is listed here;
//! a new one must be added, or the sweep removes its files.

use std::collections::HashSet;

use sqlx::AnyConnection;

use crate::Result;
use crate::db::Sql;

/// `(table, column)` of every column that may name a file in the store.
/// Each has an index (migration 0015; `kb_images.sha256` is unique, 0030;
/// `side_messages.raw_sha256`, 0043), so one look-up is a few index probes.
const NAMED_BY: [(&str, &str); 7] = [
    ("attachments", "sha256"),
    ("messages", "raw_sha256"),
    ("mail_log", "raw_sha256"),
    ("outbox", "raw_sha256"),
    ("kb_images", "sha256"),
    ("side_messages", "raw_sha256"),
    ("draft_images", "sha256"),
];

/// The digests among `shas` that some row names.
pub(super) async fn named(c: &mut AnyConnection, shas: &[String]) -> Result<HashSet<String>> {
    if shas.is_empty() {
        return Ok(HashSet::new());
    }
    let mut sql = Sql::new("");
    for (i, (table, column)) in NAMED_BY.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ");
        }
        // Only the constant names above are formatted in; values are bound.
        sql.push(&format!(
            "SELECT {column} AS sha FROM {table} WHERE {column} IN "
        ))
        .bind_list(shas.iter().map(String::as_str));
    }
    let rows: Vec<(String,)> = sql.query_as().fetch_all(c).await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// Keeps `blobs` (digest, bytes) in the database, inside the caller's
/// transaction; existing digests are left alone.
pub(super) async fn insert_blobs(c: &mut AnyConnection, blobs: &[super::Blob]) -> Result<()> {
    // Bounded statements (bind-parameter limits) for mail with many parts.
    for chunk in blobs.chunks(200) {
        let mut sql = String::from("INSERT INTO blobs (sha256, bytes) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
        }
        sql.push_str(" ON CONFLICT (sha256) DO NOTHING");
        // Only placeholders are formatted in; the values are bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (sha, bytes) in chunk {
            q = q.bind(sha.as_str()).bind(&bytes[..]);
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// The bytes kept in the database under a digest, if any.
pub(super) async fn blob(c: &mut AnyConnection, sha256: &str) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT bytes FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(c)
        .await?;
    Ok(row.map(|(b,)| b))
}

/// Deletes the bytes kept in the database under a digest.
pub(super) async fn delete_blob(c: &mut AnyConnection, sha256: &str) -> Result<()> {
    sqlx::query("DELETE FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .execute(c)
        .await?;
    Ok(())
}
