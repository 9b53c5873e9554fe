//! `/api/v1/jobs/failures`: the items background jobs could not do.
//! Admins.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiPath, ApiQuery, Auth, Page};
use crate::state::AppState;

use super::model::{Failure, Job};
use super::service;

/// The job routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_failures))
        .routes(routes!(retry_failure))
}

/// Parameters of `GET /jobs/failures`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FailureParams {
    /// Only this job: `survey`, `quiet_close`, `sla_timer` or `outbox`.
    job: Option<String>,
}

/// The items background jobs could not do: those waiting to be retried
/// (with backoff: 30 s, 1 min, 2 min, 4 min) and those parked after five
/// failures, parked first, at most 1,000. Admins.
#[utoipa::path(get, path = "/jobs/failures", tag = "jobs",
    params(FailureParams),
    responses((status = 200, description = "Failed items", body = Page<Failure>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Unknown job")))]
async fn list_failures(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<FailureParams>,
) -> Result<axum::Json<Page<Failure>>> {
    let job = p
        .job
        .as_deref()
        .filter(|j| !j.is_empty())
        .map(|j| Job::parse("job", j))
        .transpose()?;
    Ok(axum::Json(Page {
        items: service::list(&st, &auth.0, job).await?,
        next_cursor: None,
    }))
}

/// Retry a failed item now, parked or not: its job takes it up on its
/// next pass (surveys and quiet-period closing within a minute, the
/// service-level timer within 5 s, the outbox at once). Should it fail
/// once more, it is parked again. Admins.
#[utoipa::path(post, path = "/jobs/failures/{job}/{item}/retry", tag = "jobs",
    params(("job" = String, Path, description = "The job: survey, quiet_close, sla_timer or outbox"),
           ("item" = i64, Path, description = "The item's id")),
    responses((status = 200, description = "The item, due now", body = Failure),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such failed item")))]
async fn retry_failure(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((job, item)): ApiPath<(String, i64)>,
) -> Result<axum::Json<Failure>> {
    let job = Job::from_db(&job).map_err(|_| crate::Error::NotFound("failed job item"))?;
    Ok(axum::Json(service::retry(&st, &auth.0, job, item).await?))
}
