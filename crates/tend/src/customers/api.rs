//! `/api/v1/customers…`.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::app::AppState;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams};

use super::model::{Customer, CustomerPatch};
use super::service;

/// The customer routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers))
        .routes(routes!(get_customer, update_customer))
}

/// Filters of `GET /customers`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Exact address.
    email: Option<String>,
    /// A fragment of the name or address.
    q: Option<String>,
    /// Page size, 1–200.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Cursor from `next_cursor`.
    cursor: Option<String>,
}

/// Customers the caller may see, newest first.
#[utoipa::path(get, path = "/customers", tag = "customers",
    params(CustomerQuery),
    responses(
        (status = 200, description = "One page", body = Page<Customer>),
        (status = 401, description = "No or bad token"),
        (status = 422, description = "Invalid filter"),
    ))]
async fn list_customers(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CustomerQuery>,
) -> Result<axum::Json<Page<Customer>>> {
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let mut items = service::list(
        &st,
        &auth.0,
        q.email.as_deref().filter(|e| !e.is_empty()),
        q.q.as_deref(),
        page.cursor()?,
        limit + 1,
    )
    .await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok(axum::Json(Page::new(items, more, |c| c.id)))
}

/// A customer's profile with the conversations the caller may see.
#[utoipa::path(get, path = "/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The profile", body = Customer),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such customer, or not visible"),
    ))]
async fn get_customer(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Customer>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Edit a customer's profile.
#[utoipa::path(patch, path = "/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    request_body = CustomerPatch,
    responses(
        (status = 200, description = "The profile", body = Customer),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such customer, or not visible"),
        (status = 422, description = "Invalid input"),
    ))]
async fn update_customer(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CustomerPatch>,
) -> Result<axum::Json<Customer>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, body).await?))
}
