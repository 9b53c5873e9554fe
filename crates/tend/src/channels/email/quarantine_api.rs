//! `/api/v1/mail-log…` (admins only): the quarantine and the ignored mail,
//! their raw messages, the retry and deletion. Thin handlers over [`super::quarantine`].

use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::extract::parse_id;
use crate::http::{ApiPath, ApiQuery, Auth, Page};
use crate::state::AppState;

use super::ingest::Outcome;
use super::quarantine::{self, Filter, MailLogItem};

/// The mail-log routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_mail_log))
        .routes(routes!(get_mail_log, delete_mail_log))
        .routes(routes!(raw_mail_log))
        .routes(routes!(retry_mail_log))
}

/// Filters of `GET /mail-log`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MailLogQuery {
    /// `quarantined` or `ignored`; both when absent.
    #[param(value_type = Option<String>, pattern = "^(quarantined|ignored)$")]
    outcome: Option<String>,
    /// Only mail to this inbox.
    #[param(value_type = Option<i64>)]
    inbox_id: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The answer of `POST /mail-log/{id}/retry`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetryAnswer {
    /// What happened this time.
    pub outcome: Outcome,
    /// The conversation, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<i64>,
    /// Why, when it was ignored or quarantined again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The entry, with the retry recorded.
    pub entry: MailLogItem,
}

/// Mail that did not become a message, newest first: quarantined (too
/// large, unreadable, no usable From, over the per-sender rate limit) or
/// ignored (auto-generated, bounces, our own mail). Admins only.
#[utoipa::path(get, path = "/mail-log", tag = "email",
    params(MailLogQuery),
    responses((status = 200, description = "One page", body = Page<MailLogItem>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid parameter")))]
async fn list_mail_log(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MailLogQuery>,
) -> Result<axum::Json<Page<MailLogItem>>> {
    auth.0.require_admin()?;
    let page = crate::http::PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let filter = Filter {
        outcome: match q.outcome.as_deref() {
            None | Some("") => None,
            Some(s) => Some(quarantine::parse_held(s)?),
        },
        inbox_id: parse_id("inbox_id", q.inbox_id.as_deref())?,
        before: page.cursor()?,
        limit: page.limit()?,
    };
    let (items, more) = quarantine::list(&st, &auth.0, filter).await?;
    Ok(axum::Json(Page::new(items, more, |i| i.id)))
}

/// One mail-log entry. Admins only.
#[utoipa::path(get, path = "/mail-log/{id}", tag = "email",
    params(("id" = i64, Path, description = "Mail-log entry id")),
    responses((status = 200, description = "The entry", body = MailLogItem),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such entry")))]
async fn get_mail_log(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<MailLogItem>> {
    Ok(axum::Json(quarantine::get(&st, &auth.0, id).await?))
}

/// Delete the entry and its raw message (nothing is ingested). Admins only.
#[utoipa::path(delete, path = "/mail-log/{id}", tag = "email",
    params(("id" = i64, Path, description = "Mail-log entry id")),
    responses((status = 204, description = "Deleted"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such entry")))]
async fn delete_mail_log(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::http::StatusCode> {
    if quarantine::delete(&st, &auth.0, &[id]).await?.is_empty() {
        return Err(crate::Error::NotFound("mail-log entry"));
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The entry's raw message, byte for byte as received, as a `.eml`
/// download. Admins only.
#[utoipa::path(get, path = "/mail-log/{id}/raw", tag = "email",
    params(("id" = i64, Path, description = "Mail-log entry id")),
    responses((status = 200, description = "The .eml file", content_type = "message/rfc822"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such entry, or its raw message was not kept")))]
async fn raw_mail_log(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    let bytes = quarantine::raw(&st, &auth.0, id).await?;
    Ok(crate::attachments::api::download(
        bytes,
        &format!("mail-log-{id}.eml"),
        "message/rfc822",
    ))
}

/// Run the entry's raw message through inbound processing again, for its
/// inbox. The per-sender rate limit is skipped; the size limit (as now
/// configured), parsing, the auto-generated, bounce and own-address checks
/// and duplicate detection all apply. The outcome is recorded on this
/// entry (`retried_at`, `retry_outcome`, `retry_conversation_id`; a message
/// held again keeps this one entry, with the new reason). Admins only.
#[utoipa::path(post, path = "/mail-log/{id}/retry", tag = "email",
    params(("id" = i64, Path, description = "Mail-log entry id")),
    responses((status = 200, description = "What happened this time, and the entry", body = RetryAnswer),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such entry"),
              (status = 409, description = "The message is already in a conversation, or cannot be retried")))]
async fn retry_mail_log(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<RetryAnswer>> {
    let r = quarantine::retry(&st, &auth.0, id).await?;
    Ok(axum::Json(RetryAnswer {
        outcome: r.outcome.outcome,
        conversation_id: r.outcome.conversation_id,
        reason: r.outcome.reason,
        entry: r.entry,
    }))
}
