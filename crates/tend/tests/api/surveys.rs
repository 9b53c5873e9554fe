//! Closing the loop: surveys on solve, signed one-click links, closing
//! rules on an injected clock, unhappy answers, limits, stories, reports and
//! editable templates. Every scenario runs on SQLite and PostgreSQL with a
//! `ManualClock`; instead of sleeping, a test moves the clock and runs one
//! pass of the survey job (`tend::surveys::jobs::run_once`), which the
//! server also runs on its own.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::support::TestApp;

/// Wednesday 2026-11-25 09:00 UTC.
pub(crate) const START: i64 = 1_795_597_200_000;
pub(crate) const DAY: i64 = 86_400_000;

macro_rules! on_both_with_clock {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            use super::*;
            use crate::support::Backend;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let clock = ManualClock::new(START);
                let app = TestApp::start_with_clock(Backend::Sqlite, &settings(stringify!($name)), clock.clone())
                    .await
                    .expect("sqlite always available");
                super::$name(&app, &clock).await;
                app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let clock = ManualClock::new(START);
                if let Some(app) = TestApp::start_with_clock(Backend::Postgres, &settings(stringify!($name)), clock.clone()).await {
                    super::$name(&app, &clock).await;
                    app.finish().await;
                }
            }
        }
    )* };
}
pub(crate) use on_both_with_clock;

on_both_with_clock!(
    the_loop_closes_only_when_the_customer_confirms,
    forged_and_tampered_links_are_rejected_and_replays_change_nothing,
    the_quiet_period_closes_when_the_clock_moves,
);

pub(crate) fn settings(test: &str) -> Vec<(&'static str, String)> {
    match test {
        "unhappy_ratings_can_go_to_the_supervisor_queue_and_follow_ups_repeat" => {
            vec![("TEND_SURVEY_UNHAPPY_ROUTE", "supervisors".into())]
        }
        // A web inbox has no address of its own: mail goes out from this one.
        "a_contact_form_conversation_gets_its_survey_by_mail" => {
            vec![("TEND_MAIL_FROM", "help@example.com".into())]
        }
        _ => vec![],
    }
}

pub(crate) fn mail(
    from: &str,
    subject: &str,
    message_id: &str,
    extra_headers: &str,
    body: &str,
) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@example.com\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Date: Wed, 25 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n{extra_headers}\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

pub(crate) async fn deliver(app: &TestApp, inbox: i64, raw: Vec<u8>) -> Value {
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
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    r.json().await.unwrap()
}

/// An email inbox and an agent (in a team granted it): (inbox, agent id, agent token).
pub(crate) async fn desk(app: &TestApp) -> (i64, i64, String) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let (agent, token) = app.user("aiko@example.com", "Aiko Tanaka", "agent").await;
    app.team("Support", &[agent], &[inbox]).await;
    (inbox, agent, token)
}

/// A conversation started by mail from `from`, assigned to `agent`.
pub(crate) async fn conversation_from(
    app: &TestApp,
    inbox: i64,
    from: &str,
    tag: &str,
    agent: i64,
) -> i64 {
    let o = deliver(
        app,
        inbox,
        mail(
            from,
            &format!("Order {tag} never arrived"),
            &format!("{tag}@customer.example"),
            "",
            "Where is my parcel?",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "created", "{o}");
    let id = o["conversation_id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"assignee_id": agent}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    id
}

/// The agent replies and solves.
pub(crate) async fn reply_and_solve(app: &TestApp, token: &str, id: i64, text: &str) {
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            token,
            json!({"text": text}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            token,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// One pass of the survey job.
pub(crate) async fn pass(app: &TestApp) -> tend::surveys::jobs::Pass {
    tend::surveys::jobs::run_once(&app.st)
        .await
        .expect("survey pass")
}

/// The survey mails queued for a conversation, oldest first, decoded.
pub(crate) async fn survey_mails(app: &TestApp, id: i64) -> Vec<tend_mail::InboundMessage> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT raw_sha256 FROM outbox WHERE kind = 'survey' AND conversation_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(app.st.db.pool())
    .await
    .unwrap();
    let mut out = vec![];
    for (sha,) in rows {
        let raw = tend::attachments::load(&app.st, &sha).await.unwrap();
        out.push(tend_mail::parse(&raw).unwrap());
    }
    out
}

/// The links of a survey mail by action (`yes`, `no`, `1`…`5`, `form`).
pub(crate) fn links(app: &TestApp, m: &tend_mail::InboundMessage) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for word in m.text.split_whitespace() {
        if let Some(i) = word.find("/help/survey/") {
            assert!(
                word.starts_with(&app.base),
                "links point at this server: {word}"
            );
            let path = &word[i..];
            let action = path.split('/').nth(4).unwrap().to_string();
            out.insert(action, word.to_string());
        }
    }
    out
}

pub(crate) async fn open(app: &TestApp, url: &str) -> (StatusCode, String) {
    let r = app.client.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// What a person does with a link from the mail: opens it (a GET, which
/// changes nothing) and presses the one button of the page it shows, which
/// sends the form with what the link chose already selected.
pub(crate) async fn confirm(app: &TestApp, url: &str) -> (StatusCode, String) {
    let (s, page) = open(app, url).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let (action, fields) = checked_form(&page);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    submit(app, &format!("{}{action}", app.base), &fields).await
}

/// The action of a page's form and the values its checked inputs send.
pub(crate) fn checked_form(page: &str) -> (String, Vec<(String, String)>) {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!("{name}=\"");
        let i = tag.find(&key)? + key.len();
        Some(unescape(&tag[i..i + tag[i..].find('"')?]))
    };
    let form_at = page
        .find("<form method=\"post\"")
        .expect("a form on the page");
    let form_tag = &page[form_at..form_at + page[form_at..].find('>').unwrap()];
    let action = attr(form_tag, "action").expect("the form's action");
    let mut fields = vec![];
    let mut rest = &page[form_at..];
    while let Some(i) = rest.find("<input ") {
        let tag = &rest[i..i + rest[i..].find('>').unwrap()];
        if tag.contains(" checked")
            && let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value"))
        {
            fields.push((n, v));
        }
        rest = &rest[i + 1..];
    }
    (action, fields)
}

/// An attribute value as a browser reads it (the templates escape `/`,
/// `=`, `&` and quotes as character references).
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i..].find(';') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let entity = &rest[i + 1..i + end];
        let c = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[i..=i + end]),
        }
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out
}

pub(crate) async fn submit(
    app: &TestApp,
    form_url: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let r = app
        .client
        .post(form_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

pub(crate) async fn conv(app: &TestApp, id: i64) -> Value {
    let (s, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c
}

pub(crate) async fn event_kinds(app: &TestApp, id: i64) -> Vec<String> {
    let (_, ev) = app
        .get(
            &format!("/api/v1/conversations/{id}/events?limit=200"),
            &app.admin,
        )
        .await;
    ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) async fn surveys_of(app: &TestApp, id: i64) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{id}/surveys"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

async fn the_loop_closes_only_when_the_customer_confirms(app: &TestApp, _clock: &Arc<ManualClock>) {
    let (inbox, agent, token) = desk(app).await;
    let id = conversation_from(app, inbox, "Ana Souto <ana@customer.example>", "a1", agent).await;
    reply_and_solve(app, &token, id, "Your parcel is on its way.").await;
    pass(app).await;
    pass(app).await;

    let mails = survey_mails(app, id).await;
    assert_eq!(mails.len(), 1, "one survey per solve");
    let m = &mails[0];
    assert_eq!(m.to[0].address, "ana@customer.example");
    assert!(m.subject.contains(&format!("[#{id}]")), "{}", m.subject);
    assert!(
        m.classification.is_auto_generated(),
        "robots must not answer a survey"
    );
    assert!(
        m.text.contains("Ana Souto") && m.text.contains("fully solved"),
        "{}",
        m.text
    );
    let l = links(app, m);
    for a in ["yes", "no", "1", "2", "3", "4", "5", "form"] {
        assert!(l.contains_key(a), "missing {a} link in {}", m.text);
    }
    assert!(
        event_kinds(app, id)
            .await
            .contains(&"survey_sent".to_string())
    );

    // Somebody else picked it up meanwhile; "No" must still go back to its owner.
    let (_, me) = app.get("/api/v1/me", &app.admin).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"assignee_id": me["id"], "reason": "covering"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_ne!(b["assignee_id"], agent);

    // Opening the link (what a mail scanner does too) changes nothing: it
    // shows the answer chosen, waiting for the customer's click.
    let events_before = event_kinds(app, id).await.len();
    let (s, page) = open(app, &l["no"]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("value=\"no\" checked"), "{page}");
    assert!(!page.contains("data-answer="), "{page}");
    assert_eq!(conv(app, id).await["status"], "solved");
    assert_eq!(event_kinds(app, id).await.len(), events_before);
    let (s, page) = confirm(app, &l["no"]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("data-answer=\"no\""), "{page}");
    let c = conv(app, id).await;
    assert_eq!(c["status"], "open");
    assert_eq!(c["assignee_id"], agent, "back to its owner");
    assert_eq!(c["priority"], "high", "one step up from normal");
    let (_, tasks) = app.get("/api/v1/tasks?assignee_id=me", &token).await;
    let tasks = tasks["items"].as_array().unwrap().clone();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["conversation_id"], id);
    assert_eq!(
        tasks[0]["due_at"], "2026-11-26T09:00:00Z",
        "one business day later"
    );
    let kinds = event_kinds(app, id).await;
    for k in [
        "survey_answered",
        "follow_up_created",
        "priority_changed",
        "transferred",
    ] {
        assert!(kinds.contains(&k.to_string()), "{k} missing in {kinds:?}");
    }

    // A replayed link changes nothing.
    let before = event_kinds(app, id).await.len();
    let (s, _) = open(app, &l["no"]).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = open(app, &l["yes"]).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = confirm(app, &l["no"]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(event_kinds(app, id).await.len(), before);
    assert_eq!(conv(app, id).await["status"], "open");

    // The agent tries again; a follow-up survey goes out despite the per-customer limit.
    reply_and_solve(
        app,
        &token,
        id,
        "Sorry! A new parcel left today; tracking 123.",
    )
    .await;
    pass(app).await;
    let mails = survey_mails(app, id).await;
    assert_eq!(mails.len(), 2);
    let l2 = links(app, &mails[1]);
    assert_ne!(l2["yes"], l["yes"], "each solve has its own links");
    let (s, page) = confirm(app, &l2["yes"]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("data-answer=\"yes\""), "{page}");
    let (s, page) = submit(
        app,
        &l2["form"],
        &[("rating", "5"), ("comment", "Aiko fixed it <b>fast</b>!")],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"thanks\""), "{page}");
    let c = conv(app, id).await;
    assert_eq!(c["status"], "closed");
    let (_, tasks) = app.get("/api/v1/tasks?assignee_id=me", &token).await;
    assert_eq!(
        tasks["items"].as_array().unwrap().len(),
        0,
        "confirmation completes the follow-up"
    );

    // The kind words reach the feed and the agent's profile, credited to the agent.
    for path in [
        "/api/v1/stories".to_string(),
        format!("/api/v1/users/{agent}/stories"),
    ] {
        let (s, st) = app.get(&path, &token).await;
        assert_eq!(s, StatusCode::OK, "{st}");
        let items = st["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{st}");
        assert_eq!(items[0]["comment"], "Aiko fixed it <b>fast</b>!");
        assert_eq!(items[0]["rating"], 5);
        assert_eq!(items[0]["conversation_id"], id);
        assert_eq!(items[0]["agents"][0]["id"], agent);
        assert_eq!(items[0]["agents"][0]["name"], "Aiko Tanaka");
    }
    let (s, _) = app.get("/api/v1/users/999999/stories", &token).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Managers see CSAT and response rate; agents may not.
    let (s, r) = app
        .get("/api/v1/reports/csat?group_by=agent", &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let line = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"].as_str() == Some(&*agent.to_string()))
        .unwrap()
        .clone();
    assert_eq!(
        (line["sent"].as_i64(), line["answered"].as_i64()),
        (Some(2), Some(2)),
        "{line}"
    );
    assert_eq!(
        (line["rated"].as_i64(), line["satisfied"].as_i64()),
        (Some(1), Some(1)),
        "{line}"
    );
    assert_eq!(line["csat"], 1.0);
    assert_eq!(line["response_rate"], 1.0);
    for g in ["team", "inbox", "channel"] {
        let (s, r) = app
            .get(&format!("/api/v1/reports/csat?group_by={g}"), &app.admin)
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["items"][0]["sent"], 2, "{g}: {r}");
    }
    let (_, r) = app
        .get("/api/v1/reports/csat?group_by=channel", &app.admin)
        .await;
    assert_eq!(r["items"][0]["key"], "email");
    let (s, _) = app.get("/api/v1/reports/csat?group_by=agent", &token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .get("/api/v1/reports/csat?group_by=planet", &app.admin)
        .await;
    assert_eq!(
        (s, b["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("group_by"))
    );
}

async fn forged_and_tampered_links_are_rejected_and_replays_change_nothing(
    app: &TestApp,
    _clock: &Arc<ManualClock>,
) {
    let (inbox, agent, token) = desk(app).await;
    let a = conversation_from(app, inbox, "jordi@customer.example", "b1", agent).await;
    let b = conversation_from(app, inbox, "marta@customer.example", "b2", agent).await;
    reply_and_solve(app, &token, a, "Fet.").await;
    reply_and_solve(app, &token, b, "Fet.").await;
    pass(app).await;
    let la = links(app, &survey_mails(app, a).await[0]);
    let lb = links(app, &survey_mails(app, b).await[0]);

    let yes = la["yes"].clone();
    let (head, sig) = yes.rsplit_once('/').unwrap();
    let mut flipped = sig.to_string().into_bytes();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    let token_a = yes.split('/').nth(5).unwrap();
    let token_b = lb["yes"].split('/').nth(5).unwrap();
    let forged = [
        format!("{head}/{}", String::from_utf8(flipped).unwrap()),
        yes.replace("/yes/", "/no/"),
        la["4"].replace("/4/", "/1/"),
        yes.replace(token_a, token_b),
        yes.replace(token_a, "made-up-token"),
        format!("{head}/"),
        yes.replace("/yes/", "/maybe/"),
    ];
    for url in &forged {
        let (s, page) = open(app, url).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{url}: {page}");
        assert!(
            page.contains("not valid") || page.contains("nothing at this address"),
            "{url}: {page}"
        );
        let (s, _) = submit(app, url, &[("answer", "no"), ("rating", "1")]).await;
        assert!(s.is_client_error(), "{url}: {s}");
    }
    // A form post through an answer link is refused too.
    let (s, _) = submit(app, &la["yes"], &[("answer", "no")]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for id in [a, b] {
        assert_eq!(conv(app, id).await["status"], "solved");
        assert!(
            !event_kinds(app, id)
                .await
                .contains(&"survey_answered".to_string())
        );
    }
    // The page about a bad link speaks the browser's language.
    let r = app
        .client
        .get(&forged[0])
        .header("accept-language", "ja-JP,ja;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("このリンクは無効です"));

    // The real link works once; replays and later contradictions change nothing.
    let (s, _) = confirm(app, &la["yes"]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(conv(app, a).await["status"], "closed");
    let events = event_kinds(app, a).await.len();
    for url in [&la["yes"], &la["yes"], &la["no"]] {
        let (s, _) = open(app, url).await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _) = submit(app, &la["form"], &[("answer", "no")]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(event_kinds(app, a).await.len(), events);
    let sv = &surveys_of(app, a).await[0];
    assert_eq!(
        (sv["answer"].as_str(), sv["unhappy"].as_bool()),
        (Some("yes"), Some(false))
    );
    let (_, tasks) = app.get("/api/v1/tasks?status=all", &app.admin).await;
    assert_eq!(tasks["items"].as_array().unwrap().len(), 0);

    // Bad form input is refused with the form shown again, and keeps nothing.
    let (s, page) = submit(app, &lb["form"], &[("rating", "9"), ("comment", "x")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(surveys_of(app, b).await[0]["answered_at"].is_null());
}

async fn the_quiet_period_closes_when_the_clock_moves(app: &TestApp, clock: &Arc<ManualClock>) {
    let (inbox, agent, token) = desk(app).await;
    let quiet = conversation_from(app, inbox, "ilze@customer.example", "c1", agent).await;
    let talks = conversation_from(app, inbox, "janis@customer.example", "c2", agent).await;
    reply_and_solve(app, &token, quiet, "Gatavs.").await;
    reply_and_solve(app, &token, talks, "Gatavs.").await;
    pass(app).await;

    // Before closing, any customer reply reopens and counts as a reopen:
    // here an answer to the survey mail, as a mail client writes it.
    let survey = survey_mails(app, talks).await.remove(0);
    let mut refs: Vec<String> = survey.references.iter().map(|r| format!("<{r}>")).collect();
    refs.push(format!("<{}>", survey.message_id.clone().unwrap()));
    let o = deliver(
        app,
        inbox,
        mail(
            "janis@customer.example",
            &format!("Re: {}", survey.subject),
            "c2-reply@customer.example",
            &format!(
                "In-Reply-To: {}\r\nReferences: {}\r\n",
                refs.last().unwrap(),
                refs.join(" ")
            ),
            "Actually the box was damaged.",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(talks)),
        "{o}"
    );
    let c = conv(app, talks).await;
    assert_eq!(
        (c["status"].as_str(), c["reopen_count"].as_i64()),
        (Some("open"), Some(1))
    );

    clock.advance_ms(7 * DAY - 60_000);
    pass(app).await;
    assert_eq!(conv(app, quiet).await["status"], "solved", "a minute early");
    clock.advance_ms(120_000);
    pass(app).await;
    let c = conv(app, quiet).await;
    assert_eq!(c["status"], "closed");
    assert!(
        c["closed_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-02T09:01"),
        "{c}"
    );
    let (_, ev) = app
        .get(
            &format!("/api/v1/conversations/{quiet}/events?limit=200"),
            &app.admin,
        )
        .await;
    let last = ev["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["kind"].as_str(),
            last["data"]["reason"].as_str(),
            last["actor"]["kind"].as_str()
        ),
        (Some("status_changed"), Some("quiet_period"), Some("system")),
        "{last}"
    );
    assert_eq!(
        conv(app, talks).await["status"],
        "open",
        "only solved conversations close"
    );
}
