//! `/api/v1/problems…` and `/api/v1/conversations/{id}/problem-proposals`.

use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams, created};
use crate::state::AppState;

use super::model::{
    Cluster, LinkInput, Problem, ProblemInput, ProblemPatch, ProblemQuery, Proposals, Report,
    TrendingQuery,
};
use super::{service, similar};

/// The problem routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_problems, create_problem))
        .routes(routes!(trending))
        .routes(routes!(report))
        .routes(routes!(get_problem, update_problem))
        .routes(routes!(link_conversation))
        .routes(routes!(unlink_conversation))
        .routes(routes!(proposals))
}

/// Problems, newest first; `status` filters.
#[utoipa::path(get, path = "/problems", tag = "problems", params(ProblemQuery, PageParams),
    responses((status = 200, description = "Problems (without their conversations)", body = Page<Problem>),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "Unknown status")))]
async fn list_problems(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ProblemQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Problem>>> {
    let limit = p.limit()?;
    let mut items = service::list(&st, &auth.0, &q, limit + 1, p.cursor()?).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok(axum::Json(Page::new(items, more, |p| p.id)))
}

/// Open a problem (any agent): `investigating` or `known`.
#[utoipa::path(post, path = "/problems", tag = "problems", request_body = ProblemInput,
    responses((status = 201, description = "Created", body = Problem),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn create_problem(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ProblemInput>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, b).await?))
}

/// Clusters of similar conversations opened in the last `hours` (default
/// 24) that are linked to no problem, biggest first.
#[utoipa::path(get, path = "/problems/trending", tag = "problems", params(TrendingQuery),
    responses((status = 200, description = "Clusters", body = Vec<Cluster>),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "Hours out of 1–720")))]
async fn trending(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<TrendingQuery>,
) -> Result<axum::Json<Vec<Cluster>>> {
    Ok(axum::Json(
        similar::trending(&st, &auth.0, q.hours.unwrap_or(24)).await?,
    ))
}

/// Problems by linked volume with their time to fix, and who fixed them
/// (supervisors and admins).
#[utoipa::path(get, path = "/problems/report", tag = "problems",
    responses((status = 200, description = "The report", body = Report),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not a supervisor")))]
async fn report(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<Report>> {
    Ok(axum::Json(service::report(&st, &auth.0).await?))
}

/// A problem with the linked conversations you may see.
#[utoipa::path(get, path = "/problems/{id}", tag = "problems",
    params(("id" = i64, Path, description = "Problem id")),
    responses((status = 200, description = "The problem", body = Problem),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such problem")))]
async fn get_problem(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Problem>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Edit a problem. `{"status": "fixed", "message": {"en": "…", …}}`
/// (owner, supervisors, admins) sends the message once to each linked
/// conversation still open, in its language on its channel, and solves it.
#[utoipa::path(patch, path = "/problems/{id}", tag = "problems",
    params(("id" = i64, Path, description = "Problem id")),
    request_body = ProblemPatch,
    responses((status = 200, description = "The problem", body = Problem),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Marking fixed or giving another owner, not as its owner, a supervisor or an admin"),
              (status = 404, description = "No such problem"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn update_problem(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ProblemPatch>,
) -> Result<axum::Json<Problem>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, b).await?))
}

/// Link a conversation you may see to the problem (it leaves any other).
#[utoipa::path(post, path = "/problems/{id}/conversations", tag = "problems",
    params(("id" = i64, Path, description = "Problem id")),
    request_body = LinkInput,
    responses((status = 200, description = "The problem", body = Problem),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such problem"),
              (status = 422, description = "No such conversation you may see")))]
async fn link_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<LinkInput>,
) -> Result<axum::Json<Problem>> {
    Ok(axum::Json(service::link(&st, &auth.0, id, b).await?))
}

/// Unlink a conversation you may see from the problem.
#[utoipa::path(delete, path = "/problems/{id}/conversations/{conversation_id}", tag = "problems",
    params(("id" = i64, Path, description = "Problem id"),
           ("conversation_id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The problem", body = Problem),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such problem, conversation you may see, or link")))]
async fn unlink_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, conversation_id)): ApiPath<(i64, i64)>,
) -> Result<axum::Json<Problem>> {
    Ok(axum::Json(
        service::unlink(&st, &auth.0, id, conversation_id).await?,
    ))
}

/// Likely problems and similar recent conversations for a conversation,
/// by the search index's likeness of subject and text; while a known
/// problem matches, its workaround as a suggested answer.
#[utoipa::path(get, path = "/conversations/{id}/problem-proposals", tag = "problems",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "Proposals", body = Proposals),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation you may see")))]
async fn proposals(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Proposals>> {
    Ok(axum::Json(similar::proposals(&st, &auth.0, id).await?))
}
