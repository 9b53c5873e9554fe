//! `/api/v1/notifications…`: thin handlers over [`super::service`]. Every
//! route concerns the caller's own notifications.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::{Notification, Preferences, PreferencesInput, Unread};
use super::service;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams};
use crate::state::AppState;
use crate::{Error, Result};

/// The notification routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(read_notification))
        .routes(routes!(read_all_notifications))
        .routes(routes!(get_preferences, put_preferences))
}

/// Filters of `GET /notifications`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `true`: only the unread ones.
    #[param(value_type = Option<bool>)]
    unread: Option<String>,
    /// Page size, 1–200.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Cursor from `next_cursor`.
    cursor: Option<String>,
}

/// Your notifications, newest first.
#[utoipa::path(get, path = "/notifications", tag = "notifications", params(ListQuery),
    responses((status = 200, description = "A page of notifications", body = Page<Notification>),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "A bad `unread`, `limit` or `cursor`")))]
async fn list_notifications(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<Page<Notification>>> {
    let unread = match q.unread.as_deref() {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(Error::invalid(
                "unread",
                format!("unread is true or false, got {other:?}"),
            ));
        }
    };
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    Ok(axum::Json(
        service::list(&st, &auth.0, unread, page.cursor()?, page.limit()?).await?,
    ))
}

/// Mark one of your notifications read.
#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path, description = "Notification id")),
    responses((status = 200, description = "Your unread count now", body = Unread),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such notification of yours")))]
async fn read_notification(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Unread>> {
    Ok(axum::Json(service::mark_read(&st, &auth.0, id).await?))
}

/// Mark all your notifications read.
#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications",
    responses((status = 200, description = "Your unread count now (0)", body = Unread),
              (status = 401, description = "No or bad token")))]
async fn read_all_notifications(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Unread>> {
    Ok(axum::Json(
        service::mark_all_read(&st, &auth.0, None).await?,
    ))
}

/// Where each kind of your notifications goes, and the chat tone.
#[utoipa::path(get, path = "/notifications/preferences", tag = "notifications",
    responses((status = 200, description = "Your preferences, every kind named", body = Preferences),
              (status = 401, description = "No or bad token")))]
async fn get_preferences(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Preferences>> {
    Ok(axum::Json(service::preferences(&st, &auth.0).await?))
}

/// Change where kinds of your notifications go (`{"kinds": {"mention":
/// {"web": true, "mail": true}}, "sound": true}`); kinds left out keep
/// their choice.
#[utoipa::path(put, path = "/notifications/preferences", tag = "notifications",
    request_body = PreferencesInput,
    responses((status = 200, description = "Your preferences now", body = Preferences),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "An unknown kind, or a bad value; the field is named")))]
async fn put_preferences(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<PreferencesInput>,
) -> Result<axum::Json<Preferences>> {
    Ok(axum::Json(service::set_preferences(&st, &auth.0, b).await?))
}
