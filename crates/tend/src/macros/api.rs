//! `/api/v1/macros` (write and list macros) and
//! `/api/v1/conversations/{id}/macros/{macro_id}` (apply one).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, created};
use crate::state::AppState;

use super::model::{Applied, ApplyInput, Macro, MacroInput, MacroQuery};
use super::service;

/// The macro routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_macros, create_macro))
        .routes(routes!(get_macro, put_macro, delete_macro))
        .routes(routes!(apply_macro))
}

/// The macros you may use (global ones, your own, your teams'; admins and
/// supervisors every team's), the most used first, then by name; `q`
/// searches their names.
#[utoipa::path(get, path = "/macros", tag = "macros", params(MacroQuery),
    responses((status = 200, description = "Macros", body = Page<Macro>),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "Invalid limit")))]
async fn list_macros(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MacroQuery>,
) -> Result<axum::Json<Page<Macro>>> {
    Ok(axum::Json(Page {
        items: service::list(&st, &auth.0, &q).await?,
        next_cursor: None,
    }))
}

/// Create a macro: a name, a scope, a template with translations, and
/// actions. A placeholder the template does not know is a 422 naming its
/// line and column.
#[utoipa::path(post, path = "/macros", tag = "macros", request_body = MacroInput,
    responses((status = 201, description = "Created", body = Macro),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not yours to write (global: admins; team: its members, admins, supervisors)"),
              (status = 422, description = "Invalid input; the message names the field, and for a template the line and column")))]
async fn create_macro(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<MacroInput>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, b).await?))
}

/// One macro you may use.
#[utoipa::path(get, path = "/macros/{id}", tag = "macros",
    params(("id" = i64, Path, description = "Macro id")),
    responses((status = 200, description = "The macro", body = Macro),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such macro you may use")))]
async fn get_macro(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Macro>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Replace a macro (the whole of it); its usage count stays.
#[utoipa::path(put, path = "/macros/{id}", tag = "macros",
    params(("id" = i64, Path, description = "Macro id")),
    request_body = MacroInput,
    responses((status = 200, description = "The macro", body = Macro),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not yours to write"),
              (status = 404, description = "No such macro you may use"),
              (status = 422, description = "Invalid input")))]
async fn put_macro(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MacroInput>,
) -> Result<axum::Json<Macro>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, b).await?))
}

/// Remove a macro.
#[utoipa::path(delete, path = "/macros/{id}", tag = "macros",
    params(("id" = i64, Path, description = "Macro id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not yours to write"),
              (status = 404, description = "No such macro you may use")))]
async fn delete_macro(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Apply a macro to a conversation: its text rendered in the
/// conversation's language (its own, else the customer's; the exact tag,
/// then its primary subtag, else the macro's `text`) for the composer, not
/// sent; and its actions applied as you, with every rule of `PATCH
/// /conversations/{id}`. With `"preview": true` nothing changes.
#[utoipa::path(post, path = "/conversations/{id}/macros/{macro_id}", tag = "macros",
    params(("id" = i64, Path, description = "Conversation id"),
           ("macro_id" = i64, Path, description = "Macro id")),
    request_body = ApplyInput,
    responses((status = 200, description = "The text and the changes", body = Applied),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation or macro you may use"),
              (status = 409, description = "A status the conversation cannot reach (`illegal_status_transition`)"),
              (status = 422, description = "A change the conversation does not allow, e.g. an agent who cannot work its inbox")))]
async fn apply_macro(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, macro_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<ApplyInput>,
) -> Result<axum::Json<Applied>> {
    Ok(axum::Json(
        service::apply(&st, &auth.0, id, macro_id, input).await?,
    ))
}
