//! `/api/v1/conversations/{id}/merge`, `…/messages/{message_id}/split` and
//! `…/links`: thin handlers over [`super::combine`], [`super::split`] and
//! [`super::links`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, Auth, Page, created};
use crate::state::AppState;

use super::links::{ConversationLinkInput, RelatedConversation};
use super::model::Conversation;

/// The merge, split and link routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(merge_conversation))
        .routes(routes!(split_message))
        .routes(routes!(list_links, add_link))
        .routes(routes!(remove_link))
}

/// `POST /conversations/{id}/merge`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationMerge {
    /// The conversation that takes this one's messages: the same
    /// customer's, in the same inbox, not closed.
    pub into: i64,
}

/// Merge this conversation into another of the same customer: its
/// messages, their files and events move there; this one is closed and
/// shows `merged_into`; mail naming it threads into the target.
#[utoipa::path(post, path = "/conversations/{id}/merge", tag = "conversations",
    params(("id" = i64, Path, description = "The conversation merged away")),
    request_body = ConversationMerge,
    responses(
        (status = 200, description = "The target, with the messages", body = Conversation),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
        (status = 409, description = "This conversation was merged already (`conversation_merged`)"),
        (status = 422, description = "Into itself, another customer's, another inbox's, a closed or a merged conversation (`details.field`: `into`)"),
    ))]
async fn merge_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ConversationMerge>,
) -> Result<axum::Json<Conversation>> {
    Ok(axum::Json(
        super::combine::merge(&st, &auth.0, id, b.into).await?,
    ))
}

/// Split a message (and its files) off into a new conversation of the same
/// customer.
#[utoipa::path(post, path = "/conversations/{id}/messages/{message_id}/split", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"),
           ("message_id" = i64, Path, description = "Message id")),
    responses(
        (status = 201, description = "The new conversation", body = Conversation),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation or message, or not visible"),
        (status = 409, description = "The conversation was merged (`conversation_merged`)"),
        (status = 422, description = "An internal note, or the only message"),
    ))]
async fn split_message(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, message_id)): ApiPath<(i64, i64)>,
) -> Result<Response> {
    Ok(created(
        super::split::split(&st, &auth.0, id, message_id).await?,
    ))
}

async fn page(st: &AppState, auth: &Auth, id: i64) -> Result<Page<RelatedConversation>> {
    Ok(Page::new(
        super::links::links(st, &auth.0, id).await?,
        false,
        |r| r.id,
    ))
}

/// The related conversations you may see, by number.
#[utoipa::path(get, path = "/conversations/{id}/links", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "All of them (one page)", body = Page<RelatedConversation>),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
    ))]
async fn list_links(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Page<RelatedConversation>>> {
    Ok(axum::Json(page(&st, &auth, id).await?))
}

/// Link a related conversation (of any customer): listed on both, an
/// event on both. Linking again changes nothing (200).
#[utoipa::path(post, path = "/conversations/{id}/links", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = ConversationLinkInput,
    responses(
        (status = 201, description = "Linked: the related conversations", body = Page<RelatedConversation>),
        (status = 200, description = "Linked already", body = Page<RelatedConversation>),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
        (status = 422, description = "Itself, or no conversation you may see (`details.field`: `conversation_id`)"),
    ))]
async fn add_link(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ConversationLinkInput>,
) -> Result<Response> {
    let new = super::links::link(&st, &auth.0, id, b.conversation_id)
        .await?
        .map_err(|r| r.into_error("conversation_id", b.conversation_id))?;
    let list = page(&st, &auth, id).await?;
    Ok(if new {
        created(list)
    } else {
        (StatusCode::OK, axum::Json(list)).into_response()
    })
}

/// Remove the link to a related conversation (from both).
#[utoipa::path(delete, path = "/conversations/{id}/links/{other_id}", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"),
           ("other_id" = i64, Path, description = "The related conversation")),
    responses(
        (status = 200, description = "The related conversations left", body = Page<RelatedConversation>),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation you may see, or no such link"),
    ))]
async fn remove_link(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, other)): ApiPath<(i64, i64)>,
) -> Result<axum::Json<Page<RelatedConversation>>> {
    super::links::unlink(&st, &auth.0, id, other).await?;
    Ok(axum::Json(page(&st, &auth, id).await?))
}
