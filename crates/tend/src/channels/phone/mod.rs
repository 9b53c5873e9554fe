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
