//! What Tend does to a mailbox message once it is stored (`imap_after`):
//! leave it, mark it `\Seen`, or move it to a folder. Checked against a real
//! Dovecot with a second IMAP client of the test's own.

use std::time::{Duration, Instant};

use async_imap::types::Flag;
use futures_util::StreamExt as _;
use reqwest::StatusCode;
use serde_json::json;

use crate::binary::{Env, sigterm, wait_exit};
use crate::imap::{Dovecot, message, new_count, until_new};
use crate::on_both_backends;
use crate::support::TestApp;

use tend::channels::email::imap::poll_inbox;

/// The messages in `mailbox` as (Message-ID, has `\Seen`), in UID order,
/// read with EXAMINE (which changes nothing); `None` when there is no such
/// mailbox.
async fn mailbox(d: &Dovecot, name: &str) -> Option<Vec<(String, bool)>> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", d.port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap();
    let mut s = client
        .login("support", "secret")
        .await
        .map_err(|(e, _)| e)
        .unwrap();
    let Ok(mb) = s.examine(name).await else {
        s.logout().await.unwrap();
        return None;
    };
    let mut out = Vec::new();
    if mb.exists > 0 {
        let fetches: Vec<_> = s
            .fetch("1:*", "(UID FLAGS ENVELOPE)")
            .await
            .unwrap()
            .collect()
            .await;
        let mut rows: Vec<(u32, String, bool)> = fetches
            .into_iter()
            .map(|f| {
                let f = f.unwrap();
                let id = f
                    .envelope()
                    .and_then(|e| e.message_id.as_ref())
                    .map(|m| String::from_utf8_lossy(m).into_owned())
                    .unwrap_or_default();
                let seen = f.flags().any(|x| x == Flag::Seen);
                (f.uid.unwrap_or(0), id, seen)
            })
            .collect();
        rows.sort();
        out = rows.into_iter().map(|(_, id, seen)| (id, seen)).collect();
    }
    s.logout().await.unwrap();
    Some(out)
}

fn id(i: usize) -> String {
    format!("<imap-{i}@example.jp>")
}

/// An auto-reply: ingest ignores it (recorded in the mail log), which is a
/// committed outcome too, so it is marked or moved like any other.
fn auto_reply(i: usize) -> Vec<u8> {
    format!(
        "From: robot@example.net\r\nTo: support@example.com\r\nSubject: Out of office\r\n\
         Message-ID: <auto-{i}@example.net>\r\nAuto-Submitted: auto-replied\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0900\r\n\r\nAway.\r\n"
    )
    .into_bytes()
}

async fn email_inbox(app: &TestApp, extra: serde_json::Value) -> i64 {
    let mut body = json!({"kind": "email", "address": "support@example.com"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, b) = app.post("/api/v1/inboxes", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().unwrap()
}

on_both_backends!(
    imap_after_leave_then_seen,
    imap_after_move_to_a_new_folder,
    imap_after_settings_are_validated
);

/// `leave` (the default) changes nothing in the mailbox; switched to `seen`,
/// the messages stored from then on get `\Seen`, ignored mail included.
async fn imap_after_leave_then_seen(app: &TestApp) {
    let dovecot = Dovecot::start();
    let inbox = email_inbox(app, json!({"imap_url": dovecot.url()})).await;
    let (_, got) = app
        .get(&format!("/api/v1/inboxes/{inbox}"), &app.admin)
        .await;
    assert_eq!(got["imap_after"], "leave", "{got}");
    assert_eq!(got["imap_move_to"], serde_json::Value::Null);

    dovecot.append(&[message(0), message(1)]).await;
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 2);
    assert_eq!(
        mailbox(&dovecot, "INBOX").await.unwrap(),
        vec![(id(0), false), (id(1), false)],
        "leave: still unread"
    );

    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"imap_after": "seen"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["imap_after"], "seen");
    dovecot.append(&[message(2), auto_reply(3)]).await;
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 2);
    assert_eq!(
        mailbox(&dovecot, "INBOX").await.unwrap(),
        vec![
            (id(0), false),
            (id(1), false),
            (id(2), true),
            ("<auto-3@example.net>".to_string(), true)
        ],
        "seen: only what this pass stored, ignored mail included"
    );
    assert_eq!(app.rows("conversations").await, 3);
    // Nothing new: nothing is read or marked again.
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 0);
}

/// `move`: the folder is created on first use (a non-ASCII name, sent in
/// modified UTF-7), the messages leave INBOX, an empty INBOX is a quiet pass,
/// and later mail follows into the existing folder.
async fn imap_after_move_to_a_new_folder(app: &TestApp) {
    let dovecot = Dovecot::start();
    let inbox = email_inbox(
        app,
        json!({"imap_url": dovecot.url(), "imap_after": "move", "imap_move_to": "Erledigt ✓"}),
    )
    .await;
    assert!(mailbox(&dovecot, "Erledigt &JxM-").await.is_none());
    dovecot.append(&[message(0), message(1), message(2)]).await;
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 3);
    assert_eq!(mailbox(&dovecot, "INBOX").await.unwrap(), vec![]);
    let moved = mailbox(&dovecot, "Erledigt &JxM-").await.unwrap();
    let ids: Vec<&str> = moved.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(ids, [id(0), id(1), id(2)]);
    // An empty INBOX: nothing to do, no error.
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 0);
    dovecot.append(&[message(3)]).await;
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 1);
    assert_eq!(mailbox(&dovecot, "INBOX").await.unwrap(), vec![]);
    assert_eq!(mailbox(&dovecot, "Erledigt &JxM-").await.unwrap().len(), 4);
    assert_eq!(app.rows("conversations").await, 4);
    assert_eq!(app.rows("messages").await, 4, "nothing ingested twice");
}

/// Servers without MOVE (RFC 6851): COPY, `\Deleted`, then UID EXPUNGE
/// (UIDPLUS) or EXPUNGE. Dovecot is told to advertise less than it has.
async fn imap_after_move_without_the_move_capability(app: &TestApp) {
    for (n, caps) in [
        (0, "imap_capability = IMAP4rev1 LITERAL+ IDLE UIDPLUS"),
        (1, "imap_capability = IMAP4rev1 LITERAL+ IDLE"),
    ] {
        let dovecot = Dovecot::start_with(caps);
        let address = format!("support{n}@example.com");
        let (s, b) = app
            .post(
                "/api/v1/inboxes",
                &app.admin,
                json!({"kind": "email", "address": address, "imap_url": dovecot.url(),
                       "imap_after": "move", "imap_move_to": "Done"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let inbox = b["id"].as_i64().unwrap();
        let base = n * 10;
        dovecot.append(&[message(base), message(base + 1)]).await;
        assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 2);
        assert_eq!(mailbox(&dovecot, "INBOX").await.unwrap(), vec![], "{caps}");
        let ids: Vec<String> = mailbox(&dovecot, "Done")
            .await
            .unwrap()
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        assert_eq!(ids, [id(base), id(base + 1)], "{caps}");
        assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 0);
    }
    assert_eq!(app.rows("conversations").await, 4);
}

on_both_backends!(
    imap_after_move_without_the_move_capability,
    imap_after_a_failed_move_is_logged_and_passed_over
);

/// A move the server refuses (this Dovecot's Maildir++ layout allows no `/`
/// in a name, so neither MOVE nor CREATE succeeds) is logged; the message
/// stays as it was, is stored once, and is not read again.
async fn imap_after_a_failed_move_is_logged_and_passed_over(app: &TestApp) {
    let dovecot = Dovecot::start();
    let inbox = email_inbox(
        app,
        json!({"imap_url": dovecot.url(), "imap_after": "move", "imap_move_to": "bad/name"}),
    )
    .await;
    dovecot.append(&[message(0), message(1)]).await;
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 2);
    assert_eq!(
        mailbox(&dovecot, "INBOX").await.unwrap(),
        vec![(id(0), false), (id(1), false)]
    );
    assert_eq!(poll_inbox(&app.st, inbox, &dovecot.url()).await.unwrap(), 0);
    assert_eq!(app.rows("conversations").await, 2);
}

/// Invalid settings are a 422 naming the field.
async fn imap_after_settings_are_validated(app: &TestApp) {
    let url = "imap://support:secret@127.0.0.1:1/INBOX";
    let cases = [
        (
            json!({"imap_url": url, "imap_after": "delete"}),
            "imap_after",
        ),
        (
            json!({"imap_url": url, "imap_after": "move"}),
            "imap_move_to",
        ),
        (
            json!({"imap_url": url, "imap_after": "move", "imap_move_to": "  "}),
            "imap_move_to",
        ),
        (
            json!({"imap_url": url, "imap_after": "move", "imap_move_to": "Done\r\nA1 LOGOUT"}),
            "imap_move_to",
        ),
        (
            json!({"imap_url": url, "imap_after": "move", "imap_move_to": "x".repeat(201)}),
            "imap_move_to",
        ),
        (
            json!({"imap_url": url, "imap_after": "move", "imap_move_to": "inbox"}),
            "imap_move_to",
        ),
    ];
    for (extra, field) in cases {
        let mut body = json!({"kind": "email", "address": "support@example.com"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, e) = app.post("/api/v1/inboxes", &app.admin, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {e}");
        assert_eq!(e["error"]["details"]["field"], field, "{body} → {e}");
    }
    let (s, e) = app
        .post(
            "/api/v1/inboxes",
            &app.admin,
            json!({"kind": "chat", "imap_after": "seen"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "imap_after");

    let inbox = email_inbox(app, json!({"imap_url": url})).await;
    let path = format!("/api/v1/inboxes/{inbox}");
    let (s, e) = app
        .patch(&path, &app.admin, json!({"imap_after": "move"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "imap_move_to");
    let (s, b) = app
        .patch(
            &path,
            &app.admin,
            json!({"imap_after": "move", "imap_move_to": " Archive/Tend "}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (&b["imap_after"], &b["imap_move_to"]),
        (&json!("move"), &json!("Archive/Tend"))
    );
    let (s, e) = app
        .patch(&path, &app.admin, json!({"imap_move_to": null}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "imap_move_to");
    let (s, e) = app
        .patch(&path, &app.admin, json!({"imap_after": "sideways"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "imap_after");
    // Re-pointing the URL at the move folder is refused too.
    let (s, e) = app
        .patch(
            &path,
            &app.admin,
            json!({"imap_url": "imap://support:secret@127.0.0.1:1/Archive%2FTend"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "imap_move_to");
    let (s, b) = app
        .patch(&path, &app.admin, json!({"imap_after": "seen"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, got) = app.get(&path, &app.admin).await;
    assert_eq!(got["imap_after"], "seen", "{got}");
}

/// The running server with IDLE (a ten-minute poll interval, so only IDLE
/// can be this quick) and `move`, set up through `tend admin create-inbox`:
/// each message is stored once and moved, and the EXPUNGEs the moves cause
/// neither stall nor spin the IDLE loop.
async fn idle_with_move(postgres: bool) {
    let Some(env) = Env::new(postgres).await else {
        return;
    };
    let dovecot = Dovecot::start();
    dovecot.append(&[message(0), message(1)]).await;
    let token = env.admin_token();
    let (code, _, err) = env.run(
        &[
            "admin",
            "create-inbox",
            "--kind",
            "email",
            "--address",
            "support@example.com",
            "--imap-url",
            &dovecot.url(),
            "--imap-after",
            "move",
            "--imap-move-to",
            "Processed",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let mut cmd = env.cmd(&["serve"]);
    cmd.env("TEND_IMAP_POLL_SECONDS", "600");
    let (mut child, url) = Env::serve_with(cmd);
    let client = reqwest::Client::new();
    until_new(&client, &url, &token, 2, Duration::from_secs(60)).await;
    for (i, want) in [(2, 3), (3, 4)] {
        tokio::time::sleep(Duration::from_millis(300)).await;
        dovecot.append(&[message(i)]).await;
        let took = until_new(&client, &url, &token, want, Duration::from_secs(20)).await;
        assert!(took < Duration::from_secs(5), "IDLE took {took:?}");
    }
    // Moved once each (bounded wait: the move follows the commit).
    let start = Instant::now();
    loop {
        let inbox = mailbox(&dovecot, "INBOX").await.unwrap();
        let done = mailbox(&dovecot, "Processed").await.unwrap_or_default();
        if inbox.is_empty() && done.len() == 4 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "INBOX {inbox:?}, Processed {done:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(new_count(&client, &url, &token).await, 4);
    sigterm(&child);
    assert_eq!(wait_exit(&mut child), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_after_idle_with_move_sqlite() {
    idle_with_move(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_after_idle_with_move_postgres() {
    idle_with_move(true).await;
}
