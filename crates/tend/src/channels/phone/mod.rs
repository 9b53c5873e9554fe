//! Phone: calls told by the phone system (PBX, CTI) and callback
//! requests. A call finds its customer by number in E.164
//! (`customers::phone`, the one rule), or creates them; each event is
//! taken once per `(call_id, event)`, in any order. A call the desk took
//! is logged on the customer's phone conversation; an inbound call nobody
//! answered, and a callback request, become a callback on it with the
//! service levels a customer's request starts
//! (`conversations::calls`).
//!
//! - `model`: the events, calls and callbacks, closed sets as enums;
//! - `service`: the use cases;
//! - `api`: `POST /api/v1/calls`, `POST /api/v1/callbacks`;
//! - `public`: `POST /help/callback`, for the widget and contact forms;
//! - `repo`: the only SQL of calls.
//!
//! A call that starts ringing, and its end of ringing (answered or hung
//! up), is announced on this node ([`PhoneState::rings`]); the live
//! workspace shows the agents who may see its inbox a popup of the caller
//! (`web::call_popup`). Like notifications, only the node that took the
//! event announces it; pages on other nodes see a ringing call when they
//! next connect.

mod api;
pub mod model;
mod public;
mod repo;
pub mod service;

use axum::Router;
use axum::routing::post;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The phone routes of `/api/v1`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::call_event))
        .routes(routes!(api::callback))
}

/// The public callback route (no sign-in).
pub fn public_router() -> Router<AppState> {
    Router::new().route("/help/callback", post(public::callback))
}

/// A call's ringing, announced to the live workspace.
#[derive(Debug, Clone)]
pub struct Ring {
    /// The call (`calls.id`).
    pub call: i64,
    /// Its inbox: who may see it sees the popup.
    pub inbox_id: i64,
    /// Ringing now (`new`), or no longer (answered by anyone, or ended).
    pub ringing: bool,
    /// The caller ID's name, when the phone system gave one.
    pub name: Option<String>,
}

/// This node's phone state: the announcements of ringing calls.
pub struct PhoneState {
    /// Each call that starts or stops ringing.
    pub rings: tokio::sync::broadcast::Sender<Ring>,
}

impl Default for PhoneState {
    fn default() -> Self {
        PhoneState {
            rings: tokio::sync::broadcast::channel(256).0,
        }
    }
}

impl AppState {
    /// This node's phone state.
    pub fn phone(&self) -> &PhoneState {
        self.slots.get()
    }
}
