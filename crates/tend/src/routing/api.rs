//! Routing over HTTP: presence (`/me/presence`, `/me/heartbeat`), agents'
//! routing profiles (`/users/{id}/routing`), inbox rules
//! (`/inboxes/{id}/routing`), queues (`/queues`) and the transfer report
//! (`/reports/transfers`). Settings are for admins and supervisors; every
//! agent sets their own presence.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page};
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{
    AgentRouting, InboxRouting, InboxRoutingInput, PresenceInput, RoutingProfileInput, TeamQueue,
    TransferReport, parse_presence,
};
use super::service;

/// The routing routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_routing))
        .routes(routes!(set_presence))
        .routes(routes!(heartbeat))
        .routes(routes!(get_profile, put_profile))
        .routes(routes!(get_rule, put_rule, delete_rule))
        .routes(routes!(list_queues))
        .routes(routes!(transfers))
}

/// The caller's routing profile and presence.
#[utoipa::path(get, path = "/me/routing", tag = "routing",
    responses((status = 200, description = "The caller's routing state", body = AgentRouting)))]
async fn my_routing(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<AgentRouting>> {
    let id = auth.0.user_id.ok_or(Error::NotFound("user"))?;
    Ok(axum::Json(service::profile(&st, &auth.0, id).await?))
}

/// Set the caller's presence: `online` takes conversations (waiting ones
/// are assigned at once), `away` keeps the caller's conversations but takes
/// no new ones, `offline` also returns the caller's unsolved chats to the
/// queue, where others get them.
#[utoipa::path(put, path = "/me/presence", tag = "routing", request_body = PresenceInput,
    responses((status = 200, description = "The caller's routing state", body = AgentRouting)))]
async fn set_presence(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<PresenceInput>,
) -> Result<axum::Json<AgentRouting>> {
    let p = parse_presence(&b.presence)?;
    Ok(axum::Json(service::set_presence(&st, &auth.0, p).await?))
}

/// Record the caller's activity (the agent UI sends it while the agent
/// works). Without activity for `routing_auto_away_seconds` an online agent
/// becomes away; activity brings an auto-away agent back online.
#[utoipa::path(post, path = "/me/heartbeat", tag = "routing",
    responses((status = 200, description = "The caller's routing state", body = AgentRouting)))]
async fn heartbeat(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<AgentRouting>> {
    Ok(axum::Json(service::heartbeat(&st, &auth.0).await?))
}

/// A user's routing profile and state. The user themselves, admins and
/// supervisors.
#[utoipa::path(get, path = "/users/{id}/routing", tag = "routing",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Routing profile and state", body = AgentRouting),
              (status = 403, description = "Neither the user nor an admin or supervisor")))]
async fn get_profile(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<AgentRouting>> {
    Ok(axum::Json(service::profile(&st, &auth.0, id).await?))
}

/// Change a user's capacity per channel, languages or skills (absent fields
/// stay). Admins and supervisors.
#[utoipa::path(put, path = "/users/{id}/routing", tag = "routing",
    params(("id" = i64, Path, description = "User id")),
    request_body = RoutingProfileInput,
    responses((status = 200, description = "Routing profile and state", body = AgentRouting),
              (status = 403, description = "Not an admin or supervisor")))]
async fn put_profile(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RoutingProfileInput>,
) -> Result<axum::Json<AgentRouting>> {
    Ok(axum::Json(
        service::update_profile(&st, &auth.0, id, b).await?,
    ))
}

/// An inbox's routing rule. Admins and supervisors.
#[utoipa::path(get, path = "/inboxes/{id}/routing", tag = "routing",
    params(("id" = i64, Path, description = "Inbox id")),
    responses((status = 200, description = "The rule", body = InboxRouting),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such inbox, or it is not routed")))]
async fn get_rule(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<InboxRouting>> {
    Ok(axum::Json(service::rule(&st, &auth.0, id).await?))
}

/// Route an inbox's new, reopened and unassigned conversations to a team.
/// Admins and supervisors. The team must have been granted the inbox.
#[utoipa::path(put, path = "/inboxes/{id}/routing", tag = "routing",
    params(("id" = i64, Path, description = "Inbox id")),
    request_body = InboxRoutingInput,
    responses((status = 200, description = "The rule", body = InboxRouting),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such inbox")))]
async fn put_rule(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<InboxRoutingInput>,
) -> Result<axum::Json<InboxRouting>> {
    Ok(axum::Json(service::set_rule(&st, &auth.0, id, b).await?))
}

/// Stop routing an inbox (conversations already waiting stay queued).
/// Admins and supervisors.
#[utoipa::path(delete, path = "/inboxes/{id}/routing", tag = "routing",
    params(("id" = i64, Path, description = "Inbox id")),
    responses((status = 204, description = "Not routed any more"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such inbox, or it was not routed")))]
async fn delete_rule(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete_rule(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Team queues with the live expected wait per channel and whether
/// visitors should be offered a follow-up instead of waiting. Agents see
/// their own teams' queues; admins and supervisors see all. One page.
#[utoipa::path(get, path = "/queues", tag = "routing",
    responses((status = 200, description = "Queues", body = Page<TeamQueue>)))]
async fn list_queues(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Page<TeamQueue>>> {
    Ok(axum::Json(Page {
        items: service::queues(&st, &auth.0).await?,
        next_cursor: None,
    }))
}

/// Parameters of `GET /reports/transfers`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Start (RFC 3339 or a date, UTC, included); default 30 days before `to`.
    from: Option<String>,
    /// End (RFC 3339 or a date, UTC, excluded); default now.
    to: Option<String>,
}

/// Transfer rate per agent and per team over a period: how often owners
/// passed conversations on (with reason categories). System reassignments
/// (e.g. an agent went offline) are counted apart, not as transfers.
/// Admins and supervisors.
#[utoipa::path(get, path = "/reports/transfers", tag = "routing",
    params(ReportParams),
    responses((status = 200, description = "The report", body = TransferReport),
              (status = 403, description = "Not an admin or supervisor")))]
async fn transfers(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> Result<axum::Json<TransferReport>> {
    let parse = |field: &str, v: &Option<String>| -> Result<Option<i64>> {
        v.as_deref()
            .map(|s| {
                crate::time::parse_ms(s.trim()).ok_or_else(|| {
                    Error::invalid(field, "use an RFC 3339 time or a date like 2026-01-31")
                })
            })
            .transpose()
    };
    let to = parse("to", &p.to)?.unwrap_or_else(|| st.clock.now_ms());
    let from = parse("from", &p.from)?.unwrap_or(to - 30 * 24 * 3600 * 1000);
    Ok(axum::Json(
        service::transfer_report(&st, &auth.0, from, to).await?,
    ))
}
