//! `/api/v1/conversations/{id}/draft`: thin handlers over [`super::drafts`].
//! A draft is the caller's own: another agent reading the same path reads
//! theirs.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::drafts::{self, Draft, DraftInput};
use crate::http::{ApiJson, ApiPath, Auth};
use crate::state::AppState;
use crate::{Error, Result};

/// The draft routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_draft, put_draft, delete_draft))
}

/// Your draft on a conversation (the composer's text and reply/note
/// choice, saved as you type).
#[utoipa::path(get, path = "/conversations/{id}/draft", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "Your draft", body = Draft),
        (status = 401, description = "No or bad token"),
        (status = 403, description = "The token is not a user's"),
        (status = 404, description = "No draft of yours, or no such conversation you may see"),
    ))]
async fn get_draft(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Draft>> {
    drafts::mine(&st, &auth.0, id)
        .await?
        .map(axum::Json)
        .ok_or(Error::NotFound("draft"))
}

/// Save your draft on a conversation; an empty text removes it (204).
#[utoipa::path(put, path = "/conversations/{id}/draft", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = DraftInput,
    responses(
        (status = 200, description = "The saved draft", body = Draft),
        (status = 204, description = "Empty text: the draft is removed"),
        (status = 401, description = "No or bad token"),
        (status = 403, description = "The token is not a user's"),
        (status = 404, description = "No such conversation you may see"),
        (status = 422, description = "The text is too long"),
    ))]
async fn put_draft(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DraftInput>,
) -> Result<Response> {
    Ok(match drafts::save(&st, &auth.0, id, b).await? {
        Some(d) => axum::Json(d).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Discard your draft on a conversation.
#[utoipa::path(delete, path = "/conversations/{id}/draft", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No or bad token"),
        (status = 403, description = "The token is not a user's"),
        (status = 404, description = "No draft of yours, or no such conversation you may see"),
    ))]
async fn delete_draft(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    drafts::discard(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
