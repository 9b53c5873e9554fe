//! Every route limits its request body (issue 17 §1.3): forms 64 KiB, JSON
//! 1 MiB, files and raw mail the attachment limit. An oversized body
//! answers 413 whether it declares its length or streams without one, and
//! a body that declares more than Tend would ever read is refused at once.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

const FORM_LIMIT: usize = 64 * 1024;
const JSON_LIMIT: usize = 1024 * 1024;
/// `TEND_MAX_ATTACHMENT_BYTES` in the tests.
const FILES: usize = 2_000_000;
const MULTIPART_SLACK: usize = 1024 * 1024;
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// Every agent-workspace and public route that takes a body, with the
/// media type it takes and its limit.
fn ui_routes() -> Vec<(&'static str, &'static str, usize)> {
    let mut v: Vec<(&str, &str, usize)> = [
        "/login",
        "/setup/x",
        "/invite/x",
        "/account/preferences",
        "/account/password",
        "/bulk",
        "/c/1/update",
        "/ui/presence",
        "/ui/presence/heartbeat",
        "/customers/1",
        "/customers/1/merge",
        "/admin/users",
        "/admin/users/1/role",
        "/admin/users/1/active",
        "/admin/users/1/invite",
        "/admin/teams",
        "/admin/teams/1/members",
        "/admin/teams/1/members/remove",
        "/admin/teams/1/inboxes",
        "/admin/teams/1/inboxes/revoke",
        "/admin/inboxes",
        "/admin/inboxes/1",
        "/admin/inboxes/1/public",
        "/admin/tokens",
        "/admin/tokens/1/revoke",
        "/admin/quarantine/1/retry",
        "/admin/jobs/survey/1/retry",
        "/admin/templates/survey/en/reset",
        "/help/survey/t/a/s",
        // Last: it ends the session the others use.
        "/logout",
    ]
    .into_iter()
    .map(|p| (p, FORM, FORM_LIMIT))
    .collect();
    v.extend([
        ("/c/1/presence", JSON, JSON_LIMIT),
        ("/chat/1/session", JSON, JSON_LIMIT),
        ("/chat/1/offline", JSON, JSON_LIMIT),
        ("/chat/1/transcript", JSON, JSON_LIMIT),
        // The routes that take files, and the template editor's big form.
        ("/admin/templates/survey/en", FORM, JSON_LIMIT),
        (
            "/c/1/reply",
            "multipart/form-data; boundary=x",
            FILES + MULTIPART_SLACK,
        ),
        (
            "/chat/1/upload",
            "multipart/form-data; boundary=x",
            FILES + MULTIPART_SLACK,
        ),
        (
            "/help/contact",
            "multipart/form-data; boundary=x",
            2 * FILES + 8 * 1024 * 1024 + MULTIPART_SLACK,
        ),
    ]);
    v
}

/// An admin signed in to the workspace, with the headers its page sends.
async fn admin(app: &TestApp) -> Browser {
    agent_with_password(app, "limits@example.com", "Lim", "admin").await;
    let mut b = Browser::new(&app.base);
    b.sign_in("limits@example.com", PASSWORD).await;
    b
}

fn ui_headers(app: &TestApp, b: &Browser, content_type: &str) -> Vec<(String, String)> {
    vec![
        (CONTENT_TYPE.to_string(), content_type.to_string()),
        (ORIGIN.to_string(), app.base.clone()),
        (
            COOKIE.to_string(),
            format!("tend_session={}", b.cookie.clone().unwrap()),
        ),
        ("x-csrf-token".into(), b.csrf.clone()),
    ]
}

/// Posts `len` bytes with a declared `Content-Length`.
async fn post_declared(
    app: &TestApp,
    path: &str,
    headers: &[(String, String)],
    len: usize,
) -> (StatusCode, String) {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .body(vec![b'a'; len]);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

/// Posts `len` bytes as a chunked stream, without a declared length (the
/// way a client that streams sends), over a raw connection; returns the
/// status line's code.
async fn post_chunked(app: &TestApp, path: &str, headers: &[(String, String)], len: usize) -> u16 {
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 16 * 1024];
    let mut sent = 0;
    let mut open = true;
    while sent < len && open {
        let n = chunk.len().min(len - sent);
        open = s.write_all(format!("{n:x}\r\n").as_bytes()).await.is_ok()
            && s.write_all(&chunk[..n]).await.is_ok()
            && s.write_all(b"\r\n").await.is_ok();
        sent += n;
    }
    if open {
        let _ = s.write_all(b"0\r\n\r\n").await;
    }
    status_of(&mut s).await
}

async fn status_of(s: &mut tokio::net::TcpStream) -> u16 {
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut buf))
        .await
        .expect("an answer within 60 s");
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ui_route_refuses_a_body_over_its_limit() {
    let app = TestApp::sqlite().await;
    let b = admin(&app).await;
    for (path, ct, limit) in ui_routes() {
        let headers = ui_headers(&app, &b, ct);
        let (s, body) = post_declared(&app, path, &headers, limit + 1).await;
        assert_eq!(
            s,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{path} ({ct}, {} bytes): {body}",
            limit + 1
        );
        // At the limit a form is not refused for its size. (Larger bodies
        // are not tried: a handler that answers without reading them would
        // reset a client still sending.)
        if limit == FORM_LIMIT {
            let (s, body) = post_declared(&app, path, &headers, limit).await;
            assert_ne!(
                s,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{path} at its limit: {body}"
            );
        }
    }
    // The page says what happened, in the browser's language.
    let mut headers = ui_headers(&app, &b, FORM);
    headers.push(("accept-language".into(), "ja".into()));
    let (s, body) = post_declared(&app, "/bulk", &headers, FORM_LIMIT + 1).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("サイズが大きすぎます"), "{body}");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_refuses_a_body_over_its_limit() {
    let app = TestApp::sqlite().await;
    let (_, spec) = app.get("/api/v1/openapi.json", "").await;
    let auth = vec![
        (CONTENT_TYPE.to_string(), JSON.to_string()),
        ("authorization".to_string(), format!("Bearer {}", app.admin)),
    ];
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch"] {
            let Some(op) = item.get(method) else { continue };
            // The two inbound routes take files: their limits are checked below.
            if op.get("requestBody").is_none()
                || path.ends_with("/inbound/email")
                || path.ends_with("/inbound")
            {
                continue;
            }
            let url = fill(path);
            let req = reqwest::Client::new()
                .request(
                    method.to_uppercase().parse().unwrap(),
                    format!("{}{url}", app.base),
                )
                .header(CONTENT_TYPE, JSON)
                .bearer_auth(&app.admin)
                .body(vec![b' '; JSON_LIMIT + 1]);
            let resp = req.send().await.unwrap();
            assert_eq!(
                resp.status(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "{method} {url}"
            );
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["error"]["code"], "payload_too_large", "{method} {url}");
            checked += 1;
        }
    }
    assert!(
        checked >= 15,
        "the spec lists the API's write routes ({checked})"
    );
    // Raw mail: up to four times the attachment limit (oversize mail is
    // quarantined), then 413.
    let mut raw = auth.clone();
    raw[0].1 = "message/rfc822".into();
    let (s, body) = post_declared(&app, "/api/v1/inbound/email", &raw, 4 * FILES + 1).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    // A bridge's messages (the generic channel API) carry files as
    // base64: up to four thirds of the attachment limit and 256 KiB of
    // text, then 413, before the signature is looked at.
    let channel = FILES * 4 / 3 + 1 + 256 * 1024 + 1;
    let (s, body) = post_declared(&app, "/api/v1/channels/1/inbound", &auth, channel).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    // Streamed without a declared length, too.
    let code = post_chunked(&app, "/api/v1/conversations", &auth, JSON_LIMIT + 100_000).await;
    assert_eq!(code, 413);
    app.finish().await;
}

/// A path template with its parameters filled in.
fn fill(template: &str) -> String {
    template
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                if seg.contains("id") { "1" } else { "x" }
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_body_is_cut_off_at_the_limit() {
    let app = TestApp::sqlite().await;
    let b = admin(&app).await;
    // Form, raw-bytes, JSON and multipart readers, signed out and signed in.
    for (path, ct, limit, signed_in) in [
        ("/login", FORM, FORM_LIMIT, false),
        ("/setup/x", FORM, FORM_LIMIT, false),
        ("/invite/x", FORM, FORM_LIMIT, false),
        ("/bulk", FORM, FORM_LIMIT, true),
        ("/account/preferences", FORM, FORM_LIMIT, true),
        ("/c/1/presence", JSON, JSON_LIMIT, true),
        // The contact form's own limit for a form without files.
        ("/help/contact", FORM, 256 * 1024, false),
    ] {
        let headers = if signed_in {
            ui_headers(&app, &b, ct)
        } else {
            vec![(CONTENT_TYPE.to_string(), ct.to_string())]
        };
        let code = post_chunked(&app, path, &headers, limit + 64 * 1024).await;
        assert_eq!(code, 413, "{path}");
    }
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_declared_huge_is_refused_without_reading_it() {
    let app = TestApp::sqlite().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    for path in [
        "/login",
        "/api/v1/conversations",
        "/help/contact",
        "/c/1/reply",
    ] {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        // Ten gigabytes announced, none sent: the answer must not wait for them.
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {FORM}\r\nContent-Length: 10000000000\r\nConnection: close\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        assert_eq!(status_of(&mut s).await, 413, "{path}");
    }
    app.finish().await;
}
