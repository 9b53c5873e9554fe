//! `POST /api/v1/calls` (the phone system's events) and
//! `POST /api/v1/callbacks` (an agent records a callback request).

use axum::extract::State;
use axum::response::Response;

use super::model::{Call, CallEventBody, CallbackAnswer, CallbackBody};
use super::service;
use crate::Result;
use crate::http::{ApiJson, Auth, created};
use crate::state::AppState;

/// One CTI event of a call: `new` (ringing: the call, and its customer
/// matched by number in E.164 or created with it), `answered` (who and
/// when; the call is logged on the customer's phone conversation),
/// `hangup` (an inbound call nobody answered becomes a callback, with
/// service levels). Each `(call_id, event)` is taken once: a repeated
/// event answers the call as it is, with `duplicate: true`. Events may
/// come in any order. The phone system uses an API token.
#[utoipa::path(post, path = "/calls", tag = "channels",
    request_body = CallEventBody,
    responses(
        (status = 200, description = "The call after the event (or as it was, for a repeated one)", body = Call),
        (status = 401, description = "No or bad token"),
        (status = 422, description = "Invalid event; the field is named (a number without +country and no phone_default_region names it)"),
    ))]
pub(super) async fn call_event(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CallEventBody>,
) -> Result<axum::Json<Call>> {
    Ok(axum::Json(service::call_event(&st, &auth.0, b).await?))
}

/// A callback request: the customer found by number (or created), and
/// the request on their open phone conversation, or a new one
/// (`Callback: +371…`) whose first-response clock runs.
#[utoipa::path(post, path = "/callbacks", tag = "channels",
    request_body = CallbackBody,
    responses(
        (status = 201, description = "Recorded", body = CallbackAnswer),
        (status = 401, description = "No or bad token"),
        (status = 422, description = "Invalid request; the field is named"),
    ))]
pub(super) async fn callback(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CallbackBody>,
) -> Result<Response> {
    Ok(created(service::request_callback(&st, &auth.0, b).await?))
}
