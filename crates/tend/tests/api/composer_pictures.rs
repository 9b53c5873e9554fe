//! The composer's inline pictures are kept with the draft (issue 25,
//! item 7): a reply refused with a 422 shows its text again with its
//! pictures, a draft opened on another device (a second session) shows
//! them, "Undo send" brings them back, and sending the text then sends
//! them, though the form no longer carries the files. Only their agent
//! sees them.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tend::agents::Role;
use tend::time::ManualClock;

use crate::browser::{Browser, PASSWORD, between, user_with_password};
use crate::composer::desk;
use crate::portal::{on_both_with_sink, run};
use crate::smtp::Sink;
use crate::support::TestApp;

on_both_with_sink!(pictures_survive_a_refusal_another_device_and_undo);

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn picture(cid: &str, name: &str) -> (String, Part) {
    (
        format!("inline:{cid}"),
        Part::bytes(PNG.to_vec())
            .file_name(name.to_string())
            .mime_str("image/png")
            .unwrap(),
    )
}

/// The agent's form as the page sends it: formatted text, a reply.
fn formatted(text: &str) -> Form {
    Form::new()
        .text("text", text.to_string())
        .text("format", "markdown")
        .text("internal", "false")
}

/// The pictures the composer shows under the box: (src, alt).
fn shown(body: &str) -> Vec<String> {
    let Some(list) = between(body, "id=\"draft-pictures\"", "</ul>") else {
        return vec![];
    };
    list.split("<img src=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

/// A draft picture's bytes through the session's cookie (status, bytes).
async fn bytes_of(app: &TestApp, b: &Browser, path: &str) -> (StatusCode, Vec<u8>) {
    let r = reqwest::Client::new()
        .get(format!("{}{path}", app.base))
        .header(
            "cookie",
            format!("tend_session={}", b.cookie.clone().unwrap()),
        )
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

async fn last_message(app: &TestApp, id: i64) -> Value {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{id}/messages?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().last().cloned().unwrap()
}

fn inline_ids(m: &Value) -> Vec<String> {
    m["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["inline"] == true)
        .map(|a| a["content_id"].as_str().unwrap().to_string())
        .collect()
}

async fn pictures_survive_a_refusal_another_device_and_undo(
    app: &TestApp,
    _sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (_, _, id, mut phone) = desk(app, "mia@customer.example", "p1").await;
    let before = last_message(app, id).await["id"].clone();

    // 1. A reply refused (a CC that is no address): 422, the text again,
    // and its picture under it, served from the draft.
    let text = "The **label**:\n\n![label.png](cid:lbl1@tend)\n\nThanks";
    let (name, part) = picture("lbl1@tend", "label.png");
    let form = formatted(text).text("cc", "no-address").part(name, part);
    let p = phone
        .post_multipart(&format!("/c/{id}/reply?seen=0&confirm=1"), form)
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let composer = between(&p.body, "<textarea id=\"text\"", "</textarea>").unwrap();
    assert!(
        composer.contains("![label.png](cid:lbl1@tend)"),
        "{composer}"
    );
    let src = format!("/c/{id}/draft/images/lbl1@tend");
    assert_eq!(shown(&p.body), std::slice::from_ref(&src), "{}", p.body);
    assert!(p.body.contains("alt=\"label.png\""));
    assert_eq!(
        bytes_of(app, &phone, &src).await,
        (StatusCode::OK, PNG.to_vec())
    );
    assert_eq!(
        last_message(app, id).await["id"],
        before,
        "nothing was sent"
    );

    // 2. Another picture pasted (the script keeps it at once) and the text
    // saved as typed; the desk computer, a second session, shows both.
    let (name, part) = picture("box2@tend", "box.png");
    let p = phone
        .post_multipart(
            &format!("/c/{id}/draft/images"),
            Form::new().part(name, part),
        )
        .await;
    assert_eq!(p.status, StatusCode::NO_CONTENT, "{}", p.body);
    let typed = format!("{text}\n\n![box.png](cid:box2@tend)");
    let r = reqwest::Client::new()
        .post(format!("{}/c/{id}/draft", app.base))
        .header(
            "cookie",
            format!("tend_session={}", phone.cookie.clone().unwrap()),
        )
        .header("x-csrf-token", phone.csrf.clone())
        .header("origin", app.base.clone())
        .json(&json!({"text": typed, "internal": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mut desk_pc = Browser::new(app, "en");
    assert!(desk_pc.login("aiko@example.com", PASSWORD).await);
    let p = desk_pc.get(&format!("/c/{id}")).await;
    assert_eq!(p.status, StatusCode::OK);
    let composer = between(&p.body, "<textarea id=\"text\"", "</textarea>").unwrap();
    assert!(composer.contains("![box.png](cid:box2@tend)"), "{composer}");
    let box_src = format!("/c/{id}/draft/images/box2@tend");
    let mut both = shown(&p.body);
    both.sort();
    assert_eq!(both, [box_src.clone(), src.clone()]);
    assert_eq!(
        bytes_of(app, &desk_pc, &box_src).await,
        (StatusCode::OK, PNG.to_vec())
    );
    // Nobody else sees them.
    let other = user_with_password(app, "ben@example.com", "Ben", Role::Admin).await;
    assert!(other > 0);
    let mut ben = Browser::new(app, "en");
    assert!(ben.login("ben@example.com", PASSWORD).await);
    assert_eq!(bytes_of(app, &ben, &src).await.0, StatusCode::NOT_FOUND);
    let p = ben.get(&format!("/c/{id}")).await;
    assert!(shown(&p.body).is_empty(), "not Ben's draft");

    // 3. Sent from the desk with the text alone: both pictures go, inline.
    let p = desk_pc
        .post_multipart(
            &format!("/c/{id}/reply?seen=0&confirm=1"),
            formatted(&typed),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let m = last_message(app, id).await;
    let mut ids = inline_ids(&m);
    ids.sort();
    assert_eq!(ids, ["box2@tend", "lbl1@tend"], "{m}");
    let html = m["html"].as_str().unwrap();
    assert!(
        !html.contains("cid:"),
        "each shown from its attachment: {html}"
    );
    // The draft and its pictures are spent.
    assert_eq!(bytes_of(app, &desk_pc, &src).await.0, StatusCode::NOT_FOUND);
    let sent = between(&p.location, "?sent=", "#")
        .expect("held")
        .to_string();

    // 4. Undo: the text returns with its pictures, and goes again.
    let p = desk_pc.post(&format!("/c/{id}/m/{sent}/undo"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = desk_pc.get(&p.location).await;
    let composer = between(&p.body, "<textarea id=\"text\"", "</textarea>").unwrap();
    assert!(composer.contains("cid:lbl1@tend"), "{composer}");
    let mut again = shown(&p.body);
    again.sort();
    assert_eq!(again, [box_src.clone(), src.clone()], "{}", p.body);
    assert_eq!(
        bytes_of(app, &desk_pc, &src).await,
        (StatusCode::OK, PNG.to_vec())
    );
    let text_back = composer[composer.find('>').unwrap() + 1..].to_string();
    let p = desk_pc
        .post_multipart(
            &format!("/c/{id}/reply?seen=0&confirm=1"),
            formatted(&text_back),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let mut ids = inline_ids(&last_message(app, id).await);
    ids.sort();
    assert_eq!(ids, ["box2@tend", "lbl1@tend"]);

    // A picture that is no picture is refused on its own route too.
    let bad = Part::bytes(b"not a picture".to_vec())
        .file_name("x.png")
        .mime_str("image/png")
        .unwrap();
    let p = phone
        .post_multipart(
            &format!("/c/{id}/draft/images"),
            Form::new().part("inline:bad@tend", bad),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
}
