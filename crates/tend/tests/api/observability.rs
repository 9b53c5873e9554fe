//! Seeing inside a running server: every answer names its request in
//! `x-request-id` (the id the server's log lines carry), keeping the
//! client's own id when it is usable.

use std::collections::HashSet;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    every_answer_carries_a_request_id,
    a_clients_request_id_is_kept
);

const HEADER: &str = "x-request-id";

/// Sends a request with `headers`; answers the status and the request ids
/// of the answer.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    headers: HeaderMap,
) -> (StatusCode, Vec<String>) {
    let mut req = app
        .client
        .request(method.clone(), format!("{}{path}", app.base))
        .headers(headers);
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    if method == Method::POST {
        req = req.json(&json!({"subject": "no customer"}));
    }
    let resp = req.send().await.expect("request sent");
    let ids = resp
        .headers()
        .get_all(HEADER)
        .iter()
        .map(|v| v.to_str().expect("ASCII id").to_string())
        .collect();
    (resp.status(), ids)
}

async fn every_answer_carries_a_request_id(app: &TestApp) {
    let mut seen = HashSet::new();
    for (method, path, token, status) in [
        (Method::GET, "/healthz", "", StatusCode::OK),
        (
            Method::GET,
            "/api/v1/conversations",
            app.admin.as_str(),
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/conversations",
            "",
            StatusCode::UNAUTHORIZED,
        ),
        (
            Method::POST,
            "/api/v1/conversations",
            app.admin.as_str(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::GET,
            "/api/v1/no-such-thing",
            "",
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            "/healthz",
            "",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        let (s, ids) = send(app, method.clone(), path, token, HeaderMap::new()).await;
        assert_eq!(s, status, "{method} {path}");
        assert_eq!(ids.len(), 1, "{method} {path}: {ids:?}");
        let id = &ids[0];
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{method} {path}: {id}"
        );
        assert!(seen.insert(id.clone()), "{id} given twice");
    }
}

async fn a_clients_request_id_is_kept(app: &TestApp) {
    let one = |v: &str| {
        let mut h = HeaderMap::new();
        h.insert(HEADER, HeaderValue::from_str(v).expect("header value"));
        h
    };
    for (path, token, status) in [
        ("/healthz", "", StatusCode::OK),
        ("/api/v1/conversations", app.admin.as_str(), StatusCode::OK),
        ("/api/v1/no-such-thing", "", StatusCode::NOT_FOUND),
    ] {
        let (s, ids) = send(app, Method::GET, path, token, one("lb-7f3a.2:req_9")).await;
        assert_eq!(s, status, "{path}");
        assert_eq!(ids, ["lb-7f3a.2:req_9"], "{path}");
    }

    // Ids that could not be logged as they are, and two ids, are replaced.
    let long = "a".repeat(129);
    let mut two = one("first");
    two.append(HEADER, HeaderValue::from_static("second"));
    for (sent, headers) in [
        ("with a space", one("with a space")),
        ("quote", one("say\"hi\"")),
        ("129 characters", one(&long)),
        ("two ids", two),
    ] {
        let (s, ids) = send(app, Method::GET, "/healthz", "", headers).await;
        assert_eq!(s, StatusCode::OK, "{sent}");
        assert_eq!(ids.len(), 1, "{sent}: {ids:?}");
        assert!(
            ids[0].len() == 16 && ids[0].bytes().all(|b| b.is_ascii_hexdigit()),
            "{sent}: {ids:?}"
        );
    }
}
