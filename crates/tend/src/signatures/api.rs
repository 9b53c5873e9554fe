//! `/api/v1/me/signatures` and `/api/v1/inboxes/{id}/signatures`: thin
//! handlers over [`super::service`].

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, Owner, SignatureSet};
use crate::http::{ApiJson, ApiPath, Auth};
use crate::state::AppState;
use crate::{Error, Result};

/// The signature routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_signatures, put_my_signatures))
        .routes(routes!(inbox_signatures, put_inbox_signatures))
}

fn me(auth: &Auth) -> Result<Owner> {
    auth.0.user_id.map(Owner::Agent).ok_or(Error::Forbidden(
        "signatures belong to a user; use a user's token",
    ))
}

/// Your signatures: the lines your mail replies end with, per customer
/// language, with one for any language.
#[utoipa::path(get, path = "/me/signatures", tag = "signatures",
    responses((status = 200, description = "Your signatures", body = SignatureSet),
              (status = 401, description = "No or bad token")))]
async fn my_signatures(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<SignatureSet>> {
    Ok(axum::Json(service::get(&st, &auth.0, me(&auth)?).await?))
}

/// Replace your signatures (all of them; an empty text removes one).
#[utoipa::path(put, path = "/me/signatures", tag = "signatures", request_body = SignatureSet,
    responses((status = 200, description = "Your signatures", body = SignatureSet),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "A bad language code, two for one language, or a text over 2,000 characters")))]
async fn put_my_signatures(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<SignatureSet>,
) -> Result<axum::Json<SignatureSet>> {
    Ok(axum::Json(
        service::replace(&st, &auth.0, me(&auth)?, b).await?,
    ))
}

/// An inbox's signatures (admins), mailed under the agent's own.
#[utoipa::path(get, path = "/inboxes/{id}/signatures", tag = "signatures",
    params(("id" = i64, Path, description = "Inbox id")),
    responses((status = 200, description = "The inbox's signatures", body = SignatureSet),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Admins only")))]
async fn inbox_signatures(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<SignatureSet>> {
    Ok(axum::Json(
        service::get(&st, &auth.0, Owner::Inbox(id)).await?,
    ))
}

/// Replace an inbox's signatures (admins).
#[utoipa::path(put, path = "/inboxes/{id}/signatures", tag = "signatures",
    params(("id" = i64, Path, description = "Inbox id")),
    request_body = SignatureSet,
    responses((status = 200, description = "The inbox's signatures", body = SignatureSet),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Admins only"),
              (status = 404, description = "No such inbox"),
              (status = 422, description = "A bad language code, two for one language, or a text over 2,000 characters")))]
async fn put_inbox_signatures(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SignatureSet>,
) -> Result<axum::Json<SignatureSet>> {
    Ok(axum::Json(
        service::replace(&st, &auth.0, Owner::Inbox(id), b).await?,
    ))
}
