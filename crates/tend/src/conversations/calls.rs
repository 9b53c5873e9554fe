//! Phone calls on conversations (`channels::phone` decides when): a
//! callback is a customer's request like any message, so it joins their
//! open phone conversation or opens one, with the service-level clocks a
//! customer's message starts; a call the desk answered is logged on the
//! customer's open phone conversation, or on one the desk opens for it
//! (no message of the customer's, so no clock: the call was the answer).
//! A call the desk took answers the customer like a public reply (it stops
//! a callback's first-response clock) and gives an unowned conversation to
//! the agent who took it.

use serde_json::Value;
use sqlx::AnyConnection;

use crate::Result;
use crate::agents::Viewer;
use crate::state::BusEvent;
use crate::vocab::{Channel, EventKind, Priority};

use super::chat::ChatMessage;
use super::repo::{self, EventActor, NewRow};
use super::service_levels::{Was, Wrote, track_in};
use super::timeline::Timeline;
use super::validate::ValidPatch;

/// Who a call event is told as.
#[derive(Debug, Clone, Copy)]
pub enum CallActor {
    /// The customer (a missed call, a callback request).
    Customer(i64),
    /// The agent who took the call.
    Agent(i64),
    /// Tend, for the phone system (no agent named).
    System,
}

impl CallActor {
    fn event_actor(self) -> EventActor {
        match self {
            CallActor::Customer(id) => EventActor::customer(id),
            CallActor::Agent(id) => EventActor::agent(id),
            CallActor::System => EventActor::SYSTEM,
        }
    }
}

/// A callback the customer asked for (or a call of theirs nobody
/// answered).
#[derive(Debug, Clone)]
pub struct Callback<'a> {
    /// The inbox whose phone conversations it joins.
    pub inbox_id: i64,
    /// The caller.
    pub customer_id: i64,
    /// Their name, if known.
    pub name: Option<&'a str>,
    /// What the request reads as; its first line is a new conversation's
    /// subject (`Callback: +371…`).
    pub text: &'a str,
    /// Unique per request (a repeated one is stored once).
    pub key: &'a str,
    /// The customer's language, if known.
    pub language: Option<&'a str>,
}

/// Records a callback request inside the caller's transaction: on the
/// customer's open phone conversation of the inbox, else on a new one.
/// Answers the conversation and the events to publish.
pub async fn callback_in(
    c: &mut AnyConnection,
    cb: &Callback<'_>,
    now: i64,
) -> Result<(i64, Vec<BusEvent>)> {
    let open = repo::open_on_channel(c, cb.customer_id, cb.inbox_id, Channel::Phone).await?;
    let (rec, events) = super::chat::record_in(
        c,
        &ChatMessage {
            inbox_id: cb.inbox_id,
            customer_id: cb.customer_id,
            name: cb.name,
            email: None,
            conversation_id: open,
            client_id: cb.key,
            text: cb.text,
            files: &[],
            language: cb.language,
            channel: Channel::Phone,
        },
        now,
    )
    .await?;
    Ok((rec.conversation_id, events))
}

/// The conversation a call the desk took is logged on: the customer's
/// open phone conversation of the inbox, else a new one the desk opens
/// (`subject`), without a customer message and so without service-level
/// clocks. Answers the conversation and the events to publish.
pub async fn for_call_in(
    c: &mut AnyConnection,
    inbox_id: i64,
    customer_id: i64,
    subject: &str,
    actor: CallActor,
    now: i64,
) -> Result<(i64, Vec<BusEvent>)> {
    if let Some(id) = repo::open_on_channel(c, customer_id, inbox_id, Channel::Phone).await? {
        return Ok((id, Vec::new()));
    }
    let subject = super::validate::parse_subject(subject)?;
    let row = NewRow {
        inbox_id,
        customer_id,
        subject: &subject,
        priority: Priority::Normal,
        channel: Channel::Phone,
        tags: &[],
        language: None,
        customer_email: None,
        now,
    };
    let id = repo::insert(c, &row).await?;
    let mut tl = Timeline::new(id, inbox_id, now);
    tl.add(
        c,
        EventKind::Created,
        &actor.event_actor(),
        row.created_data(None, None),
    )
    .await?;
    Ok((id, tl.added))
}

/// Adds a call's event to conversation `id`'s timeline (inside the
/// caller's transaction). Answers the events to publish.
pub async fn call_event_in(
    c: &mut AnyConnection,
    id: i64,
    kind: EventKind,
    actor: CallActor,
    data: Value,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let Some(row) = repo::get(c, &Viewer::system(), id).await? else {
        return Err(crate::Error::NotFound("conversation"));
    };
    let mut tl = Timeline::new(id, row.inbox_id, now);
    tl.add(c, kind, &actor.event_actor(), data).await?;
    Ok(tl.added)
}

/// A call the desk took, logged on conversation `id` (inside the caller's
/// transaction, `data`: the `call_answered` event's): the agent who took
/// it becomes its owner when it has none and they may work its inbox
/// (the assignment path of a change of owner, so routing counts it), and
/// the call answers the customer as a public reply does (their wait ends,
/// the first response is recorded, and the response clocks stop through
/// the service levels' own rule). Answers the events to publish.
pub async fn call_answered_in(
    c: &mut AnyConnection,
    id: i64,
    actor: CallActor,
    data: Value,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let system = Viewer::system();
    let Some(row) = repo::get_for_update(c, &system, id).await? else {
        return Err(crate::Error::NotFound("conversation"));
    };
    let mut out = Vec::new();
    if let CallActor::Agent(agent) = actor
        && row.assignee_id.is_none()
        && row.status.is_active()
    {
        let user = crate::agents::service::user_in(c, agent).await?;
        if crate::agents::service::may_work_inbox(c, &user, row.inbox_id).await? {
            let patch = ValidPatch {
                assignee_id: Some(Some(agent)),
                ..ValidPatch::default()
            };
            let (events, _) =
                super::patch::update_as_in(c, &system, &actor.event_actor(), id, &patch, now)
                    .await?;
            out.extend(events);
        }
    }
    let mut row = repo::get_for_update(c, &system, id)
        .await?
        .ok_or(crate::Error::NotFound("conversation"))?;
    let was = Was::of(&row);
    let mut tl = Timeline::new(id, row.inbox_id, now);
    let who = actor.event_actor();
    tl.add(c, EventKind::CallAnswered, &who, data).await?;
    super::reply::answered_in(c, &mut tl, &mut row, &who, now).await?;
    repo::update(c, &row).await?;
    track_in(c, &mut tl, Some(was), &row, Wrote::AgentReply, now).await?;
    out.extend(tl.added);
    Ok(out)
}
