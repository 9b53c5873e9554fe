//! Webhooks end to end (issue 20, item 5), on SQLite and PostgreSQL,
//! against a real HTTP receiver on 127.0.0.1:0 that fails its first
//! answers. The server's own follower and sender do the work; the test
//! moves a `ManualClock` past each backoff and wakes the sender
//! (`tend::webhooks::service::wake`) instead of waiting 30 seconds, and
//! waits for what it expects with a deadline.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::surveys::START;
use crate::web_admin::admin_browser;

pub(crate) const SECRET: &str = "whsec-0123456789abcdef";

on_both_with_clock!(
    deliveries_are_signed_ordered_retried_and_never_doubled,
    subscriptions_are_checked_and_for_admins_only,
    the_admin_page_adds_lists_redelivers_and_removes,
    an_automation_posts_without_a_subscription,
);

/// One request the receiver got, and what it answered.
#[derive(Debug, Clone)]
pub(crate) struct Got {
    pub(crate) delivery: String,
    pub(crate) signature: String,
    pub(crate) body: String,
    pub(crate) answered: u16,
}

impl Got {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

#[derive(Default)]
struct Inbox {
    /// Answers 500 while this is above zero (one less per request).
    fail_next: usize,
    got: Vec<Got>,
}

/// A real HTTP receiver: answers 500 to its first `fail_first` requests,
/// then 200, and keeps every request.
pub(crate) struct Receiver {
    pub(crate) url: String,
    inbox: Arc<Mutex<Inbox>>,
    server: tokio::task::JoinHandle<()>,
}

async fn receive(
    State(inbox): State<Arc<Mutex<Inbox>>>,
    headers: HeaderMap,
    body: Bytes,
) -> AxumStatus {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut i = inbox.lock().unwrap();
    let status = if i.fail_next > 0 {
        i.fail_next -= 1;
        AxumStatus::INTERNAL_SERVER_ERROR
    } else {
        AxumStatus::OK
    };
    i.got.push(Got {
        delivery: header("tend-delivery"),
        signature: header("tend-signature"),
        body: String::from_utf8_lossy(&body).to_string(),
        answered: status.as_u16(),
    });
    status
}

impl Receiver {
    pub(crate) async fn start(fail_first: usize) -> Receiver {
        let inbox = Arc::new(Mutex::new(Inbox {
            fail_next: fail_first,
            got: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(inbox.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver { url, inbox, server }
    }

    fn got(&self) -> Vec<Got> {
        self.inbox.lock().unwrap().got.clone()
    }

    /// Waits (at most 15 s) until the receiver holds `n` requests.
    pub(crate) async fn wait_for(&self, n: usize) -> Vec<Got> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the receiver got {} requests, not {n}: {got:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Checks `Tend-Signature` against the body, as a receiver would.
pub(crate) fn assert_signed(g: &Got, secret: &str) {
    let (t, v1) = g
        .signature
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("a signature header: {:?}", g.signature));
    let t: i64 = t.parse().expect("t is unix seconds");
    assert!(t >= START / 1000, "t is the clock's unix seconds: {t}");
    let mac = tend::crypto::hmac_sha256(secret.as_bytes(), format!("{t}.{}", g.body).as_bytes());
    assert_eq!(v1, hex::encode(mac), "the signature of {}", g.body);
}

/// The delivery log, newest first.
async fn log(app: &TestApp, hook: i64) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/webhooks/{hook}/deliveries"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// Waits (at most 15 s) until the log's delivery `id` satisfies `ok`.
async fn wait_log(app: &TestApp, hook: i64, id: i64, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let entries = log(app, hook).await;
        if let Some(d) = entries.iter().find(|d| d["id"] == id)
            && ok(d)
        {
            return d.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "delivery {id} never got there: {entries:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn subscribe(app: &TestApp, url: &str, events: &[&str]) -> i64 {
    let (s, b) = app
        .post(
            "/api/v1/webhooks",
            &app.admin,
            json!({"url": url, "events": events, "secret": SECRET}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(
        b.get("secret").is_none(),
        "the secret is never returned: {b}"
    );
    b["id"].as_i64().unwrap()
}

async fn deliveries_are_signed_ordered_retried_and_never_doubled(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    // An event from before the subscription is never delivered.
    let before = app
        .conversation("Before", "before@customer.example", "Hi", None)
        .await;
    let rx = Receiver::start(2).await;
    let hook = subscribe(app, &rx.url, &["created", "status_changed"]).await;

    // A's creation: the first answer is a 500.
    let a = app
        .conversation("A", "a@customer.example", "Labdien", None)
        .await;
    let a_id = a["id"].as_i64().unwrap();
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].answered, 500);
    let first = got[0].json();
    assert_eq!(first["kind"], "created");
    assert_eq!(first["conversation_id"], a_id);
    let d1: i64 = got[0]
        .delivery
        .parse()
        .expect("Tend-Delivery is the delivery id");
    let entry = wait_log(app, hook, d1, |d| d["attempts"] == 1).await;
    assert_eq!(entry["status"], "failing", "{entry}");
    assert_eq!(entry["last_status_code"], 500, "{entry}");
    assert!(
        entry["last_error"].as_str().unwrap().contains("500"),
        "{entry}"
    );
    assert!(entry["delivered_at"].is_null(), "{entry}");

    // A's status change waits behind its creation.
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{a_id}"),
            &app.admin,
            json!({"status": "pending"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // The backoff passes: the second answer is a 500 too.
    clock.advance_ms(31_000);
    tend::webhooks::service::wake(&app.st);
    let got = rx.wait_for(2).await;
    assert_eq!(
        got[1].delivery, got[0].delivery,
        "a retry is the same delivery"
    );
    assert_eq!(got[1].body, got[0].body, "a retry posts the same body");
    wait_log(app, hook, d1, |d| d["attempts"] == 2).await;

    // Another conversation does not wait for A's.
    let b_conv = app
        .conversation("B", "b@customer.example", "Sveiki", None)
        .await;
    let b_id = b_conv["id"].as_i64().unwrap();
    let got = rx.wait_for(3).await;
    assert_eq!(got[2].answered, 200);
    assert_eq!(got[2].json()["conversation_id"], b_id);
    // B's delivery is recorded before the clock jumps: a lease still held
    // when the clock passes its end is taken again (at least once), which
    // is not what this test is about.
    let d_b: i64 = got[2].delivery.parse().expect("delivery id");
    wait_log(app, hook, d_b, |d| !d["delivered_at"].is_null()).await;
    assert!(
        !got.iter().any(|g| g.json()["kind"] == "status_changed"),
        "A's status change was posted before its creation was delivered: {got:?}"
    );

    // The next backoff (1 minute) passes: A's creation, then its status change.
    clock.advance_ms(61_000);
    tend::webhooks::service::wake(&app.st);
    let got = rx.wait_for(5).await;
    assert_eq!(got[3].delivery, got[0].delivery);
    assert_eq!(got[3].answered, 200);
    let last = got[4].json();
    assert_eq!(last["kind"], "status_changed", "{last}");
    assert_eq!(last["conversation_id"], a_id);
    assert_eq!(last["data"]["to"], "pending", "{last}");
    for g in &got {
        assert_signed(g, SECRET);
        let body = g.json();
        let keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["conversation_id", "created_at", "data", "id", "kind"],
            "{body}"
        );
        assert!(body["id"].as_i64().unwrap() > 0);
        assert!(tend::time::parse_ms(body["created_at"].as_str().unwrap()).is_some());
        assert_ne!(
            body["conversation_id"], before["id"],
            "an event from before was posted"
        );
    }
    // Message events were not asked for.
    assert!(got.iter().all(|g| g.json()["kind"] != "message_added"));

    // The log, newest first: the retries and the answers are recorded.
    let entry = wait_log(app, hook, d1, |d| d["status"] == "delivered").await;
    assert_eq!(entry["attempts"], 3, "{entry}");
    assert_eq!(entry["last_status_code"], 200, "{entry}");
    assert!(entry["last_error"].is_null(), "{entry}");
    assert!(entry["next_attempt_at"].is_null(), "{entry}");
    assert_eq!(entry["kind"], "created");
    assert_eq!(entry["conversation_id"], a_id);
    let d_status: i64 = got[4].delivery.parse().unwrap();
    wait_log(app, hook, d_status, |d| d["status"] == "delivered").await;
    let entries = log(app, hook).await;
    assert_eq!(entries.len(), 3, "{entries:?}");
    let ids: Vec<i64> = entries.iter().map(|d| d["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|x, y| y.cmp(x));
    assert_eq!(ids, sorted, "newest first");

    // Redeliver: a new attempt at once, with the same delivery id.
    let (s, b) = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{d1}/redeliver"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["id"], d1);
    let got = rx.wait_for(6).await;
    assert_eq!(got[5].delivery, d1.to_string());
    assert_eq!(got[5].answered, 200);
    wait_log(app, hook, d1, |d| {
        d["attempts"] == 4 && d["status"] == "delivered"
    })
    .await;
    let (s, _) = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/999999/redeliver"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A restart on the same database queues and posts nothing twice.
    let queued = app.rows("webhook_deliveries").await;
    app.restart().await;
    let c = app
        .conversation("C", "c@customer.example", "Hola", None)
        .await;
    let got = rx.wait_for(7).await;
    assert_eq!(got[6].json()["conversation_id"], c["id"]);
    assert_eq!(app.rows("webhook_deliveries").await, queued + 1);
    let entries = log(app, hook).await;
    assert_eq!(entries.len(), 4, "{entries:?}");
    let mut per_delivery = std::collections::HashMap::new();
    for g in rx.got().iter().filter(|g| g.answered == 200) {
        *per_delivery.entry(g.delivery.clone()).or_insert(0) += 1;
    }
    for (d, n) in per_delivery {
        let expected = if d == d1.to_string() { 2 } else { 1 };
        assert_eq!(n, expected, "delivery {d} was answered 200 {n} times");
    }

    // Removing the subscription removes its log; nothing more is posted.
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{hook}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app
        .get(&format!("/api/v1/webhooks/{hook}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.rows("webhook_deliveries").await, 0);
}

async fn subscriptions_are_checked_and_for_admins_only(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    for (body, field) in [
        (
            json!({"url": "ftp://x.example/", "events": ["created"], "secret": SECRET}),
            "url",
        ),
        (
            json!({"url": "https://x.example/", "events": [], "secret": SECRET}),
            "events",
        ),
        (
            json!({"url": "https://x.example/", "events": ["nope"], "secret": SECRET}),
            "events",
        ),
        (
            json!({"url": "https://x.example/", "events": ["created"], "secret": "short"}),
            "secret",
        ),
    ] {
        let (s, b) = app.post("/api/v1/webhooks", &app.admin, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    let (_, agent) = app.user("agent@example.com", "Agent", "agent").await;
    let (s, _) = app
        .post(
            "/api/v1/webhooks",
            &agent,
            json!({"url": "https://x.example/", "events": ["created"], "secret": SECRET}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get("/api/v1/webhooks", &agent).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let one = subscribe(app, "https://one.example/hook", &["created"]).await;
    let two = subscribe(
        app,
        "http://two.example/hook",
        &["status_changed", "assigned"],
    )
    .await;
    let (s, b) = app.get("/api/v1/webhooks?limit=1", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["items"][0]["id"], one);
    let cursor = b["next_cursor"].as_str().expect("a next page").to_string();
    let (_, b) = app
        .get(
            &format!("/api/v1/webhooks?limit=1&cursor={cursor}"),
            &app.admin,
        )
        .await;
    assert_eq!(b["items"][0]["id"], two);
    assert_eq!(
        b["items"][0]["events"],
        json!(["status_changed", "assigned"])
    );
    assert!(b["next_cursor"].is_null());
    // The secret is sealed at rest.
    let (stored,): (String,) = sqlx::query_as("SELECT secret FROM webhooks WHERE id = $1")
        .bind(one)
        .fetch_one(app.st.db.pool())
        .await
        .unwrap();
    assert!(stored.starts_with(tend::secrets::SEALED_PREFIX), "{stored}");
    assert!(!stored.contains(SECRET));
}

async fn the_admin_page_adds_lists_redelivers_and_removes(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let rx = Receiver::start(1).await;
    let mut b = admin_browser(app, "lv").await;
    let page = b.get("/admin/webhooks").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Tīmekļa āķu vēl nav."), "{}", page.body);

    // A short secret: the form comes back with the message and the URL.
    let page = b
        .post(
            "/admin/webhooks",
            &[
                ("url", rx.url.as_str()),
                ("events", "created"),
                ("secret", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&rx.url), "the URL is kept");
    let page = b
        .post(
            "/admin/webhooks",
            &[
                ("url", rx.url.as_str()),
                ("events", "created"),
                ("events", "status_changed"),
                ("secret", SECRET),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (_, list) = app.get("/api/v1/webhooks", &app.admin).await;
    let hook = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        list["items"][0]["events"],
        json!(["created", "status_changed"])
    );

    // The first delivery fails; the log shows the answer; Redeliver sends it again.
    app.conversation("Page", "page@customer.example", "Labdien", None)
        .await;
    let got = rx.wait_for(1).await;
    let d: i64 = got[0].delivery.parse().unwrap();
    wait_log(app, hook, d, |e| e["attempts"] == 1).await;
    let page = b.get(&format!("/admin/webhooks/{hook}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Neizdodas"),
        "the state in Latvian: {}",
        page.body
    );
    assert!(
        page.body.contains("<td>500</td>"),
        "the response code: {}",
        page.body
    );
    let page = b
        .post(
            &format!("/admin/webhooks/{hook}/deliveries/{d}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location,
        format!("/admin/webhooks/{hook}?redelivered={d}")
    );
    let got = rx.wait_for(2).await;
    assert_eq!(got[1].answered, 200);
    wait_log(app, hook, d, |e| e["status"] == "delivered").await;
    let page = b
        .get(&format!("/admin/webhooks/{hook}?redelivered={d}"))
        .await;
    assert!(page.body.contains("Piegādāts"), "{}", page.body);
    assert!(page.body.contains("<td>200</td>"), "{}", page.body);

    // Without the CSRF token nothing happens.
    let page = b
        .post_raw(&format!("/admin/webhooks/{hook}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = b.post(&format!("/admin/webhooks/{hook}/delete"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let (_, list) = app.get("/api/v1/webhooks", &app.admin).await;
    assert_eq!(list["items"], json!([]));
}

/// `webhooks::service::enqueue_in`, as an automation's webhook action
/// calls it inside a conversation's transaction: no subscription, signed
/// only with a secret, in order and retried like the others.
async fn an_automation_posts_without_a_subscription(app: &mut TestApp, clock: &Arc<ManualClock>) {
    // An automation rule's webhook action: no subscription, the secret
    // given with the rule (stored sealed), the event that fired it posted.
    let rx = Receiver::start(1).await;
    let (s, rule) = app
        .post(
            "/api/v1/automations",
            &app.admin,
            json!({"name": "Tell the CRM", "active": true, "position": 1,
                   "when": {"event": "message_added"},
                   "conditions": {"all": [{"field": "message.from", "op": "is", "value": "customer"}]},
                   "actions": [{"type": "webhook", "url": rx.url, "secret": SECRET}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rule}");
    let stored = rule["actions"][0]["secret"].as_str().unwrap();
    assert_ne!(stored, SECRET, "the secret is kept sealed");
    assert!(tend::secrets::is_sealed(stored));
    let conv = app
        .conversation("Auto", "auto@customer.example", "Labdien", None)
        .await;
    let conv_id = conv["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv_id}/messages"),
            &app.admin,
            json!({"text": "Vēl viens jautājums", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let added: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM events WHERE conversation_id = $1 AND kind = 'message_added' ORDER BY id",
    )
    .bind(conv_id)
    .fetch_all(app.st.db.pool())
    .await
    .unwrap();
    assert_eq!(added.len(), 2);
    // The first fails (500); the second waits behind it.
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].answered, 500);
    assert_eq!(got[0].json()["id"], added[0].0);
    assert_eq!(got[0].json()["kind"], "message_added");
    assert_eq!(got[0].json()["conversation_id"], conv_id);
    assert_signed(&got[0], SECRET);
    // The failure is recorded (its backoff set) before the clock moves on.
    let d1: i64 = got[0].delivery.parse().expect("delivery id");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (attempts,): (i64,) =
            sqlx::query_as("SELECT attempts FROM webhook_deliveries WHERE id = $1")
                .bind(d1)
                .fetch_one(app.st.db.pool())
                .await
                .unwrap();
        if attempts == 1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the failure was not recorded"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    clock.advance_ms(31_000);
    tend::webhooks::service::wake(&app.st);
    let got = rx.wait_for(3).await;
    assert_eq!(got[1].delivery, got[0].delivery);
    assert_eq!(got[1].answered, 200);
    assert_eq!(got[2].json()["id"], added[1].0, "in order");
    assert_signed(&got[2], SECRET);
    assert_eq!(got[2].answered, 200);
    // Saving the rule read back keeps the secret as it was.
    let mut input = rule.clone();
    for k in ["id", "created_at", "updated_at"] {
        input.as_object_mut().unwrap().remove(k);
    }
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/automations/{}", rule["id"]),
            &app.admin,
            Some(input),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["actions"][0]["secret"], stored);
}
