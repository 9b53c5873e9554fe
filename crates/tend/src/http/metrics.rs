//! Prometheus metrics: request counts and latency by route, plus the
//! domain counters recorded where things happen (`tend_conversations_created_total`…).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once.
pub fn install() {
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("tend_http_request_duration_seconds".into()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )
            .and_then(|b| b.install_recorder())
            .map_err(|e| tracing::warn!(error = %e, "metrics recorder not installed"))
            .ok()
    });
}

/// The current metrics in Prometheus text format.
pub fn render() -> String {
    HANDLE
        .get()
        .and_then(|h| h.as_ref())
        .map(PrometheusHandle::render)
        .unwrap_or_default()
}

/// The process's resident memory, read from `/proc/self/status` (Linux):
/// `tend_process_resident_bytes` in all, and by kind
/// (`tend_process_resident_kind_bytes{kind}`): `anon` (the heap: what the
/// allocator holds), `file` (mapped files: the search index's segments,
/// which the kernel can drop and read again) and `shmem`. Set when
/// `/metrics` is read.
pub fn publish_memory() {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return;
    };
    for (key, kind) in [
        ("VmRSS:", None),
        ("RssAnon:", Some("anon")),
        ("RssFile:", Some("file")),
        ("RssShmem:", Some("shmem")),
    ] {
        let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        else {
            continue;
        };
        match kind {
            None => metrics::gauge!("tend_process_resident_bytes").set(kb * 1024.0),
            Some(k) => {
                metrics::gauge!("tend_process_resident_kind_bytes", "kind" => k).set(kb * 1024.0);
            }
        }
    }
}

/// Counts and times each request by method, route template and status,
/// and logs it at debug level.
pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let client = req.extensions().get::<super::proxy::Client>().map(|c| c.ip);
    let resp = next.run(req).await;
    // The request log (RUST_LOG=tend=debug), with the client as rate limits
    // count it (`http::proxy`).
    tracing::debug!(client = ?client, %method, %route, status = resp.status().as_u16(), "request");
    let status = resp.status().as_u16().to_string();
    metrics::counter!("tend_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("tend_http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    resp
}
