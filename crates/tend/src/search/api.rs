//! `GET /api/v1/search`: a thin handler over [`super::service`].

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiQuery, Auth, Page, PageParams};
use crate::state::AppState;

use super::model::SearchHit;
use super::service;

/// The search route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

/// Parameters of `GET /search`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for, in any language: words (all must match),
    /// `"quoted phrases"`, `-excluded` words or filters, and the filters
    /// `status:open` (or `status:open,pending`), `assignee:me` (`none`, a
    /// user id or address), `tag:billing`, `from:` (an address, a domain or
    /// a name), `inbox:3`, `after:2024-05-01` (that day included, UTC) and
    /// `before:2024-06-01` (excluded). Anything malformed is searched
    /// literally.
    q: Option<String>,
    /// Most results, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
}

/// Search conversations the caller may see: one result per conversation,
/// best match first, with a highlighted snippet. New messages are
/// searchable within a second. Results come in one page (`next_cursor`
/// is always null).
#[utoipa::path(get, path = "/search", tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Results, best first", body = Page<SearchHit>),
        (status = 401, description = "No or bad token"),
        (status = 422, description = "Invalid `limit`"),
    ))]
async fn search(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<axum::Json<Page<SearchHit>>> {
    let limit = PageParams {
        limit: p.limit,
        cursor: None,
    }
    .limit()?;
    let items = service::search(
        &st,
        &auth.0,
        p.q.as_deref().unwrap_or(""),
        usize::try_from(limit).unwrap_or(50),
    )
    .await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}
