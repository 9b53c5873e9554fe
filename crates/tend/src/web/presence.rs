//! The agent's presence for the router, from the workspace header.
//!
//! - `POST /ui/presence` (`presence` = online, away or offline; `back` = the
//!   page to return to) calls `routing::service::set_presence`. Without
//!   JavaScript it is a plain form that redirects back; app.js posts it with
//!   `Accept: application/json` when the select changes and gets the new
//!   state, so a half-written reply is not lost to a reload.
//! - `POST /ui/presence/heartbeat` (JSON, `X-CSRF-Token`) calls
//!   `routing::service::heartbeat`: app.js sends it while the agent is
//!   active, which keeps the sweep's auto-away off and brings an agent who
//!   went away by inactivity back online.
//!
//! Both answer how often the page should beat and after how long without
//! input it should stop, derived from `routing_auto_away_seconds`, so a
//! short auto-away setting does not make active agents flap.

use axum::Form;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::pages::{error_page, see_other};
use super::redirect::safe_next;
use super::session::Agent;
use crate::Error;
use crate::routing::model::{AgentRouting, parse_presence};
use crate::state::AppState;

/// What the page learns after a change or a heartbeat.
#[derive(Debug, Serialize)]
pub struct PresenceState {
    /// `online`, `away` or `offline`.
    pub presence: String,
    /// Whether the agent is away by inactivity (a heartbeat brings them back).
    pub auto_away: bool,
    /// The presence in the agent's language.
    pub label: String,
    /// Seconds between heartbeats while the agent is active.
    pub beat_secs: u64,
    /// Seconds without keyboard, pointer or focus after which the page stops
    /// beating (the agent is no longer active).
    pub idle_secs: u64,
}

/// Heartbeat period and idle window for an auto-away threshold: several
/// beats fit in the threshold, and input within half of it counts as
/// activity. Without auto-away (0), once a minute and five minutes.
pub fn beat_plan(auto_away_secs: u64) -> (u64, u64) {
    if auto_away_secs == 0 {
        return (60, 300);
    }
    (
        (auto_away_secs / 4).clamp(1, 60),
        (auto_away_secs / 2).clamp(1, 300),
    )
}

fn state(st: &AppState, a: &Agent, r: &AgentRouting) -> PresenceState {
    let (beat_secs, idle_secs) = beat_plan(st.config.routing_auto_away.as_secs());
    PresenceState {
        label: a.tr.t(&format!("presence-{}", r.presence)),
        presence: r.presence.clone(),
        auto_away: r.auto_away,
        beat_secs,
        idle_secs,
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

fn json_error(a: &Agent, e: Error) -> Response {
    match e {
        Error::Invalid { message, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({ "error": message })),
        )
            .into_response(),
        other => error_page(&a.tr, other),
    }
}

/// The header's presence form.
#[derive(Debug, Deserialize)]
pub struct PresenceForm {
    presence: String,
    back: Option<String>,
}

/// `POST /ui/presence`
pub async fn set(
    State(st): State<AppState>,
    headers: HeaderMap,
    a: Agent,
    Form(f): Form<PresenceForm>,
) -> Response {
    let json = wants_json(&headers);
    let changed = match parse_presence(f.presence.trim()) {
        Ok(p) => crate::routing::service::set_presence(&st, &a.viewer, p).await,
        Err(e) => Err(e),
    };
    match changed {
        Ok(r) if json => Json(state(&st, &a, &r)).into_response(),
        Ok(_) => see_other(&safe_next(f.back.as_deref().filter(|b| !b.is_empty()))),
        Err(e) if json => json_error(&a, e),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /ui/presence/heartbeat`
pub async fn heartbeat(State(st): State<AppState>, a: Agent) -> Response {
    match crate::routing::service::heartbeat(&st, &a.viewer).await {
        Ok(r) => Json(state(&st, &a, &r)).into_response(),
        Err(e) => json_error(&a, e),
    }
}

#[cfg(test)]
mod tests {
    use super::beat_plan;

    #[test]
    fn heartbeats_fit_several_times_into_the_auto_away_threshold() {
        assert_eq!(beat_plan(600), (60, 300), "the default: ten minutes");
        assert_eq!(beat_plan(120), (30, 60));
        assert_eq!(beat_plan(4), (1, 2));
        assert_eq!(beat_plan(1), (1, 1));
        assert_eq!(beat_plan(0), (60, 300), "auto-away off");
        for t in [2, 5, 61, 600, 3600] {
            let (beat, idle) = beat_plan(t);
            assert!(beat < t && idle < t, "{t}: an active agent never goes away");
        }
    }
}
