//! The list query of conversations: filters, the viewer's access, the
//! order, and keyset pages.

use sqlx::AnyConnection;

use super::{CONV_SELECT, ConvRow};
use crate::Result;
use crate::agents::Viewer;
use crate::conversations::model::{AssigneeFilter, ListFilter, ListSort, PageAt};
use crate::db::Sql;

/// Conversations the viewer may see, in the filter's order from its cursor
/// (before the cursor: read backwards, for the caller to turn round).
pub(in crate::conversations) async fn list(
    c: &mut AnyConnection,
    viewer: &Viewer,
    f: &ListFilter,
) -> Result<Vec<ConvRow>> {
    let select = match waiting_index(f) {
        // SQLite's planner, without statistics, prefers the status index and
        // sorts; the partial index reads the first page in order instead.
        Some(index) if !crate::db::is_postgres(c) => CONV_SELECT.replacen(
            "FROM conversations c JOIN",
            &format!("FROM conversations c INDEXED BY {index} JOIN"),
            1,
        ),
        _ => CONV_SELECT.to_string(),
    };
    let mut sql = Sql::new(&select);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    if f.sort == ListSort::LongestWaiting && !f.statuses.is_empty() {
        // Literal values (from the enum, never from input) so that the
        // planner can match the partial indexes' `status IN (…)`.
        let list: Vec<String> = f
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        sql.push(&format!(" AND c.status IN ({})", list.join(", ")));
    } else if !f.statuses.is_empty() {
        sql.push(" AND c.status IN ")
            .bind_list(f.statuses.iter().map(|s| s.as_str()));
    }
    match f.assignee {
        Some(AssigneeFilter::User(u)) => {
            sql.push(" AND c.assignee_id = ").bind(u);
        }
        Some(AssigneeFilter::Nobody) => {
            sql.push(" AND c.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(v) = f.customer_id {
        sql.push(" AND c.customer_id = ").bind(v);
    }
    if let Some(v) = f.inbox_id {
        sql.push(" AND c.inbox_id = ").bind(v);
    }
    if let Some(v) = f.team_id {
        sql.push(" AND c.team_id = ").bind(v);
    }
    if let Some(v) = &f.tag {
        sql.push(" AND c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag = ")
            .bind(v.clone())
            .push(")");
    }
    if let Some(v) = f.priority {
        sql.push(" AND c.priority = ").bind(v.as_str());
    }
    if let Some(v) = f.channel {
        sql.push(" AND c.channel = ").bind(v.as_str());
    }
    if let Some(v) = &f.language {
        sql.push(" AND c.language = ").bind(v.clone());
    }
    if let Some(q) = &f.q {
        sql.push(" AND c.subject_fold LIKE ")
            .bind(crate::db::like_pattern(q))
            .push(" ESCAPE '\\'");
    }
    let next_due = crate::sla::repo::next_due_sql("c.id");
    if f.sort == ListSort::Deadline {
        sql.push(&format!(" AND {next_due} IS NOT NULL"));
    }
    if let Some(before) = f.due_before {
        sql.push(&format!(" AND {next_due} < ")).bind(before);
    }
    // Keyset pagination: the rows after (or before) a row, by the sort
    // key and then the id, which the indexes serve as a range. The key is
    // `ListSort::key_of` in SQL.
    let key = f.sort.key_sql(&next_due);
    let (cursor, back) = match f.at {
        PageAt::First => (None, false),
        PageAt::After(k) => (Some(k), false),
        PageAt::Before(k) => (Some(k), true),
    };
    match (&key, cursor) {
        (_, None) => {}
        // Newest first: "after" is a smaller id.
        (None, Some(k)) => {
            sql.push(if back { " AND c.id > " } else { " AND c.id < " })
                .bind(k.id);
        }
        (Some(expr), Some(k)) => {
            sql.push(&format!(
                " AND ({expr}, c.id) {} (",
                if back { "<" } else { ">" }
            ))
            .bind(k.key)
            .push(", ")
            .bind(k.id)
            .push(")");
        }
    }
    // A page before a cursor is read backwards; the caller turns it round.
    match (&key, back) {
        (None, false) => sql.push(" ORDER BY c.id DESC"),
        (None, true) => sql.push(" ORDER BY c.id"),
        (Some(expr), false) => sql.push(&format!(" ORDER BY {expr}, c.id")),
        (Some(expr), true) => sql.push(&format!(" ORDER BY {expr} DESC, c.id DESC")),
    };
    sql.push(" LIMIT ").bind(f.limit);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The partial index (migration 0004) that serves a longest-waiting list,
/// when the filter matches its `WHERE` exactly.
fn waiting_index(f: &ListFilter) -> Option<&'static str> {
    use crate::conversations::status::Status::{New, Open, Pending};
    if f.sort != ListSort::LongestWaiting {
        return None;
    }
    match (f.statuses.as_slice(), f.assignee) {
        ([New, Open], _) => Some("conversations_open_waiting"),
        ([New, Open, Pending], Some(_)) => Some("conversations_mine_waiting"),
        _ => None,
    }
}

/// The start (400 characters) of each conversation's newest message that
/// is not an internal note, for the list's previews.
pub(in crate::conversations) async fn previews(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT m.conversation_id, SUBSTR(m.text, 1, 400) FROM messages m WHERE m.id IN \
         (SELECT MAX(x.id) FROM messages x WHERE x.internal = 0 AND x.conversation_id IN ",
    );
    sql.bind_list(ids.iter().copied())
        .push(" GROUP BY x.conversation_id)");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Live chats that wait for an answer, the longest waiting first, under
/// the viewer's access (the partial index `conversations_chat_waiting`
/// holds just these, so the query costs the same at any size).
pub(in crate::conversations) async fn chats_waiting(
    c: &mut AnyConnection,
    viewer: &Viewer,
    limit: i64,
) -> Result<Vec<ConvRow>> {
    let mut sql = Sql::new(CONV_SELECT);
    // Literal values, so that the planner matches the partial index.
    sql.push(
        " AND c.channel = 'chat' AND c.status IN ('new', 'open') \
         AND c.waiting_since IS NOT NULL",
    );
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" ORDER BY c.waiting_since, c.id LIMIT ")
        .bind(limit);
    Ok(sql.query_as().fetch_all(c).await?)
}
