//! `/api/v1/remedy-kinds`, `/api/v1/authority`, `/api/v1/remedies…` and
//! `/api/v1/conversations/{id}/remedies`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::extract::{csv_or_json, wants_csv};
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams, created};
use crate::state::AppState;

use super::model::{
    DecisionInput, LedgerLine, Limit, LimitInput, Remedy, RemedyInput, RemedyKind, RemedyKindInput,
    RemedyQuery, RemedyState, ReportLine, ReportQuery,
};
use super::{authority, ledger, service};

/// The remedy routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_kinds, create_kind))
        .routes(routes!(update_kind))
        .routes(routes!(list_limits, put_limit))
        .routes(routes!(delete_limit))
        .routes(routes!(conversation_remedies, record_remedy))
        .routes(routes!(list_remedies))
        .routes(routes!(approve_remedy))
        .routes(routes!(decline_remedy))
        .routes(routes!(ledger))
        .routes(routes!(remedy_report))
}

/// The remedy kinds: `refund`, `credit`, `discount`, `replacement`,
/// `goodwill` and the desk's own.
#[utoipa::path(get, path = "/remedy-kinds", tag = "remedies",
    responses((status = 200, description = "Kinds", body = Vec<RemedyKind>),
              (status = 401, description = "No or bad token")))]
async fn list_kinds(
    State(st): State<AppState>,
    _auth: Auth,
) -> Result<axum::Json<Vec<RemedyKind>>> {
    Ok(axum::Json(authority::kinds(&st).await?))
}

/// Add a remedy kind (admins).
#[utoipa::path(post, path = "/remedy-kinds", tag = "remedies", request_body = RemedyKindInput,
    responses((status = 201, description = "Created", body = RemedyKind),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid or taken key, or no name")))]
async fn create_kind(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RemedyKindInput>,
) -> Result<Response> {
    Ok(created(authority::create_kind(&st, &auth.0, b).await?))
}

/// Replace a remedy kind's name and webhook (admins); its key stays.
/// Granted and approved remedies of a kind with a webhook are posted to
/// it, signed like webhooks (`Tend-Signature`).
#[utoipa::path(put, path = "/remedy-kinds/{id}", tag = "remedies",
    params(("id" = i64, Path, description = "Kind id")),
    request_body = RemedyKindInput,
    responses((status = 200, description = "The kind", body = RemedyKind),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such kind"),
              (status = 422, description = "No name, or a bad webhook URL")))]
async fn update_kind(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RemedyKindInput>,
) -> Result<axum::Json<RemedyKind>> {
    Ok(axum::Json(
        authority::update_kind(&st, &auth.0, id, b).await?,
    ))
}

/// Every authority limit: how much each role, team or agent may grant
/// without asking, per case and per month (UTC), in minor units.
#[utoipa::path(get, path = "/authority", tag = "remedies",
    responses((status = 200, description = "Limits", body = Vec<Limit>),
              (status = 401, description = "No or bad token")))]
async fn list_limits(State(st): State<AppState>, _auth: Auth) -> Result<axum::Json<Vec<Limit>>> {
    Ok(axum::Json(authority::limits(&st).await?))
}

/// Set the limit of one role, team or user for a kind and currency
/// (admins); it replaces the one there was.
#[utoipa::path(put, path = "/authority", tag = "remedies", request_body = LimitInput,
    responses((status = 200, description = "The limit", body = Limit),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn put_limit(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<LimitInput>,
) -> Result<axum::Json<Limit>> {
    Ok(axum::Json(authority::put_limit(&st, &auth.0, b).await?))
}

/// Remove a limit (admins).
#[utoipa::path(delete, path = "/authority/{id}", tag = "remedies",
    params(("id" = i64, Path, description = "Limit id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such limit")))]
async fn delete_limit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    authority::delete_limit(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The remedies of a conversation, oldest first.
#[utoipa::path(get, path = "/conversations/{id}/remedies", tag = "remedies",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "Remedies", body = Vec<Remedy>),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation you may see")))]
async fn conversation_remedies(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<Remedy>>> {
    Ok(axum::Json(
        service::of_conversation(&st, &auth.0, id).await?,
    ))
}

/// Record a remedy: granted at once (201) within your limits, else it
/// waits for a supervisor's approval (202).
#[utoipa::path(post, path = "/conversations/{id}/remedies", tag = "remedies",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = RemedyInput,
    responses((status = 201, description = "Granted", body = Remedy),
              (status = 202, description = "Awaiting approval", body = Remedy),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation you may see"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn record_remedy(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RemedyInput>,
) -> Result<Response> {
    let r = service::record(&st, &auth.0, id, b).await?;
    let status = match r.state {
        RemedyState::AwaitingApproval => StatusCode::ACCEPTED,
        RemedyState::Granted | RemedyState::Approved | RemedyState::Declined => StatusCode::CREATED,
    };
    Ok((status, axum::Json(r)).into_response())
}

/// Remedies, newest first: supervisors and admins see everyone's (filter
/// by `user_id`), agents their own. `format=csv` gives the same rows.
#[utoipa::path(get, path = "/remedies", tag = "remedies", params(RemedyQuery, PageParams),
    responses((status = 200, description = "Remedies", body = Page<Remedy>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "An agent asking for another's"),
              (status = 422, description = "Invalid filter")))]
async fn list_remedies(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<RemedyQuery>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Remedy>>> {
    let limit = p.limit()?;
    let mut items = service::list(&st, &auth.0, &q, limit + 1, p.cursor()?).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok(axum::Json(Page::new(items, more, |r| r.id)))
}

/// Approve a remedy that waits (supervisors and admins, not for their own).
#[utoipa::path(post, path = "/remedies/{id}/approve", tag = "remedies",
    params(("id" = i64, Path, description = "Remedy id")),
    request_body = DecisionInput,
    responses((status = 200, description = "The remedy, approved", body = Remedy),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not a supervisor, or your own request"),
              (status = 404, description = "No such remedy"),
              (status = 409, description = "Decided already")))]
async fn approve_remedy(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DecisionInput>,
) -> Result<axum::Json<Remedy>> {
    Ok(axum::Json(
        service::decide(&st, &auth.0, id, true, b).await?,
    ))
}

/// Decline a remedy that waits (supervisors and admins, not for their own).
#[utoipa::path(post, path = "/remedies/{id}/decline", tag = "remedies",
    params(("id" = i64, Path, description = "Remedy id")),
    request_body = DecisionInput,
    responses((status = 200, description = "The remedy, declined", body = Remedy),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not a supervisor, or your own request"),
              (status = 404, description = "No such remedy"),
              (status = 409, description = "Decided already")))]
async fn decline_remedy(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DecisionInput>,
) -> Result<axum::Json<Remedy>> {
    Ok(axum::Json(
        service::decide(&st, &auth.0, id, false, b).await?,
    ))
}

/// The ledger: every grant, request and decision in the order written;
/// append-only. `format=csv` gives the same lines (supervisors and admins).
#[utoipa::path(get, path = "/remedies/ledger", tag = "remedies", params(RemedyQuery),
    responses((status = 200, description = "The ledger; with `format=csv`, `text/csv` with the same lines", body = Vec<LedgerLine>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not a supervisor"),
              (status = 422, description = "Invalid filter")))]
async fn ledger(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<RemedyQuery>,
) -> Result<Response> {
    let csv = wants_csv(q.format.as_deref())?;
    let lines = ledger::ledger(&st, &auth.0, &q).await?;
    Ok(csv_or_json(csv, lines, |l| ledger::ledger_csv(l)))
}

/// What was given, per agent, team, kind or month and currency
/// (supervisors and admins); `format=csv` gives the same lines.
#[utoipa::path(get, path = "/remedies/report", tag = "remedies", params(ReportQuery),
    responses((status = 200, description = "The report; with `format=csv`, `text/csv` with the same lines", body = Vec<ReportLine>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not a supervisor"),
              (status = 422, description = "Invalid grouping or range")))]
async fn remedy_report(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response> {
    let csv = wants_csv(q.format.as_deref())?;
    let lines = ledger::report(&st, &auth.0, &q).await?;
    Ok(csv_or_json(csv, lines, |l| ledger::report_csv(l)))
}
