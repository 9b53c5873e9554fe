//! `/api/v1/outbox…` (admins only): outbound mail, and the release of mail
//! held by an inbox's cap on automatic mail. Thin handlers over
//! [`super::outbox_admin`].

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::extract::parse_id;
use crate::http::{ApiPath, ApiQuery, Auth, Page};
use crate::state::AppState;
use crate::vocab::DeliveryStatus;

use super::outbox_admin::{self, OutboxFilter, OutboxItem};

/// The outbox routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_outbox))
        .routes(routes!(release_outbox))
}

/// Filters of `GET /outbox`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `held` for held mail only; `queued`, `sent` or `failed` for the rest.
    #[param(value_type = Option<String>, pattern = "^(held|queued|sent|failed)$")]
    status: Option<String>,
    /// Only mail of this inbox.
    #[param(value_type = Option<i64>)]
    inbox_id: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Outbound mail, newest first: replies, acknowledgements, surveys and
/// transcripts, queued, sent, failed or held (automatic mail over its
/// inbox's hourly cap, with the reason). Admins only.
#[utoipa::path(get, path = "/outbox", tag = "email",
    params(OutboxQuery),
    responses((status = 200, description = "One page", body = Page<OutboxItem>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid parameter")))]
async fn list_outbox(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OutboxQuery>,
) -> Result<axum::Json<Page<OutboxItem>>> {
    auth.0.require_admin()?;
    let page = crate::http::PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| DeliveryStatus::parse("status", s))
        .transpose()?;
    let filter = OutboxFilter {
        status,
        inbox_id: parse_id("inbox_id", q.inbox_id.as_deref())?,
        before: page.cursor()?,
        limit: page.limit()?,
    };
    let (items, more) = outbox_admin::list(&st, &auth.0, filter).await?;
    Ok(axum::Json(Page::new(items, more, |i| i.id)))
}

/// Send held mail after all. 409 when the mail is not held. Admins only.
#[utoipa::path(post, path = "/outbox/{id}/release", tag = "email",
    params(("id" = i64, Path, description = "Outbox mail id")),
    responses((status = 200, description = "The mail, queued", body = OutboxItem),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such mail"),
              (status = 409, description = "The mail is not held")))]
async fn release_outbox(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<OutboxItem>> {
    Ok(axum::Json(outbox_admin::release(&st, &auth.0, id).await?))
}
