//! Machine mail never opens a conversation (issue 17 §3.3), through the
//! real ingest: every message of tend-mail's machine-mail corpus is
//! ignored with its reason code in the mail log; people forwarding or
//! asking about such mail reach the desk; bounces in every shape are
//! matched to the reply they concern. And HTML stays sanitised to the end
//! (§2.4): hostile Content-IDs never reach the stored HTML.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::email::{deliver, mail};
use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    machine_mail_is_ignored_with_its_reason_code,
    people_forwarding_machine_mail_reach_the_desk,
    bounces_in_every_shape_are_matched_to_our_reply,
    hostile_content_ids_never_reach_the_stored_html,
);

fn corpus(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tend-mail/tests/fixtures")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
}

async fn mail_log(app: &TestApp) -> Vec<Value> {
    let (s, log) = app.get("/api/v1/mail-log?limit=200", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{log}");
    log["items"].as_array().unwrap().clone()
}

async fn machine_mail_is_ignored_with_its_reason_code(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@shop.example")).await;
    let mut expected = Vec::new();
    for code in [
        "delivery_report",
        "feedback_report",
        "dmarc_aggregate_report",
        "dmarc_failure_report",
        "list_notice",
        "cloud_notification",
        "read_receipt",
    ] {
        for path in corpus(&format!("machine/{code}")) {
            let raw = std::fs::read(&path).unwrap();
            let (s, o) = deliver(app, inbox, raw).await;
            assert_eq!(s, StatusCode::ACCEPTED, "{}: {o}", path.display());
            assert_eq!(
                (o["outcome"].as_str(), o["reason"].as_str()),
                (Some("ignored"), Some(code)),
                "{}: {o}",
                path.display()
            );
            expected.push(code);
        }
    }
    assert!(expected.len() >= 55, "the whole corpus: {}", expected.len());
    assert_eq!(
        app.rows("conversations").await,
        0,
        "machine mail opened nothing"
    );
    // The mail log holds each with its code (newest first).
    let log = mail_log(app).await;
    let mut reasons: Vec<&str> = log.iter().map(|e| e["reason"].as_str().unwrap()).collect();
    reasons.reverse();
    assert_eq!(reasons, expected);
    assert!(log.iter().all(|e| e["outcome"] == "ignored"));
}

async fn people_forwarding_machine_mail_reach_the_desk(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@shop.example")).await;
    let files = corpus("person");
    assert!(files.len() >= 15);
    for path in &files {
        let (_, o) = deliver(app, inbox, std::fs::read(path).unwrap()).await;
        assert_eq!(o["outcome"], "created", "{}: {o}", path.display());
    }
    assert_eq!(app.rows("conversations").await, files.len() as i64);
    assert_eq!(app.rows("mail_log").await, 0);
}

/// Posts a reply on conversation `id` and returns our Message-ID.
async fn reply(app: &TestApp, id: i64, text: &str) -> String {
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({ "text": text }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    m["message_id"].as_str().unwrap().to_string()
}

async fn delivery_of(app: &TestApp, id: i64, our_id: &str) -> Value {
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    msgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message_id"] == our_id)
        .unwrap()
        .clone()
}

async fn bounces_in_every_shape_are_matched_to_our_reply(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@shop.example")).await;
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "pat@example.com",
            "Order",
            "order1@example.com",
            "",
            "Where is my order?",
        ),
    )
    .await;
    let id = o["conversation_id"].as_i64().unwrap();
    let delayed = reply(app, id, "It ships today.").await;
    let bounced = reply(app, id, "Here is the tracking number.").await;
    let cloud = reply(app, id, "Anything else?").await;

    // A delay warning (plain text, from a mailer daemon) concerns our
    // reply but is no failure.
    let warning = format!(
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\r\nTo: support@shop.example\r\n\
         Subject: Warning: could not send message for past 4 hours\r\nMessage-ID: <w1@mx.example.com>\r\n\r\n\
         **  THIS IS A WARNING MESSAGE ONLY  **\r\n\r\nThe original message was received at Mon, 23 Nov 2026\r\n\
         Will keep trying until message is 5 days old\r\n\r\n   ----- Original message follows -----\r\n\
         Message-ID: <{delayed}>\r\nSubject: x\r\n\r\nIt ships today.\r\n"
    );
    let (_, o) = deliver(app, inbox, warning.into_bytes()).await;
    assert_eq!(
        (o["outcome"].as_str(), o["reason"].as_str()),
        (Some("ignored"), Some("delivery_report_matched")),
        "{o}"
    );
    assert_ne!(
        delivery_of(app, id, &delayed).await["delivery_status"],
        "failed"
    );

    // qmail's plain-text bounce, our headers pasted in its text.
    let qmail = format!(
        "From: MAILER-DAEMON@mail.example.com\r\nTo: support@shop.example\r\nSubject: failure notice\r\n\
         Message-ID: <q1@mail.example.com>\r\n\r\n\
         Hi. This is the qmail-send program at mail.example.com.\r\n\
         I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\
         This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n\
         <pat@example.com>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n\
         --- Below this line is a copy of the message.\r\n\r\nMessage-ID: <{bounced}>\r\nSubject: x\r\n\r\nHere.\r\n"
    );
    let (_, o) = deliver(app, inbox, qmail.into_bytes()).await;
    assert_eq!(o["reason"], "delivery_report_matched", "{o}");
    assert_eq!(
        delivery_of(app, id, &bounced).await["delivery_status"],
        "failed"
    );

    // Amazon SES through SNS: JSON in the mail, our Message-ID inside.
    let inner = json!({"notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "pat@example.com",
            "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]},
        "mail": {"messageId": "0100018-ses", "commonHeaders": {"messageId": format!("<{cloud}>")}}});
    let envelope = json!({"Type": "Notification", "TopicArn": "arn:aws:sns:eu-west-1:1:bounces",
        "Message": inner.to_string()});
    let sns = format!(
        "From: AWS Notifications <no-reply@sns.amazonaws.com>\r\nTo: support@shop.example\r\n\
         Subject: AWS Notification Message\r\nMessage-ID: <sns1@email.amazonses.com>\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\n{envelope:#}\r\n"
    );
    let (_, o) = deliver(app, inbox, sns.into_bytes()).await;
    assert_eq!(o["reason"], "cloud_notification_matched", "{o}");
    assert_eq!(
        delivery_of(app, id, &cloud).await["delivery_status"],
        "failed"
    );

    // Nothing joined the conversation, and the log says what each was.
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(msgs["items"].as_array().unwrap().len(), 4, "{c}");
    assert_eq!(app.rows("conversations").await, 1);
    let reasons: Vec<String> = mail_log(app)
        .await
        .iter()
        .map(|e| e["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "cloud_notification_matched",
            "delivery_report_matched",
            "delivery_report_matched"
        ]
    );
}

/// Finds the attribute names of every start tag, the way a browser reads
/// serialised HTML, to show that nothing was injected.
fn attribute_names(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let mut tag = &rest[..end];
        tag = tag.split_once(char::is_whitespace).map_or("", |(_, a)| a);
        while let Some(eq) = tag.find('=') {
            names.push(tag[..eq].trim().to_ascii_lowercase());
            let after = tag[eq + 1..].trim_start();
            let close = after
                .strip_prefix('"')
                .and_then(|a| a.find('"').map(|e| e + 2))
                .unwrap_or_else(|| after.find(' ').unwrap_or(after.len()));
            tag = after.get(close..).unwrap_or("");
        }
    }
    names
}

async fn hostile_content_ids_never_reach_the_stored_html(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@shop.example")).await;
    // The Content-ID comes without angle brackets, so it may hold `">`:
    // the old `replace("\"cid:{id}\"", …)` after the sanitiser closed the
    // span's title with it and turned the text into an event handler.
    let png = "iVBORw0KGgppbWFnZQ==";
    let raw = format!(
        "From: Eve <eve@example.net>\r\nTo: support@shop.example\r\nSubject: Screenshot\r\n\
         Message-ID: <hostile1@example.net>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/related; boundary=\"r\"\r\n\r\n\
         --r\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n\
         <p>See the screenshot</p><span title=\"cid:x\">\"\" onmouseover=\"alert(1)\" y=\"</span>\
         <img src=\"cid:x&quot;&gt;&quot;\">\r\n\
         --r\r\nContent-Type: image/png\r\nContent-ID: x\">\"\r\n\
         Content-Disposition: inline; filename=\"a\\\" onerror=\\\"alert(1).png\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{png}\r\n--r--\r\n"
    );
    let (_, o) = deliver(app, inbox, raw.into_bytes()).await;
    assert_eq!(o["outcome"], "created", "{o}");
    let id = o["conversation_id"].as_i64().unwrap();
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    let m = &msgs["items"][0];
    let html = m["html"].as_str().unwrap();
    let att = m["attachments"][0]["id"].as_i64().unwrap();
    assert!(
        html.contains(&format!("<img src=\"/api/v1/attachments/{att}\">")),
        "the inline image is linked: {html}"
    );
    assert_eq!(
        tend::html::sanitize(html),
        html,
        "a fixed point of the sanitiser"
    );
    let names = attribute_names(html);
    assert!(
        names.iter().all(|n| !n.starts_with("on")),
        "injected {names:?} into {html}"
    );
}
