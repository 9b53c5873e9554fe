//! Calls and callbacks as use cases: each CTI event in one write, taken
//! once per `(call_id, event)` and in any order; a missed inbound call and
//! a callback request become a callback on the customer's phone
//! conversation, with the clocks a customer's request starts.

use serde_json::json;
use sqlx::AnyConnection;

use super::model::{
    Call, CallDirection, CallEvent, CallEventBody, CallState, CallbackAnswer, CallbackWindow,
};
use super::repo::{self, CallRow, NewCall};
use crate::agents::Viewer;
use crate::agents::model::parse_name;
use crate::conversations::calls::{self, CallActor, Callback};
use crate::customers::phone::E164;
use crate::state::{AppState, BusEvent};
use crate::vocab::EventKind;
use crate::{Error, Result};

/// The longest note a callback request takes.
const NOTE_CHARS: usize = 5_000;

/// A callback's text: its first line is a new conversation's subject;
/// then when the customer would like the call, and their note.
fn callback_text(number: &E164, window: Option<CallbackWindow>, note: Option<&str>) -> String {
    let mut text = format!("Callback: {number}");
    if let Some(w) = window {
        text.push_str("\n\nPreferred time: ");
        text.push_str(w.words());
    }
    if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
        text.push_str("\n\n");
        text.push_str(n);
    }
    text
}

/// A caller's name: trimmed, at most 200 characters, no NUL.
fn parse_text_name(n: &str) -> Result<String> {
    if n.contains('\0') {
        return Err(Error::invalid("name", "a name has no NUL characters"));
    }
    parse_name("name", n, 200)
}

/// The inbox a call or callback joins: the one named, if the caller may
/// use it, else the default inbox.
async fn inbox_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    asked: Option<i64>,
    default: i64,
) -> Result<i64> {
    let id = asked.unwrap_or(default);
    if !viewer.sees_inbox(c, id).await? {
        return Err(Error::invalid(
            "inbox_id",
            format!("there is no inbox {id} you may use"),
        ));
    }
    Ok(id)
}

/// Takes one CTI event. A repeated event answers the call as it is
/// (`duplicate`); an event before the call's `new` makes the call.
#[tracing::instrument(skip_all, fields(call_id = %b.call_id, event = b.event.as_str()))]
pub async fn call_event(st: &AppState, viewer: &Viewer, b: CallEventBody) -> Result<Call> {
    let region = st.config.phone_default_region;
    let call_id = b.call_id.trim().to_string();
    if call_id.is_empty() || call_id.chars().count() > 200 || call_id.chars().any(char::is_control)
    {
        return Err(Error::invalid(
            "call_id",
            "give the phone system's call id (1–200 characters, no control characters)",
        ));
    }
    // The customer's side must be a number; the desk's may be an
    // extension or a queue.
    let (from, to) = match b.direction {
        CallDirection::In => (
            Some(E164::parse("from", &b.from, region)?),
            desk_number("to", &b.to, region)?,
        ),
        CallDirection::Out => (
            desk_number("from", &b.from, region)?,
            Some(E164::parse("to", &b.to, region)?),
        ),
    };
    let now = st.clock.now_ms();
    let at = match b.at.as_deref() {
        None => now,
        Some(s) => crate::time::parse_ms(s)
            .ok_or_else(|| Error::invalid("at", format!("{s:?} is not an RFC 3339 time")))?,
    };
    let name = b
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(parse_text_name)
        .transpose()?;
    let viewer = viewer.clone();
    let default_inbox = st.default_inbox;
    let b_event = b.event;
    let name_given = name.clone();
    let (call, events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if let Some(agent) = b.agent_id
                    && let Err(e) = crate::agents::service::user_in(c, agent).await
                {
                    return Err(match e {
                        Error::NotFound(_) => {
                            Error::invalid("agent_id", format!("there is no agent {agent}"))
                        }
                        e => e,
                    });
                }
                let mut row = match repo::by_call_id(c, &call_id).await? {
                    Some(r) => r,
                    None => {
                        let inbox_id = inbox_in(c, &viewer, b.inbox_id, default_inbox).await?;
                        let (number, typed) = match (b.direction, &from, &to) {
                            (CallDirection::In, Some(n), _) => (n, b.from.trim()),
                            (CallDirection::Out, _, Some(n)) => (n, b.to.trim()),
                            _ => {
                                return Err(Error::invalid(
                                    "from",
                                    "the customer's number is missing",
                                ));
                            }
                        };
                        let (customer_id, _) =
                            crate::customers::service::find_or_create_by_phone_in(
                                c,
                                number,
                                typed,
                                name.as_deref(),
                                region,
                                now,
                            )
                            .await?;
                        repo::insert(
                            c,
                            &NewCall {
                                call_id: &call_id,
                                direction: b.direction,
                                from: (b.from.trim(), from.as_ref().map(E164::as_str)),
                                to: (b.to.trim(), to.as_ref().map(E164::as_str)),
                                inbox_id,
                                customer_id,
                                now,
                            },
                        )
                        .await?;
                        repo::by_call_id(c, &call_id)
                            .await?
                            .ok_or(Error::NotFound("call"))?
                    }
                };
                if !repo::note_event(c, row.id, b.event.as_str(), at, now).await? {
                    return Ok((row.into_call(true), Vec::new()));
                }
                let events = apply_in(c, &mut row, &b, at, now).await?;
                repo::update(c, &row, now).await?;
                Ok((row.into_call(false), events))
            })
        })
        .await?;
    st.publish(events);
    if !call.duplicate {
        ring(st, &call, b_event, name_given);
    }
    metrics::counter!("tend_channel_inbound_total", "channel" => "phone", "outcome" => if call.duplicate { "duplicate" } else { "created" })
        .increment(1);
    Ok(call)
}

/// Tells the live workspace that an inbound call rings (its `new`, while
/// nobody has answered it and it has not ended) or no longer rings.
fn ring(st: &AppState, call: &Call, event: CallEvent, name: Option<String>) {
    let ringing = match event {
        CallEvent::New => call.direction == CallDirection::In && call.state == CallState::New,
        CallEvent::Answered | CallEvent::Hangup => false,
    };
    // An outbound call, or a `new` told after the call was answered or
    // ended, never rang on the desk: nothing to take down either.
    if event == CallEvent::New && !ringing {
        return;
    }
    let _ = st.phone().rings.send(super::Ring {
        call: call.id,
        inbox_id: call.inbox_id,
        ringing,
        name,
    });
}

/// How long after it started a call that was never answered nor hung up
/// stops counting as ringing (a phone system that lost its hangup).
const RINGS_AT_MOST_MS: i64 = 10 * 60 * 1000;

/// The inbound calls ringing now (started, not answered, not ended, and
/// not older than [`RINGS_AT_MOST_MS`]), newest first: a page that
/// connects shows them.
pub async fn ringing(st: &AppState) -> Result<Vec<Call>> {
    let since = st.clock.now_ms() - RINGS_AT_MOST_MS;
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::newest(&mut c, 50)
        .await?
        .into_iter()
        .filter(|r| {
            r.direction() == CallDirection::In
                && r.state() == CallState::New
                && r.started_at.is_some_and(|t| t >= since)
        })
        .map(|r| r.into_call(false))
        .collect())
}

/// A call by its id.
pub async fn call(st: &AppState, id: i64) -> Result<Option<Call>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::by_id(&mut c, id).await?.map(|r| r.into_call(false)))
}

/// The customer's number of a call.
fn number_of(r: &CallRow) -> &str {
    let n = match r.direction() {
        CallDirection::In => &r.from_e164,
        CallDirection::Out => &r.to_e164,
    };
    n.as_deref().unwrap_or_default()
}

/// The desk's side of a call: a number in E.164 when it is one, else
/// (an extension, a queue) kept only as typed.
fn desk_number(
    field: &str,
    typed: &str,
    region: Option<crate::customers::phone::Region>,
) -> Result<Option<E164>> {
    match E164::parse(field, typed, region) {
        Ok(n) if n.is_assignable() => Ok(Some(n)),
        Ok(_) => Ok(None),
        Err(_)
            if !typed.trim().is_empty()
                && typed.chars().count() <= 64
                && !typed.chars().any(char::is_control) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Applies a first-time event to the call and its conversation.
async fn apply_in(
    c: &mut AnyConnection,
    r: &mut CallRow,
    b: &CallEventBody,
    at: i64,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let mut out = Vec::new();
    match b.event {
        CallEvent::New => {
            r.started_at = Some(at);
        }
        CallEvent::Answered => {
            r.answered_at = Some(at);
            r.agent_id = b.agent_id.or(r.agent_id);
            // Told after the hangup: it was answered after all.
            r.missed = 0;
            if r.state() == CallState::New {
                r.state = CallState::Answered.as_str().to_string();
            }
            let actor = r.agent_id.map_or(CallActor::System, CallActor::Agent);
            let conv = conversation_in(c, r, actor, now, &mut out).await?;
            out.extend(
                calls::call_answered_in(
                    c,
                    conv,
                    actor,
                    json!({"call_id": r.call_id, "direction": r.direction, "number": number_of(r), "agent_id": r.agent_id}),
                    now,
                )
                .await?,
            );
        }
        CallEvent::Hangup => {
            r.ended_at = Some(at);
            r.state = CallState::Ended.as_str().to_string();
            match (r.answered_at, r.direction()) {
                (Some(answered), _) => {
                    let actor = r.agent_id.map_or(CallActor::System, CallActor::Agent);
                    let conv = conversation_in(c, r, actor, now, &mut out).await?;
                    let seconds = (at - answered).max(0) / 1000;
                    out.extend(
                        calls::call_event_in(
                            c,
                            conv,
                            EventKind::CallEnded,
                            actor,
                            json!({"call_id": r.call_id, "direction": r.direction, "number": number_of(r), "seconds": seconds}),
                            now,
                        )
                        .await?,
                    );
                }
                (None, CallDirection::In) => {
                    r.missed = 1;
                    let number = E164::stored(number_of(r).to_string());
                    let text = callback_text(&number, None, None);
                    let key = format!("call:{}", r.id);
                    let (conv, events) = calls::callback_in(
                        c,
                        &Callback {
                            inbox_id: r.inbox_id,
                            customer_id: r.customer_id,
                            name: None,
                            text: &text,
                            key: &key,
                            language: None,
                        },
                        now,
                    )
                    .await?;
                    out.extend(events);
                    r.conversation_id = Some(conv);
                    out.extend(
                        calls::call_event_in(
                            c,
                            conv,
                            EventKind::CallMissed,
                            CallActor::Customer(r.customer_id),
                            json!({"call_id": r.call_id, "number": number.as_str()}),
                            now,
                        )
                        .await?,
                    );
                }
                // The desk called and nobody answered: nothing to log on
                // a conversation (the call stays on the customer's list).
                (None, CallDirection::Out) => {}
            }
        }
    }
    Ok(out)
}

/// The conversation a call the desk took is logged on (found or opened
/// once, then kept on the call).
async fn conversation_in(
    c: &mut AnyConnection,
    r: &mut CallRow,
    actor: CallActor,
    now: i64,
    out: &mut Vec<BusEvent>,
) -> Result<i64> {
    if let Some(id) = r.conversation_id {
        return Ok(id);
    }
    let subject = match r.direction() {
        CallDirection::In => format!("Call from {}", number_of(r)),
        CallDirection::Out => format!("Call to {}", number_of(r)),
    };
    let (id, events) =
        calls::for_call_in(c, r.inbox_id, r.customer_id, &subject, actor, now).await?;
    out.extend(events);
    r.conversation_id = Some(id);
    Ok(id)
}

/// Records a callback request: the customer by number (or new), and the
/// request on their phone conversation with its service levels.
#[tracing::instrument(skip_all)]
pub async fn request_callback(
    st: &AppState,
    viewer: &Viewer,
    b: super::model::CallbackBody,
) -> Result<CallbackAnswer> {
    let region = st.config.phone_default_region;
    let number = E164::parse("phone", &b.phone, region)?;
    let name = b
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(parse_text_name)
        .transpose()?;
    let note = b.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > NOTE_CHARS || n.contains('\0')) {
        return Err(Error::invalid(
            "note",
            format!("a note has at most {NOTE_CHARS} characters, and no NUL"),
        ));
    }
    let window = b
        .window
        .as_deref()
        .filter(|w| !w.trim().is_empty())
        .map(|w| CallbackWindow::parse("window", w))
        .transpose()?;
    let text = callback_text(&number, window, note);
    let language = note.and_then(|n| crate::conversations::language_of(None, n));
    let key = format!("callback:{}", crate::agents::service::random_token(""));
    let typed = b.phone.trim().to_string();
    let now = st.clock.now_ms();
    let viewer = viewer.clone();
    let default_inbox = st.default_inbox;
    let (answer, events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let inbox_id = inbox_in(c, &viewer, b.inbox_id, default_inbox).await?;
                let (customer_id, _) = crate::customers::service::find_or_create_by_phone_in(
                    c,
                    &number,
                    &typed,
                    name.as_deref(),
                    region,
                    now,
                )
                .await?;
                let (conversation_id, events) = calls::callback_in(
                    c,
                    &Callback {
                        inbox_id,
                        customer_id,
                        name: name.as_deref(),
                        text: &text,
                        key: &key,
                        language: language.as_deref(),
                    },
                    now,
                )
                .await?;
                Ok((
                    CallbackAnswer {
                        conversation_id,
                        customer_id,
                        phone: number.as_str().to_string(),
                    },
                    events,
                ))
            })
        })
        .await?;
    crate::conversations::chat::publish_events(st, events);
    Ok(answer)
}

/// A customer's calls, newest first (at most 50).
pub async fn calls_of_customer(st: &AppState, customer_id: i64) -> Result<Vec<Call>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::of_customer(&mut c, customer_id, 50)
        .await?
        .into_iter()
        .map(|r| r.into_call(false))
        .collect())
}

/// Whether a visitor of this inbox and channel is offered a callback
/// instead of waiting: the routed queue they would join offers a
/// follow-up (its expected wait is over `routing_follow_up_after`, five
/// minutes by default, or unknown because nobody who could answer is
/// online). An inbox without routing has no expected wait: no offer.
pub fn offers_callback(queue: Option<&crate::routing::model::TeamQueue>) -> bool {
    queue
        .and_then(|q| q.channels.first())
        .is_some_and(|c| c.offer_follow_up)
}

/// [`offers_callback`] for the queue of `inbox_id` and `channel` now.
pub async fn offer_callback(
    st: &AppState,
    inbox_id: i64,
    channel: crate::vocab::Channel,
) -> Result<bool> {
    let q = crate::routing::reports::queue_estimate(st, inbox_id, channel.as_str()).await?;
    Ok(offers_callback(q.as_ref()))
}
