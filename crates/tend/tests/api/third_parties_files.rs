//! Side conversations, continued: a third party's files (a PDF, an inline
//! image) kept for agents only (workspace and API, never the portal), side
//! mails found by the agents' search in any language (never by the
//! customer's), a merge taking side conversations and drafts along (a later
//! answer lands on the survivor), and the timeline's "Forward" link that
//! fills the side conversation form in. SQLite and PostgreSQL, with a real
//! SMTP sink.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::email::{deliver, mail};
use crate::portal::{Browser, link_for, mail_customer, on_both_with_sink, run};
use crate::smtp::Sink;
use crate::support::TestApp;
use crate::surveys::{conv, event_kinds};
use crate::third_parties::raw_mail;

on_both_with_sink!(a_third_partys_files_are_kept_for_agents_searched_and_follow_a_merge,);

/// A courier's answer in reply to `ours`: text and HTML (with an inline
/// photo by `cid:`) and a PDF.
fn courier_answer(mid: &str, ours: &str, png: &[u8], pdf: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    format!(
        "From: Depot <depot@courier.example>\r\nTo: support@example.com\r\nSubject: Re: Damaged parcel\r\n\
         Message-ID: <{mid}>\r\nIn-Reply-To: <{ours}>\r\nReferences: <{ours}>\r\n\
         Date: Mon, 07 Dec 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
         --m\r\nContent-Type: multipart/related; boundary=\"r\"\r\n\r\n\
         --r\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n\
         --a\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         The carton was crumpled in transit. 箱が輸送中に破損しました。\r\n\
         --a\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         <p onclick=\"steal()\">The carton was crumpled in transit. 箱が輸送中に破損しました。<script>alert(1)</script></p>\
         <img src=\"cid:photo1@courier.example\">\r\n\
         --a--\r\n\
         --r\r\nContent-Type: image/png\r\nContent-ID: <photo1@courier.example>\r\n\
         Content-Disposition: inline; filename=photo.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --r--\r\n\
         --m\r\nContent-Type: application/pdf; name=damage-report.pdf\r\n\
         Content-Disposition: attachment; filename=damage-report.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --m--\r\n",
        b64(png),
        b64(pdf)
    )
    .into_bytes()
}

/// The bytes of a download with `token`, and its status.
async fn download(app: &TestApp, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
    let r = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

/// The agents' search: its hits.
async fn search_hits(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let r = app
        .client
        .get(format!("{}/api/v1/search", app.base))
        .bearer_auth(token)
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{q}");
    let b: Value = r.json().await.unwrap();
    b["items"].as_array().unwrap().clone()
}

async fn a_third_partys_files_are_kept_for_agents_searched_and_follow_a_merge(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (id, agent, token) = mail_customer(app, "hana@customer.example", "sf1").await;
    let sides = format!("/api/v1/conversations/{id}/side-conversations");
    let (s, side) = app
        .post(
            &sides,
            &token,
            json!({"to": ["depot@courier.example"], "subject": "Damaged parcel", "text": "Please send photographs of the dented carton."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{side}");
    let side_id = side["id"].as_i64().unwrap();
    let ours = side["messages"][0]["message_id"]
        .as_str()
        .unwrap()
        .to_string();
    raw_mail(sink, &ours).await;

    // The courier answers with a photo inline and a PDF.
    let png = b"\x89PNG\r\n\x1a\nphoto-of-the-carton";
    let pdf = b"%PDF-1.4\n% damage report\n%%EOF\n";
    let inbox = conv(app, id).await["inbox_id"].as_i64().unwrap();
    let (s, o) = deliver(
        app,
        inbox,
        courier_answer("d1@courier.example", &ours, png, pdf),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{o}");
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id)),
        "{o}"
    );

    let (_, list) = app.get(&sides, &token).await;
    let answer = list["items"][0]["messages"][1].clone();
    assert_eq!(answer["direction"], "in", "{list}");
    let files = answer["attachments"].as_array().unwrap().clone();
    assert_eq!(files.len(), 2, "{answer}");
    let photo = files.iter().find(|f| f["filename"] == "photo.png").unwrap();
    let report = files
        .iter()
        .find(|f| f["filename"] == "damage-report.pdf")
        .unwrap();
    assert_eq!(photo["inline"], true);
    assert_eq!(photo["content_id"], "photo1@courier.example");
    assert_eq!(report["content_type"], "application/pdf");
    let (photo_id, report_id) = (
        photo["id"].as_i64().unwrap(),
        report["id"].as_i64().unwrap(),
    );
    // Sanitised, and the inline photo points at the stored file.
    let html = answer["html"].as_str().unwrap();
    for bad in ["<script", "onclick", "alert(1)", "cid:"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(
        html.contains(&format!("src=\"/api/v1/attachments/{photo_id}\"")),
        "{html}"
    );
    // Agents download both.
    let (s, bytes) = download(app, &format!("/api/v1/attachments/{report_id}"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(bytes, pdf.to_vec());
    let (s, bytes) = download(app, &format!("/api/v1/attachments/{photo_id}"), &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(bytes, png.to_vec());
    // Not someone who may not see the conversation.
    let (_, other) = app.user("outsider@example.com", "Outsider", "agent").await;
    let (s, _) = download(app, &format!("/api/v1/attachments/{report_id}"), &other).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Not among the conversation's messages.
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &token)
        .await;
    assert!(!msgs.to_string().contains("damage-report"), "{msgs}");
    let first = msgs["items"][0]["id"].as_i64().unwrap();

    // The workspace shows them on the side conversation, with a "Forward"
    // link on each message that fills the side conversation form in.
    let (_, mut browser) = crate::web::signed_in(app, "marta@example.cat", "Marta", "admin").await;
    let (s, page) = browser.get(&format!("/c/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/api/v1/attachments/{report_id}\"")),
        "{page}"
    );
    assert!(page.contains("damage-report.pdf"));
    assert!(page.contains(&format!("<img src=\"/api/v1/attachments/{photo_id}\"")));
    // The HTML answer shows as HTML, sanitised, in the sandboxed frame
    // messages use (not as its text).
    let answer_id = answer["id"].as_i64().unwrap();
    let body = format!("/c/{id}/side-mail/{answer_id}/body");
    assert!(
        page.contains("<iframe class=\"msg-html\" sandbox=")
            && page.contains(&format!("src=\"{body}\"")),
        "{page}"
    );
    let (s, framed) = browser.get(&body).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        framed.contains("<p>The carton was crumpled in transit. 箱が輸送中に破損しました。"),
        "{framed}"
    );
    assert!(
        framed.contains(&format!("src=\"/api/v1/attachments/{photo_id}\"")),
        "{framed}"
    );
    assert!(
        !framed.contains("<script") && !framed.contains("onclick"),
        "{framed}"
    );
    let (s, _) = browser.get(&format!("/c/{id}/side-mail/987654/body")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let forward = format!("href=\"/c/{id}?forward={first}#side-new\"");
    assert!(
        page.contains(&forward),
        "a Forward link on the message: {page}"
    );
    assert!(
        !page.contains("id=\"side-new\" open"),
        "the form waits closed"
    );
    let (s, page) = browser.get(&format!("/c/{id}?forward={first}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("id=\"side-new\" open"), "{page}");
    assert!(
        page.contains("value=\"Fwd: Order sf1 never arrived\""),
        "{page}"
    );
    assert!(
        page.contains(&format!("<option value=\"{first}\" selected>")),
        "{page}"
    );
    // A message that is not this conversation's fills nothing in.
    let (_, page) = browser.get(&format!("/c/{id}?forward=987654")).await;
    assert!(!page.contains("id=\"side-new\" open"));

    // The customer sees none of it: not on the portal, not by a file link.
    let link = link_for(app, sink, "hana@customer.example").await;
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(&link).await, StatusCode::SEE_OTHER);
    let (s, page) = b.get(&format!("/help/portal/conversations/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    for hidden in ["damage-report", "photo.png", "crumpled", "破損"] {
        assert!(!page.contains(hidden), "{hidden} shown to the customer");
    }
    for file in [report_id, photo_id] {
        let (s, _) = b
            .get(&format!("/help/portal/conversations/{id}/files/{file}"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "file {file}");
    }

    // The agents' search finds side mails both ways, in any language, to
    // their conversation; the help centre's search never does.
    crate::search::indexed(&app.st).await;
    for q in ["crumpled", "破損", "dented", "damage-report.pdf"] {
        let hits = search_hits(app, &token, q).await;
        assert_eq!(hits.len(), 1, "{q}: {hits:?}");
        assert_eq!(hits[0]["conversation_id"], id, "{q}");
        assert!(hits[0].get("message_id").is_none(), "{q}: {hits:?}");
        assert!(hits[0]["side_message_id"].as_i64().is_some(), "{q}");
    }
    assert_eq!(
        search_hits(app, &token, "crumpled").await[0]["side_message_id"],
        answer["id"]
    );
    assert!(search_hits(app, &other, "crumpled").await.is_empty());
    let (s, page) = b.get("/help/en/search?q=crumpled").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !page.contains("Damaged parcel") && !page.contains("carton"),
        "{page}"
    );

    // Merge into another conversation of the same customer: the side
    // conversation (mails, files) and the drafts go along.
    let id2 =
        crate::surveys::conversation_from(app, inbox, "hana@customer.example", "sf2", agent).await;
    let draft = |c: i64| format!("/api/v1/conversations/{c}/draft");
    let put = |token: &str, c: i64, text: &str| {
        app.client
            .put(format!("{}{}", app.base, draft(c)))
            .bearer_auth(token.to_string())
            .json(&json!({"text": text, "internal": false}))
            .send()
    };
    assert_eq!(
        put(&token, id, "About the first order")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        put(&token, id2, "About the second order")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        put(&app.admin, id, "A note for later")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let (s, merged) = app
        .post(
            &format!("/api/v1/conversations/{id}/merge"),
            &token,
            json!({"into": id2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{merged}");
    let sides2 = format!("/api/v1/conversations/{id2}/side-conversations");
    let (_, moved) = app.get(&sides2, &token).await;
    let items = moved["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{moved}");
    assert_eq!(items[0]["id"], side_id);
    assert_eq!(items[0]["conversation_id"], id2);
    assert_eq!(
        items[0]["messages"][1]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, left) = app.get(&sides, &token).await;
    assert_eq!(left["items"], json!([]), "{left}");
    let (s, _) = download(app, &format!("/api/v1/attachments/{report_id}"), &token).await;
    assert_eq!(s, StatusCode::OK);
    let (s, d) = app.get(&draft(id2), &token).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["text"], "About the second order\n\nAbout the first order");
    let (_, d) = app.get(&draft(id2), &app.admin).await;
    assert_eq!(d["text"], "A note for later");
    assert_eq!(app.get(&draft(id), &token).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&draft(id), &app.admin).await.0,
        StatusCode::NOT_FOUND
    );
    let kinds = event_kinds(app, id2).await;
    assert!(
        kinds.contains(&"side_reply_received".to_string()),
        "{kinds:?}"
    );

    // The courier writes again, in the moved thread: it lands on the survivor.
    let (s, o) = deliver(
        app,
        inbox,
        mail(
            "Depot <depot@courier.example>",
            "Re: Damaged parcel",
            "d2@courier.example",
            "In-Reply-To: <d1@courier.example>\r\nReferences: <d1@courier.example>\r\n",
            "A replacement carton leaves tomorrow.",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{o}");
    assert_eq!(o["conversation_id"], id2, "{o}");
    let (_, moved) = app.get(&sides2, &token).await;
    let mails = moved["items"][0]["messages"].as_array().unwrap();
    assert_eq!(mails.len(), 3, "{moved}");
    assert!(
        mails[2]["text"]
            .as_str()
            .unwrap()
            .contains("replacement carton")
    );

    // The index follows the move.
    crate::search::indexed(&app.st).await;
    for q in ["crumpled", "破損", "replacement"] {
        let found: Vec<i64> = search_hits(app, &token, q)
            .await
            .iter()
            .map(|h| h["conversation_id"].as_i64().unwrap())
            .collect();
        assert_eq!(found, vec![id2], "{q}");
    }
}
