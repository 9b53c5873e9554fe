//! `/api/v1/sla-policies` (admins write, supervisors read) and
//! `/api/v1/conversations/{id}/sla` (anyone who may see the conversation).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, Auth, Page, created};
use crate::state::AppState;

use super::model::{Policy, PolicyInput};
use super::service::{self, Explanation};

/// The service-level routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(get_policy, put_policy, delete_policy))
        .routes(routes!(explain))
        .routes(routes!(unanswered))
}

/// Every policy, in the order they are tried. Admins and supervisors.
#[utoipa::path(get, path = "/sla-policies", tag = "service levels",
    responses((status = 200, description = "Policies", body = Page<Policy>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor")))]
async fn list_policies(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<Page<Policy>>> {
    Ok(axum::Json(Page {
        items: service::list(&st, &auth.0).await?,
        next_cursor: None,
    }))
}

/// Create a policy: targets for first response, next response and
/// resolution (minutes, business minutes by default), the statuses that
/// pause them, and which conversations it is for. The first policy by
/// `position` whose `match` fits applies; it applies to a conversation
/// from its next change. Admins only.
#[utoipa::path(post, path = "/sla-policies", tag = "service levels", request_body = PolicyInput,
    responses((status = 201, description = "Created", body = Policy),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn create_policy(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<PolicyInput>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, b).await?))
}

/// One policy. Admins and supervisors.
#[utoipa::path(get, path = "/sla-policies/{id}", tag = "service levels",
    params(("id" = i64, Path, description = "Policy id")),
    responses((status = 200, description = "The policy", body = Policy),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such policy")))]
async fn get_policy(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Policy>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Replace a policy. Its open clocks are recounted: time already used
/// stays, what is left counts towards the new targets. Admins only.
#[utoipa::path(put, path = "/sla-policies/{id}", tag = "service levels",
    params(("id" = i64, Path, description = "Policy id")),
    request_body = PolicyInput,
    responses((status = 200, description = "The policy", body = Policy),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such policy"),
              (status = 422, description = "Invalid input")))]
async fn put_policy(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PolicyInput>,
) -> Result<axum::Json<Policy>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, b).await?))
}

/// Remove a policy: its conversations move to the next policy that fits
/// (time used kept) or lose their open clocks; the history stays. Admins
/// only.
#[utoipa::path(delete, path = "/sla-policies/{id}", tag = "service levels",
    params(("id" = i64, Path, description = "Policy id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such policy")))]
async fn delete_policy(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Why a conversation has the service levels it has: the policy that
/// applies and which of its conditions fit, the calendar, and every clock
/// (earlier rounds too) with its deadline, time used and paused periods.
#[utoipa::path(get, path = "/conversations/{id}/sla", tag = "service levels",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The explanation", body = Explanation),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation, or not yours to see")))]
async fn explain(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Explanation>> {
    Ok(axum::Json(
        crate::conversations::service::explain_sla(&st, &auth.0, id).await?,
    ))
}

/// Every channel answered: per channel and inbox you may see, the
/// conversations whose customer has waited past `unanswered_after_minutes`
/// without a public reply, the longest wait, and how many agents who may
/// answer are online (`nobody_online` when none is).
#[utoipa::path(get, path = "/monitor/unanswered", tag = "service levels",
    responses((status = 200, description = "The monitor", body = super::monitor::Monitor),
              (status = 401, description = "No or bad token")))]
async fn unanswered(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<super::monitor::Monitor>> {
    Ok(axum::Json(super::monitor::unanswered(&st, &auth.0).await?))
}
