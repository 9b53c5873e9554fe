//! Remedies within limits (issue 23): an agent's remedy is granted at once
//! within their limits per case and per month, and waits for a
//! supervisor's approval above them; racing remedies never go over a
//! monthly limit; every grant, request and decision is a line of an
//! append-only ledger, whose CSV says what its JSON says; the report sums
//! what was given. SQLite and PostgreSQL.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use std::sync::Arc;
use std::time::Duration;

use tend::time::ManualClock;

use crate::support::TestApp;
use crate::webhooks::{Receiver, SECRET, assert_signed};

crate::on_both_backends!(
    limits_per_case_and_per_month,
    racing_remedies_never_pass_the_monthly_limit,
    approval_flow_and_the_ledger,
    the_ledger_is_append_only,
    report_sums_what_was_given,
    a_reply_states_the_remedy_given
);
crate::on_both_with_clock!(a_granted_refund_is_posted_to_its_kinds_webhook);

/// An agent who works one inbox; a conversation there. Answers
/// (agent id, agent token, conversation id).
async fn desk(app: &TestApp, who: &str) -> (i64, String, i64) {
    let inbox = app
        .inbox("email", Some(&format!("help-{who}@desk.example")))
        .await;
    let (agent, token) = app.user(&format!("{who}@desk.example"), who, "agent").await;
    app.team(&format!("Team {who}"), &[agent], &[inbox]).await;
    let c = app
        .conversation(
            "Charged twice",
            &format!("customer-{who}@example.com"),
            "Please refund the second charge.",
            Some(inbox),
        )
        .await;
    (agent, token, c["id"].as_i64().unwrap())
}

async fn put_limit(app: &TestApp, body: Value) {
    let (s, b) = app
        .call(Method::PUT, "/api/v1/authority", &app.admin, Some(body))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn remedy(app: &TestApp, token: &str, conv: i64, amount: i64) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/conversations/{conv}/remedies"),
        token,
        json!({"kind": "refund", "amount": amount, "currency": "EUR", "note": "Refund of the second charge"}),
    )
    .await
}

async fn limits_per_case_and_per_month(app: &TestApp) {
    let (agent, token, conv) = desk(app, "ana").await;
    // Without a limit, everything asks.
    let (s, b) = remedy(app, &token, conv, 100).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["state"], "awaiting_approval");
    assert_eq!(b["basis"]["subject"], "none");

    put_limit(
        app,
        json!({"role": "agent", "kind": "refund", "currency": "EUR", "limit_per_case": 5000, "limit_per_month": 12000}),
    )
    .await;
    let (s, b) = remedy(app, &token, conv, 5000).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["state"], "granted");
    assert_eq!(b["basis"]["subject"], "role:agent");
    // Over the limit per case.
    let (s, b) = remedy(app, &token, conv, 5001).await;
    assert_eq!(
        (s, b["state"].as_str()),
        (StatusCode::ACCEPTED, Some("awaiting_approval"))
    );
    let (s, _) = remedy(app, &token, conv, 5000).await;
    assert_eq!(s, StatusCode::CREATED);
    // 10,000 used: 3,000 more would pass 12,000; 2,000 fits exactly.
    let (s, b) = remedy(app, &token, conv, 3000).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["basis"]["used_this_month"], 10000);
    let (s, b) = remedy(app, &token, conv, 2000).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // Another currency is another limit (none set: it asks).
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/remedies"),
            &token,
            json!({"kind": "refund", "amount": 1, "currency": "JPY", "note": "Refund"}),
        )
        .await;
    assert_eq!(
        (s, b["state"].as_str()),
        (StatusCode::ACCEPTED, Some("awaiting_approval"))
    );

    // The agent's own limit binds before their role's; a team's before the role's.
    put_limit(
        app,
        json!({"user_id": agent, "kind": "refund", "currency": "EUR", "limit_per_case": 100, "limit_per_month": 100000}),
    )
    .await;
    let (s, b) = remedy(app, &token, conv, 200).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["basis"]["subject"], format!("user:{agent}"));
    let (_, other, conv2) = desk(app, "bo").await;
    let (s, teams) = app.get("/api/v1/teams", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    let team_bo = teams["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Team bo")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    put_limit(
        app,
        json!({"team_id": team_bo, "kind": "refund", "currency": "EUR", "limit_per_case": 9000, "limit_per_month": 90000}),
    )
    .await;
    let (s, b) = remedy(app, &other, conv2, 8000).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["basis"]["subject"], format!("team:{team_bo}"));

    // Bad input gets a reason.
    for (body, field) in [
        (
            json!({"kind": "refund", "amount": 0, "currency": "EUR", "note": "x"}),
            "amount",
        ),
        (
            json!({"kind": "refund", "amount": 10, "currency": "eur", "note": "x"}),
            "currency",
        ),
        (
            json!({"kind": "pony", "amount": 10, "currency": "EUR", "note": "x"}),
            "kind",
        ),
        (
            json!({"kind": "refund", "amount": 10, "currency": "EUR", "note": " "}),
            "note",
        ),
    ] {
        let (s, b) = app
            .post(
                &format!("/api/v1/conversations/{conv}/remedies"),
                &token,
                body,
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    // Only admins set limits; an agent cannot see a conversation outside their inboxes.
    let (s, _) = app
        .call(
            Method::PUT,
            "/api/v1/authority",
            &token,
            Some(json!({"role": "agent", "kind": "refund", "currency": "EUR", "limit_per_case": 1, "limit_per_month": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = remedy(app, &token, conv2, 10).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn racing_remedies_never_pass_the_monthly_limit(app: &TestApp) {
    let (_, token, conv) = desk(app, "race").await;
    put_limit(
        app,
        json!({"role": "agent", "kind": "refund", "currency": "EUR", "limit_per_case": 1000, "limit_per_month": 10000}),
    )
    .await;
    let answers =
        futures_util::future::join_all((0..30).map(|_| remedy(app, &token, conv, 1000))).await;
    let granted = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::CREATED && b["state"] == "granted")
        .count();
    let waiting = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::ACCEPTED && b["state"] == "awaiting_approval")
        .count();
    assert_eq!((granted, waiting), (10, 20), "{answers:?}");
    let (s, list) = app
        .get(&format!("/api/v1/conversations/{conv}/remedies"), &token)
        .await;
    assert_eq!(s, StatusCode::OK);
    let sum: i64 = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] == "granted")
        .map(|r| r["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, 10000);
}

async fn approval_flow_and_the_ledger(app: &TestApp) {
    let (_, token, conv) = desk(app, "cai").await;
    let (_, sup) = app.user("sup@desk.example", "Sup", "supervisor").await;
    put_limit(
        app,
        json!({"role": "agent", "kind": "credit", "currency": "EUR", "limit_per_case": 1000, "limit_per_month": 5000}),
    )
    .await;
    let path = format!("/api/v1/conversations/{conv}/remedies");
    let ask = |amount: i64| {
        app.post(
            &path,
            &token,
            json!({"kind": "credit", "amount": amount, "currency": "EUR", "note": "A credit for the wait"}),
        )
    };
    let (s, big) = ask(4000).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{big}");
    let (s, other) = ask(2500).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{other}");
    let id = big["id"].as_i64().unwrap();
    // The agent cannot approve; the supervisor can, once.
    let (s, _) = app
        .post(&format!("/api/v1/remedies/{id}/approve"), &token, json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .post(
            &format!("/api/v1/remedies/{id}/approve"),
            &sup,
            json!({"note": "Fine, they waited a week"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["state"], "approved");
    assert_eq!(b["decision_note"], "Fine, they waited a week");
    let (s, b) = app
        .post(&format!("/api/v1/remedies/{id}/decline"), &sup, json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let oid = other["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/remedies/{oid}/decline"),
            &sup,
            json!({"note": "Too much"}),
        )
        .await;
    assert_eq!((s, b["state"].as_str()), (StatusCode::OK, Some("declined")));

    // The timeline shows each step.
    let (s, events) = app
        .get(&format!("/api/v1/conversations/{conv}/events"), &token)
        .await;
    assert_eq!(s, StatusCode::OK, "{events}");
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .or_else(|| events.as_array())
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("remedy_"))
        .collect();
    assert_eq!(
        kinds,
        [
            "remedy_recorded",
            "remedy_recorded",
            "remedy_decided",
            "remedy_decided"
        ]
    );

    // The agent sees their own remedies, not the whole ledger.
    let (s, mine) = app.get("/api/v1/remedies", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let (s, _) = app.get("/api/v1/remedies/ledger", &token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The ledger: requested, requested, approved, declined, in order; the
    // CSV has the same lines and values.
    let (s, ledger) = app.get("/api/v1/remedies/ledger", &sup).await;
    assert_eq!(s, StatusCode::OK);
    let lines = ledger.as_array().unwrap();
    let entries: Vec<&str> = lines.iter().map(|l| l["entry"].as_str().unwrap()).collect();
    assert_eq!(entries, ["requested", "requested", "approved", "declined"]);
    assert_eq!(lines[2]["note"], "Fine, they waited a week");
    assert_eq!(lines[2]["basis"]["limit_per_case"], 1000);
    let (s, csv) = app.get("/api/v1/remedies/ledger?format=csv", &sup).await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.as_str().unwrap();
    let rows: Vec<Vec<String>> = csv.lines().skip(1).map(csv_fields).collect();
    assert_eq!(rows.len(), lines.len());
    for (row, line) in rows.iter().zip(lines) {
        assert_eq!(row[0], line["id"].to_string());
        assert_eq!(row[1], line["remedy_id"].to_string());
        assert_eq!(row[2], line["entry"].as_str().unwrap());
        assert_eq!(row[7], line["kind"].as_str().unwrap());
        assert_eq!(row[9], line["amount"].to_string());
        assert_eq!(row[14], line["note"].as_str().unwrap());
        assert_eq!(row[15], line["at"].as_str().unwrap());
    }
}

async fn the_ledger_is_append_only(app: &TestApp) {
    let (_, token, conv) = desk(app, "dag").await;
    let (s, _) = remedy(app, &token, conv, 500).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let before = app.rows("remedy_ledger").await;
    assert_eq!(before, 1);
    let pool = app.st.db.pool();
    let update = sqlx::query("UPDATE remedy_ledger SET amount = 0")
        .execute(pool)
        .await;
    let err = update.expect_err("the ledger refuses a change").to_string();
    assert!(err.contains("append-only"), "{err}");
    let delete = sqlx::query("DELETE FROM remedy_ledger").execute(pool).await;
    assert!(delete.is_err(), "the ledger refuses a removal");
    assert_eq!(app.rows("remedy_ledger").await, before);
    let (amount,): (i64,) = sqlx::query_as("SELECT amount FROM remedy_ledger")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(amount, 500);
}

async fn report_sums_what_was_given(app: &TestApp) {
    let (agent, token, conv) = desk(app, "eve").await;
    let (_, sup) = app.user("sup2@desk.example", "Sup", "supervisor").await;
    put_limit(
        app,
        json!({"role": "agent", "kind": "refund", "currency": "EUR", "limit_per_case": 1000, "limit_per_month": 100000}),
    )
    .await;
    for amount in [300, 700] {
        assert_eq!(
            remedy(app, &token, conv, amount).await.0,
            StatusCode::CREATED
        );
    }
    let (_, big) = remedy(app, &token, conv, 5000).await;
    let (_, no) = remedy(app, &token, conv, 9000).await;
    let (_, waiting) = remedy(app, &token, conv, 2000).await;
    assert_eq!(waiting["state"], "awaiting_approval");
    app.post(
        &format!("/api/v1/remedies/{}/approve", big["id"]),
        &sup,
        json!({}),
    )
    .await;
    app.post(
        &format!("/api/v1/remedies/{}/decline", no["id"]),
        &sup,
        json!({}),
    )
    .await;
    // The agent owns the conversation, answers and solves it; the customer
    // writes again (a reopen): beside what was given, the report shows
    // the agent's reopen rate (1 reopen in 1 conversation) and their CSAT
    // (none: no survey answered), the reports' own figures.
    let conv_path = format!("/api/v1/conversations/{conv}");
    let (s, b) = app
        .call(
            Method::PATCH,
            &conv_path,
            &app.admin,
            Some(json!({"assignee_id": agent})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    crate::reports::message(app, &token, conv, json!({"text": "Refunded"})).await;
    let (s, b) = app
        .call(
            Method::PATCH,
            &conv_path,
            &token,
            Some(json!({"status": "solved"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    crate::reports::message(
        app,
        &app.admin,
        conv,
        json!({"text": "Not yet", "direction": "in"}),
    )
    .await;
    tend::reports::projection::catch_up(&app.st).await.unwrap();
    let (s, r) = app
        .get("/api/v1/remedies/report?group_by=agent", &sup)
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        r,
        json!([{"group": agent.to_string(), "currency": "EUR", "count": 3, "total": 6000,
                "granted": 1000, "approved": 5000, "declined": 1, "waiting": 1,
                "csat": null, "reopen_rate": 1.0}])
    );
    let (s, csv) = app
        .get("/api/v1/remedies/report?group_by=agent&format=csv", &sup)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        csv.as_str().unwrap(),
        format!(
            "group,currency,count,total,granted,approved,declined,waiting,csat,reopen_rate\n\
             {agent},EUR,3,6000,1000,5000,1,1,,1.0\n"
        )
    );
    let (_, by_kind) = app.get("/api/v1/remedies/report?group_by=kind", &sup).await;
    assert_eq!(by_kind[0]["group"], "refund");
    assert_eq!(by_kind[0]["total"], 6000);
    let (s, csv) = app
        .get("/api/v1/remedies/report?group_by=kind&format=csv", &sup)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        csv.as_str().unwrap(),
        "group,currency,count,total,granted,approved,declined,waiting,csat,reopen_rate\n\
         refund,EUR,3,6000,1000,5000,1,1,,\n"
    );
    let (s, b) = app
        .get("/api/v1/remedies/report?group_by=planet", &sup)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, _) = app.get("/api/v1/remedies/report", &token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// Waits (at most 15 s) until remedy `id`'s webhook delivery satisfies `ok`.
async fn wait_webhook(
    app: &TestApp,
    token: &str,
    conv: i64,
    id: i64,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (_, list) = app
            .get(&format!("/api/v1/conversations/{conv}/remedies"), token)
            .await;
        let r = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap();
        if ok(&r["webhook"]) {
            return r;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "remedy {id}'s webhook never got there: {r}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_granted_refund_is_posted_to_its_kinds_webhook(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let rx = Receiver::start(1).await;
    let (s, kinds) = app.get("/api/v1/remedy-kinds", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    let refund = kinds
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "refund")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, k) = app
        .call(
            Method::PUT,
            &format!("/api/v1/remedy-kinds/{refund}"),
            &app.admin,
            Some(json!({"key": "refund", "name": "Refund", "webhook_url": rx.url, "webhook_secret": SECRET})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{k}");
    assert_eq!(k["webhook_url"], rx.url.as_str());
    assert!(
        k.get("webhook_secret").is_none(),
        "the secret is never shown: {k}"
    );
    let (_, token, conv) = desk(app, "fay").await;
    put_limit(
        app,
        json!({"role": "agent", "kind": "refund", "currency": "EUR", "limit_per_case": 1000, "limit_per_month": 10000}),
    )
    .await;
    // Waiting for approval: nothing is posted.
    let (s, asked) = remedy(app, &token, conv, 5000).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert!(asked["webhook"].is_null(), "{asked}");
    // Granted: posted, signed; the first answer fails and it is retried.
    let (s, granted) = remedy(app, &token, conv, 700).await;
    assert_eq!(s, StatusCode::CREATED, "{granted}");
    let id = granted["id"].as_i64().unwrap();
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].answered, 500);
    assert_signed(&got[0], SECRET);
    let body = got[0].json();
    assert_eq!(body["kind"], "remedy_recorded");
    assert_eq!(body["conversation_id"], conv);
    assert_eq!(body["data"]["remedy_id"], id);
    assert_eq!(body["data"]["amount"], 700);
    assert_eq!(body["data"]["currency"], "EUR");
    assert_eq!(body["data"]["state"], "granted");
    let failing = wait_webhook(app, &token, conv, id, |w| w["attempts"] == 1).await;
    assert_eq!(failing["webhook"]["last_status_code"], 500, "{failing}");
    assert_eq!(failing["webhook"]["status"], "failing", "{failing}");
    clock.advance_ms(31_000);
    tend::webhooks::service::wake(&app.st);
    let got = rx.wait_for(2).await;
    assert_eq!(got[1].delivery, got[0].delivery, "the same delivery again");
    assert_eq!(got[1].answered, 200);
    let done = wait_webhook(app, &token, conv, id, |w| w["status"] == "delivered").await;
    assert_eq!(done["webhook"]["attempts"], 2, "{done}");
    // Approved above the limits: posted too.
    let (_, sup) = app.user("sup3@desk.example", "Sup", "supervisor").await;
    let (s, b) = app
        .post(
            &format!("/api/v1/remedies/{}/approve", asked["id"]),
            &sup,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let got = rx.wait_for(3).await;
    assert_eq!(got[2].json()["kind"], "remedy_decided");
    assert_eq!(got[2].json()["data"]["state"], "approved");
    assert_signed(&got[2], SECRET);

    // The approval's own service level: due `remedy_approval_minutes`
    // (30) after it was asked for, overdue after that.
    let (s, late) = remedy(app, &token, conv, 4000).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{late}");
    let asked_at: jiff::Timestamp = late["created_at"].as_str().unwrap().parse().unwrap();
    let due: jiff::Timestamp = late["approval_due"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due.as_millisecond() - asked_at.as_millisecond(),
        30 * 60_000
    );
    assert_eq!(late["overdue"], false);
    clock.advance_ms(30 * 60_000 + 1);
    let (_, list) = app
        .get(&format!("/api/v1/conversations/{conv}/remedies"), &token)
        .await;
    let now = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == late["id"])
        .unwrap();
    assert_eq!(now["overdue"], true, "{now}");
    let decided = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == asked["id"])
        .unwrap();
    assert!(
        decided["approval_due"].is_null(),
        "a decided remedy is due nothing: {decided}"
    );
}

/// The fields of one CSV line (quoted fields may hold commas and doubled
/// quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (ch, _) => out.last_mut().unwrap().push(ch),
        }
    }
    out
}

/// A macro's `{{ remedy.* }}` states the conversation's latest remedy
/// given, in the conversation's language; one that waits for approval is
/// not promised until it is approved.
async fn a_reply_states_the_remedy_given(app: &TestApp) {
    let inbox = app.inbox("email", Some("help-ja@desk.example")).await;
    let (agent, token) = app.user("yui@desk.example", "Yui", "agent").await;
    app.team("Team ja", &[agent], &[inbox]).await;
    let (_, sup) = app.user("sup-ja@desk.example", "Sup", "supervisor").await;
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "二重請求", "inbox_id": inbox, "language": "ja",
                   "customer": {"email": "tanaka@example.jp", "name": "田中"},
                   "message": {"text": "二重に請求されました。"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let conv = c["id"].as_i64().unwrap();
    put_limit(
        app,
        json!({"role": "agent", "kind": "refund", "currency": "EUR", "limit_per_case": 5000, "limit_per_month": 12000}),
    )
    .await;
    let (s, m) = app
        .post(
            "/api/v1/macros",
            &token,
            json!({"name": "返金のご連絡", "scope": "personal",
                   "text": "{{ remedy.kind }}: {{ remedy.amount | default(\"-\") }} / {{ remedy.note }}"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let preview = || async {
        let (s, p) = app
            .post(
                &format!("/api/v1/conversations/{conv}/macros/{}", m["id"]),
                &token,
                json!({"preview": true}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        p["text"].as_str().unwrap().to_string()
    };
    assert_eq!(preview().await, ": - / ", "nothing given yet");

    let path = format!("/api/v1/conversations/{conv}/remedies");
    let ask = |amount: i64, note: &'static str| {
        app.post(
            &path,
            &token,
            json!({"kind": "refund", "amount": amount, "currency": "EUR", "note": note}),
        )
    };
    let (s, b) = ask(1250, "二重請求分").await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(preview().await, "返金: 12.50 EUR / 二重請求分");
    // Above the limit per case: asked for, not promised.
    let (s, big) = ask(8000, "お詫びを含む").await;
    assert_eq!(s, StatusCode::ACCEPTED, "{big}");
    assert_eq!(preview().await, "返金: 12.50 EUR / 二重請求分");
    let (s, b) = app
        .post(
            &format!("/api/v1/remedies/{}/approve", big["id"]),
            &sup,
            json!({"note": "OK"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(preview().await, "返金: 80.00 EUR / お詫びを含む");
}
