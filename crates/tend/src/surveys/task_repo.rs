//! The only SQL of follow-up tasks.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;

const TASK_COLS: &str = "t.id, t.kind, t.conversation_id, t.survey_id, t.assignee_id, t.due_at, t.done_at, t.done_by, t.created_at";

/// A task row.
#[derive(Debug, Clone, FromRow)]
pub(super) struct TaskRow {
    pub id: i64,
    pub kind: String,
    pub conversation_id: i64,
    pub survey_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub due_at: i64,
    pub done_at: Option<i64>,
    pub done_by: Option<i64>,
    pub created_at: i64,
}

/// The open follow-up task of a conversation, if any.
pub(super) async fn open_follow_up(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM tasks WHERE conversation_id = $1 AND kind = 'follow_up' AND done_at IS NULL ORDER BY id LIMIT 1",
    )
    .bind(conversation_id)
    .fetch_optional(c)
    .await?)
}

/// Creates a follow-up task.
pub(super) async fn insert_task(
    c: &mut AnyConnection,
    conversation_id: i64,
    survey_id: Option<i64>,
    assignee_id: Option<i64>,
    due_at: i64,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tasks (conversation_id, survey_id, kind, assignee_id, due_at, created_at) \
         VALUES ($1, $2, 'follow_up', $3, $4, $5) RETURNING id",
    )
    .bind(conversation_id)
    .bind(survey_id)
    .bind(assignee_id)
    .bind(due_at)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Completes the open tasks of a conversation (the customer confirmed).
pub(super) async fn complete_open_tasks(
    c: &mut AnyConnection,
    conversation_id: i64,
    now: i64,
) -> Result<u64> {
    Ok(
        sqlx::query("UPDATE tasks SET done_at = $1 WHERE conversation_id = $2 AND done_at IS NULL")
            .bind(now)
            .bind(conversation_id)
            .execute(c)
            .await?
            .rows_affected(),
    )
}

/// Who a task list is for.
#[derive(Debug, Clone, Copy)]
pub(super) enum TaskAssignee {
    /// Anyone.
    Any,
    /// Unassigned (the supervisor queue).
    Nobody,
    /// One user.
    User(i64),
}

/// Task list filter.
#[derive(Debug, Clone)]
pub(super) struct TaskFilter {
    pub assignee: TaskAssignee,
    /// `Some(false)`: open only; `Some(true)`: done only.
    pub done: Option<bool>,
    pub conversation_id: Option<i64>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// Tasks on conversations the viewer may see, oldest first.
pub(super) async fn tasks(
    c: &mut AnyConnection,
    viewer: &Viewer,
    f: &TaskFilter,
) -> Result<Vec<TaskRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {TASK_COLS} FROM tasks t JOIN conversations c ON c.id = t.conversation_id WHERE 1=1"
    ));
    match f.assignee {
        TaskAssignee::Any => {}
        TaskAssignee::Nobody => {
            sql.push(" AND t.assignee_id IS NULL");
        }
        TaskAssignee::User(u) => {
            sql.push(" AND t.assignee_id = ").bind(u);
        }
    }
    match f.done {
        Some(true) => {
            sql.push(" AND t.done_at IS NOT NULL");
        }
        Some(false) => {
            sql.push(" AND t.done_at IS NULL");
        }
        None => {}
    }
    if let Some(id) = f.conversation_id {
        sql.push(" AND t.conversation_id = ").bind(id);
    }
    if let Some(id) = f.after_id {
        sql.push(" AND t.id > ").bind(id);
    }
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" ORDER BY t.id LIMIT ").bind(f.limit);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// One task the viewer may see, with its conversation's inbox; locked on PostgreSQL.
pub(super) async fn task_for_update(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<(TaskRow, i64)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        task: TaskRow,
        inbox_id: i64,
    }
    let mut sql = Sql::new(&format!(
        "SELECT {TASK_COLS}, c.inbox_id FROM tasks t JOIN conversations c ON c.id = t.conversation_id WHERE t.id = "
    ));
    sql.bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    if crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE OF t");
    }
    let row: Option<Row> = sql.query_as().fetch_optional(c).await?;
    Ok(row.map(|r| (r.task, r.inbox_id)))
}

/// One task by id (no access check).
pub(super) async fn task(c: &mut AnyConnection, id: i64) -> Result<Option<TaskRow>> {
    let mut sql = Sql::new(&format!("SELECT {TASK_COLS} FROM tasks t WHERE t.id = "));
    sql.bind(id);
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// Writes a task's assignee and completion.
pub(super) async fn save_task(c: &mut AnyConnection, t: &TaskRow) -> Result<()> {
    sqlx::query("UPDATE tasks SET assignee_id = $1, done_at = $2, done_by = $3 WHERE id = $4")
        .bind(t.assignee_id)
        .bind(t.done_at)
        .bind(t.done_by)
        .bind(t.id)
        .execute(c)
        .await?;
    Ok(())
}
