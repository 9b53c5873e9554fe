//! `/api/v1/customers…`.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams};
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{Customer, CustomerPatch, MergeRequest};
use super::service;

/// The customer routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_customers))
        .routes(routes!(get_customer, update_customer))
        .routes(routes!(merge_customer))
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

/// Merge another customer record into this one: its addresses and every
/// conversation move here (each conversation records a `customer_changed`
/// event), missing profile fields are taken over, and the other record is
/// hidden from lists (`merged_into` points here). Give the other record by
/// `customer_id` or by one of its addresses (`email`). Admins and
/// supervisors may merge; agents only when they can see every
/// conversation of both customers.
#[utoipa::path(post, path = "/customers/{id}/merge", tag = "customers",
    params(("id" = i64, Path, description = "The customer that stays")),
    request_body = MergeRequest,
    responses(
        (status = 200, description = "The merged profile", body = Customer),
        (status = 401, description = "No or bad token"),
        (status = 403, description = "An agent who cannot see every conversation of both"),
        (status = 404, description = "No such customer, or not visible"),
        (status = 409, description = "One of them was already merged (`customer_merged`)"),
        (status = 422, description = "Invalid input, e.g. the same customer twice or an unknown address"),
    ))]
async fn merge_customer(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MergeRequest>,
) -> Result<axum::Json<Customer>> {
    let from = match (body.customer_id, body.email.as_deref()) {
        (Some(from), None) => from,
        (None, Some(e)) => service::id_by_email(&st, &auth.0, e).await?,
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "customer_id",
                "give customer_id or email, not both",
            ));
        }
        (None, None) => return Err(Error::invalid("customer_id", "give customer_id or email")),
    };
    Ok(axum::Json(service::merge(&st, &auth.0, id, from).await?))
}
