//! Marking a problem fixed (issue 23): each linked customer whose
//! conversation is still open is told once, in their language (else the
//! first text given), on email and chat, and their conversation is solved
//! and surveyed; marking it fixed again writes to nobody; the report
//! credits who fixed it. SQLite and PostgreSQL, mail through a real SMTP
//! sink.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::chat::{Visitor, start};
use crate::portal::run;
use crate::problems::{link, problem};
use crate::smtp::Sink;
use crate::support::TestApp;

crate::portal::on_both_with_sink!(the_fix_message_reaches_each_customer_once_in_their_language);

/// Waits until the sink holds a mail to `to` whose text has `want`.
async fn wait_mail(sink: &Sink, to: &str, want: &str) -> tend_mail::InboundMessage {
    let start = Instant::now();
    loop {
        if let Some(m) = sink
            .messages()
            .iter()
            .filter(|m| m.contains(to))
            .map(|m| tend_mail::parse(m.as_bytes()).unwrap())
            .find(|m| m.text.contains(want))
        {
            return m;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no mail to {to} with {want:?} reached the sink"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_fix_message_reaches_each_customer_once_in_their_language(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (inbox, owner, token) = crate::surveys::desk(app).await;
    // Three mail customers: Japanese, Latvian, and Korean (no Korean text
    // is given: the first text is theirs).
    let mut mail = Vec::new();
    for (from, lang) in [
        ("yuki@customer.example", "ja"),
        ("janis@customer.example", "lv"),
        ("minji@customer.example", "ko"),
    ] {
        let id = crate::surveys::conversation_from(app, inbox, from, lang, owner).await;
        let (s, b) = app
            .patch(
                &format!("/api/v1/conversations/{id}"),
                &app.admin,
                json!({"language": lang}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        mail.push((id, from, lang));
    }
    // One already solved: it is not written to again.
    let done =
        crate::surveys::conversation_from(app, inbox, "done@customer.example", "d", owner).await;
    crate::surveys::reply_and_solve(app, &token, done, "Sent again today.").await;
    // A chat visitor, in Catalan.
    let (chat_inbox, _) = crate::chat::desk(app).await;
    let visitor = start(app, chat_inbox, json!({"name": "Jordi", "language": "ca"})).await;
    let mut v = Visitor::connect(app, chat_inbox, &visitor, 0).await;
    let ack = v.say("c1", "On és la meva comanda?").await;
    let chat = ack["conversation_id"].as_i64().expect("conversation");

    let p = problem(app, &token, json!({"title": "Parcels held at the depot"})).await["id"]
        .as_i64()
        .unwrap();
    for (id, _, _) in &mail {
        let (s, b) = link(app, &app.admin, p, *id).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    for id in [done, chat] {
        let (s, b) = link(app, &app.admin, p, id).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    // Sent as written: the order of the texts is the request's (English
    // first: the fallback), which `json!` would sort.
    let raw = r#"{"status": "fixed", "message": {
        "en": "The depot has released every parcel; yours arrives tomorrow.",
        "ja": "倉庫の問題は解決しました。お荷物は明日届きます。",
        "lv": "Noliktava ir atbrīvojusi visus sūtījumus; jūsējais pienāks rīt.",
        "ca": "El magatzem ha alliberat tots els paquets; el vostre arriba demà."
    }}"#;
    let r = app
        .client
        .patch(format!("{}/api/v1/problems/{p}", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .unwrap();
    let s = r.status();
    let fixed: Value = r.json().await.unwrap();
    assert_eq!(s, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["status"], "fixed");
    assert_eq!(fixed["fixed_by"], owner);

    // Each mail customer gets the text of their language, else the first.
    for (id, from, lang) in &mail {
        let want = match *lang {
            "ja" => "倉庫の問題は解決しました",
            "lv" => "Noliktava ir atbrīvojusi",
            _ => "The depot has released every parcel",
        };
        let got = wait_mail(sink, from, want).await;
        for other in ["倉庫", "Noliktava", "magatzem"] {
            assert!(
                want.contains(other) || !got.text.contains(other),
                "{lang}: {}",
                got.text
            );
        }
        let c = crate::surveys::conv(app, *id).await;
        assert_eq!(c["status"], "solved", "{c}");
    }
    // The chat visitor reads it in Catalan, live; the chat is solved.
    let reply = loop {
        let f = v.messages(1).await.remove(0);
        if f["from"] == "agent" {
            break f;
        }
    };
    assert_eq!(
        reply["text"],
        "El magatzem ha alliberat tots els paquets; el vostre arriba demà."
    );
    assert_eq!(crate::surveys::conv(app, chat).await["status"], "solved");
    // The solved one was left alone.
    let msgs = crate::chat::api_messages(app, done).await;
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    let (_, shown) = app.get(&format!("/api/v1/problems/{p}"), &app.admin).await;
    let told = shown["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["notified_at"].is_string())
        .count();
    assert_eq!(told, 5, "every link is claimed once: {shown}");

    // The usual loop follows: each solved mail conversation is surveyed.
    crate::surveys::pass(app).await;
    crate::surveys::pass(app).await;
    for (id, _, _) in &mail {
        assert_eq!(crate::surveys::surveys_of(app, *id).await.len(), 1, "{id}");
    }

    // Marking it fixed again sends nothing twice.
    let (s, b) = app
        .patch(
            &format!("/api/v1/problems/{p}"),
            &token,
            json!({"status": "fixed", "message": {"en": "Fixed again?"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    for (id, _, _) in &mail {
        let texts: Vec<String> = crate::chat::api_messages(app, *id)
            .await
            .iter()
            .map(|m| m["text"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("Fixed again")));
    }
    assert_eq!(
        b["fix_message"]["en"], "The depot has released every parcel; yours arrives tomorrow.",
        "the first message stays"
    );

    // The report credits who fixed it.
    let (s, report) = app.get("/api/v1/problems/report", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let line = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["problem_id"] == p)
        .unwrap()
        .clone();
    assert_eq!(line["linked"], 5);
    assert_eq!(line["fixed_by"], owner);
    assert!(line["hours_to_fix"].as_f64().unwrap() >= 0.0);
    assert_eq!(report["credits"][0]["user_id"], owner);
    assert_eq!(report["credits"][0]["conversations"], 5);
}
