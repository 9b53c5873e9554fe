//! Problem use cases: opening, reading, editing, and linking
//! conversations. Proposals and trends are `similar.rs`; the fix message
//! `fix.rs`.
//!
//! **Who may do what**: every agent may open problems, read them, edit
//! their title, description, workaround and status (investigating ↔
//! known), and link to a problem or unlink from it any conversation they
//! may see. Two changes are the owner's (and supervisors' and admins'),
//! because they speak for the problem: giving it another owner (anyone may
//! take one that has none) and marking it fixed, which writes to every
//! linked customer. A problem lists only the linked conversations its
//! viewer may see; its `linked_count` counts them all.

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::conversations::followup::{Cause, append_event_in};
use crate::state::{AppState, BusEvent};
use crate::vocab::EventKind;
use crate::{Error, Result};

use super::model::{
    LinkInput, Problem, ProblemInput, ProblemPatch, ProblemQuery, ProblemStatus, check_text,
    check_title,
};
use super::repo::{self, Change, NewProblem};

/// Most linked conversations a problem shows.
const SHOWN_LINKS: i64 = 500;

/// A problem with the linked conversations `viewer` may see.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Problem> {
    let mut c = st.db.pool().acquire().await?;
    get_in(&mut c, viewer, id).await
}

pub(super) async fn get_in(c: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<Problem> {
    let mut p = repo::get(c, id).await?.ok_or(Error::NotFound("problem"))?;
    p.conversations = repo::linked(c, viewer, id, SHOWN_LINKS).await?;
    Ok(p)
}

/// Problems, newest first (`before`: the id to page back from).
pub async fn list(
    st: &AppState,
    _viewer: &Viewer,
    q: &ProblemQuery,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<Problem>> {
    let status = q
        .status
        .as_deref()
        .map(|s| ProblemStatus::parse("status", s))
        .transpose()?;
    let mut c = st.db.pool().acquire().await?;
    repo::list(&mut c, status, limit, before).await
}

/// Checks that `owner` is an active user.
async fn check_owner(c: &mut AnyConnection, owner: i64) -> Result<()> {
    crate::agents::service::user_in(c, owner)
        .await
        .map(|_| ())
        .map_err(|_| Error::invalid("owner_id", "there is no such user"))
}

/// Opens a problem (any agent); its owner is who opens it unless given.
pub async fn create(st: &AppState, viewer: &Viewer, input: ProblemInput) -> Result<Problem> {
    let title = check_title(&input.title)?;
    let description = check_text("description", &input.description)?;
    let workaround = input
        .workaround
        .as_deref()
        .map(|w| check_text("workaround", w))
        .transpose()?
        .filter(|w| !w.is_empty());
    let status = match input.status.unwrap_or(ProblemStatus::Investigating) {
        ProblemStatus::Fixed => {
            return Err(Error::invalid(
                "status",
                "a problem opens as investigating or known; mark it fixed with PATCH, which tells its customers",
            ));
        }
        s => s,
    };
    let owner = input.owner_id.or(viewer.user_id);
    let by = viewer.user_id;
    let now = st.clock.now_ms();
    let viewer = viewer.clone();
    st.db
        .write(move |c| {
            Box::pin(async move {
                if let Some(o) = owner {
                    check_owner(c, o).await?;
                }
                let id = repo::insert(
                    c,
                    &NewProblem {
                        title: &title,
                        description: &description,
                        status,
                        owner_id: owner,
                        workaround: workaround.as_deref(),
                        created_by: by,
                    },
                    now,
                )
                .await?;
                get_in(c, &viewer, id).await
            })
        })
        .await
}

/// Whether `viewer` speaks for problem `p` (its owner, a supervisor, an
/// admin).
fn speaks_for(viewer: &Viewer, p: &Problem) -> bool {
    viewer.sees_all() || (viewer.user_id.is_some() && viewer.user_id == p.owner_id)
}

/// Edits a problem. Marking it fixed sends its message once to every
/// linked conversation still open, and solves them (see `fix.rs`).
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    patch: ProblemPatch,
) -> Result<Problem> {
    let mut ch = Change {
        title: patch.title.as_deref().map(check_title).transpose()?,
        description: patch
            .description
            .as_deref()
            .map(|d| check_text("description", d))
            .transpose()?,
        status: None,
        owner_id: patch.owner_id,
        workaround: patch
            .workaround
            .as_deref()
            .map(|w| check_text("workaround", w).map(|w| Some(w).filter(|w| !w.is_empty())))
            .transpose()?,
    };
    let fixing = patch.status == Some(ProblemStatus::Fixed);
    let message = match (&patch.message, fixing) {
        (Some(m), true) => {
            let text = m.localized()?;
            crate::templates::Localized::parse("message", &text)?;
            Some(text)
        }
        (None, true) => {
            return Err(Error::invalid(
                "message",
                "marking a problem fixed tells its customers: give the message, e.g. {\"en\": \"…\"}",
            ));
        }
        (Some(_), false) => {
            return Err(Error::invalid(
                "message",
                "a message goes with status \"fixed\" only",
            ));
        }
        (None, false) => None,
    };
    if !fixing {
        ch.status = patch.status;
    }
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let stored = message
        .as_ref()
        .map(|m| serde_json::to_string(&m.translations))
        .transpose()
        .map_err(|e| Error::Internal(e.into()))?;
    let (problem, claimed) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let p = repo::get(c, id).await?.ok_or(Error::NotFound("problem"))?;
                if let Some(o) = ch.owner_id
                    && Some(o) != p.owner_id
                {
                    if p.owner_id.is_some() && !speaks_for(&v, &p) {
                        return Err(Error::Forbidden(
                            "a problem's owner, supervisors and admins give it another owner",
                        ));
                    }
                    check_owner(c, o).await?;
                }
                if fixing && !speaks_for(&v, &p) {
                    return Err(Error::Forbidden(
                        "a problem is marked fixed by its owner, a supervisor or an admin: it writes to its customers",
                    ));
                }
                repo::update(c, id, &ch, now).await?;
                let mut claimed = Vec::new();
                if let Some(m) = &stored
                    && repo::mark_fixed(c, id, v.user_id, m, now).await?
                {
                    claimed = repo::claim_unnotified(c, id, now).await?;
                }
                Ok((get_in(c, &v, id).await?, claimed))
            })
        })
        .await?;
    if let Some(m) = message {
        super::fix::tell_all(st, viewer, &claimed, &m).await;
    }
    if claimed.is_empty() {
        return Ok(problem);
    }
    get(st, viewer, id).await
}

/// Links a conversation the viewer may see to a problem (moving it from
/// any other); an event on the conversation. Linking it again changes
/// nothing.
pub async fn link(st: &AppState, viewer: &Viewer, id: i64, input: LinkInput) -> Result<Problem> {
    let conversation_id = input.conversation_id;
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let (problem, events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let conv = crate::conversations::service::get_in(c, &v, conversation_id)
                    .await
                    .map_err(|e| match e {
                        Error::NotFound(_) => Error::invalid(
                            "conversation_id",
                            "there is no such conversation you may see",
                        ),
                        e => e,
                    })?;
                let p = repo::get(c, id).await?.ok_or(Error::NotFound("problem"))?;
                let before = repo::problem_of(c, conversation_id).await?;
                let mut events = Vec::new();
                if before != Some(id) {
                    repo::link(c, id, conversation_id, v.user_id, now).await?;
                    events = append_event_in(
                        c,
                        conversation_id,
                        conv.inbox_id,
                        EventKind::ProblemLinked,
                        cause(&v),
                        serde_json::json!({"problem_id": id, "title": p.title, "from": before}),
                        now,
                    )
                    .await?;
                }
                Ok((get_in(c, &v, id).await?, events))
            })
        })
        .await?;
    st.publish(events);
    Ok(problem)
}

/// Unlinks a conversation the viewer may see from a problem; an event on
/// the conversation.
pub async fn unlink(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    conversation_id: i64,
) -> Result<Problem> {
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let (problem, events): (Problem, Vec<BusEvent>) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let conv = crate::conversations::service::get_in(c, &v, conversation_id).await?;
                let p = repo::get(c, id).await?.ok_or(Error::NotFound("problem"))?;
                if !repo::unlink(c, id, conversation_id).await? {
                    return Err(Error::NotFound("link"));
                }
                let events = append_event_in(
                    c,
                    conversation_id,
                    conv.inbox_id,
                    EventKind::ProblemUnlinked,
                    cause(&v),
                    serde_json::json!({"problem_id": id, "title": p.title}),
                    now,
                )
                .await?;
                Ok((get_in(c, &v, id).await?, events))
            })
        })
        .await?;
    st.publish(events);
    Ok(problem)
}

fn cause(v: &Viewer) -> Cause {
    v.user_id.map_or(Cause::System, Cause::Agent)
}

/// The problem a conversation the viewer may see is linked to.
pub async fn of_conversation(
    st: &AppState,
    viewer: &Viewer,
    conversation_id: i64,
) -> Result<Option<Problem>> {
    let mut c = st.db.pool().acquire().await?;
    crate::conversations::service::get_in(&mut c, viewer, conversation_id).await?;
    match repo::problem_of(&mut c, conversation_id).await? {
        Some(p) => repo::get(&mut c, p).await,
        None => Ok(None),
    }
}

/// Problems by linked volume with their time to fix, and who fixed them
/// (supervisors and admins).
pub async fn report(st: &AppState, viewer: &Viewer) -> Result<super::model::Report> {
    viewer.require_supervisor("only admins and supervisors see the problems report")?;
    let mut c = st.db.pool().acquire().await?;
    Ok(super::model::Report {
        problems: repo::report(&mut c).await?,
        credits: repo::credits(&mut c).await?,
    })
}

/// Who fixed causes, most conversations first (the success-story feed).
pub async fn credits(st: &AppState) -> Result<Vec<super::model::Credit>> {
    let mut c = st.db.pool().acquire().await?;
    repo::credits(&mut c).await
}
