//! Nothing is stored before it is authorised (issue 17 §1.2): reply
//! uploads through the API and the web UI reach the attachment store only
//! once the token or session, the conversation's inbox and the message
//! itself are accepted; and the sweep removes files that no row names
//! (refused or abandoned uploads, deleted rows) once they are old enough,
//! never a file that a write in flight is about to name.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{COOKIE, ORIGIN};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

on_both_backends!(
    refused_api_uploads_store_nothing,
    refused_web_uploads_store_nothing,
    the_sweep_removes_only_old_files_that_nothing_names,
);

/// Where the store keeps `bytes`.
fn path_of(app: &TestApp, bytes: &[u8]) -> PathBuf {
    let sha = hex::encode(Sha256::digest(bytes));
    app.st
        .config
        .data_dir
        .join("attachments")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(sha)
}

fn stored(app: &TestApp, bytes: &[u8]) -> bool {
    path_of(app, bytes).exists()
}

/// A reply form with one file.
fn reply(text: &str, file: &[u8], extra: &[(&str, &str)]) -> Form {
    let form = extra
        .iter()
        .fold(Form::new().text("text", text.to_string()), |f, (k, v)| {
            f.text(k.to_string(), v.to_string())
        });
    form.part(
        "file",
        Part::bytes(file.to_vec())
            .file_name("evidence.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    )
}

async fn api_upload(app: &TestApp, token: &str, id: i64, form: Form) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}/api/v1/conversations/{id}/messages", app.base))
        .multipart(form);
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    let r = req.send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Each file's bytes are unique to its case, so "not stored" is exact.
fn bytes(case: &str) -> Vec<u8> {
    format!("%PDF-1.7 evidence for {case} {}", "x".repeat(4096)).into_bytes()
}

async fn refused_api_uploads_store_nothing(app: &TestApp) {
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let billing = app.inbox("email", Some("billing@example.com")).await;
    let (agent, tok) = app.user("agent@example.com", "Agent", "agent").await;
    app.team("Sales", &[agent], &[sales]).await;
    let hidden = app
        .conversation("Hidden", "h@example.com", "t", Some(billing))
        .await["id"]
        .as_i64()
        .unwrap();
    let mine = app
        .conversation("Mine", "m@example.com", "t", Some(sales))
        .await["id"]
        .as_i64()
        .unwrap();
    let closed = app
        .conversation("Closed", "c@example.com", "t", Some(sales))
        .await["id"]
        .as_i64()
        .unwrap();
    for status in ["solved", "closed"] {
        let (s, b) = app
            .patch(
                &format!("/api/v1/conversations/{closed}"),
                &app.admin,
                json!({"status": status}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }

    let cases: Vec<(&str, &str, i64, Form, StatusCode)> = vec![
        (
            "no token",
            "",
            mine,
            reply("hi", &bytes("no token"), &[]),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "bad token",
            "tend_not_a_token",
            mine,
            reply("hi", &bytes("bad token"), &[]),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "hidden inbox",
            &tok,
            hidden,
            reply("hi", &bytes("hidden inbox"), &[]),
            StatusCode::NOT_FOUND,
        ),
        (
            "no such conversation",
            &tok,
            987_654,
            reply("hi", &bytes("no such conversation"), &[]),
            StatusCode::NOT_FOUND,
        ),
        (
            "closed",
            &tok,
            closed,
            reply("hi", &bytes("closed"), &[]),
            StatusCode::CONFLICT,
        ),
        (
            "bad direction",
            &tok,
            mine,
            reply("hi", &bytes("bad direction"), &[("direction", "sideways")]),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "internal customer message",
            &tok,
            mine,
            reply(
                "hi",
                &bytes("internal customer message"),
                &[("direction", "in"), ("internal", "true")],
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    let messages = app.rows("messages").await;
    for (case, token, id, form, want) in cases {
        let (s, b) = api_upload(app, token, id, form).await;
        assert_eq!(s, want, "{case}: {b}");
        assert!(
            !stored(app, &bytes(case)),
            "{case}: the file reached the disk"
        );
    }
    assert_eq!(app.rows("messages").await, messages);
    assert_eq!(app.rows("attachments").await, 0);

    // An accepted upload is stored, and named by its row.
    let ok = bytes("accepted");
    let (s, m) = api_upload(app, &tok, mine, reply("here", &ok, &[])).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert!(stored(app, &ok));
    assert_eq!(m["attachments"][0]["size"], ok.len());
    // An internal note with a file is still taken on a closed conversation.
    let note = bytes("note on closed");
    let (s, m) = api_upload(
        app,
        &tok,
        closed,
        reply("for the record", &note, &[("internal", "true")]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert!(stored(app, &note));
}

async fn refused_web_uploads_store_nothing(app: &TestApp) {
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let billing = app.inbox("email", Some("billing@example.com")).await;
    let agent = agent_with_password(app, "web@example.com", "Web Agent", "agent").await;
    app.team("Sales", &[agent], &[sales]).await;
    let hidden = app
        .conversation("Hidden", "h@example.com", "t", Some(billing))
        .await["id"]
        .as_i64()
        .unwrap();
    let mine = app
        .conversation("Mine", "m@example.com", "t", Some(sales))
        .await["id"]
        .as_i64()
        .unwrap();
    let mut b = Browser::new(&app.base);
    b.sign_in("web@example.com", PASSWORD).await;
    let (s, _) = b.get(&format!("/c/{mine}")).await;
    assert_eq!(s, StatusCode::OK);

    // Like a browser posting the form; redirects are answers, not followed.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |id: i64, form: Form, csrf: &str, cookie: Option<&str>| {
        let mut req = client
            .post(format!("{}/c/{id}/reply?_csrf={csrf}", app.base))
            .header(ORIGIN, app.base.as_str())
            .multipart(form);
        if let Some(c) = cookie {
            req = req.header(COOKIE, format!("tend_session={c}"));
        }
        req
    };
    let cookie = b.cookie.clone().unwrap();

    // Not signed in, a wrong CSRF token, a conversation the agent cannot see.
    let cases = [
        ("web: no session", mine, b.csrf.clone(), None),
        (
            "web: bad csrf",
            mine,
            "nope".to_string(),
            Some(cookie.clone()),
        ),
        ("web: hidden", hidden, b.csrf.clone(), Some(cookie.clone())),
    ];
    for (case, id, csrf, cookie) in cases {
        let r = post(id, reply("hi", &bytes(case), &[]), &csrf, cookie.as_deref())
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_client_error() || r.status().is_redirection(),
            "{case}: {}",
            r.status()
        );
        assert!(
            !stored(app, &bytes(case)),
            "{case}: the file reached the disk"
        );
    }
    // An empty reply with a file is refused as input, and stores nothing.
    let case = "web: empty text";
    let r = post(mine, reply("", &bytes(case), &[]), &b.csrf, Some(&cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !stored(app, &bytes(case)),
        "{case}: the file reached the disk"
    );
    assert_eq!(app.rows("attachments").await, 0);

    // The agent's real reply keeps its file.
    let case = "web: accepted";
    let r = post(
        mine,
        reply("attached", &bytes(case), &[]),
        &b.csrf,
        Some(&cookie),
    )
    .send()
    .await
    .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    assert!(stored(app, &bytes(case)));
    assert_eq!(app.rows("attachments").await, 1);
}

/// Sets a file's modification time `by` into the past.
fn age(path: &std::path::Path, by: Duration) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - by)
        .unwrap();
}

async fn sweep(app: &TestApp) -> tend::attachments::sweep::Swept {
    let cutoff = SystemTime::now() - tend::attachments::sweep::GRACE;
    tend::attachments::sweep::run_once(&app.st, cutoff)
        .await
        .expect("sweep")
}

async fn the_sweep_removes_only_old_files_that_nothing_names(app: &TestApp) {
    let two_hours = Duration::from_secs(7200);
    let inbox = app.inbox("email", Some("support@example.com")).await;
    // An email conversation: its public replies are mailed.
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Files", "customer": {"email": "f@example.com"}, "message": {"text": "t"},
                   "channel": "email", "inbox_id": inbox}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let conv = c["id"].as_i64().unwrap();

    // A file of a message, and a file whose row is later deleted.
    let kept = bytes("named by a message");
    let (s, m) = api_upload(
        app,
        &app.admin,
        conv,
        reply("one", &kept, &[("internal", "true")]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let dropped = bytes("row deleted later");
    let (s, m) = api_upload(
        app,
        &app.admin,
        conv,
        reply("two", &dropped, &[("internal", "true")]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    sqlx::query("DELETE FROM attachments WHERE id = $1")
        .bind(m["attachments"][0]["id"].as_i64().unwrap())
        .execute(app.st.db.pool())
        .await
        .unwrap();
    // A public reply on an email conversation: its raw mail is named by the outbox.
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
            json!({"text": "A reply by mail"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (raw,): (String,) = sqlx::query_as("SELECT raw_sha256 FROM outbox WHERE message_id = $1")
        .bind(m["id"].as_i64().unwrap())
        .fetch_one(app.st.db.pool())
        .await
        .unwrap();
    let raw_path = app
        .st
        .config
        .data_dir
        .join("attachments")
        .join(&raw[0..2])
        .join(&raw[2..4])
        .join(&raw);
    assert!(raw_path.exists());
    // Files stored for requests that never made a row: one old, one young,
    // and one old that a new request is storing again right now.
    let abandoned = bytes("abandoned upload");
    let young = bytes("upload in flight");
    let again = bytes("stored again");
    for b in [&abandoned, &young, &again] {
        app.st.files().put(b).await.unwrap();
    }
    // A temporary file left by a write that crashed.
    let tmp = path_of(app, &kept).with_file_name(".leftover.1.1.tmp");
    std::fs::write(&tmp, b"half").unwrap();

    for p in [
        path_of(app, &kept),
        path_of(app, &dropped),
        raw_path.clone(),
        path_of(app, &abandoned),
        path_of(app, &again),
        tmp.clone(),
    ] {
        age(&p, two_hours);
    }
    // The new request stores its file (the same bytes) before its row commits.
    app.st.files().put(&again).await.unwrap();

    let swept = sweep(app).await;
    assert!(stored(app, &kept), "named by an attachment row");
    assert!(raw_path.exists(), "named by the outbox");
    assert!(stored(app, &young), "too young: a write may be in flight");
    assert!(
        stored(app, &again),
        "stored again: a row is about to name it"
    );
    assert!(!stored(app, &dropped), "its row was deleted");
    assert!(!stored(app, &abandoned), "no row ever named it");
    assert!(!tmp.exists(), "leftover temporary file");
    assert_eq!((swept.removed, swept.temporary), (2, 1), "{swept:?}");

    // What was kept still downloads; a second sweep changes nothing.
    let (_, list) = app
        .get(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
        )
        .await;
    let first = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"] == "one")
        .unwrap()["attachments"][0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .client
        .get(format!("{}/api/v1/attachments/{first}", app.base))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), kept);
    let again_swept = sweep(app).await;
    assert_eq!((again_swept.removed, again_swept.temporary), (0, 0));
}
