//! The `problems` and `problem_links` tables. Linked conversations are
//! read joined with `conversations` (their subject and status, under the
//! viewer's access), which this module never writes.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::rfc3339;
use crate::vocab::Status;

use super::model::{Credit, LinkedConversation, Problem, ProblemStatus, ReportLine};

#[derive(FromRow)]
struct ProblemRow {
    id: i64,
    title: String,
    description: String,
    status: String,
    owner_id: Option<i64>,
    workaround: Option<String>,
    created_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
    fixed_at: Option<i64>,
    fixed_by: Option<i64>,
    fix_message: Option<String>,
    linked_count: i64,
}

impl ProblemRow {
    fn into_problem(self) -> Result<Problem> {
        let fix_message = match self.fix_message {
            Some(s) => Some(
                serde_json::from_str::<BTreeMap<String, String>>(&s)
                    .map_err(|e| crate::Error::Internal(e.into()))?,
            ),
            None => None,
        };
        Ok(Problem {
            status: ProblemStatus::from_db(&self.status)?,
            id: self.id,
            title: self.title,
            description: self.description,
            owner_id: self.owner_id,
            workaround: self.workaround,
            created_by: self.created_by,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            fixed_at: self.fixed_at.map(rfc3339),
            fixed_by: self.fixed_by,
            fix_message,
            linked_count: self.linked_count,
            conversations: Vec::new(),
        })
    }
}

const COLUMNS: &str = "SELECT p.id, p.title, p.description, p.status, p.owner_id, p.workaround, \
     p.created_by, p.created_at, p.updated_at, p.fixed_at, p.fixed_by, p.fix_message, \
     (SELECT COUNT(*) FROM problem_links l WHERE l.problem_id = p.id) AS linked_count \
     FROM problems p";

/// A new problem, checked.
pub(super) struct NewProblem<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub status: ProblemStatus,
    pub owner_id: Option<i64>,
    pub workaround: Option<&'a str>,
    pub created_by: Option<i64>,
}

pub(super) async fn insert(c: &mut AnyConnection, p: &NewProblem<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO problems (title, description, status, owner_id, workaround, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(p.title)
    .bind(p.description)
    .bind(p.status.as_str())
    .bind(p.owner_id)
    .bind(p.workaround)
    .bind(p.created_by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub(super) async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<Problem>> {
    let mut q = Sql::new(COLUMNS);
    q.push(" WHERE p.id = ").bind(id);
    let row: Option<ProblemRow> = q.query_as().fetch_optional(c).await?;
    row.map(ProblemRow::into_problem).transpose()
}

/// Problems, newest first, from before `before` (an id).
pub(super) async fn list(
    c: &mut AnyConnection,
    status: Option<ProblemStatus>,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<Problem>> {
    let mut q = Sql::new(COLUMNS);
    q.push(" WHERE 1 = 1");
    if let Some(s) = status {
        q.push(" AND p.status = ").bind(s.as_str());
    }
    if let Some(b) = before {
        q.push(" AND p.id < ").bind(b);
    }
    q.push(" ORDER BY p.id DESC LIMIT ").bind(limit);
    let rows: Vec<ProblemRow> = q.query_as().fetch_all(c).await?;
    rows.into_iter().map(ProblemRow::into_problem).collect()
}

/// The problems of these ids (any order).
pub(super) async fn many(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Problem>> {
    let mut q = Sql::new(COLUMNS);
    q.push(" WHERE p.id IN ").bind_list(ids.iter().copied());
    let rows: Vec<ProblemRow> = q.query_as().fetch_all(c).await?;
    rows.into_iter().map(ProblemRow::into_problem).collect()
}

/// The fields a patch changes (already checked).
#[derive(Default)]
pub(super) struct Change {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<ProblemStatus>,
    pub owner_id: Option<i64>,
    /// `Some(None)` removes it.
    pub workaround: Option<Option<String>>,
}

pub(super) async fn update(c: &mut AnyConnection, id: i64, ch: &Change, now: i64) -> Result<()> {
    let mut q = Sql::new("UPDATE problems SET updated_at = ");
    q.bind(now);
    if let Some(t) = &ch.title {
        q.push(", title = ").bind(t.clone());
    }
    if let Some(t) = &ch.description {
        q.push(", description = ").bind(t.clone());
    }
    if let Some(s) = ch.status {
        q.push(", status = ").bind(s.as_str());
    }
    if let Some(o) = ch.owner_id {
        q.push(", owner_id = ").bind(o);
    }
    if let Some(w) = &ch.workaround {
        q.push(", workaround = ").bind(w.clone());
    }
    q.push(" WHERE id = ").bind(id);
    q.query().execute(c).await?;
    Ok(())
}

/// Marks a problem fixed; `false` when it was fixed already (the message
/// is then not sent again).
pub(super) async fn mark_fixed(
    c: &mut AnyConnection,
    id: i64,
    by: Option<i64>,
    message: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE problems SET status = $1, fixed_at = $2, fixed_by = $3, fix_message = $4, \
         updated_at = $2 WHERE id = $5 AND status <> $1",
    )
    .bind(ProblemStatus::Fixed.as_str())
    .bind(now)
    .bind(by)
    .bind(message)
    .bind(id)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Claims the linked conversations not told yet; answers their ids.
pub(super) async fn claim_unnotified(
    c: &mut AnyConnection,
    problem_id: i64,
    now: i64,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE problem_links SET notified_at = $1 \
         WHERE problem_id = $2 AND notified_at IS NULL RETURNING conversation_id",
    )
    .bind(now)
    .bind(problem_id)
    .fetch_all(c)
    .await?;
    Ok(ids)
}

/// The problem a conversation is linked to.
pub(super) async fn problem_of(c: &mut AnyConnection, conversation_id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT problem_id FROM problem_links WHERE conversation_id = $1")
            .bind(conversation_id)
            .fetch_optional(c)
            .await?,
    )
}

/// The problems of these conversations: (conversation, problem).
pub(super) async fn problems_of(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut q =
        Sql::new("SELECT conversation_id, problem_id FROM problem_links WHERE conversation_id IN ");
    q.bind_list(ids.iter().copied());
    Ok(q.query_as().fetch_all(c).await?)
}

/// Links a conversation (replacing any link it had).
pub(super) async fn link(
    c: &mut AnyConnection,
    problem_id: i64,
    conversation_id: i64,
    by: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO problem_links (conversation_id, problem_id, linked_by, linked_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id) DO UPDATE SET \
         problem_id = excluded.problem_id, linked_by = excluded.linked_by, \
         linked_at = excluded.linked_at, notified_at = NULL",
    )
    .bind(conversation_id)
    .bind(problem_id)
    .bind(by)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Unlinks; `false` when it was not linked to that problem.
pub(super) async fn unlink(
    c: &mut AnyConnection,
    problem_id: i64,
    conversation_id: i64,
) -> Result<bool> {
    let r = sqlx::query("DELETE FROM problem_links WHERE conversation_id = $1 AND problem_id = $2")
        .bind(conversation_id)
        .bind(problem_id)
        .execute(c)
        .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(FromRow)]
struct LinkRow {
    conversation_id: i64,
    subject: String,
    status: String,
    language: Option<String>,
    linked_by: Option<i64>,
    linked_at: i64,
    notified_at: Option<i64>,
}

/// The linked conversations `viewer` may see, newest link first.
pub(super) async fn linked(
    c: &mut AnyConnection,
    viewer: &Viewer,
    problem_id: i64,
    limit: i64,
) -> Result<Vec<LinkedConversation>> {
    let mut q = Sql::new(
        "SELECT l.conversation_id, c.subject, c.status, c.language, l.linked_by, l.linked_at, \
         l.notified_at FROM problem_links l JOIN conversations c ON c.id = l.conversation_id \
         WHERE l.problem_id = ",
    );
    q.bind(problem_id);
    viewer.restrict_inboxes(&mut q, "c.inbox_id");
    q.push(" ORDER BY l.linked_at DESC, l.conversation_id DESC LIMIT ")
        .bind(limit);
    let rows: Vec<LinkRow> = q.query_as().fetch_all(c).await?;
    rows.into_iter()
        .map(|r| {
            Ok(LinkedConversation {
                status: Status::from_db(&r.status)?,
                conversation_id: r.conversation_id,
                subject: r.subject,
                language: r.language,
                linked_by: r.linked_by,
                linked_at: rfc3339(r.linked_at),
                notified_at: r.notified_at.map(rfc3339),
            })
        })
        .collect()
}

/// Subject, status and opening time of conversations, for showing them:
/// (id, subject, status, created_at).
pub(super) async fn subjects(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, String, String, i64)>> {
    let mut q = Sql::new("SELECT id, subject, status, created_at FROM conversations WHERE id IN ");
    q.bind_list(ids.iter().copied());
    Ok(q.query_as().fetch_all(c).await?)
}

/// Conversations opened since `since` (ms) that are linked to no problem,
/// that `viewer` may see, newest first, at most `limit`: (id, subject).
pub(super) async fn recent_unlinked(
    c: &mut AnyConnection,
    viewer: &Viewer,
    since: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    let mut q = Sql::new("SELECT c.id, c.subject FROM conversations c WHERE c.created_at >= ");
    q.bind(since);
    q.push(" AND NOT EXISTS (SELECT 1 FROM problem_links l WHERE l.conversation_id = c.id)");
    viewer.restrict_inboxes(&mut q, "c.inbox_id");
    q.push(" ORDER BY c.id DESC LIMIT ").bind(limit);
    Ok(q.query_as().fetch_all(c).await?)
}

#[derive(FromRow)]
struct ReportRow {
    id: i64,
    title: String,
    status: String,
    linked: i64,
    fixed_by: Option<i64>,
    created_at: i64,
    fixed_at: Option<i64>,
}

/// Every problem with its linked volume, most first.
pub(super) async fn report(c: &mut AnyConnection) -> Result<Vec<ReportLine>> {
    let rows: Vec<ReportRow> = sqlx::query_as(
        "SELECT p.id, p.title, p.status, \
         (SELECT COUNT(*) FROM problem_links l WHERE l.problem_id = p.id) AS linked, \
         p.fixed_by, p.created_at, p.fixed_at FROM problems p \
         ORDER BY linked DESC, p.id DESC",
    )
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ReportLine {
                status: ProblemStatus::from_db(&r.status)?,
                problem_id: r.id,
                title: r.title,
                linked: r.linked,
                fixed_by: r.fixed_by,
                hours_to_fix: r.fixed_at.map(|f| {
                    ((f - r.created_at).max(0) as f64 / 3_600_000.0 * 100.0).round() / 100.0
                }),
            })
        })
        .collect()
}

#[derive(FromRow)]
struct CreditRow {
    user_id: i64,
    name: String,
    problems: i64,
    conversations: i64,
}

/// Who marked problems fixed, with the conversations linked to them.
pub(super) async fn credits(c: &mut AnyConnection) -> Result<Vec<Credit>> {
    let rows: Vec<CreditRow> = sqlx::query_as(
        "SELECT u.id AS user_id, u.name, COUNT(*) AS problems, \
         CAST(COALESCE(SUM(n.linked), 0) AS BIGINT) AS conversations \
         FROM problems p JOIN users u ON u.id = p.fixed_by \
         LEFT JOIN (SELECT problem_id, COUNT(*) AS linked FROM problem_links GROUP BY problem_id) n \
         ON n.problem_id = p.id \
         WHERE p.status = $1 GROUP BY u.id, u.name ORDER BY conversations DESC, u.id",
    )
    .bind(ProblemStatus::Fixed.as_str())
    .fetch_all(c)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Credit {
            user_id: r.user_id,
            name: r.name,
            problems: r.problems,
            conversations: r.conversations,
        })
        .collect())
}
