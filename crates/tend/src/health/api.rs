//! `/api/v1/radar…`: customers at risk, and proactive outreach.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::{Outreach, OutreachInput, RadarPage};
use super::outreach;
use super::service::{self, RadarFilter};
use crate::Result;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams, created};
use crate::state::AppState;

/// The radar's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(radar))
        .routes(routes!(start_outreach, list_outreach))
}

/// Filters and paging of `GET /radar`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RadarQuery {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Only customers of this organisation.
    organization_id: Option<i64>,
    /// Only customers whose latest conversation is in this inbox.
    inbox_id: Option<i64>,
    /// Only customers of this language (`ja`).
    language: Option<String>,
}

/// Customers at risk of leaving silently: those whose health score is
/// below `health_at_risk_below`, the lowest score (highest risk) first,
/// each with the signals that took points off, and how outreach went in
/// the last 90 days. Keyset paging (`cursor`). Admins and supervisors.
#[utoipa::path(get, path = "/radar", tag = "radar",
    params(RadarQuery),
    responses(
        (status = 200, description = "One page", body = RadarPage),
        (status = 401, description = "No or bad token"),
        (status = 403, description = "Agents"),
        (status = 422, description = "Invalid filter or cursor"),
    ))]
async fn radar(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<RadarQuery>,
) -> Result<axum::Json<RadarPage>> {
    let limit = PageParams {
        limit: q.limit,
        cursor: None,
    }
    .limit()?;
    let filter = RadarFilter {
        organization_id: q.organization_id,
        inbox_id: q.inbox_id,
        language: q.language.filter(|l| !l.trim().is_empty()),
    };
    Ok(axum::Json(
        service::radar(&st, &auth.0, &filter, q.cursor.as_deref(), limit).await?,
    ))
}

/// Start proactive outreach: a new conversation with the customer, from
/// the desk, tagged `outreach`, in the customer's language (the template's
/// translation for it), owned by `assignee_id`, pending the customer's
/// answer; its first message is the rendered template, sent as the
/// caller's reply. Its outcome (`answered`, `satisfied`, `left`) follows
/// from what happens next. Admins and supervisors.
#[utoipa::path(post, path = "/radar/{customer_id}/outreach", tag = "radar",
    params(("customer_id" = i64, Path, description = "Customer id")),
    request_body = OutreachInput,
    responses(
        (status = 201, description = "Started", body = Outreach),
        (status = 401, description = "No or bad token"),
        (status = 403, description = "Agents"),
        (status = 404, description = "No such customer (or macro)"),
        (status = 422, description = "Invalid input: the owner may not work the inbox, the customer has no address, a template does not parse"),
    ))]
async fn start_outreach(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(customer_id): ApiPath<i64>,
    ApiJson(body): ApiJson<OutreachInput>,
) -> Result<Response> {
    Ok(created(
        outreach::start_outreach(&st, &auth.0, customer_id, body).await?,
    ))
}

/// A customer's outreaches (the last 20), newest first, with their
/// outcome. Admins and supervisors.
#[utoipa::path(get, path = "/radar/{customer_id}/outreach", tag = "radar",
    params(("customer_id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The outreaches", body = Page<Outreach>),
        (status = 401, description = "No or bad token"),
        (status = 403, description = "Agents"),
    ))]
async fn list_outreach(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(customer_id): ApiPath<i64>,
) -> Result<axum::Json<Page<Outreach>>> {
    let items = outreach::outreaches(&st, &auth.0, customer_id).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}
