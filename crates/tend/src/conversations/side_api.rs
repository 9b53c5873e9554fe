//! `/api/v1/conversations/{id}/side-conversations…`: thin handlers over
//! [`super::side`]. Whoever may see the conversation may see and write its
//! side conversations; anyone else gets 404.

use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::side_model::{NewSideConversation, NewSideMessage, SideConversation};
use crate::Result;
use crate::http::{ApiJson, ApiPath, Auth, Page, created};
use crate::state::AppState;

/// The side conversation routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_side_conversations, start_side_conversation))
        .routes(routes!(reply_side_conversation))
}

/// The side conversations of a conversation, oldest first, each with its
/// mails (one page: all of them). Never shown to the customer.
#[utoipa::path(get, path = "/conversations/{id}/side-conversations", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "All of them (one page)", body = Page<SideConversation>),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
    ))]
async fn list_side_conversations(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Page<SideConversation>>> {
    let items = super::side::list(&st, &auth.0, id).await?;
    Ok(axum::Json(Page::new(items, false, |s| s.id)))
}

/// Start a side conversation by mail with third parties (a courier, a
/// warehouse), or forward a message (`forward_message_id`) or the whole
/// conversation (`forward_conversation`): the mail goes from the inbox's
/// address with its own Message-ID, and answers to it land on the side
/// conversation, never on the customer's conversation.
#[utoipa::path(post, path = "/conversations/{id}/side-conversations", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = NewSideConversation,
    responses(
        (status = 201, description = "The side conversation, its first mail queued", body = SideConversation),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
        (status = 409, description = "no_sender_address: the inbox has no address to send from"),
        (status = 422, description = "A bad address in `to`, no `text`, no `subject`, or a `forward_message_id` not of this conversation"),
    ))]
async fn start_side_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewSideConversation>,
) -> Result<Response> {
    Ok(created(super::side::start(&st, &auth.0, id, input).await?))
}

/// Answer a side conversation: the mail goes to its third parties,
/// threaded under its last mail.
#[utoipa::path(post, path = "/conversations/{id}/side-conversations/{side_id}/messages", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"),
           ("side_id" = i64, Path, description = "Side conversation id")),
    request_body = NewSideMessage,
    responses(
        (status = 201, description = "The side conversation with the new mail", body = SideConversation),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation or side conversation, or not visible"),
        (status = 409, description = "no_sender_address: the inbox has no address to send from"),
        (status = 422, description = "No `text`"),
    ))]
async fn reply_side_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, side_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<NewSideMessage>,
) -> Result<Response> {
    Ok(created(
        super::side::reply(&st, &auth.0, id, side_id, input).await?,
    ))
}
