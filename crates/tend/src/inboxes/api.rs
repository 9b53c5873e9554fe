//! `/api/v1/inboxes` (admins only).

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, Auth, Page, created};
use crate::state::AppState;

use super::model::{ImapAfter, Inbox, InboxKind};
use super::public::{self, PublicSettings, PublicSettingsInput};
use super::service::{self, NewInbox};
use super::telegram::TelegramInput;
use super::whatsapp::WhatsappInput;

/// The inbox routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_inboxes, create_inbox))
        .routes(routes!(get_inbox, update_inbox))
        .routes(routes!(get_public_settings, put_public_settings))
}

/// `POST /inboxes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInbox {
    /// `email`, `chat`, `web`, `api`, `telegram` or `whatsapp`.
    kind: String,
    /// Display name.
    name: Option<String>,
    /// Address (required for email).
    address: Option<String>,
    /// `imap://user:pass@host:port/MAILBOX` or `imaps://…` to read (IDLE where
    /// the server offers it, else polling). MAILBOX is UTF-8, percent-encoded
    /// where a URL needs it; default `INBOX`.
    imap_url: Option<String>,
    /// Acknowledge each new email conversation to the customer.
    #[serde(default)]
    ack_enabled: bool,
    /// What to do to a mailbox message once it is stored: `leave` (the
    /// default), `seen` or `move`.
    #[schema(value_type = Option<ImapAfter>)]
    imap_after: Option<String>,
    /// The folder to move messages to; required when `imap_after` is `move`.
    #[schema(max_length = 200)]
    imap_move_to: Option<String>,
}

/// `PATCH /inboxes/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInbox {
    /// Display name.
    name: Option<String>,
    /// Email address of the inbox.
    address: Option<String>,
    /// IMAP URL to read (IDLE or polling), as on creation; `null` stops
    /// reading mail from IMAP.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    imap_url: Option<Option<String>>,
    /// Acknowledge each new email conversation.
    ack_enabled: Option<bool>,
    /// What to do to a mailbox message once it is stored: `leave`, `seen`
    /// or `move`.
    #[schema(value_type = Option<ImapAfter>)]
    imap_after: Option<String>,
    /// The folder for `move`; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    imap_move_to: Option<Option<String>>,
    /// Automatic mail (acknowledgements, surveys, transcripts) the inbox
    /// may send per hour, 0–1,000,000; more is held for an admin to
    /// release. `null`: the server's default (`auto_mail_per_hour`).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1000000)]
    auto_mail_per_hour: Option<Option<i64>>,
    /// The inbox's business calendar: the chat widget's office hours and
    /// the calendar its service levels count on. `null`: none (always
    /// open).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<i64>)]
    calendar_id: Option<Option<i64>>,
    /// Inboxes of kind `api`: the secret that signs the channel's messages
    /// both ways (`Tend-Signature`), 16 to 200 characters. Write-only:
    /// never returned (`has_secret` says whether one is set); `null`
    /// removes it (inbound messages are then refused).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, min_length = 16, max_length = 200)]
    secret: Option<Option<String>>,
    /// Inboxes of kind `api`: the `http://` or `https://` URL the desk's
    /// replies are posted to; `null`: none (replies are not delivered).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    outbound_url: Option<Option<String>>,
    /// Inboxes of kind `telegram`: the bot's token, the Bot API server,
    /// `polling` or `webhook`, and the webhook's secret token.
    telegram: Option<TelegramInput>,
    /// Inboxes of kind `whatsapp`: the business number's id, access token,
    /// app secret, verify token, Graph API base and approved templates.
    whatsapp: Option<WhatsappInput>,
}

/// All inboxes. Admins only.
#[utoipa::path(get, path = "/inboxes", tag = "inboxes",
    responses((status = 200, description = "Inboxes", body = Page<Inbox>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin")))]
async fn list_inboxes(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<Page<Inbox>>> {
    let items = service::list_inboxes(&st, &auth.0).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Create an inbox. Admins only.
#[utoipa::path(post, path = "/inboxes", tag = "inboxes", request_body = CreateInbox,
    responses((status = 201, description = "Created", body = Inbox),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input")))]
async fn create_inbox(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CreateInbox>,
) -> Result<Response> {
    auth.0.require_admin()?;
    let inbox = service::create_inbox(
        &st,
        &auth.0,
        NewInbox {
            kind: InboxKind::parse(&b.kind)?,
            name: b.name,
            address: b.address,
            imap_url: b.imap_url,
            ack_enabled: b.ack_enabled,
            imap_after: b
                .imap_after
                .as_deref()
                .map(ImapAfter::parse)
                .transpose()?
                .unwrap_or_default(),
            imap_move_to: b.imap_move_to,
        },
    )
    .await?;
    Ok(created(inbox))
}

/// One inbox. Admins only.
#[utoipa::path(get, path = "/inboxes/{id}", tag = "inboxes",
    params(("id" = i64, Path, description = "Inbox id")),
    responses((status = 200, description = "The inbox", body = Inbox),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such inbox")))]
async fn get_inbox(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Inbox>> {
    Ok(axum::Json(service::get_inbox(&st, &auth.0, id).await?))
}

/// Change an inbox (name, address, IMAP mailbox and what happens to a
/// fetched message, acknowledgements; a channel API inbox's secret and
/// outbound URL; a Telegram inbox's bot; a WhatsApp inbox's number). Admins only;
/// takes effect without a restart.
#[utoipa::path(patch, path = "/inboxes/{id}", tag = "inboxes",
    params(("id" = i64, Path, description = "Inbox id")),
    request_body = UpdateInbox,
    responses((status = 200, description = "The inbox", body = Inbox),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such inbox"),
              (status = 422, description = "Invalid input")))]
async fn update_inbox(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateInbox>,
) -> Result<axum::Json<Inbox>> {
    let ch = service::InboxChanges {
        name: b.name,
        address: b.address,
        imap_url: b.imap_url,
        ack_enabled: b.ack_enabled,
        imap_after: b.imap_after.as_deref().map(ImapAfter::parse).transpose()?,
        imap_move_to: b.imap_move_to,
        auto_mail_per_hour: b.auto_mail_per_hour,
        calendar_id: b.calendar_id,
        secret: b.secret,
        outbound_url: b.outbound_url,
        telegram: b.telegram,
        whatsapp: b.whatsapp,
    };
    Ok(axum::Json(
        service::update_inbox(&st, &auth.0, id, ch).await?,
    ))
}

/// The inbox's public-channel settings: allowed web origins for the chat
/// widget and contact form, the pre-chat form, identity verification, office
/// hours and the longest wait offered. Admins only.
#[utoipa::path(get, path = "/inboxes/{id}/public-settings", tag = "inboxes",
    params(("id" = i64, Path, description = "Inbox id")),
    responses((status = 200, description = "The settings", body = PublicSettings),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such inbox")))]
async fn get_public_settings(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<PublicSettings>> {
    Ok(axum::Json(public::get_for(&st, &auth.0, id).await?))
}

/// Change the inbox's public-channel settings; absent fields stay. Admins only.
#[utoipa::path(put, path = "/inboxes/{id}/public-settings", tag = "inboxes",
    params(("id" = i64, Path, description = "Inbox id")),
    request_body = PublicSettingsInput,
    responses((status = 200, description = "The settings", body = PublicSettings),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such inbox"),
              (status = 422, description = "Invalid input")))]
async fn put_public_settings(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PublicSettingsInput>,
) -> Result<axum::Json<PublicSettings>> {
    Ok(axum::Json(public::update(&st, &auth.0, id, b).await?))
}
