//! HTTP: the router that joins every domain's API, the OpenAPI document and
//! browsable docs, health and metrics endpoints, and the layers that apply
//! everywhere (request ids and spans, metrics, body limits, CONTRACT-shaped
//! errors, panics → 500).

pub mod cors;
pub mod extract;
pub mod limits;
pub mod metrics;
mod openapi;
mod ops;
pub mod proxy;
pub mod trace;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::error_response;
use crate::state::AppState;

pub use extract::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams};
pub use proxy::ClientIp;

/// The `/api/v1` routes with their OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(crate::conversations::api::router())
        .merge(crate::conversations::snooze_api::router())
        .merge(crate::conversations::side_api::router())
        .merge(crate::conversations::drafts_api::router())
        .merge(crate::customers::api::router())
        .merge(crate::health::api::router())
        .merge(crate::attachments::api::router())
        .merge(crate::agents::api::router())
        .merge(crate::inboxes::api::router())
        .merge(crate::channels::email::api::router())
        .merge(crate::channels::email::quarantine_api::router())
        .merge(crate::channels::email::outbox_api::router())
        .merge(crate::channels::api::router())
        .merge(crate::channels::telegram::router())
        .merge(crate::channels::whatsapp::router())
        .merge(crate::channels::phone::router())
        .merge(crate::search::api::router())
        .merge(crate::routing::api::router())
        .merge(crate::surveys::api::router())
        .merge(crate::calendars::api::router())
        .merge(crate::sla::api::router())
        .merge(crate::automation::api::router())
        .merge(crate::jobs::api::router())
        .merge(crate::macros::api::router())
        .merge(crate::saved_views::api::router())
        .merge(crate::signatures::api::router())
        .merge(crate::webhooks::api::router())
        .merge(crate::reports::api::router())
        .merge(crate::kb::api::router())
        .merge(crate::remedies::api::router())
        .merge(crate::problems::api::router())
        .merge(crate::notifications::api::router())
}

/// The OpenAPI document for `/api/v1`.
pub fn openapi() -> OpenApi {
    let (_, api) = OpenApiRouter::<AppState>::new()
        .nest("/api/v1", api_router())
        .split_for_parts();
    openapi::finish(api)
}

/// The whole HTTP application.
pub fn router(st: AppState) -> Router {
    metrics::install();
    let (api, spec) = OpenApiRouter::new()
        .nest("/api/v1", api_router())
        .split_for_parts();
    let spec = openapi::finish(spec);
    // With its own listener, `/metrics` is not served here (see `metrics_router`).
    let metrics_here = st.config.metrics_listen.is_none();
    Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", spec))
        .merge(crate::surveys::pages::router())
        .merge(crate::channels::chat::http::router(&st))
        .merge(crate::channels::contact::router())
        .merge(crate::channels::phone::public_router())
        .merge(crate::kb::pages::router())
        .merge(crate::portal::router())
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .merge(if metrics_here {
            Router::new().route("/metrics", get(ops::metrics))
        } else {
            Router::new()
        })
        .merge(crate::web::router(&st))
        // Every route's body is limited by its class (`limits`); metrics
        // wrap it so that its 413s are counted.
        .route_layer(middleware::from_fn_with_state(st.clone(), limits::enforce))
        .route_layer(middleware::from_fn(metrics::track))
        .fallback(not_found)
        .layer(middleware::from_fn(contract_errors))
        // Outermost but for the panic guard: who the client is, for
        // everything inside (rate limits, logs, cookies).
        .layer(middleware::from_fn_with_state(st.clone(), proxy::identify))
        // axum's own 2 MB default would cut uploads short: `limits::enforce`
        // bounds every body instead.
        .layer(DefaultBodyLimit::disable())
        .layer(CatchPanicLayer::custom(|_| {
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; see the server log",
                json!({}),
            )
        }))
        // Outermost, so that every answer (a panic's too) carries the
        // request id and is seen by the request's span (`trace`).
        .layer(PropagateRequestIdLayer::new(trace::REQUEST_ID))
        .layer(trace::layer())
        .layer(SetRequestIdLayer::new(trace::REQUEST_ID, trace::MakeId))
        .layer(tower::util::MapRequestLayer::new(
            trace::drop_unusable_id as fn(Request) -> Request,
        ))
        .with_state(st)
}

/// `/metrics` alone, for its own listener (`TEND_METRICS_LISTEN`).
pub fn metrics_router(st: AppState) -> Router {
    metrics::install();
    Router::new()
        .route("/metrics", get(ops::metrics))
        .fallback(not_found)
        .with_state(st)
}

async fn not_found(req: Request) -> Response {
    ::metrics::counter!("tend_http_requests_total", "method" => req.method().to_string(), "route" => "unmatched", "status" => "404")
        .increment(1);
    error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        "there is nothing at this address",
        json!({}),
    )
}

/// Gives every API error the CONTRACT body, including those produced by
/// layers and the framework (413, 405, 415…), which answer in plain text.
async fn contract_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let status = resp.status();
    if !is_api || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "there is nothing at this address"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this method is not allowed here"),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is larger than this endpoint accepts",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "send the body as application/json",
        ),
        StatusCode::UNAUTHORIZED => ("unauthorized", "a valid bearer token is required"),
        StatusCode::TOO_MANY_REQUESTS => (
            "rate_limited",
            "too many requests; slow down and retry later",
        ),
        s if s.is_server_error() => ("internal", "internal error; see the server log"),
        _ => ("bad_request", "the request could not be understood"),
    };
    let mut out = error_response(status, code, message, json!({}));
    if let Some(allow) = resp.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// `Cache-Control: no-store` for answers that carry secrets.
pub fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// 201 with a JSON body.
pub fn created<T: serde::Serialize>(value: T) -> Response {
    (StatusCode::CREATED, axum::Json(value)).into_response()
}
