//! `POST /api/v1/conversations/{id}/snooze`: a thin handler over
//! [`super::snooze`].

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::Conversation;
use crate::http::{ApiJson, ApiPath, Auth};
use crate::state::AppState;
use crate::{Error, Result};

/// The snooze route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(snooze_conversation))
}

/// The end of a snooze.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeInput {
    /// RFC 3339 (`2026-12-08T09:00:00Z`), or a local date and time
    /// without offset (`2026-12-08T09:00`) read in the caller's time zone.
    pub until: String,
}

/// Snooze a conversation: it becomes pending until `until`, then opens
/// again for its owner, who is notified. A customer's message ends the
/// snooze at once, as does any change out of pending.
#[utoipa::path(post, path = "/conversations/{id}/snooze", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = SnoozeInput,
    responses(
        (status = 200, description = "The conversation, pending with `snoozed_until`", body = Conversation),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
        (status = 409, description = "cannot_snooze: the conversation is solved or closed"),
        (status = 422, description = "`until` is not a time, is past, or is more than a year ahead"),
    ))]
async fn snooze_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SnoozeInput>,
) -> Result<axum::Json<Conversation>> {
    let tz = match auth.0.user_id {
        Some(uid) => crate::agents::service::time_zone(&st, uid).await?,
        None => None,
    };
    let until = super::snooze::parse_until(&b.until, tz.as_deref()).ok_or_else(|| {
        Error::invalid(
            "until",
            format!(
                "{:?} is not a time; use RFC 3339 (2026-12-08T09:00:00Z) or a local 2026-12-08T09:00",
                b.until
            ),
        )
    })?;
    Ok(axum::Json(
        super::snooze::snooze(&st, &auth.0, id, until).await?,
    ))
}
