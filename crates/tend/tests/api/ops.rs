//! Operations: health, readiness, metrics, and the OpenAPI document.

use reqwest::StatusCode;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(health_metrics_and_openapi);

async fn health_metrics_and_openapi(app: &TestApp) {
    let (s, _) = app.get("/healthz", "").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get("/readyz", "").await;
    assert_eq!(s, StatusCode::OK);

    app.conversation("metric", "m@example.com", "t", None).await;
    let text = app.metrics_text().await;
    for name in [
        "tend_http_requests_total",
        "tend_http_request_duration_seconds_bucket",
        "tend_conversations_created_total",
        "tend_messages_created_total",
        "tend_db_pool_connections",
    ] {
        assert!(text.contains(name), "{name} missing from /metrics");
    }
    assert!(
        text.contains("route=\"/api/v1/conversations\""),
        "requests are labelled by route template"
    );

    let (s, spec) = app.get("/api/v1/openapi.json", "").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/conversations", "post"),
        ("/api/v1/conversations", "get"),
        ("/api/v1/conversations/counts", "get"),
        ("/api/v1/conversations/{id}", "get"),
        ("/api/v1/conversations/{id}", "patch"),
        ("/api/v1/conversations/{id}/messages", "get"),
        ("/api/v1/conversations/{id}/messages", "post"),
        ("/api/v1/conversations/{id}/events", "get"),
        ("/api/v1/attachments/{id}", "get"),
        ("/api/v1/customers", "get"),
        ("/api/v1/customers/{id}", "get"),
        ("/api/v1/customers/{id}", "patch"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{id}/tokens", "post"),
        ("/api/v1/teams/{id}/inboxes", "post"),
        ("/api/v1/inboxes", "post"),
        ("/api/v1/me", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the spec"
        );
    }
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    let r = app
        .client
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text().await.unwrap().contains("swagger"),
        "browsable docs are served"
    );
    let _: Option<Value> = None;
}
