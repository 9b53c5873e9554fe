//! `/api/v1/automations` (admins write, supervisors read), the dry run,
//! and `/api/v1/conversations/{id}/automations` ("why didn't my rule
//! fire?").

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::conversations::service::{DryRun, Explained};
use crate::http::{ApiJson, ApiPath, Auth, Page, created};
use crate::state::AppState;

use super::model::{Automation, AutomationInput};
use super::service;

/// The automation routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_automations, create_automation))
        .routes(routes!(get_automation, put_automation, delete_automation))
        .routes(routes!(dry_run_automation))
        .routes(routes!(explain_automations))
}

/// Every rule, in the order they run. Admins and supervisors.
#[utoipa::path(get, path = "/automations", tag = "automation",
    responses((status = 200, description = "Rules", body = Page<Automation>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor")))]
async fn list_automations(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Page<Automation>>> {
    Ok(axum::Json(Page {
        items: service::list(&st, &auth.0).await?,
        next_cursor: None,
    }))
}

/// Create a rule: on an event, or some (business) minutes after a
/// moment; its conditions (`all`, `any`) and actions. Rules run in
/// `position` order inside the change that fired them; a new rule is
/// inactive unless `active` is true (dry-run it first). Admins only.
#[utoipa::path(post, path = "/automations", tag = "automation", request_body = AutomationInput,
    responses((status = 201, description = "Created", body = Automation),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn create_automation(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<AutomationInput>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, b).await?))
}

/// One rule. Admins and supervisors.
#[utoipa::path(get, path = "/automations/{id}", tag = "automation",
    params(("id" = i64, Path, description = "Rule id")),
    responses((status = 200, description = "The rule", body = Automation),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such rule")))]
async fn get_automation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Automation>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Replace a rule. A time rule's timers are set again from each open
/// conversation's moment. Admins only.
#[utoipa::path(put, path = "/automations/{id}", tag = "automation",
    params(("id" = i64, Path, description = "Rule id")),
    request_body = AutomationInput,
    responses((status = 200, description = "The rule", body = Automation),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such rule"),
              (status = 422, description = "Invalid input")))]
async fn put_automation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AutomationInput>,
) -> Result<axum::Json<Automation>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, b).await?))
}

/// Remove a rule; what it did stays on the timelines. Admins only.
#[utoipa::path(delete, path = "/automations/{id}", tag = "automation",
    params(("id" = i64, Path, description = "Rule id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such rule")))]
async fn delete_automation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /automations/{id}/dry-run`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DryRunInput {
    /// Look back this many days (1–365, default 30).
    #[serde(default)]
    pub days: Option<i64>,
}

/// Which conversations changed in the last `days` the rule's conditions
/// fit now (the most recently changed 5,000 are looked at), before it is
/// enabled. Changes nothing. Admins and supervisors.
#[utoipa::path(post, path = "/automations/{id}/dry-run", tag = "automation",
    params(("id" = i64, Path, description = "Rule id")),
    request_body = DryRunInput,
    responses((status = 200, description = "What it would touch", body = DryRun),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such rule"),
              (status = 422, description = "Invalid input")))]
async fn dry_run_automation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DryRunInput>,
) -> Result<axum::Json<DryRun>> {
    let days = b.days.unwrap_or(30);
    Ok(axum::Json(
        crate::conversations::service::dry_run(&st, &auth.0, id, days).await?,
    ))
}

/// Why the rules did or did not act on a conversation: every rule
/// evaluated on it now, condition by condition, and the evaluations that
/// did not fire, recorded for rules with `trace`. Admins and supervisors.
#[utoipa::path(get, path = "/conversations/{id}/automations", tag = "automation",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The rules on this conversation", body = Explained),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such conversation, or not yours to see")))]
async fn explain_automations(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Explained>> {
    Ok(axum::Json(
        crate::conversations::service::explain_automations(&st, &auth.0, id).await?,
    ))
}
