//! The SQL over conversations that routing needs: owners' loads, locking
//! waiting conversations, and an agent's chats.

use sqlx::AnyConnection;

use crate::Result;
use crate::db::Sql;
use crate::vocab::Status;

/// Unsolved (new, open, pending) conversations per owner and channel.
pub(super) async fn loads(
    c: &mut AnyConnection,
    user_ids: &[i64],
) -> Result<Vec<(i64, String, i64)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql =
        Sql::new("SELECT assignee_id, channel, COUNT(*) FROM conversations WHERE assignee_id IN ");
    sql.bind_list(user_ids.iter().copied())
        .push(" AND status IN ")
        .push(&Status::sql_list(Status::is_active))
        .push(" GROUP BY assignee_id, channel");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// `(id, assignee_id, status)` of the given conversations. On PostgreSQL
/// they are locked, and those another transaction holds are skipped (left
/// out of the answer) rather than waited for.
pub(super) async fn lock_skipping(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, Option<i64>, Status)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, assignee_id, status FROM conversations WHERE id IN ");
    sql.bind_list(ids.iter().copied());
    if crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE SKIP LOCKED");
    }
    let rows: Vec<(i64, Option<i64>, String)> = sql.query_as().fetch_all(c).await?;
    rows.into_iter()
        .map(|(id, a, s)| Ok((id, a, Status::from_db(&s).map_err(anyhow::Error::from)?)))
        .collect()
}

/// Ids of the unsolved chats a user owns.
pub(super) async fn active_chats_of(c: &mut AnyConnection, user_id: i64) -> Result<Vec<i64>> {
    let mut sql = Sql::new("SELECT id FROM conversations WHERE channel = 'chat' AND status IN ");
    sql.push(&Status::sql_list(Status::is_active))
        .push(" AND assignee_id = ")
        .bind(user_id)
        .push(" ORDER BY id");
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(c).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
