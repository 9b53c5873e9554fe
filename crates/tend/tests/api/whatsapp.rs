//! The WhatsApp channel (issue 24) coming in, on SQLite and PostgreSQL:
//! the webhook's verification and signature, messages of every kind with
//! their media fetched from a Cloud API server on loopback (bytes
//! intact), duplicates, and a type Tend does not know that never blocks
//! the next message.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::whatsapp_fake::*;

on_both_with_clock!(
    the_webhook_is_verified_and_signed,
    messages_and_media_arrive_with_bytes_intact,
    an_unknown_type_is_kept_and_the_next_message_arrives,
);

async fn verify(app: &TestApp, inbox: i64, mode: &str, token: &str) -> (StatusCode, String) {
    let r = app
        .client
        .get(format!("{}/api/v1/channels/{inbox}/whatsapp", app.base))
        .query(&[
            ("hub.mode", mode),
            ("hub.verify_token", token),
            ("hub.challenge", "1158201444"),
        ])
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn the_webhook_is_verified_and_signed(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let graph = FakeGraph::start().await;
    // Before any setting: no verify token, no app secret.
    let bare = app.inbox("whatsapp", None).await;
    assert_eq!(
        verify(app, bare, "subscribe", VERIFY_TOKEN).await.0,
        StatusCode::FORBIDDEN
    );
    let hello = notification(
        json!([message("wamid.A1", "text", json!({"body": "Hello"}))]),
        json!([]),
    );
    let (s, b) = post_signed(app, bare, Some(APP_SECRET), &hello).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "no_secret", "{b}");
    let (s, b) = app.get("/api/v1/inboxes", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    let listed = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == bare)
        .unwrap()
        .clone();
    assert_eq!(listed["kind"], "whatsapp", "{listed}");
    assert_eq!(listed["whatsapp"]["has_access_token"], false, "{listed}");
    assert_eq!(
        listed["whatsapp"]["api_base"], "https://graph.facebook.com/v20.0",
        "{listed}"
    );

    let inbox = whatsapp_inbox(app, &graph).await;
    let (s, challenge) = verify(app, inbox, "subscribe", VERIFY_TOKEN).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(challenge, "1158201444");
    assert_eq!(
        verify(app, inbox, "subscribe", "wrong").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        verify(app, inbox, "unsubscribe", VERIFY_TOKEN).await.0,
        StatusCode::FORBIDDEN
    );

    let (s, b) = post_signed(app, inbox, Some("not-the-secret"), &hello).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "mismatch", "{b}");
    let (s, b) = post_signed(app, inbox, None, &hello).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "missing", "{b}");
    assert_eq!(app.rows("channel_inbound").await, 0);
    let (s, b) = post_signed(app, inbox, Some(APP_SECRET), &hello).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["received"], 1, "{b}");
    // WhatsApp delivers again when unsure: stored once.
    let (s, b) = post_signed(app, inbox, Some(APP_SECRET), &hello).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["duplicates"], 1, "{b}");
    assert_eq!(b["received"], 0, "{b}");
    let conv = conversation_of(app, inbox, "wamid.A1").await;
    assert_eq!(messages_of(app, conv).await.len(), 1);
    // Another kind's inbox has no WhatsApp webhook.
    let api = app.inbox("api", None).await;
    assert_eq!(
        verify(app, api, "subscribe", VERIFY_TOKEN).await.0,
        StatusCode::NOT_FOUND
    );
    // Bad settings name their field.
    for (body, field) in [
        (
            json!({"whatsapp": {"phone_number_id": "a/b"}}),
            "whatsapp.phone_number_id",
        ),
        (
            json!({"whatsapp": {"api_base": "ftp://x"}}),
            "whatsapp.api_base",
        ),
        (
            json!({"whatsapp": {"access_token": "has space"}}),
            "whatsapp.access_token",
        ),
        (
            json!({"whatsapp": {"templates": [{"name": "Bad Name", "language": "en"}]}}),
            "whatsapp.templates[0].name",
        ),
        (
            json!({"whatsapp": {"survey_template": "nope"}}),
            "whatsapp.survey_template",
        ),
    ] {
        let (s, b) = app
            .patch(&format!("/api/v1/inboxes/{inbox}"), &app.admin, body)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{api}"),
            &app.admin,
            json!({"whatsapp": {}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "whatsapp", "{b}");
}

async fn messages_and_media_arrive_with_bytes_intact(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    // The caller with this number is known: the writer is the same customer.
    let b = app
        .conversation("Call me", "aiko@example.jp", "Please call", None)
        .await;
    let known = b["customer"]["id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{known}"),
            &app.admin,
            json!({"name": "Aiko S.", "phone": "+81 90-1234-5678"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let photo: Vec<u8> = (0..=255u8).cycle().take(70_001).collect();
    let pdf: Vec<u8> = (0..=255u8).rev().cycle().take(33_333).collect();
    let voice: Vec<u8> = (0..40_000u32).map(|i| (i * 7 % 251) as u8).collect();
    graph.media("MEDIA-PHOTO", "image/jpeg", &photo);
    graph.media("MEDIA-PDF", "application/pdf", &pdf);
    graph.media("MEDIA-VOICE", "audio/ogg; codecs=opus", &voice);
    let b = deliver(app, inbox, json!([
        message("wamid.M1", "text", json!({"body": "注文した商品がまだ届きません。確認していただけますか?"})),
        message("wamid.M2", "image", json!({"id": "MEDIA-PHOTO", "mime_type": "image/jpeg", "sha256": "x", "caption": "箱が壊れていました"})),
        message("wamid.M3", "document", json!({"id": "MEDIA-PDF", "mime_type": "application/pdf", "filename": "領収書.pdf"})),
        message("wamid.M4", "audio", json!({"id": "MEDIA-VOICE", "mime_type": "audio/ogg; codecs=opus", "voice": true})),
        message("wamid.M5", "interactive", json!({"type": "button_reply", "button_reply": {"id": "yes", "title": "はい"}})),
        message("wamid.M6", "button", json!({"text": "配送状況", "payload": "STATUS"})),
    ])).await;
    assert_eq!(b["received"], 6, "{b}");
    let conv = conversation_of(app, inbox, "wamid.M1").await;
    for n in 2..=6 {
        assert_eq!(
            conversation_of(app, inbox, &format!("wamid.M{n}")).await,
            conv
        );
    }
    let (s, c) = app
        .get(&format!("/api/v1/conversations/{conv}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["channel"], "whatsapp", "{c}");
    assert_eq!(c["language"], "ja", "detected from the words: {c}");
    assert_eq!(c["customer"]["id"], known, "matched by number: {c}");
    let all = messages_of(app, conv).await;
    assert_eq!(all.len(), 6, "{all:?}");
    assert_eq!(all[1]["text"], "箱が壊れていました");
    let f = &all[1]["attachments"][0];
    assert_eq!(f["content_type"], "image/jpeg");
    assert_eq!(file_bytes(app, f).await, photo);
    let f = &all[2]["attachments"][0];
    assert_eq!(f["filename"], "領収書.pdf");
    assert_eq!(file_bytes(app, f).await, pdf);
    let f = &all[3]["attachments"][0];
    assert!(
        f["content_type"].as_str().unwrap().starts_with("audio/ogg"),
        "{f}"
    );
    assert_eq!(file_bytes(app, f).await, voice);
    assert_eq!(all[4]["text"], "はい");
    assert_eq!(all[5]["text"], "配送状況");
    // A media id the Cloud API does not know: a placeholder, not a block.
    let b = deliver(
        app,
        inbox,
        json!([
            message(
                "wamid.M7",
                "video",
                json!({"id": "GONE", "mime_type": "video/mp4"})
            ),
            message("wamid.M8", "text", json!({"body": "動画は届きましたか?"})),
        ]),
    )
    .await;
    assert_eq!(b["received"], 2, "{b}");
    let all = messages_of(app, conv).await;
    assert!(
        all[6]["text"].as_str().unwrap().contains("not fetched"),
        "{}",
        all[6]
    );
    assert_eq!(all[7]["text"], "動画は届きましたか?");
}

async fn an_unknown_type_is_kept_and_the_next_message_arrives(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    let location = message(
        "wamid.U1",
        "location",
        json!({"latitude": 35.68, "longitude": 139.76, "name": "Tokyo Station"}),
    );
    let unsupported = json!({"from": WA_ID, "id": "wamid.U2", "timestamp": "1795597200",
        "type": "unsupported", "errors": [{"code": 131051, "title": "Message type unknown",
        "message": "Message type unknown", "error_data": {"details": "Message type is currently not supported."}}]});
    let future = message("wamid.U3", "hologram", json!({"id": "H1"}));
    let b = deliver(
        app,
        inbox,
        json!([
            location.clone(),
            unsupported,
            future,
            message(
                "wamid.U4",
                "text",
                json!({"body": "Did you see where I am?"})
            ),
        ]),
    )
    .await;
    assert_eq!(b["received"], 4, "{b}");
    let conv = conversation_of(app, inbox, "wamid.U1").await;
    let all = messages_of(app, conv).await;
    assert_eq!(all.len(), 4, "{all:?}");
    let text = all[0]["text"].as_str().unwrap();
    assert!(
        text.contains("\"location\"") && text.contains("original.json"),
        "{text}"
    );
    let files = all[0]["attachments"].as_array().unwrap();
    assert_eq!(files[0]["filename"], "original.json");
    let kept: Value = serde_json::from_slice(&file_bytes(app, &files[0]).await).unwrap();
    assert_eq!(kept, location, "the raw message is kept");
    assert!(
        all[1]["text"].as_str().unwrap().contains("131051"),
        "{}",
        all[1]
    );
    assert!(
        all[2]["text"].as_str().unwrap().contains("hologram"),
        "{}",
        all[2]
    );
    assert_eq!(all[3]["text"], "Did you see where I am?");
}
