//! Talking to third parties: CC and BCC on replies (headers and envelope,
//! seen by a real SMTP sink), side conversations by mail (out from the
//! inbox's address, the third party's answer threaded back onto the side
//! conversation and hidden from the customer, no reopening), forwarding,
//! and 422s with the field (`third_parties_files`: their files, search,
//! merge and the timeline's "Forward" link). SQLite and PostgreSQL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::email::{deliver, mail};
use crate::portal::{Browser, link_for, mail_customer, on_both_with_sink, run};
use crate::smtp::Sink;
use crate::support::TestApp;
use crate::surveys::{conv, event_kinds, reply_and_solve};

on_both_with_sink!(
    cc_and_bcc_reach_the_sink_in_headers_and_envelope,
    a_side_conversation_goes_out_and_its_answer_stays_beside_the_conversation,
    forwarding_starts_a_side_conversation_seeded_with_the_quote,
);

/// The mail with Message-ID `id` as the sink received it (raw, with the
/// sink's `X-RcptTo` envelope header), waiting up to 30 s.
pub(crate) async fn raw_mail(sink: &Sink, id: &str) -> String {
    let start = Instant::now();
    loop {
        if let Some(m) = sink
            .messages()
            .into_iter()
            .find(|m| m.contains(&format!("Message-ID: <{id}>")))
        {
            return m;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "mail {id} never reached the sink"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The value of header `name` in a raw mail (unfolded), if present.
fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw
        .split("\n\n")
        .next()
        .unwrap_or(raw)
        .replace("\r\n", "\n");
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

fn field_of(e: &Value) -> &str {
    e["error"]["details"]["field"].as_str().unwrap_or_default()
}

async fn cc_and_bcc_reach_the_sink_in_headers_and_envelope(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (id, _, token) = mail_customer(app, "ilze@customer.example", "cc1").await;
    let path = format!("/api/v1/conversations/{id}/messages");
    let (s, m) = app
        .post(
            &path,
            &token,
            json!({"text": "Jūsu pasūtījums ir ceļā.", "cc": ["Boss@Example.com"], "bcc": ["audit@example.org"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["cc"], json!(["boss@example.com"]));
    assert_eq!(m["bcc"], json!(["audit@example.org"]));
    let ours = m["message_id"].as_str().unwrap().to_string();
    let raw = raw_mail(sink, &ours).await;
    let cc = header(&raw, "Cc").expect("a Cc header");
    assert!(cc.contains("boss@example.com"), "{raw}");
    assert!(header(&raw, "Bcc").is_none(), "no Bcc header: {raw}");
    // Only the sink's own envelope header may name the BCC.
    let head = raw.split("\n\n").next().unwrap();
    for line in head.lines().filter(|l| !l.starts_with("X-RcptTo")) {
        assert!(!line.contains("audit@example.org"), "{line}");
    }
    let rcpt = header(&raw, "X-RcptTo").expect("the sink's envelope header");
    for who in [
        "ilze@customer.example",
        "boss@example.com",
        "audit@example.org",
    ] {
        assert!(rcpt.contains(who), "{who} not in the envelope: {rcpt}");
    }
    // Stored with the message.
    let (_, list) = app.get(&path, &app.admin).await;
    let stored = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["message_id"] == ours.as_str())
        .unwrap()
        .clone();
    assert_eq!(stored["bcc"], json!(["audit@example.org"]));
    assert_eq!(stored["cc"], json!(["boss@example.com"]));

    // Bad addresses, and copies where nothing goes by mail: 422 on the field.
    let (s, e) = app
        .post(
            &path,
            &token,
            json!({"text": "x", "cc": ["not an address"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(field_of(&e), "cc");
    let (s, e) = app
        .post(&path, &token, json!({"text": "x", "bcc": ["no-at-sign"]}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(field_of(&e), "bcc");
    let (s, e) = app
        .post(
            &path,
            &token,
            json!({"text": "x", "internal": true, "cc": ["boss@example.com"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(field_of(&e), "cc");
    let (s, api) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "By API", "customer": {"email": "api@customer.example"}, "message": {"text": "Hi"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{api}");
    let (s, e) = app
        .post(
            &format!("/api/v1/conversations/{}/messages", api["id"]),
            &app.admin,
            json!({"text": "x", "bcc": ["boss@example.com"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(field_of(&e), "bcc");
}

async fn a_side_conversation_goes_out_and_its_answer_stays_beside_the_conversation(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (id, _, token) = mail_customer(app, "aiko@customer.example", "sd1").await;
    reply_and_solve(app, &token, id, "It left our warehouse yesterday.").await;
    let sides = format!("/api/v1/conversations/{id}/side-conversations");
    let (s, side) = app
        .post(
            &sides,
            &token,
            json!({"to": ["dispatch@courier.example"], "subject": "Parcel 7781", "text": "Where is parcel 7781?"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{side}");
    let side_id = side["id"].as_i64().unwrap();
    assert_eq!(side["participants"], json!(["dispatch@courier.example"]));
    let ours = side["messages"][0]["message_id"]
        .as_str()
        .unwrap()
        .to_string();

    // Out from the inbox's address, with its own Message-ID, to the courier
    // only, and nothing of the customer's thread in it.
    let raw = raw_mail(sink, &ours).await;
    assert!(
        header(&raw, "From")
            .unwrap()
            .contains("support@example.com")
    );
    assert_eq!(header(&raw, "Subject").unwrap(), "Parcel 7781");
    assert!(header(&raw, "In-Reply-To").is_none(), "{raw}");
    assert_eq!(
        header(&raw, "X-RcptTo").unwrap(),
        "dispatch@courier.example"
    );
    assert!(!raw.contains("aiko@customer.example"), "{raw}");

    // The courier answers: it lands on the side conversation.
    let answer = |mid: &str| {
        mail(
            "Dispatch <dispatch@courier.example>",
            "Re: Parcel 7781",
            mid,
            &format!("In-Reply-To: <{ours}>\r\nReferences: <{ours}>\r\n"),
            "It is in Riga, arriving tomorrow.",
        )
    };
    let inbox = conv(app, id).await["inbox_id"].as_i64().unwrap();
    let (s, o) = deliver(app, inbox, answer("c1@courier.example")).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{o}");
    assert_eq!(o["outcome"], "appended", "{o}");
    assert_eq!(o["conversation_id"], id, "{o}");
    let (s, again) = deliver(app, inbox, answer("c1@courier.example")).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(again["outcome"], "duplicate", "{again}");
    let (_, list) = app.get(&sides, &token).await;
    let mails = list["items"][0]["messages"].as_array().unwrap().clone();
    assert_eq!(mails.len(), 2, "{list}");
    assert_eq!(mails[1]["direction"], "in");
    assert_eq!(mails[1]["author_email"], "dispatch@courier.example");
    assert!(mails[1]["text"].as_str().unwrap().contains("Riga"));

    // Not the customer's: still solved, no new message, no waiting customer.
    let c = conv(app, id).await;
    assert_eq!(c["status"], "solved", "{c}");
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert!(!msgs.to_string().contains("Riga"), "{msgs}");
    let kinds = event_kinds(app, id).await;
    assert!(kinds.contains(&"side_conversation_started".to_string()));
    assert!(kinds.contains(&"side_reply_received".to_string()));
    let solved_at = kinds.iter().rposition(|k| k == "status_changed").unwrap();
    let reply_at = kinds
        .iter()
        .position(|k| k == "side_reply_received")
        .unwrap();
    assert!(solved_at < reply_at, "nothing reopened: {kinds:?}");
    let (_, customer) = app
        .get(
            "/api/v1/customers?email=dispatch@courier.example",
            &app.admin,
        )
        .await;
    assert_eq!(customer["items"], json!([]), "the courier is no customer");

    // The customer's portal shows none of it.
    let link = link_for(app, sink, "aiko@customer.example").await;
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(&link).await, StatusCode::SEE_OTHER);
    let (s, page) = b.get(&format!("/help/portal/conversations/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("It left our warehouse"), "{page}");
    for hidden in ["Riga", "Parcel 7781", "courier.example"] {
        assert!(!page.contains(hidden), "{hidden} shown to the customer");
    }

    // The agent answers the courier, threaded under the courier's mail.
    let (s, side) = app
        .post(
            &format!("{sides}/{side_id}/messages"),
            &token,
            json!({"text": "Thank you!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{side}");
    let third = side["messages"][2]["message_id"]
        .as_str()
        .unwrap()
        .to_string();
    let raw = raw_mail(sink, &third).await;
    assert_eq!(header(&raw, "In-Reply-To").unwrap(), "<c1@courier.example>");
    assert_eq!(header(&raw, "Subject").unwrap(), "Re: Parcel 7781");
    assert_eq!(conv(app, id).await["status"], "solved");

    // Only those who may see the conversation.
    let (_, other) = app.user("outsider@example.com", "Outsider", "agent").await;
    assert_eq!(app.get(&sides, &other).await.0, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(
            &sides,
            &other,
            json!({"to": ["x@example.net"], "subject": "s", "text": "t"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(
            &format!("{sides}/{side_id}/messages"),
            &other,
            json!({"text": "t"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn forwarding_starts_a_side_conversation_seeded_with_the_quote(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (id, _, token) = mail_customer(app, "jordi@customer.example", "fw1").await;
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &token)
        .await;
    let first = msgs["items"][0]["id"].as_i64().unwrap();
    let sides = format!("/api/v1/conversations/{id}/side-conversations");
    let (s, side) = app
        .post(
            &sides,
            &token,
            json!({"to": ["warehouse@example.net"], "text": "Can you check this order?", "forward_message_id": first}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{side}");
    assert_eq!(side["subject"], "Fwd: Order fw1 never arrived");
    let text = side["messages"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("Can you check this order?"), "{text}");
    assert!(text.contains("Forwarded message"), "{text}");
    assert!(text.contains("Where is my parcel?"), "{text}");
    let raw = raw_mail(sink, side["messages"][0]["message_id"].as_str().unwrap()).await;
    assert!(raw.contains("Where is my parcel?"), "{raw}");
    assert_eq!(header(&raw, "X-RcptTo").unwrap(), "warehouse@example.net");
    let (_, ev) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    let started = ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "side_conversation_started")
        .unwrap()
        .clone();
    assert_eq!(started["data"]["forwarded"], "message");
    assert_eq!(started["data"]["message_id"], first);

    // The whole conversation, with a subject of one's own.
    let (s, whole) = app
        .post(
            &sides,
            &token,
            json!({"to": ["a@example.net, b@example.net"], "subject": "For the team", "forward_conversation": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{whole}");
    assert_eq!(
        whole["participants"],
        json!(["a@example.net", "b@example.net"])
    );
    assert!(
        whole["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Where is my parcel?")
    );

    // Bad input: 422 with the field.
    for (body, field) in [
        (
            json!({"to": ["not-an-address"], "subject": "s", "text": "t"}),
            "to",
        ),
        (json!({"to": [], "subject": "s", "text": "t"}), "to"),
        (json!({"to": ["w@example.net"], "text": "t"}), "subject"),
        (json!({"to": ["w@example.net"], "subject": "s"}), "text"),
        (
            json!({"to": ["w@example.net"], "forward_message_id": 987654}),
            "forward_message_id",
        ),
        (
            json!({"to": ["w@example.net"], "forward_message_id": first, "forward_conversation": true}),
            "forward_conversation",
        ),
    ] {
        let (s, e) = app.post(&sides, &token, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} {e}");
        assert_eq!(field_of(&e), field, "{body} {e}");
    }
    let (_, list) = app.get(&sides, &token).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
}
