//! `POST /api/v1/inbound/email`: raw RFC 5322 bytes from a mail relay or
//! integration.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::extract::{media_type, parse_id, read_body};
use crate::http::{ApiQuery, Auth};
use crate::state::AppState;
use crate::{Error, Result};

use super::ingest::{self, IngestOutcome, Source};

/// The inbound email route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound_email))
}

/// Query of `POST /inbound/email`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboundQuery {
    /// The inbox the mail was sent to; the first email inbox when absent.
    #[param(value_type = Option<i64>)]
    inbox_id: Option<String>,
}

/// Deliver one raw email (`Content-Type: message/rfc822`). Answers 202 with
/// what happened to it; mail over the size limit is quarantined, not refused.
#[utoipa::path(post, path = "/inbound/email", tag = "email",
    params(InboundQuery),
    request_body(content = Vec<u8>, content_type = "message/rfc822", description = "The raw message"),
    responses(
        (status = 202, description = "Stored, ignored or quarantined", body = IngestOutcome),
        (status = 401, description = "No or bad token"),
        (status = 413, description = "Far over the size limit"),
        (status = 415, description = "Not message/rfc822"),
        (status = 422, description = "Unknown inbox"),
    ))]
async fn inbound_email(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<InboundQuery>,
    req: Request,
) -> Result<Response> {
    let ct = media_type(&req);
    if !matches!(ct.as_str(), "message/rfc822" | "application/octet-stream") {
        return Err(Error::UnsupportedMediaType("message/rfc822"));
    }
    let inbox_id = match parse_id("inbox_id", q.inbox_id.as_deref())? {
        Some(id) => id,
        None => crate::inboxes::service::first_email_inbox(&st)
            .await?
            .ok_or_else(|| {
                Error::invalid(
                    "inbox_id",
                    "there is no email inbox; create one or name inbox_id",
                )
            })?,
    };
    let mut c = st.db.pool().acquire().await?;
    let ok = auth.0.sees_inbox(&mut c, inbox_id).await?;
    drop(c);
    if !ok {
        return Err(Error::invalid(
            "inbox_id",
            format!("there is no inbox {inbox_id} you may use"),
        ));
    }
    // Oversize mail up to four times the limit is kept (quarantined); beyond
    // that the request itself is refused.
    let raw = read_body(req, st.config.max_attachment_bytes.saturating_mul(4)).await?;
    let outcome = ingest::ingest(&st, inbox_id, &raw, Source::Webhook).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(outcome)).into_response())
}
