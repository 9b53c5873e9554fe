//! Follow-up tasks: made by unhappy answers, listed per assignee, completed
//! by agents. Completing one while the customer has not confirmed (the
//! conversation is not closed) schedules the next: follow-ups repeat until
//! the customer confirms.

use serde_json::json;

use crate::agents::Viewer;
use crate::conversations::followup::{self, Cause};
use crate::conversations::status::Status;
use crate::state::AppState;
use crate::vocab::EventKind;
use crate::{Error, Result};

use super::model::Task;
use super::rules::next_business_day;
use super::task_repo::{self as repo, TaskAssignee, TaskFilter, TaskRow};

fn to_api(t: TaskRow) -> Task {
    Task {
        id: t.id,
        kind: t.kind,
        conversation_id: t.conversation_id,
        survey_id: t.survey_id,
        assignee_id: t.assignee_id,
        due_at: crate::time::rfc3339(t.due_at),
        done_at: crate::time::rfc3339_opt(t.done_at),
        done_by: t.done_by,
        created_at: crate::time::rfc3339(t.created_at),
    }
}

/// Which tasks to list.
#[derive(Debug, Clone)]
pub struct TaskQuery {
    /// `None`: anyone's; `Some(None)`: unassigned; `Some(Some(id))`: one user's.
    pub assignee: Option<Option<i64>>,
    /// `Some(false)`: open; `Some(true)`: done; `None`: both.
    pub done: Option<bool>,
    /// One conversation's.
    pub conversation_id: Option<i64>,
    /// Page cursor (the last id seen).
    pub after_id: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// Tasks on conversations the viewer may see, oldest first; one page and
/// whether more follow.
pub async fn list(st: &AppState, viewer: &Viewer, q: TaskQuery) -> Result<(Vec<Task>, bool)> {
    let f = TaskFilter {
        assignee: match q.assignee {
            None => TaskAssignee::Any,
            Some(None) => TaskAssignee::Nobody,
            Some(Some(u)) => TaskAssignee::User(u),
        },
        done: q.done,
        conversation_id: q.conversation_id,
        after_id: q.after_id,
        limit: q.limit + 1,
    };
    let mut c = st.db.pool().acquire().await?;
    let mut rows = repo::tasks(&mut c, viewer, &f).await?;
    let more = rows.len() as i64 > q.limit;
    rows.truncate(q.limit as usize);
    Ok((rows.into_iter().map(to_api).collect(), more))
}

/// A change to a task.
#[derive(Debug, Clone, Default)]
pub struct TaskChange {
    /// `true` completes it.
    pub done: Option<bool>,
    /// New assignee (`Some(None)`: the supervisor queue); admins and supervisors only.
    pub assignee_id: Option<Option<i64>>,
}

/// Completes or reassigns a task. The assignee, admins and supervisors may
/// complete it; only admins and supervisors may reassign it.
pub async fn update(st: &AppState, viewer: &Viewer, id: i64, ch: TaskChange) -> Result<Task> {
    if ch.done == Some(false) {
        return Err(Error::invalid(
            "done",
            "a task cannot be reopened; only `true` is accepted",
        ));
    }
    let now = st.clock.now_ms();
    let viewer2 = viewer.clone();
    let events = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let (mut t, inbox_id) = repo::task_for_update(c, &viewer2, id).await?.ok_or(Error::NotFound("task"))?;
                let mine = t.assignee_id.is_some() && t.assignee_id == viewer2.user_id;
                if !viewer2.sees_all() && !mine {
                    return Err(Error::Forbidden("only the task's assignee, supervisors and admins may change it"));
                }
                let actor = viewer2.user_id.map_or(Cause::System, Cause::Agent);
                let mut events = vec![];
                if let Some(to) = ch.assignee_id
                    && to != t.assignee_id
                {
                    if !viewer2.sees_all() {
                        return Err(Error::Forbidden("only supervisors and admins may reassign a task"));
                    }
                    if let Some(uid) = to {
                        let user = crate::agents::service::user_in(c, uid)
                            .await
                            .map_err(|_| Error::invalid("assignee_id", format!("there is no user {uid}")))?;
                        if !crate::agents::service::may_work_inbox(c, &user, inbox_id).await? {
                            return Err(Error::invalid(
                                "assignee_id",
                                format!("{} cannot work this conversation's inbox", user.name),
                            ));
                        }
                    }
                    t.assignee_id = to;
                }
                if ch.done == Some(true) && t.done_at.is_none() {
                    t.done_at = Some(now);
                    t.done_by = viewer2.user_id;
                    repo::save_task(c, &t).await?;
                    events.extend(
                        followup::append_event_in(
                            c,
                            t.conversation_id,
                            inbox_id,
                            EventKind::FollowUpDone,
                            actor,
                            json!({"task_id": t.id, "by": viewer2.user_id}),
                            now,
                        )
                        .await?,
                    );
                    let open = followup::facts_in(c, t.conversation_id)
                        .await?
                        .is_some_and(|f| f.status != Status::Closed);
                    if t.kind == "follow_up" && open && repo::open_follow_up(c, t.conversation_id).await?.is_none() {
                        let due = next_business_day(now);
                        let next = repo::insert_task(c, t.conversation_id, t.survey_id, t.assignee_id, due, now).await?;
                        events.extend(
                            followup::append_event_in(
                                c,
                                t.conversation_id,
                                inbox_id,
                                EventKind::FollowUpCreated,
                                Cause::System,
                                json!({"task_id": next, "survey_id": t.survey_id, "assignee_id": t.assignee_id,
                                       "due_at": crate::time::rfc3339(due), "repeat_of": t.id}),
                                now,
                            )
                            .await?,
                        );
                    }
                }
                repo::save_task(c, &t).await?;
                Ok(events)
            })
        })
        .await?;
    st.publish(events);
    let mut c = st.db.pool().acquire().await?;
    repo::task(&mut c, id)
        .await?
        .map(to_api)
        .ok_or(Error::NotFound("task"))
}
