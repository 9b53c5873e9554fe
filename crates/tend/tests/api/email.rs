//! The email channel through the inbound webhook: creation, threading by
//! each header and by the subject token, duplicates, noise, bounces, limits.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    mail_creates_threads_and_deduplicates,
    copies_of_a_mail_arriving_at_once_store_it_once,
    noise_never_creates_conversations,
    oversize_and_unreadable_mail_is_quarantined_not_lost,
    html_mail_is_sanitised_and_inline_images_resolve,
    outlook_winmail_dat_is_unpacked_into_downloads,
    new_conversations_are_acknowledged_in_the_customers_language,
    replies_go_out_through_the_outbox_with_threading_headers,
);

/// A plain UTF-8 message.
pub(crate) fn mail(
    from: &str,
    subject: &str,
    message_id: &str,
    extra_headers: &str,
    body: &str,
) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@example.com\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\n{extra_headers}\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

pub(crate) async fn deliver(app: &TestApp, inbox: i64, raw: Vec<u8>) -> (StatusCode, Value) {
    let r = app
        .client
        .post(format!(
            "{}/api/v1/inbound/email?inbox_id={inbox}",
            app.base
        ))
        .bearer_auth(&app.admin)
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// The same mail through several doors at the same moment (an MTA retrying
/// while IMAP fetches it): one conversation with one message, and every
/// other copy answered as a duplicate of it, not as an error.
async fn copies_of_a_mail_arriving_at_once_store_it_once(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let raw = mail(
        "Laura <laura@example.cat>",
        "Factura duplicada",
        "copies@example.cat",
        "",
        "Bon dia, he rebut la factura dues vegades. Em podeu ajudar?",
    );
    let answers =
        futures_util::future::join_all((0..8).map(|_| deliver(app, inbox, raw.clone()))).await;
    let mut created = Vec::new();
    let mut duplicates = Vec::new();
    for (s, o) in &answers {
        assert_eq!(*s, StatusCode::ACCEPTED, "{o}");
        match o["outcome"].as_str() {
            Some("created") => created.push(o["conversation_id"].as_i64().unwrap()),
            Some("duplicate") => duplicates.push(o["conversation_id"].as_i64()),
            other => panic!("unexpected outcome {other:?}: {o}"),
        }
    }
    assert_eq!(created.len(), 1, "{answers:?}");
    let id = created[0];
    assert_eq!(duplicates, vec![Some(id); 7]);
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(msgs["items"].as_array().unwrap().len(), 1, "{msgs}");
    let (_, list) = app
        .get(
            &format!("/api/v1/conversations?inbox_id={inbox}"),
            &app.admin,
        )
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
}

async fn mail_creates_threads_and_deduplicates(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let raw = mail(
        "=?UTF-8?B?5bGx55SwIOeUsee0gA==?= <Yuki@Example.JP>",
        "=?UTF-8?B?6KuL5rGC5pu444Gr44Gk44GE44Gm?=",
        "first@example.jp",
        "",
        "請求書が届いていません。確認をお願いします。",
    );
    let (s, o) = deliver(app, inbox, raw.clone()).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{o}");
    assert_eq!(o["outcome"], "created");
    let id = o["conversation_id"].as_i64().unwrap();
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(c["subject"], "請求書について");
    assert_eq!(c["channel"], "email");
    assert_eq!(c["inbox_id"], inbox);
    assert_eq!(c["customer"]["email"], "yuki@example.jp");
    assert_eq!(c["customer"]["name"], "山田 由紀");
    assert_eq!(c["language"], "ja");
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(
        msgs["items"][0]["text"].as_str().unwrap().trim(),
        "請求書が届いていません。確認をお願いします。"
    );
    assert_eq!(msgs["items"][0]["message_id"], "first@example.jp");

    // The original is available byte for byte.
    let mid = msgs["items"][0]["id"].as_i64().unwrap();
    let r = app
        .client
        .get(format!(
            "{}/api/v1/conversations/{id}/messages/{mid}/raw",
            app.base
        ))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "message/rfc822");
    assert_eq!(r.bytes().await.unwrap().to_vec(), raw);

    // The same message again changes nothing.
    let (_, o) = deliver(app, inbox, raw).await;
    assert_eq!(o["outcome"], "duplicate");
    assert_eq!(o["conversation_id"], id);

    // Threaded by In-Reply-To, by References, and by our subject token.
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "yuki@example.jp",
            "Re: 請求書について",
            "second@example.jp",
            "In-Reply-To: <first@example.jp>\r\nCc: Keiko <Keiko@Example.JP>, boss@example.jp\r\n",
            "追記です。\n\n2026年11月23日(月) 10:00 サポート <support@example.com>:\n> 以前のメッセージ",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id))
    );
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "yuki@example.jp",
            "Re: x",
            "third@example.jp",
            "References: <unknown@x> <second@example.jp>\r\n",
            "さらに追記。",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id))
    );
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "yuki@example.jp",
            &format!("Re: 請求書について [#{id}]"),
            "fourth@example.jp",
            "",
            "番号で届きました。",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id))
    );

    // A token from someone who is not the customer does not thread, and a
    // same subject alone never threads.
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "stranger@example.org",
            &format!("Re: [#{id}]"),
            "fifth@example.org",
            "",
            "hi",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "created");
    assert_ne!(o["conversation_id"].as_i64(), Some(id));
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "yuki@example.jp",
            "請求書について",
            "sixth@example.jp",
            "",
            "別件です。",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "created");
    assert_ne!(o["conversation_id"].as_i64(), Some(id));

    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(c["message_count"], 4);
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    let second = &msgs["items"][1];
    assert_eq!(
        second["cc"],
        json!(["keiko@example.jp", "boss@example.jp"]),
        "CC'd addresses are recorded"
    );
    assert_eq!(
        second["reply_text"].as_str().map(str::trim),
        Some("追記です。"),
        "quoted history is separated: {second}"
    );
    assert!(
        second["text"]
            .as_str()
            .unwrap()
            .contains("以前のメッセージ"),
        "the full text is kept"
    );
    assert_eq!(second["has_raw"], true);

    // A customer reply reopens a solved conversation.
    app.patch(
        &format!("/api/v1/conversations/{id}"),
        &app.admin,
        json!({"status": "solved"}),
    )
    .await;
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "yuki@example.jp",
            "Re: 請求書について",
            "seventh@example.jp",
            "In-Reply-To: <fourth@example.jp>\r\n",
            "まだ解決していません。",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "appended");
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(
        (c["status"].as_str(), c["reopen_count"].as_i64()),
        (Some("open"), Some(1))
    );

    // After closing, a reply starts a follow-up conversation.
    app.patch(
        &format!("/api/v1/conversations/{id}"),
        &app.admin,
        json!({"status": "solved"}),
    )
    .await;
    app.patch(
        &format!("/api/v1/conversations/{id}"),
        &app.admin,
        json!({"status": "closed"}),
    )
    .await;
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "yuki@example.jp",
            "Re: 請求書について",
            "eighth@example.jp",
            "In-Reply-To: <seventh@example.jp>\r\n",
            "もう一度。",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "created");
    let follow = o["conversation_id"].as_i64().unwrap();
    let (_, ev) = app
        .get(
            &format!("/api/v1/conversations/{follow}/events"),
            &app.admin,
        )
        .await;
    assert_eq!(ev["items"][0]["data"]["follow_up_of"], id);
}

async fn noise_never_creates_conversations(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let before = app.rows("conversations").await;
    let noisy = [
        "Auto-Submitted: auto-replied\r\n",
        "X-Autoreply: yes\r\n",
        "X-Autorespond: vacation\r\n",
        "Precedence: bulk\r\n",
        "Precedence: list\r\n",
    ];
    for (i, h) in noisy.iter().enumerate() {
        let (s, o) = deliver(
            app,
            inbox,
            mail(
                "robot@example.com",
                "Out of office",
                &format!("auto{i}@example.com"),
                h,
                "I am away.",
            ),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED);
        assert_eq!(o["outcome"], "ignored", "{h}: {o}");
        // A reason code, not a sentence: each is an out-of-office reply.
        assert_eq!(o["reason"], "auto_reply", "{h}: {o}");
    }
    // Our own address writing to us is a loop.
    let (_, o) = deliver(
        app,
        inbox,
        mail("support@example.com", "Loop", "own@example.com", "", "x"),
    )
    .await;
    assert_eq!(o["outcome"], "ignored");
    assert_eq!(o["reason"], "own_address_loop");
    assert_eq!(
        app.rows("conversations").await,
        before,
        "no conversation for noise"
    );
    assert_eq!(
        app.rows("mail_log").await,
        6,
        "every ignored message is logged with its reason"
    );

    // Loop protection: one sender may not flood us.
    let mut last = Value::Null;
    for i in 0..31 {
        let (_, o) = deliver(
            app,
            inbox,
            mail(
                "flood@example.com",
                &format!("n{i}"),
                &format!("flood{i}@example.com"),
                "",
                "x",
            ),
        )
        .await;
        last = o;
    }
    assert_eq!(last["outcome"], "quarantined", "{last}");
}

async fn oversize_and_unreadable_mail_is_quarantined_not_lost(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    // The test configuration allows 2,000,000 bytes.
    let big = mail(
        "big@example.com",
        "Big",
        "big@example.com",
        "",
        &"x".repeat(2_100_000),
    );
    let big_len = big.len();
    let (s, o) = deliver(app, inbox, big).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{o}");
    assert_eq!(o["outcome"], "quarantined");
    assert!(o["reason"].as_str().unwrap().contains("limit"), "{o}");
    let (sha,): (String,) =
        sqlx::query_as("SELECT raw_sha256 FROM mail_log WHERE outcome = 'quarantined'")
            .fetch_one(app.st.db.pool())
            .await
            .unwrap();
    assert_eq!(
        tend::attachments::load(&app.st, &sha).await.unwrap().len(),
        big_len,
        "the raw message is kept whole"
    );

    let (s, o) = deliver(app, inbox, b"\x00\x01 this is not mail at all".to_vec()).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert!(matches!(o["outcome"].as_str(), Some("quarantined")), "{o}");

    let r = app
        .client
        .post(format!(
            "{}/api/v1/inbound/email?inbox_id={inbox}",
            app.base
        ))
        .bearer_auth(&app.admin)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, _) = deliver(
        app,
        999_999,
        mail("a@example.com", "x", "x@example.com", "", "x"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn replies_go_out_through_the_outbox_with_threading_headers(app: &TestApp) {
    let inbox = app.inbox("email", Some("suport@example.cat")).await;
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "jordi@example.cat",
            "Consulta sobre la factura",
            "q1@example.cat",
            "",
            "Bon dia, no trobo la factura.",
        ),
    )
    .await;
    let id = o["conversation_id"].as_i64().unwrap();
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "Hola Jordi, t'adjuntem la factura."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["delivery_status"], "queued");
    let our_id = m["message_id"]
        .as_str()
        .expect("the reply has a Message-ID")
        .to_string();

    let (raw_sha, rcpt): (String, String) =
        sqlx::query_as("SELECT raw_sha256, rcpt FROM outbox WHERE message_id = $1")
            .bind(m["id"].as_i64().unwrap())
            .fetch_one(app.st.db.pool())
            .await
            .unwrap();
    assert_eq!(rcpt, "[\"jordi@example.cat\"]");
    let raw = String::from_utf8(tend::attachments::load(&app.st, &raw_sha).await.unwrap()).unwrap();
    assert!(raw.contains(&format!("Message-ID: <{our_id}>")), "{raw}");
    assert!(raw.contains("In-Reply-To: <q1@example.cat>"), "{raw}");
    assert!(raw.contains("References: <q1@example.cat>"), "{raw}");
    assert!(raw.contains(&format!("[#{id}]")), "{raw}");
    assert!(
        raw.contains("Reply-To: <suport@example.cat>")
            || raw.contains("Reply-To: suport@example.cat"),
        "{raw}"
    );

    // The customer's answer to our reply threads back.
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "jordi@example.cat",
            "Re: Consulta",
            "q2@example.cat",
            &format!("In-Reply-To: <{our_id}>\r\n"),
            "Gràcies!",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id))
    );

    // A bounce of our reply marks it failed, visibly.
    let bounce = format!(
        "From: MAILER-DAEMON@example.cat\r\nTo: suport@example.cat\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <bounce1@example.cat>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.cat\r\n\r\n\
         Final-Recipient: rfc822; jordi@example.cat\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n\
         --b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{our_id}>\r\nSubject: x\r\n\r\n--b--\r\n"
    );
    let (_, o) = deliver(app, inbox, bounce.into_bytes()).await;
    assert_eq!(o["outcome"], "ignored", "{o}");
    assert_eq!(o["reason"], "delivery_report_matched", "{o}");
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    let ours = msgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["message_id"] == our_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(ours["delivery_status"], "failed");
    assert!(
        ours["delivery_error"]
            .as_str()
            .unwrap_or("")
            .contains("no such user"),
        "{ours}"
    );
    let (_, ev) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    assert!(
        ev["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "delivery_failed")
    );
}

/// Outlook's winmail.dat (tend-mail's fixture): the agent gets the files
/// inside as downloads with their real names, next to the winmail.dat.
async fn outlook_winmail_dat_is_unpacked_into_downloads(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let raw = include_bytes!("../../../tend-mail/tests/fixtures/tnef_outlook_ja.eml");
    let (_, o) = deliver(app, inbox, raw.to_vec()).await;
    assert_eq!(o["outcome"], "created", "{o}");
    let id = o["conversation_id"].as_i64().unwrap();
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    let files = msgs["items"][0]["attachments"].as_array().unwrap().clone();
    let names: Vec<&str> = files
        .iter()
        .map(|f| f["filename"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["winmail.dat", "御見積書（2026年11月）.xlsx", "会議メモ.txt"]
    );
    let r = app
        .client
        .get(format!(
            "{}/api/v1/attachments/{}",
            app.base, files[2]["id"]
        ))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // 会議メモ / ①見積書を送付 / ②納期を確認, in Shift_JIS as the customer
    // wrote it (a file's bytes are never converted).
    let memo: &[u8] = b"\x89\xef\x8bc\x83\x81\x83\x82\x0d\x0a\x87@\x8c\xa9\x90\xcf\x8f\x91\x82\xf0\x91\x97\x95t\x0d\x0a\x87A\x94[\x8a\xfa\x82\xf0\x8am\x94F\x0d\x0a";
    assert_eq!(r.bytes().await.unwrap().to_vec(), memo);
}

async fn html_mail_is_sanitised_and_inline_images_resolve(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let png = b"\x89PNG\r\n\x1a\nfake-image-bytes";
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(png)
    };
    let raw = format!(
        "From: Minji <minji@example.kr>\r\nTo: support@example.com\r\nSubject: =?EUC-KR?B?vK268b26ILmuwMc=?=\r\n\
         Message-ID: <html1@example.kr>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/related; boundary=\"r\"\r\n\r\n\
         --r\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n\
         <p onclick=\"steal()\">스크린샷을 첨부합니다.<script>alert(1)</script></p><img src=\"cid:shot1@example.kr\">\
         <img src=\"https://tracker.example/pixel.gif\">\r\n\
         --r\r\nContent-Type: image/png\r\nContent-ID: <shot1@example.kr>\r\nContent-Disposition: inline; filename=shot.png\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--r--\r\n"
    );
    let (_, o) = deliver(app, inbox, raw.into_bytes()).await;
    assert_eq!(o["outcome"], "created", "{o}");
    let id = o["conversation_id"].as_i64().unwrap();
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(c["subject"], "서비스 문의");
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    let m = &msgs["items"][0];
    assert_eq!(m["text"].as_str().unwrap().trim(), "스크린샷을 첨부합니다.");
    let html = m["html"].as_str().unwrap();
    for bad in ["<script", "onclick", "alert(1)"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(
        !html.contains(" src=\"https://tracker.example"),
        "remote images are blocked by default: {html}"
    );
    assert!(
        html.contains("data-tend-src=\"https://tracker.example/pixel.gif\""),
        "kept for an explicit show-images: {html}"
    );
    let att = &m["attachments"][0];
    assert_eq!(att["inline"], true);
    assert!(
        html.contains(&format!("src=\"/api/v1/attachments/{}\"", att["id"])),
        "cid rewritten: {html}"
    );
    let r = app
        .client
        .get(format!("{}/api/v1/attachments/{}", app.base, att["id"]))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().to_vec(), png.to_vec());
}

async fn new_conversations_are_acknowledged_in_the_customers_language(app: &TestApp) {
    let (s, inbox) = app
        .post(
            "/api/v1/inboxes",
            &app.admin,
            json!({"kind": "email", "address": "suport@example.cat", "ack_enabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{inbox}");
    assert_eq!(inbox["ack_enabled"], true);
    let inbox = inbox["id"].as_i64().unwrap();
    let (_, o) = deliver(app, inbox, mail("Marta <marta@example.cat>", "Consulta", "ack1@example.cat", "", "Bon dia, tinc un problema amb el compte d'usuari i no puc accedir-hi des de fa dos dies.")).await;
    let id = o["conversation_id"].as_i64().unwrap();
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    let items = msgs["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{msgs}");
    let ack = &items[1];
    assert_eq!(ack["author"]["kind"], "system");
    assert_eq!(ack["delivery_status"], "queued");
    assert!(
        ack["text"].as_str().unwrap().contains("sol·licitud #"),
        "answered in Catalan: {ack}"
    );
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert!(
        c["first_response_at"].is_null(),
        "an automatic answer is not a first response"
    );
    assert_eq!(c["status"], "new");
    let (raw_sha,): (String,) =
        sqlx::query_as("SELECT raw_sha256 FROM outbox WHERE kind = 'ack' AND message_id = $1")
            .bind(ack["id"].as_i64().unwrap())
            .fetch_one(app.st.db.pool())
            .await
            .unwrap();
    let raw = String::from_utf8(tend::attachments::load(&app.st, &raw_sha).await.unwrap()).unwrap();
    assert!(raw.contains("Auto-Submitted: auto-replied"), "{raw}");

    // Auto-generated mail gets no acknowledgement (it starts no conversation).
    let before = app.rows("outbox").await;
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "bot@example.com",
            "Away",
            "ack2@example.com",
            "Auto-Submitted: auto-replied\r\n",
            "x",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "ignored");
    assert_eq!(app.rows("outbox").await, before);

    // Turning acknowledgements off takes effect at once.
    let (s, i) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"ack_enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{i}");
    deliver(
        app,
        inbox,
        mail("pere@example.cat", "Altra", "ack3@example.cat", "", "Hola"),
    )
    .await;
    assert_eq!(app.rows("outbox").await, before);
}
