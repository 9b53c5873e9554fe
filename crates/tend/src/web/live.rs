//! Live updates (Server-Sent Events), collision detection (who else is
//! viewing or replying to a conversation) and the navigation counts.
//!
//! `GET /live?c=ID` streams:
//! - `change`: `{"conversation_id", "kind"}` for every committed event in an
//!   inbox the agent may see (the page then refreshes its list or timeline);
//! - `viewers`: `[{"name", "state"}]`, the other agents on conversation ID;
//! - `chat`: `{"kind": "typing" | "read"}` from the chat visitor of
//!   conversation ID;
//! - `call`: `{"id", "html"}`, an inbound call ringing in an inbox the
//!   agent may see (`call_popup`; those ringing when the stream opens
//!   come first), and `call_gone`: `{"id"}` once it is answered or ends.
//!
//! Presence is kept in this node's memory: agents on different nodes of a
//! multi-node install do not see each other (noted in ARCHITECTURE.md).
//!
//! A stream is only as good as the access it was opened with, so it checks
//! again: at once when this node changes who may see what
//! ([`Hub::access_changed`]: sign-out, a password change, a deactivation,
//! a role, team or inbox grant change) and every [`RECHECK_EVERY`] for the
//! rest (session expiry, changes made on other nodes). It ends when the
//! session no longer signs anyone in, or the agent may no longer see the
//! conversation `c`; otherwise it goes on with the inboxes the agent may
//! see now.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::pages::error_page;
use super::session::Agent;
use crate::Result;
use crate::state::AppState;

/// An agent's presence entry expires this long after their last heartbeat.
const PRESENCE_TTL_MS: i64 = 45_000;
/// Counts are recomputed at most this often per agent.
const COUNTS_TTL_MS: i64 = 2_000;
/// Live streams re-check their access at least this often.
const RECHECK_EVERY: Duration = Duration::from_secs(30);

/// Who is looking at which conversation, and the counts cache.
#[derive(Debug)]
pub struct Hub {
    presence: Mutex<HashMap<i64, HashMap<i64, Viewing>>>,
    changed: broadcast::Sender<i64>,
    counts: Mutex<HashMap<i64, (i64, Value)>>,
    /// Moved whenever access may have shrunk; live streams re-check.
    access: tokio::sync::watch::Sender<u64>,
    /// Set when the server shuts down: every live stream ends, and the
    /// page reconnects to whichever server answers next.
    closing: tokio::sync::watch::Sender<bool>,
}

#[derive(Debug, Clone)]
struct Viewing {
    name: String,
    state: &'static str,
    at: i64,
}

/// One other agent on a conversation.
#[derive(Debug, Clone, Serialize)]
pub struct Other {
    /// Display name.
    pub name: String,
    /// `viewing` or `replying`.
    pub state: &'static str,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            presence: Mutex::new(HashMap::new()),
            changed: broadcast::channel(1024).0,
            counts: Mutex::new(HashMap::new()),
            access: tokio::sync::watch::channel(0).0,
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

impl Hub {
    /// Who may see what may have changed (a session ended, a user was
    /// deactivated or lost a team, role or inbox): every live stream on
    /// this node checks its access again. Call it after the change commits.
    pub fn access_changed(&self) {
        self.access.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The server is shutting down: every live stream on this node ends
    /// now instead of holding the shutdown open.
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    fn set(&self, conv: i64, user: i64, name: &str, state: Option<&'static str>, now: i64) {
        if let Ok(mut map) = self.presence.lock() {
            let entry = map.entry(conv).or_default();
            match state {
                Some(state) => {
                    entry.insert(
                        user,
                        Viewing {
                            name: name.to_string(),
                            state,
                            at: now,
                        },
                    );
                }
                None => {
                    entry.remove(&user);
                }
            }
            entry.retain(|_, v| now - v.at < PRESENCE_TTL_MS);
            if entry.is_empty() {
                map.remove(&conv);
            }
        }
        let _ = self.changed.send(conv);
    }

    /// The agents on `conv` other than `me`.
    pub fn others(&self, conv: i64, me: i64, now: i64) -> Vec<Other> {
        let Ok(map) = self.presence.lock() else {
            return vec![];
        };
        let mut out: Vec<Other> = map
            .get(&conv)
            .map(|m| {
                m.iter()
                    .filter(|(u, v)| **u != me && now - v.at < PRESENCE_TTL_MS)
                    .map(|(_, v)| Other {
                        name: v.name.clone(),
                        state: v.state,
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

#[derive(Deserialize)]
pub struct PresenceBody {
    state: String,
}

/// `POST /c/{id}/presence` (`{"state": "viewing"|"replying"|"left"}`,
/// `X-CSRF-Token`): a heartbeat; answers the other agents there.
pub async fn presence(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Json(b): Json<PresenceBody>,
) -> Response {
    if let Err(e) = crate::conversations::service::get(&st, &a.viewer, id).await {
        return error_page(&a.tr, e);
    }
    let state = match b.state.as_str() {
        "viewing" => Some("viewing"),
        "replying" => Some("replying"),
        "left" => None,
        _ => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                "state must be viewing, replying or left",
            )
                .into_response();
        }
    };
    let now = st.clock.now_ms();
    if state == Some("replying") {
        // A chat visitor sees "<first name> is typing…".
        let first = a
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&a.name)
            .to_string();
        st.public()
            .chat
            .signal(id, crate::channels::chat::Signal::Typing(Some(first)));
    }
    st.web().hub.set(id, a.id, &a.name, state, now);
    Json(st.web().hub.others(id, a.id, now)).into_response()
}

#[derive(Deserialize)]
pub struct LiveQuery {
    c: Option<i64>,
}

/// `GET /live`: the event stream. With `c`, the conversation must be one
/// the agent may see (404 otherwise).
pub async fn stream(
    State(st): State<AppState>,
    a: Agent,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
) -> Response {
    let Some(secret) = super::session::cookie_value(&headers) else {
        return error_page(&a.tr, crate::Error::Unauthorized);
    };
    let access = match Access::check(&st, &secret, q.c).await {
        Ok(Some(access)) => access,
        Ok(None) => return error_page(&a.tr, crate::Error::NotFound("conversation")),
        Err(e) => return error_page(&a.tr, e),
    };
    let feeds = Feeds {
        bus: st.bus.subscribe(),
        changed: st.web().hub.changed.subscribe(),
        chat: st.public().chat.visitor_events.subscribe(),
        recheck: st.web().hub.access.subscribe(),
        notified: st.notifications().notified.subscribe(),
        rings: st.phone().rings.subscribe(),
    };
    let who = Who {
        id: a.id,
        tr: a.tr.clone(),
        tz: a.tz.clone(),
    };
    let s = events(st, who, secret, q.c, access, feeds);
    Sse::new(s)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// Sends the `change` (and `sla` alert) events of a write the agent may
/// see; answers false once the page has gone.
async fn forward(
    st: &AppState,
    me: i64,
    tr: &super::i18n::Tr,
    access: &Access,
    batch: &[crate::state::BusEvent],
    tx: &tokio::sync::mpsc::Sender<Event>,
) -> bool {
    for ev in batch {
        if !access.sees(ev.inbox_id) {
            continue;
        }
        let data = json!({"conversation_id": ev.conversation_id, "kind": ev.kind});
        if tx
            .send(Event::default().event("change").data(data.to_string()))
            .await
            .is_err()
        {
            return false;
        }
        if let Ok(Some(alert)) = super::sla_alerts::sla_alert(st, me, tr, ev).await
            && tx
                .send(Event::default().event("sla").data(alert.to_string()))
                .await
                .is_err()
        {
            return false;
        }
    }
    true
}

/// What a stream may show: the inboxes whose changes it passes on.
struct Access {
    /// `None` for those who see every inbox.
    visible: Option<Vec<i64>>,
    /// The agent's access now, for what the stream reads for them.
    viewer: crate::agents::Viewer,
}

impl Access {
    fn sees(&self, inbox_id: i64) -> bool {
        self.visible.as_ref().is_none_or(|v| v.contains(&inbox_id))
    }
}

/// Whose stream it is.
struct Who {
    id: i64,
    tr: super::i18n::Tr,
    tz: String,
}

/// The `call` event of a ringing call the agent may see (`None`: not
/// theirs, or gone).
async fn ringing_event(
    st: &AppState,
    who: &Who,
    access: &Access,
    ring: &crate::channels::phone::Ring,
) -> Option<Event> {
    if !access.sees(ring.inbox_id) {
        return None;
    }
    let popup = super::call_popup::call_event(
        st,
        &access.viewer,
        &who.tr,
        &who.tz,
        ring.call,
        ring.name.as_deref(),
    )
    .await;
    match popup {
        Ok(Some(data)) => Some(Event::default().event("call").data(data.to_string())),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, call = ring.call, "the call popup could not be made");
            None
        }
    }
}

impl Access {
    /// The access of the session `secret` now; `None` when the session no
    /// longer signs anyone in or `conv` is not visible to its agent. The
    /// conversation goes through the conversation service, so the one
    /// access rule (`agents::access`) decides.
    async fn check(st: &AppState, secret: &str, conv: Option<i64>) -> Result<Option<Access>> {
        let Some(viewer) = super::session::viewer_of(st, secret).await? else {
            return Ok(None);
        };
        if let Some(id) = conv {
            match crate::conversations::service::get(st, &viewer, id).await {
                Ok(_) => {}
                Err(crate::Error::NotFound(_)) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        let mut c = st.db.pool().acquire().await?;
        let visible = viewer.visible_inboxes(&mut c).await?;
        Ok(Some(Access { visible, viewer }))
    }
}

/// What a stream listens to.
struct Feeds {
    bus: broadcast::Receiver<crate::state::Announcement>,
    changed: broadcast::Receiver<i64>,
    chat: broadcast::Receiver<(i64, &'static str)>,
    recheck: tokio::sync::watch::Receiver<u64>,
    notified: broadcast::Receiver<Vec<crate::notifications::Notified>>,
    rings: broadcast::Receiver<crate::channels::phone::Ring>,
}

fn events(
    st: AppState,
    who: Who,
    secret: String,
    conv: Option<i64>,
    mut access: Access,
    feeds: Feeds,
) -> impl Stream<Item = std::result::Result<Event, Infallible>> {
    let mut closing = st.web().hub.closing.subscribe();
    let Feeds {
        mut bus,
        mut changed,
        mut chat,
        mut recheck,
        mut notified,
        mut rings,
    } = feeds;
    let me = who.id;
    let tr = who.tr.clone();
    async_stream(move |tx| async move {
        if let Some(c) = conv {
            let others = st.web().hub.others(c, me, st.clock.now_ms());
            let _ = tx
                .send(
                    Event::default()
                        .event("viewers")
                        .data(json!(others).to_string()),
                )
                .await;
        }
        // The calls ringing now: the agent opened this page while one rang.
        match crate::channels::phone::service::ringing(&st).await {
            Ok(calls) => {
                for k in calls {
                    let ring = crate::channels::phone::Ring {
                        call: k.id,
                        inbox_id: k.inbox_id,
                        ringing: true,
                        name: None,
                    };
                    if let Some(ev) = ringing_event(&st, &who, &access, &ring).await
                        && tx.send(ev).await.is_err()
                    {
                        return;
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "the ringing calls could not be read"),
        }
        let mut every = tokio::time::interval(RECHECK_EVERY);
        every.tick().await;
        loop {
            tokio::select! {
                ev = bus.recv() => match ev {
                    Ok(batch) => {
                        // A change of access announced before these events
                        // were published applies to them.
                        if recheck.has_changed().unwrap_or(true) {
                            recheck.borrow_and_update();
                            match Access::check(&st, &secret, conv).await {
                                Ok(Some(now)) => access = now,
                                Ok(None) | Err(_) => break,
                            }
                        }
                        if !forward(&st, me, &tr, &access, &batch, &tx).await {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Missed some: tell the page to refresh whatever it shows.
                        let data = json!({"conversation_id": null, "kind": "lagged"});
                        if tx.send(Event::default().event("change").data(data.to_string())).await.is_err() {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                c = changed.recv() => match c {
                    Ok(c) if Some(c) == conv => {
                        let others = st.web().hub.others(c, me, st.clock.now_ms());
                        if tx.send(Event::default().event("viewers").data(json!(others).to_string())).await.is_err() {
                            break;
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                ev = chat.recv() => match ev {
                    // The chat visitor of this conversation types or has read.
                    Ok((c, kind)) if Some(c) == conv => {
                        let data = json!({"kind": kind}).to_string();
                        if tx.send(Event::default().event("chat").data(data)).await.is_err() {
                            break;
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                n = notified.recv() => match n {
                    Ok(batch) => {
                        for n in batch.iter().filter(|n| n.user_id == me) {
                            let Ok(Some(data)) = super::notifications::live_event(&st, me, &tr, n).await else {
                                continue;
                            };
                            if tx.send(Event::default().event("notification").data(data.to_string())).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                r = rings.recv() => match r {
                    Ok(ring) if ring.ringing => {
                        if let Some(ev) = ringing_event(&st, &who, &access, &ring).await
                            && tx.send(ev).await.is_err()
                        {
                            break;
                        }
                    }
                    Ok(ring) => {
                        if access.sees(ring.inbox_id) {
                            let data = json!({"id": ring.call}).to_string();
                            if tx.send(Event::default().event("call_gone").data(data)).await.is_err() {
                                break;
                            }
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                r = recheck.changed() => {
                    if r.is_err() {
                        break;
                    }
                    match Access::check(&st, &secret, conv).await {
                        Ok(Some(now)) => access = now,
                        // Signed out, deactivated, or the conversation is gone
                        // from view: the stream ends (the page's reconnect is
                        // then answered by the sign-in page or a 404). On a
                        // database error too: fail closed, the page retries.
                        Ok(None) | Err(_) => break,
                    }
                },
                _ = every.tick() => match Access::check(&st, &secret, conv).await {
                    Ok(Some(now)) => access = now,
                    Ok(None) | Err(_) => break,
                },
                () = tx.closed() => break,
                () = async { let _ = closing.wait_for(|c| *c).await; } => break,
            }
        }
    })
}

/// A stream fed by a task through a small channel; the task ends when the
/// client goes away (the receiver is dropped).
fn async_stream<F, Fut>(f: F) -> impl Stream<Item = std::result::Result<Event, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<Event>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(64);
    tokio::spawn(f(tx));
    futures_util::stream::unfold(
        rx,
        |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) },
    )
}

/// Counts for the navigation, keyed like the inbox views' `data-view-count` attributes.
pub async fn counts(st: &AppState, a: &Agent) -> Result<Value> {
    let now = st.clock.now_ms();
    if let Ok(cache) = st.web().hub.counts.lock()
        && let Some((at, v)) = cache.get(&a.id)
        && now - at < COUNTS_TTL_MS
    {
        return Ok(v.clone());
    }
    use crate::conversations::views::InboxView;
    let k = crate::conversations::service::counts(st, &a.viewer).await?;
    // The inbox and team entries open the default view.
    let per =
        crate::conversations::service::view_counts_by_place(st, &a.viewer, InboxView::DEFAULT)
            .await?;
    let mut map = serde_json::Map::new();
    for &v in InboxView::ALL {
        map.insert(v.to_string(), json!(v.count(&k)));
    }
    let mut inbox: HashMap<i64, i64> = HashMap::new();
    let mut team: HashMap<i64, i64> = HashMap::new();
    for (i, t, n) in per {
        *inbox.entry(i).or_default() += n;
        if let Some(t) = t {
            *team.entry(t).or_default() += n;
        }
    }
    for (i, n) in inbox {
        map.insert(format!("inbox-{i}"), json!(n));
    }
    for (t, n) in team {
        map.insert(format!("team-{t}"), json!(n));
    }
    let v = Value::Object(map);
    if let Ok(mut cache) = st.web().hub.counts.lock() {
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(a.id, (now, v.clone()));
    }
    Ok(v)
}

/// `GET /ui/counts`: counts per view, inbox and team under the agent's
/// access (JSON, for the navigation badges; cached briefly per agent).
pub async fn counts_json(State(st): State<AppState>, a: Agent) -> Response {
    match counts(&st, &a).await {
        Ok(map) => Json(map).into_response(),
        Err(e) => error_page(&a.tr, e),
    }
}
