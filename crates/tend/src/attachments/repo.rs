//! The sweep's one question to the database: which of these digests does a
//! row still name? Every column that names a stored file is listed here;
//! a new one must be added, or the sweep removes its files.

use std::collections::HashSet;

use sqlx::AnyConnection;

use crate::Result;
use crate::db::Sql;

/// `(table, column)` of every column that may name a file in the store.
/// Each has an index (migration 0015), so one look-up is a few index probes.
const NAMED_BY: [(&str, &str); 4] = [
    ("attachments", "sha256"),
    ("messages", "raw_sha256"),
    ("mail_log", "raw_sha256"),
    ("outbox", "raw_sha256"),
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
