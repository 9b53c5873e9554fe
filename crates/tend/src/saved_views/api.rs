//! `/api/v1/views`: saved views of the inbox.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, Auth, Page, created};
use crate::state::AppState;

use super::model::{SavedView, SavedViewInput};
use super::service;

/// The saved view routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_views, create_view))
        .routes(routes!(get_view, put_view, delete_view))
}

/// The saved views you may use: your own, your teams' (admins and
/// supervisors: every team's) and the global ones.
#[utoipa::path(get, path = "/views", tag = "views",
    responses((status = 200, description = "Saved views", body = Page<SavedView>),
              (status = 401, description = "No or bad token")))]
async fn list_views(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<Page<SavedView>>> {
    Ok(axum::Json(Page {
        items: service::list(&st, &auth.0).await?,
        next_cursor: None,
    }))
}

/// Save a view: a name, who shares it, and what it shows (the inbox's
/// view, filters, order and columns).
#[utoipa::path(post, path = "/views", tag = "views", request_body = SavedViewInput,
    responses((status = 201, description = "Created", body = SavedView),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not yours to write (global: admins; team: its members, admins, supervisors)"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn create_view(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<SavedViewInput>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, b).await?))
}

/// One saved view.
#[utoipa::path(get, path = "/views/{id}", tag = "views",
    params(("id" = i64, Path, description = "Saved view id")),
    responses((status = 200, description = "The view", body = SavedView),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such view you may use")))]
async fn get_view(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<SavedView>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Replace a saved view (the whole of it).
#[utoipa::path(put, path = "/views/{id}", tag = "views",
    params(("id" = i64, Path, description = "Saved view id")),
    request_body = SavedViewInput,
    responses((status = 200, description = "The view", body = SavedView),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not yours to write"),
              (status = 404, description = "No such view you may use"),
              (status = 422, description = "Invalid input")))]
async fn put_view(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SavedViewInput>,
) -> Result<axum::Json<SavedView>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, b).await?))
}

/// Remove a saved view.
#[utoipa::path(delete, path = "/views/{id}", tag = "views",
    params(("id" = i64, Path, description = "Saved view id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not yours to write"),
              (status = 404, description = "No such view you may use")))]
async fn delete_view(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
