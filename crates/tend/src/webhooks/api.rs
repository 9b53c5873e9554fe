//! `/api/v1/webhooks`: subscriptions and their delivery log. Admins.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams, created};
use crate::state::AppState;

use super::model::{Delivery, Webhook, WebhookInput};
use super::service;

/// The webhook routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, delete_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(redeliver))
}

/// Every subscription, oldest first. Admins.
#[utoipa::path(get, path = "/webhooks", tag = "webhooks",
    params(PageParams),
    responses((status = 200, description = "Subscriptions", body = Page<Webhook>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Bad limit or cursor")))]
async fn list_webhooks(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Webhook>>> {
    Ok(axum::Json(service::list(&st, &auth.0, &p).await?))
}

/// Subscribe a URL to event kinds. Events committed from now on whose kind
/// it wants are posted to it as `{"id", "kind", "conversation_id", "data",
/// "created_at"}` with the headers `Tend-Delivery: <delivery id>` and
/// `Tend-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
/// "<t>.<body>")>`, one conversation's events in order, retried with
/// backoff (30 s, 1 min, 2 min … at most an hour) until a 2xx answer
/// within 10 s. The secret (16 to 200 characters) is stored sealed and
/// never returned. Admins only.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", request_body = WebhookInput,
    responses((status = 201, description = "Created", body = Webhook),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn create_webhook(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<WebhookInput>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, b).await?))
}

/// One subscription (without its secret). Admins.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, description = "The subscription", body = Webhook),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such webhook")))]
async fn get_webhook(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Webhook>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Remove a subscription: nothing more is posted to it, and its queued
/// deliveries and log go with it. Admins only.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such webhook")))]
async fn delete_webhook(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A subscription's delivery log, newest first: each delivery's state
/// (`pending`, `failing`, `delivered`), attempts, the last answer's HTTP
/// status and error, and when it is attempted next. Admins.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), PageParams),
    responses((status = 200, description = "Deliveries", body = Page<Delivery>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such webhook"),
              (status = 422, description = "Bad limit or cursor")))]
async fn list_deliveries(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Delivery>>> {
    Ok(axum::Json(service::deliveries(&st, &auth.0, id, &p).await?))
}

/// Deliver again, delivered or not: a new attempt at once (after the
/// conversation's earlier undelivered events), with the same
/// `Tend-Delivery` id. Admins only.
#[utoipa::path(post, path = "/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"),
           ("delivery_id" = i64, Path, description = "Delivery id")),
    responses((status = 200, description = "The delivery, due now", body = Delivery),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such webhook or delivery")))]
async fn redeliver(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, delivery_id)): ApiPath<(i64, i64)>,
) -> Result<axum::Json<Delivery>> {
    Ok(axum::Json(
        service::redeliver(&st, &auth.0, id, delivery_id).await?,
    ))
}
