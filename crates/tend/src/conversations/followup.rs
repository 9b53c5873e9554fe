//! The changes the survey loop makes to a conversation (closing on the
//! customer's confirmation or after the quiet period, reopening on an
//! unhappy answer), as `_in` functions that run inside the caller's
//! transaction and return the events to publish after commit.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::Result;
use crate::agents::Viewer;
use crate::state::{AppState, BusEvent};
use crate::vocab::EventKind;

use super::followup_repo;
use super::repo::{self, EventActor};
use super::service::{Timeline, enter_status};
use super::service_levels::{Was, Wrote, track_in};
use super::status::{Channel, Priority, Status};

pub use crate::config::UnhappyRoute;

/// What a survey needs to know about a conversation.
#[derive(Debug, Clone)]
pub struct SurveyFacts {
    /// Conversation id.
    pub id: i64,
    /// Status now.
    pub status: Status,
    /// Inbox.
    pub inbox_id: i64,
    /// Channel.
    pub channel: Channel,
    /// Customer.
    pub customer_id: i64,
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The customer's primary address.
    pub customer_email: Option<String>,
    /// Conversation language, else the customer's.
    pub language: Option<String>,
    /// Owner now.
    pub assignee_id: Option<i64>,
    /// When it was last solved.
    pub solved_at: Option<i64>,
    /// Reopens so far: names the current solve (one can only solve again after a reopen).
    pub reopen_count: i64,
    /// Subject.
    pub subject: String,
}

/// Who caused a change: the customer (by answering) or the system (a timer).
#[derive(Debug, Clone, Copy)]
pub enum Cause {
    /// The customer, by answering a survey.
    Customer(i64),
    /// An agent (completing a follow-up).
    Agent(i64),
    /// A timer or rule.
    System,
}

impl Cause {
    fn actor(self) -> EventActor {
        match self {
            Cause::Customer(id) => EventActor::customer(id),
            Cause::Agent(id) => EventActor::agent(id),
            Cause::System => EventActor::SYSTEM,
        }
    }
}

/// The conversation's facts, locked for update on PostgreSQL.
pub async fn facts_in(c: &mut AnyConnection, id: i64) -> Result<Option<SurveyFacts>> {
    Ok(repo::get_for_update(c, &Viewer::system(), id)
        .await?
        .map(|r| SurveyFacts {
            id: r.id,
            status: r.status(),
            inbox_id: r.inbox_id,
            channel: r.channel,
            customer_id: r.customer_id,
            customer_name: r.customer_name.clone(),
            customer_email: r.customer_email.clone(),
            language: r.language().map(str::to_string),
            assignee_id: r.assignee_id,
            solved_at: r.solved_at,
            reopen_count: r.reopen_count,
            subject: r.subject.clone(),
        }))
}

/// Agents who sent public replies on the conversation.
pub async fn public_repliers_in(c: &mut AnyConnection, id: i64) -> Result<Vec<i64>> {
    followup_repo::public_repliers(c, id).await
}

/// Solved conversations whose quiet period has ended.
pub async fn solved_before(st: &AppState, cutoff: i64, limit: i64) -> Result<Vec<i64>> {
    let now = st.clock.now_ms();
    let ready =
        crate::jobs::service::ready_sql(crate::jobs::Job::QuietClose, "conversations.id", now);
    let mut c = st.db.pool().acquire().await?;
    followup_repo::solved_before(&mut c, cutoff, limit, &ready).await
}

/// Appends one event to a conversation's timeline.
pub async fn append_event_in(
    c: &mut AnyConnection,
    id: i64,
    inbox_id: i64,
    kind: EventKind,
    cause: Cause,
    data: Value,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let mut tl = Timeline::new(id, inbox_id, now);
    tl.add(c, kind, &cause.actor(), data).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    Ok(tl.added)
}

/// Closes a solved conversation (the customer confirmed, or the quiet
/// period passed). `solved_by` guards against closing a conversation that
/// was reopened and solved again since the caller looked: when given, the
/// conversation must have been solved at or before it. Anything not solved
/// is left alone.
pub async fn close_in(
    c: &mut AnyConnection,
    id: i64,
    cause: Cause,
    reason: &str,
    solved_by: Option<i64>,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let Some(mut row) = repo::get_for_update(c, &Viewer::system(), id).await? else {
        return Ok(vec![]);
    };
    let from = row.status();
    if from != Status::Solved || solved_by.is_some_and(|cut| row.solved_at.is_none_or(|s| s > cut))
    {
        return Ok(vec![]);
    }
    let mut tl = Timeline::new(id, row.inbox_id, now);
    let was = Was::of(&row);
    enter_status(&mut row, Status::Closed, now);
    row.updated_at = now;
    tl.add(
        c,
        EventKind::StatusChanged,
        &cause.actor(),
        json!({"from": from.as_str(), "to": "closed", "reason": reason}),
    )
    .await?;
    repo::update(c, &row).await?;
    track_in(c, &mut tl, Some(was), &row, Wrote::Nothing, now).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    Ok(tl.added)
}

/// The next priority up (urgent stays urgent).
pub fn raised(p: Priority) -> Priority {
    match p {
        Priority::Low => Priority::Normal,
        Priority::Normal => Priority::High,
        Priority::High | Priority::Urgent => Priority::Urgent,
    }
}

/// After an unhappy answer: reopens a solved conversation (counted as a
/// reopen), returns it to `owner` or to the supervisor queue, and raises
/// its priority one step. A closed conversation is final and only gets the
/// follow-up task (made by the caller). Returns the events and the owner
/// the follow-up task should go to.
pub async fn reopen_unhappy_in(
    c: &mut AnyConnection,
    id: i64,
    cause: Cause,
    owner: Option<i64>,
    route: UnhappyRoute,
    now: i64,
) -> Result<(Vec<BusEvent>, Option<i64>)> {
    let Some(mut row) = repo::get_for_update(c, &Viewer::system(), id).await? else {
        return Ok((vec![], None));
    };
    let from = row.status();
    if from == Status::Closed {
        let to = match route {
            UnhappyRoute::Owner => owner.or(row.assignee_id),
            UnhappyRoute::Supervisors => None,
        };
        return Ok((vec![], to));
    }
    let actor = cause.actor();
    let mut tl = Timeline::new(id, row.inbox_id, now);
    let was = Was::of(&row);
    if from == Status::Solved {
        enter_status(&mut row, Status::Open, now);
        tl.add(
            c,
            EventKind::StatusChanged,
            &actor,
            json!({"from": "solved", "to": "open", "reason": "survey_unhappy"}),
        )
        .await?;
    }
    let reason = "the customer says the problem is not solved";
    let target = match route {
        UnhappyRoute::Owner => {
            let mut target = owner.or(row.assignee_id);
            if let Some(uid) = target {
                let ok = match crate::agents::service::user_in(c, uid).await {
                    Ok(u) => crate::agents::service::may_work_inbox(c, &u, row.inbox_id).await?,
                    Err(_) => false,
                };
                if !ok {
                    // The owner left or lost access: supervisors take it.
                    target = None;
                }
            }
            target
        }
        UnhappyRoute::Supervisors => None,
    };
    if target != row.assignee_id {
        let kind = match (row.assignee_id, target) {
            (Some(_), Some(_)) => {
                row.transfer_count += 1;
                EventKind::Transferred
            }
            _ => EventKind::Assigned,
        };
        tl.add(
            c,
            kind,
            &actor,
            json!({"from": row.assignee_id, "to": target, "reason": reason}),
        )
        .await?;
        row.assignee_id = target;
    }
    let before = row.priority;
    let after = raised(before);
    if after != before {
        row.priority = after;
        tl.add(
            c,
            EventKind::PriorityChanged,
            &actor,
            json!({"from": before.as_str(), "to": after.as_str(), "reason": "survey_unhappy"}),
        )
        .await?;
    }
    row.updated_at = now;
    repo::update(c, &row).await?;
    track_in(c, &mut tl, Some(was), &row, Wrote::Nothing, now).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    Ok((tl.added, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_rises_one_step_and_stops_at_urgent() {
        assert_eq!(raised(Priority::Low), Priority::Normal);
        assert_eq!(raised(Priority::Normal), Priority::High);
        assert_eq!(raised(Priority::High), Priority::Urgent);
        assert_eq!(raised(Priority::Urgent), Priority::Urgent);
    }
}
