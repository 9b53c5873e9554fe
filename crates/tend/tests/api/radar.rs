//! Customer health and the radar: scores from conversations built event
//! by event with a test clock, the radar's order, reasons, paging and
//! filters, proactive outreach and its outcome. Instead of waiting for the
//! background tasks, a test runs the health follower to the log's end
//! (`health::follower::catch_up`) and the daily scoring
//! (`health::service::rescore`) itself.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::surveys::{
    DAY, confirm, conversation_from, desk, links, pass, reply_and_solve, survey_mails,
};

on_both_with_clock!(
    settings = super::settings;
    a_breach_an_unhappy_answer_and_silence_put_a_customer_on_top,
    the_radar_pages_by_cursor_and_filters,
    outreach_starts_an_owned_conversation_and_its_outcome_is_tracked,
);

const MIN: i64 = 60_000;

fn settings(test: &str) -> Vec<(&'static str, String)> {
    match test {
        // One signal (85 points) is enough to be on this radar.
        "the_radar_pages_by_cursor_and_filters"
        | "outreach_starts_an_owned_conversation_and_its_outcome_is_tracked" => {
            vec![("TEND_HEALTH_AT_RISK_BELOW", "90".into())]
        }
        _ => vec![],
    }
}

/// Everything that happened is scored: the follower to the log's end,
/// then the daily scoring.
async fn scored(app: &TestApp) {
    tend::health::follower::catch_up(&app.st).await.unwrap();
    tend::health::service::rescore(&app.st).await.unwrap();
}

async fn radar(app: &TestApp, token: &str, query: &str) -> Value {
    let (s, b) = app.get(&format!("/api/v1/radar?{query}"), token).await;
    assert_eq!(s, StatusCode::OK, "{query}: {b}");
    b
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["customer_id"].as_i64().unwrap())
        .collect()
}

fn kinds(item: &Value) -> Vec<String> {
    item["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn customer_of(app: &TestApp, conversation: i64) -> i64 {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{conversation}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["customer"]["id"].as_i64().expect("the customer's id")
}

/// A policy that breaches a first response after an hour.
async fn policy(app: &TestApp) {
    let (s, b) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "Mail", "position": 1, "business_hours": false,
                   "targets": {"first_response": 60}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// The survey of a solved conversation, answered with `rating`.
async fn rate(app: &TestApp, id: i64, rating: &str) {
    pass(app).await;
    let mails = survey_mails(app, id).await;
    let l = links(app, mails.last().expect("a survey mail"));
    let (s, page) = confirm(app, &l[rating]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
}

async fn a_breach_an_unhappy_answer_and_silence_put_a_customer_on_top(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    // A digest of nobody goes out as none (the server's task may have
    // done this already): the next is due in a week.
    assert_eq!(tend::health::digest::weekly(&app.st).await.unwrap(), 0);
    policy(app).await;
    let (inbox, aiko, aiko_tok) = desk(app).await;
    // Mara waits past her first-response target, says she is unhappy,
    // then writes no more.
    let mara_conv = conversation_from(app, inbox, "mara@example.com", "m1", aiko).await;
    let mara = customer_of(app, mara_conv).await;
    // Jonas has the same trouble but keeps writing.
    let jonas_conv = conversation_from(app, inbox, "jonas@example.com", "j1", aiko).await;
    let jonas = customer_of(app, jonas_conv).await;
    clock.advance_ms(61 * MIN);
    tend::sla::timer::run_once(&app.st).await.unwrap();
    reply_and_solve(app, &aiko_tok, mara_conv, "Sorry for the wait.").await;
    reply_and_solve(app, &aiko_tok, jonas_conv, "Sorry for the wait.").await;
    rate(app, mara_conv, "1").await;
    rate(app, jonas_conv, "1").await;
    // Olga is fine: answered within minutes.
    let olga_conv = conversation_from(app, inbox, "olga@example.com", "o1", aiko).await;
    let olga = customer_of(app, olga_conv).await;
    clock.advance_ms(5 * MIN);
    reply_and_solve(app, &aiko_tok, olga_conv, "Done.").await;
    scored(app).await;

    // Before the silence: on the radar for the breach and the answer.
    let page = radar(app, &app.admin, "").await;
    assert!(ids(&page).contains(&mara), "{page}");
    assert!(!ids(&page).contains(&olga), "{page}");
    let first = &page["items"][0];
    assert!(!kinds(first).contains(&"went_quiet".to_string()), "{page}");

    // A month later: Jonas wrote again (about something else), Mara did not.
    clock.advance_ms(28 * DAY);
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{jonas_conv}/messages"),
            &app.admin,
            json!({"text": "One more question", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    clock.advance_ms(3 * DAY);
    scored(app).await;

    let page = radar(app, &app.admin, "").await;
    let top = &page["items"][0];
    assert_eq!(top["customer_id"], mara, "{page}");
    let reasons = kinds(top);
    for r in ["sla_breaches", "unhappy_answer", "went_quiet"] {
        assert!(reasons.contains(&r.to_string()), "{r}: {page}");
    }
    // The score is 100 minus the weights shown, each with its reason.
    let taken: i64 = top["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["weight"].as_i64().unwrap())
        .sum();
    assert_eq!(top["score"].as_i64().unwrap(), (100 - taken).max(0));
    let weight = |kind: &str| {
        top["signals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == kind)
            .map(|s| s["weight"].as_i64().unwrap())
    };
    assert_eq!(weight("sla_breaches"), Some(20));
    assert_eq!(weight("unhappy_answer"), Some(25));
    assert_eq!(weight("went_quiet"), Some(25));
    // Jonas is on it too, lower down, without going quiet.
    let at = ids(&page).iter().position(|&i| i == jonas).expect("Jonas");
    assert!(at > 0);
    assert!(!kinds(&page["items"][at]).contains(&"went_quiet".to_string()));

    // Mara's profile shows the same health.
    let (s, cu) = app
        .get(&format!("/api/v1/customers/{mara}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{cu}");
    assert_eq!(cu["health"]["score"], top["score"]);
    assert_eq!(cu["health"]["signals"], top["signals"]);
    let (s, cu) = app
        .get(&format!("/api/v1/customers/{olga}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{cu}");
    assert_eq!(cu["health"]["score"], 100, "{cu}");

    // Agents do not see the radar.
    let (s, b) = app.get("/api/v1/radar", &aiko_tok).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");

    // The weekly digest goes to the admin (the one supervisor), once.
    let digests = || async {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'digest'")
            .fetch_one(app.st.db.pool())
            .await
            .unwrap();
        n
    };
    assert_eq!(tend::health::digest::weekly(&app.st).await.unwrap(), 1);
    assert_eq!(tend::health::digest::weekly(&app.st).await.unwrap(), 0);
    assert_eq!(digests().await, 1);

    // The daily scoring runs once a day, on one node of two.
    use tend::health::service::daily;
    let (other, _dir) = app.another_node().await;
    assert!(daily(&app.st).await.unwrap(), "a month after the last");
    assert!(!daily(&app.st).await.unwrap());
    assert!(!daily(&other).await.unwrap());
    clock.advance_ms(DAY);
    let (a, b) = tokio::join!(daily(&app.st), daily(&other));
    assert_eq!(u8::from(a.unwrap()) + u8::from(b.unwrap()), 1);
}

async fn the_radar_pages_by_cursor_and_filters(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let other = app.inbox("api", None).await;
    let mut customers = Vec::new();
    for i in 0..5 {
        let inbox = (i == 2).then_some(other);
        let email = format!("c{i}@example.com");
        let c = app
            .conversation("Login broken", &email, "This is terrible", inbox)
            .await;
        if i < 2 {
            // The same issue again: a repeat contact.
            app.conversation("Login still broken", &email, "Hello", None)
                .await;
        }
        customers.push(c["customer"]["id"].as_i64().unwrap());
    }
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{}", customers[4]),
            &app.admin,
            json!({"language": "ja"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    scored(app).await;

    let mut seen = Vec::new();
    let mut scores = Vec::new();
    let mut query = "limit=2".to_string();
    let mut pages = 0;
    loop {
        let page = radar(app, &app.admin, &query).await;
        pages += 1;
        for i in page["items"].as_array().unwrap() {
            seen.push(i["customer_id"].as_i64().unwrap());
            scores.push(i["score"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    // Lowest score first (two signals: 70), then by customer.
    assert_eq!(seen, customers, "{scores:?}");
    assert_eq!(scores, [70, 70, 85, 85, 85]);

    let page = radar(app, &app.admin, &format!("inbox_id={other}")).await;
    assert_eq!(ids(&page), [customers[2]]);
    let page = radar(app, &app.admin, "language=ja").await;
    assert_eq!(ids(&page), [customers[4]]);
    let (s, b) = app.get("/api/v1/radar?cursor=nonsense", &app.admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
}

async fn outreach_starts_an_owned_conversation_and_its_outcome_is_tracked(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let (inbox, aiko, aiko_tok) = desk(app).await;
    let (outsider, _) = app.user("otto@example.com", "Otto", "agent").await;
    let yuki = app
        .conversation("Broken again", "yuki@example.jp", "最悪です", Some(inbox))
        .await["customer"]["id"]
        .as_i64()
        .unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{yuki}"),
            &app.admin,
            json!({"name": "山田 由紀", "language": "ja"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let ben = app
        .conversation(
            "Terrible",
            "ben@example.com",
            "Terrible service",
            Some(inbox),
        )
        .await["customer"]["id"]
        .as_i64()
        .unwrap();
    scored(app).await;
    assert_eq!(ids(&radar(app, &app.admin, "").await).len(), 2);

    let body = json!({
        "assignee_id": aiko,
        "subject": {"text": "How are things?", "translations": {"ja": "その後いかがですか"}},
        "message": {
            "text": "Hello {{ customer.first_name | default(\"there\") }}, this is {{ agent.name }}.",
            "translations": {"ja": "{{ customer.name }}様、{{ agent.name }}です。"}
        }
    });
    // Agents may not; an owner who may not work the inbox is refused
    // before anything is written.
    let (s, b) = app
        .post(
            &format!("/api/v1/radar/{yuki}/outreach"),
            &aiko_tok,
            body.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let mut bad = body.clone();
    bad["assignee_id"] = json!(outsider);
    let (s, b) = app
        .post(&format!("/api/v1/radar/{yuki}/outreach"), &app.admin, bad)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(app.rows("outreaches").await, 0);

    let (s, o) = app
        .post(
            &format!("/api/v1/radar/{yuki}/outreach"),
            &app.admin,
            body.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    assert_eq!(o["outcome"], "pending");
    let id = o["conversation_id"].as_i64().unwrap();
    let (s, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{conv}");
    assert_eq!(conv["assignee_id"], aiko, "{conv}");
    assert_eq!(conv["tags"], json!(["outreach"]));
    assert_eq!(conv["language"], "ja");
    assert_eq!(conv["subject"], "その後いかがですか");
    assert_eq!(conv["status"], "pending");
    assert_eq!(conv["customer"]["id"], yuki);
    let (s, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{msgs}");
    let first = &msgs["items"][0];
    assert_eq!(first["text"], "山田 由紀様、Aiko Tanakaです。", "{msgs}");
    assert_eq!(first["direction"], "out");

    // Yuki answers: the outreach is answered.
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "ありがとうございます", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    scored(app).await;
    let (s, list) = app
        .get(&format!("/api/v1/radar/{yuki}/outreach"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["outcome"], "answered", "{list}");

    // Ben gets a macro's text; he never answers: after 14 days, he left.
    let (s, m) = app
        .post(
            "/api/v1/macros",
            &app.admin,
            json!({"name": "Win back", "scope": "global",
                   "text": "Dear {{ customer.name | default(\"customer\") }}, may we call you?",
                   "translations": {"ja": "お電話してもよろしいですか。"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let mut by_macro = body.clone();
    by_macro["message"] = Value::Null;
    by_macro["macro_id"] = m["id"].clone();
    let (s, b) = app
        .post(&format!("/api/v1/radar/{ben}/outreach"), &app.admin, {
            let mut both = by_macro.clone();
            both["message"] = body["message"].clone();
            both
        })
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one of message and macro_id: {b}"
    );
    let (s, o) = app
        .post(
            &format!("/api/v1/radar/{ben}/outreach"),
            &app.admin,
            by_macro,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let (_, msgs) = app
        .get(
            &format!("/api/v1/conversations/{}/messages", o["conversation_id"]),
            &app.admin,
        )
        .await;
    assert_eq!(
        msgs["items"][0]["text"], "Dear customer, may we call you?",
        "{msgs}"
    );
    scored(app).await;
    let summary = &radar(app, &app.admin, "").await["outreach"];
    assert_eq!(
        (
            summary["total"].clone(),
            summary["answered"].clone(),
            summary["pending"].clone()
        ),
        (json!(2), json!(1), json!(1))
    );
    clock.advance_ms(14 * DAY);
    scored(app).await;
    let summary = &radar(app, &app.admin, "").await["outreach"];
    assert_eq!(
        (
            summary["total"].clone(),
            summary["answered"].clone(),
            summary["left"].clone()
        ),
        (json!(2), json!(1), json!(1)),
        "{summary}"
    );
}
