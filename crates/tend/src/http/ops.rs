//! Operations endpoints: liveness, readiness, metrics.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// 200 while the process runs.
pub async fn healthz() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

/// 200 when the database answers, 503 otherwise.
pub async fn readyz(State(st): State<AppState>) -> Response {
    if st.db.ping().await {
        axum::Json(json!({"status": "ready"})).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "database unavailable"})),
        )
            .into_response()
    }
}

/// Prometheus text format; with `TEND_METRICS_TOKEN`, only for
/// `Authorization: Bearer <token>` (401 otherwise).
pub async fn metrics(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = st.config.metrics_token.as_deref() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim());
        if !given.is_some_and(|g| crate::crypto::same_secret(g, token)) {
            return crate::Error::Unauthorized.into_response();
        }
    }
    let (size, idle) = st.db.pool_state();
    metrics::gauge!("tend_db_pool_connections").set(f64::from(size));
    metrics::gauge!("tend_db_pool_idle_connections").set(idle as f64);
    st.smtp().publish_metrics();
    super::metrics::publish_memory();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        super::metrics::render(),
    )
        .into_response()
}
