//! Live chat files and transcripts in public (issue 17): uploads are
//! authorised before a byte is stored and a refused one leaves no file; the
//! transcript goes only to the visitor's own address, once.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::chat::{Visitor, desk, mailing_desk, session, start, upload};
use crate::chat_security::unique_bytes;
use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    uploads_are_authorised_before_a_byte_is_stored,
    a_refused_upload_leaves_no_file,
    the_transcript_goes_only_to_the_visitors_own_address_once,
);

/// Files in the attachment store, temporary ones included.
fn stored_files(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        entries
            .flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() { count(&p) } else { 1 }
            })
            .sum()
    }
    count(&app.st.config.data_dir.join("attachments"))
}

/// A multipart body built by hand: `(name, filename, bytes)` parts, closed
/// or cut off before its final boundary.
fn multipart(parts: &[(&str, Option<&str>, &[u8])], closed: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend_from_slice(b"--XyZb0undary\r\n");
        match filename {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    if closed {
        body.extend_from_slice(b"--XyZb0undary--\r\n");
    }
    body
}

async fn post_multipart(
    app: &TestApp,
    inbox: i64,
    body: Vec<u8>,
) -> Result<StatusCode, reqwest::Error> {
    Ok(app
        .client
        .post(format!("{}/chat/{inbox}/upload", app.base))
        .header("content-type", "multipart/form-data; boundary=XyZb0undary")
        .body(body)
        .send()
        .await?
        .status())
}

/// Issue 17 §1.2 (chat): a bad token, another inbox's token, a file sent
/// before the token, or an inbox that has no chat: refused before any byte
/// reaches the disk.
async fn uploads_are_authorised_before_a_byte_is_stored(app: &TestApp) {
    let (inbox, _) = desk(app).await;
    let other = app.inbox("chat", None).await;
    let email_inbox = app.inbox("email", Some("mail@example.com")).await;
    let token = start(app, inbox, json!({})).await;
    let other_token = start(app, other, json!({})).await;
    let (files, messages) = (stored_files(app), app.rows("messages").await);
    // A body near the limit with a forged token: refused at the token, its
    // file read and dropped, never stored.
    let body = multipart(
        &[
            ("token", None, b"tcv_forged"),
            ("cid", None, b"big"),
            ("file", Some("big.bin"), &unique_bytes(1_900_000)),
        ],
        true,
    );
    assert_eq!(
        post_multipart(app, inbox, body).await.unwrap(),
        StatusCode::UNAUTHORIZED
    );
    // The anonymous loop of the issue.
    for i in 0..3 {
        let r = upload(
            app,
            inbox,
            "tcv_forged",
            &format!("loop{i}.bin"),
            unique_bytes(100_000),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(stored_files(app), files, "the loop stored nothing");
    let r = upload(app, inbox, &other_token, "x.bin", unique_bytes(1000)).await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "another inbox's token"
    );
    let r = upload(app, email_inbox, &token, "x.bin", unique_bytes(1000)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not a chat inbox");
    // The file first, a valid token after it: the file is not read.
    let first = multipart(
        &[
            ("file", Some("early.bin"), &unique_bytes(1000)),
            ("token", None, token.as_bytes()),
            ("cid", None, b"early"),
        ],
        true,
    );
    assert_eq!(
        post_multipart(app, inbox, first).await.unwrap(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(stored_files(app), files, "nothing reached the disk");
    assert_eq!(app.rows("messages").await, messages);
    // The visitor's own upload is stored.
    let r = upload(app, inbox, &token, "ok.txt", unique_bytes(1000)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(stored_files(app), files + 1);
    assert_eq!(app.rows("messages").await, messages + 1);
}

/// A valid visitor whose upload is refused part-way (too large, cut off,
/// invalid) leaves no file behind.
async fn a_refused_upload_leaves_no_file(app: &TestApp) {
    let (inbox, _) = desk(app).await;
    let token = start(app, inbox, json!({})).await;
    let (files, messages) = (stored_files(app), app.rows("messages").await);
    let t = token.as_bytes();
    // Two files over the limit together (the test limit is 2 MB).
    let body = multipart(
        &[
            ("token", None, t),
            ("cid", None, b"c1"),
            ("file", Some("a.bin"), &unique_bytes(1_000_000)),
            ("file", Some("b.bin"), &unique_bytes(1_100_000)),
        ],
        true,
    );
    assert_eq!(
        post_multipart(app, inbox, body).await.unwrap(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // A body cut off after a complete file.
    let body = multipart(
        &[
            ("token", None, t),
            ("cid", None, b"c2"),
            ("file", Some("c.bin"), &unique_bytes(1000)),
            ("file", Some("d.bin"), &unique_bytes(1000)),
        ],
        false,
    );
    let s = post_multipart(app, inbox, body).await.unwrap();
    assert!(s.is_client_error(), "{s}");
    // A file with an invalid message around it.
    let long = "ā".repeat(5001);
    for (cid, text) in [("", "hi"), ("c3", long.as_str())] {
        let body = multipart(
            &[
                ("token", None, t),
                ("cid", None, cid.as_bytes()),
                ("text", None, text.as_bytes()),
                ("file", Some("e.bin"), &unique_bytes(1000)),
            ],
            true,
        );
        assert_eq!(
            post_multipart(app, inbox, body).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(stored_files(app), files, "no file was left behind");
    assert_eq!(app.rows("messages").await, messages);
}

pub(crate) async fn transcript(app: &TestApp, inbox: i64, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/chat/{inbox}/transcript"), "", body)
        .await
}

async fn transcripts_queued(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT rcpt FROM outbox WHERE kind = 'transcript' ORDER BY id")
        .fetch_all(app.st.db.pool())
        .await
        .unwrap()
}

/// Issue 17 §1.5: the transcript is no open relay. It goes only to the
/// address the visitor gave before the chat, once per conversation.
async fn the_transcript_goes_only_to_the_visitors_own_address_once(app: &TestApp) {
    let (inbox, _) = mailing_desk(app).await;
    // No address before the chat: the transcript cannot be sent anywhere.
    let t0 = start(app, inbox, json!({})).await;
    Visitor::connect(app, inbox, &t0, 0)
        .await
        .say("a", "hola")
        .await;
    let (s, b) = transcript(
        app,
        inbox,
        json!({"token": t0, "email": "someone@example.org"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // With a pre-chat address, another address is refused...
    let t1 = start(app, inbox, json!({"email": "me@example.lv"})).await;
    Visitor::connect(app, inbox, &t1, 0)
        .await
        .say("b", "labdien")
        .await;
    let (s, b) = transcript(
        app,
        inbox,
        json!({"token": t1, "email": "victim@example.org"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // ...and so is changing the address once the chat has started.
    let (s, b) = session(
        app,
        inbox,
        json!({"token": t1, "email": "victim@example.org"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["email"], "me@example.lv", "{b}");
    let (s, b) = transcript(app, inbox, json!({"token": t1})).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["sent_to"], "me@example.lv");
    // Once per conversation.
    let (s, b) = transcript(app, inbox, json!({"token": t1, "email": "ME@example.lv"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "transcript_already_sent");
    assert_eq!(transcripts_queued(app).await.len(), 1);
    // Many requests at once still send one.
    let t2 = start(app, inbox, json!({"email": "ona@example.cat"})).await;
    Visitor::connect(app, inbox, &t2, 0)
        .await
        .say("c", "bon dia")
        .await;
    let answers = futures_util::future::join_all(
        (0..6).map(|_| transcript(app, inbox, json!({"token": t2.clone()}))),
    )
    .await;
    let accepted = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::ACCEPTED)
        .count();
    assert_eq!(accepted, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::ACCEPTED || *s == StatusCode::CONFLICT),
        "{answers:?}"
    );
    let rcpts = transcripts_queued(app).await;
    assert_eq!(rcpts.len(), 2, "{rcpts:?}");
    assert!(
        rcpts[0].contains("me@example.lv") && rcpts[1].contains("ona@example.cat"),
        "{rcpts:?}"
    );
}
