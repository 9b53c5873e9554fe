//! The rows of `conversation_tags`: written with a new conversation, and
//! as a change's difference (only the tags removed or added) in the same
//! round trip as the row's write on SQLite.

use sqlx::AnyConnection;

use crate::Result;
use crate::db::Sql;

/// All tags in one statement (tags are few: at most a few dozen).
pub(super) async fn insert_tags(c: &mut AnyConnection, id: i64, tags: &[String]) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO conversation_tags (conversation_id, tag) VALUES ");
    for (i, t) in tags.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(").bind(id).push(", ").bind(t.as_str()).push(")");
    }
    sql.query().execute(c).await?;
    Ok(())
}

/// The rows of `conversation_tags` a change of tags touches: those
/// removed and those added (the others stay).
pub(in crate::conversations) struct TagRows {
    removed: Vec<String>,
    added: Vec<String>,
}

impl TagRows {
    /// What changes from tags `before` to `after`.
    pub(in crate::conversations) fn between(before: &[String], after: &[String]) -> TagRows {
        TagRows {
            removed: before
                .iter()
                .filter(|t| !after.contains(t))
                .cloned()
                .collect(),
            added: after
                .iter()
                .filter(|t| !before.contains(t))
                .cloned()
                .collect(),
        }
    }

    /// The statements that write them, each pushed to a [`Sql`] by `to`
    /// (after the write's own statement on SQLite, a query of its own on
    /// PostgreSQL, which prepares one statement per query).
    fn each(&self, id: i64, mut to: impl FnMut(&dyn Fn(&mut Sql))) {
        if !self.removed.is_empty() {
            to(&|s: &mut Sql| {
                s.push("DELETE FROM conversation_tags WHERE conversation_id = ")
                    .bind(id)
                    .push(" AND tag IN ")
                    .bind_list(self.removed.iter().map(String::as_str));
            });
        }
        if !self.added.is_empty() {
            to(&|s: &mut Sql| {
                s.push("INSERT INTO conversation_tags (conversation_id, tag) VALUES ");
                for (i, t) in self.added.iter().enumerate() {
                    if i > 0 {
                        s.push(", ");
                    }
                    s.push("(").bind(id).push(", ").bind(t.as_str()).push(")");
                }
                s.push(" ON CONFLICT DO NOTHING");
            });
        }
    }
}

/// Runs `sql`, a write of conversation `id`, and writes `tags`: in one
/// round trip on SQLite (one call of its single writer).
pub(super) async fn write_with_tags(
    c: &mut AnyConnection,
    mut sql: Sql,
    id: i64,
    tags: Option<&TagRows>,
) -> Result<()> {
    let Some(tags) = tags else {
        sql.query().execute(&mut *c).await?;
        return Ok(());
    };
    if !crate::db::is_postgres(c) {
        tags.each(id, |push| {
            sql.push("; ");
            push(&mut sql);
        });
        // Every statement run to its end.
        sql.query().fetch_all(&mut *c).await?;
        return Ok(());
    }
    sql.query().execute(&mut *c).await?;
    let mut parts = Vec::new();
    tags.each(id, |push| {
        let mut s = Sql::new("");
        push(&mut s);
        parts.push(s);
    });
    for part in parts {
        part.query().execute(&mut *c).await?;
    }
    Ok(())
}
