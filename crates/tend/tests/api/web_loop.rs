//! The workspace side of routing and the survey loop (issues 7 and 8),
//! driven like a browser: the presence select in the header changes what
//! the router does, heartbeats bring an agent back from auto-away, signing
//! out returns their chats to the queue; the success-story feed, the kind
//! words on an agent's profile, the CSAT report (the same numbers as the
//! API) and the survey template editor. Effects are checked through the
//! REST API, so a page that only looks right does not pass.

use std::collections::HashMap;

use reqwest::header::{COOKIE, ORIGIN};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use crate::surveys::{
    confirm, conversation_from, links, pass, reply_and_solve, submit, survey_mails,
};
use crate::web::{Browser, PASSWORD, agent_with_password};

on_both_backends!(
    the_presence_select_decides_what_the_router_sends,
    signing_out_returns_the_agents_chats_to_the_queue,
    stories_profiles_and_the_csat_report,
    survey_templates_are_edited_in_the_admin_pages,
);

async fn signed_in(app: &TestApp, email: &str, name: &str, role: &str) -> (i64, Browser) {
    let id = agent_with_password(app, email, name, role).await;
    let mut b = Browser::new(&app.base);
    b.sign_in(email, PASSWORD).await;
    (id, b)
}

/// An inbox routed to a new team of `members`; returns the inbox id.
async fn routed_inbox(app: &TestApp, members: &[i64]) -> i64 {
    let inbox = app.inbox("api", None).await;
    let team = app.team("Rota", members, &[inbox]).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/routing"),
            &app.admin,
            Some(json!({"team_id": team})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    inbox
}

async fn arrive(app: &TestApp, inbox: i64, channel: &str, email: &str) -> i64 {
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Help", "customer": {"email": email}, "channel": channel,
                   "message": {"text": "My account is locked."}, "inbox_id": inbox}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_i64().unwrap()
}

async fn assignee(app: &TestApp, id: i64) -> Value {
    let (s, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c["assignee_id"].clone()
}

async fn presence_of(app: &TestApp, user: i64) -> Value {
    let (s, r) = app
        .get(&format!("/api/v1/users/{user}/routing"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r
}

/// The presence the header's select shows.
fn selected_presence(page: &str) -> Option<&'static str> {
    let select = &page[page.find("id=\"presence\"")?..];
    let select = &select[..select.find("</select>")?];
    ["online", "away", "offline"]
        .into_iter()
        .find(|p| select.contains(&format!("value=\"{p}\" selected")))
}

/// A JSON post from the page's script: CSRF header, same origin.
async fn script_post(b: &Browser, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut req = b
        .client
        .post(format!("{}{path}", b.base))
        .header("accept", "application/json")
        .header("x-csrf-token", &b.csrf)
        .header(ORIGIN, &b.base)
        .form(form);
    if let Some(c) = &b.cookie {
        req = req.header(COOKIE, format!("tend_session={c}"));
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn the_presence_select_decides_what_the_router_sends(app: &TestApp) {
    let (me, mut b) = signed_in(app, "rin@example.jp", "Rin Sato", "agent").await;
    let inbox = routed_inbox(app, &[me]).await;
    let waiting = arrive(app, inbox, "email", "locked@example.com").await;
    assert!(
        assignee(app, waiting).await.is_null(),
        "nobody is online yet"
    );
    let (s, page) = b.get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        selected_presence(&page),
        Some("offline"),
        "every page shows it"
    );
    assert!(page.contains("<label class=\"vh\" for=\"presence\">"));

    // Picking "online" (a plain form) brings the agent the waiting conversation.
    let back = format!("/c/{waiting}");
    let (s, to) = b
        .post("/ui/presence", &[("presence", "online"), ("back", &back)])
        .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, back.as_str()));
    assert_eq!(
        assignee(app, waiting).await,
        me,
        "the queue moved to the agent"
    );
    assert_eq!(presence_of(app, me).await["presence"], "online");
    let (s, page) = b.get(&back).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(selected_presence(&page), Some("online"));

    // Away: keeps what they have, takes nothing new (here from the script).
    let (s, r) = script_post(&b, "/ui/presence", &[("presence", "away")]).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (
            r["presence"].as_str(),
            r["label"].as_str(),
            r["beat_secs"].as_u64()
        ),
        (Some("away"), Some("Away"), Some(60))
    );
    let later = arrive(app, inbox, "email", "later@example.com").await;
    assert!(
        assignee(app, later).await.is_null(),
        "away takes nothing new"
    );
    assert_eq!(assignee(app, waiting).await, me, "but keeps what it has");
    assert_eq!(selected_presence(&b.get("/").await.1), Some("away"));

    // Nonsense and foreign targets are refused.
    let (s, body) = b.post("/ui/presence", &[("presence", "busy")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("use online, away or offline"), "{body}");
    let (s, r) = script_post(&b, "/ui/presence", &[("presence", "busy")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (s, to) = b
        .post(
            "/ui/presence",
            &[("presence", "online"), ("back", "//evil.example/")],
        )
        .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert_eq!(assignee(app, later).await, me);
    // Without the CSRF token nothing changes.
    let base = b.base.clone();
    let (s, _) = b
        .post_from(
            "/ui/presence",
            &[("presence", "offline")],
            Some(&base),
            false,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(presence_of(app, me).await["presence"], "online");
}

async fn signing_out_returns_the_agents_chats_to_the_queue(app: &TestApp) {
    let (me, mut b) = signed_in(app, "ona@example.cat", "Ona Puig", "agent").await;
    let (colleague, token) = app.user("pau@example.cat", "Pau Vila", "agent").await;
    let inbox = routed_inbox(app, &[me, colleague]).await;
    b.post("/ui/presence", &[("presence", "online")]).await;
    let chat = arrive(app, inbox, "chat", "xat@example.cat").await;
    let mail = arrive(app, inbox, "email", "correu@example.cat").await;
    assert_eq!(assignee(app, chat).await, me);
    assert_eq!(assignee(app, mail).await, me);

    let (s, to) = b.post("/logout", &[]).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/login"));
    assert_eq!(presence_of(app, me).await["presence"], "offline");
    assert!(
        assignee(app, chat).await.is_null(),
        "an unattended chat goes back to the queue"
    );
    assert_eq!(assignee(app, mail).await, me, "email stays with its owner");
    let (_, ev) = app
        .get(
            &format!("/api/v1/conversations/{chat}/events?limit=200"),
            &app.admin,
        )
        .await;
    let released = ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "assigned")
        .unwrap()
        .clone();
    assert_eq!(released["data"]["reason"], "agent_offline", "{released}");
    // Someone who is there gets it.
    let (s, _) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            &token,
            Some(json!({"presence": "online"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(assignee(app, chat).await, colleague);
}

/// Heartbeats bring an agent back from auto-away (on an injected clock).
async fn heartbeats_end_auto_away(backend: Backend) {
    let clock = ManualClock::new(1_800_000_000_000);
    let Some(app) = TestApp::start_with_clock(backend, &[], clock.clone()).await else {
        return;
    };
    let (me, mut b) = signed_in(&app, "idle@example.lv", "Ilze Ozola", "agent").await;
    let inbox = routed_inbox(&app, &[me]).await;
    b.post("/ui/presence", &[("presence", "online")]).await;

    // Beats while active keep auto-away off…
    clock.advance_ms(500_000);
    let (s, r) = script_post(&b, "/ui/presence/heartbeat", &[]).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    clock.advance_ms(500_000);
    tend::routing::service::sweep(&app.st).await.unwrap();
    assert_eq!(presence_of(&app, me).await["presence"], "online");
    // …and without them the sweep makes the agent away.
    clock.advance_ms(101_000);
    tend::routing::service::sweep(&app.st).await.unwrap();
    let r = presence_of(&app, me).await;
    assert_eq!(
        (r["presence"].as_str(), r["auto_away"].as_bool()),
        (Some("away"), Some(true))
    );
    assert_eq!(selected_presence(&b.get("/").await.1), Some("away"));
    let waiting = arrive(&app, inbox, "chat", "waiting@example.lv").await;
    assert!(assignee(&app, waiting).await.is_null());

    // The agent returns: the next beat makes them online and the queue moves.
    let (s, r) = script_post(&b, "/ui/presence/heartbeat", &[]).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (
            r["presence"].as_str(),
            r["auto_away"].as_bool(),
            r["label"].as_str()
        ),
        (Some("online"), Some(false), Some("Online"))
    );
    assert_eq!(assignee(&app, waiting).await, me);
    assert_eq!(selected_presence(&b.get("/").await.1), Some("online"));

    // A chosen "away" is the agent's to undo: a beat does not.
    script_post(&b, "/ui/presence", &[("presence", "away")]).await;
    let (_, r) = script_post(&b, "/ui/presence/heartbeat", &[]).await;
    assert_eq!(r["presence"], "away");
    // A beat without the token is refused.
    let mut forged = Browser::new(&app.base);
    forged.cookie = b.cookie.clone();
    forged.csrf = "forged".into();
    let (s, _) = script_post(&forged, "/ui/presence/heartbeat", &[]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_end_auto_away_sqlite() {
    heartbeats_end_auto_away(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_end_auto_away_postgres() {
    heartbeats_end_auto_away(Backend::Postgres).await;
}

/// Solves conversation `id` for the customer, who then answers the survey
/// through its links: `rating` (and `comment`), or nothing at all.
async fn survey_answered(app: &TestApp, token: &str, id: i64, rating: Option<&str>, comment: &str) {
    reply_and_solve(app, token, id, "Done: your account works again.").await;
    pass(app).await;
    let mails = survey_mails(app, id).await;
    assert_eq!(mails.len(), 1, "one survey for conversation {id}");
    let l: HashMap<String, String> = links(app, &mails[0]);
    let Some(rating) = rating else { return };
    let (s, page) = confirm(app, &l[rating]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    if !comment.is_empty() {
        let (s, page) = submit(app, &l["form"], &[("comment", comment)]).await;
        assert_eq!(s, StatusCode::OK, "{page}");
    }
}

/// The slice of a page from `start` to the next `end`.
fn slice<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in the page"));
    let rest = &html[i..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The text between `start` and the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in the page"));
    let rest = &html[i + start.len()..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The text of the cell with class `class` in a table row.
fn cell<'a>(row: &'a str, class: &str) -> &'a str {
    let start = format!("class=\"n {class}\">");
    let rest = &row[row.find(&start).unwrap() + start.len()..];
    &rest[..rest.find("</td>").unwrap()]
}

fn percent(share: &Value) -> String {
    share
        .as_f64()
        .map_or("—".into(), |s| format!("{:.0}%", s * 100.0))
}

async fn stories_profiles_and_the_csat_report(app: &TestApp) {
    let support = app.inbox("email", Some("support@example.com")).await;
    let vip = app.inbox("email", Some("vip@example.com")).await;
    let (aiko, token) = app.user("aiko@example.com", "Aiko Tanaka", "agent").await;
    let (reader, mut b) = signed_in(app, "rin@example.jp", "Rin Sato", "agent").await;
    app.team("Support", &[aiko, reader], &[support]).await;
    app.team("VIP", &[aiko], &[vip]).await;
    let mut ids = vec![];
    for (inbox, from, tag, rating, comment) in [
        (
            support,
            "Ana Souto <ana@customer.example>",
            "s1",
            Some("5"),
            "Aiko fixed it <b>fast</b>!",
        ),
        (
            support,
            "Bo Berg <bo@customer.example>",
            "s2",
            Some("4"),
            "Quick and kind.",
        ),
        (
            support,
            "Cy Cole <cy@customer.example>",
            "s3",
            Some("2"),
            "",
        ),
        (support, "Di Dahl <di@customer.example>", "s4", None, ""),
        (
            vip,
            "Ed Eng <ed@customer.example>",
            "v1",
            Some("5"),
            "VIP praise, not for everyone",
        ),
    ] {
        let id = conversation_from(app, inbox, from, tag, aiko).await;
        survey_answered(app, &token, id, rating, comment).await;
        ids.push(id);
    }

    // The feed: what the customer said, who, about which conversation, and
    // who is credited; only conversations the reader may see.
    let (s, feed) = b.get("/stories").await;
    assert_eq!(s, StatusCode::OK, "{feed}");
    assert!(
        feed.contains("Aiko fixed it &#60;b&#62;fast&#60;/b&#62;!"),
        "escaped: {feed}"
    );
    assert!(feed.contains("Quick and kind."));
    assert!(
        !feed.contains("VIP praise"),
        "another team's inbox stays hidden"
    );
    assert!(feed.contains("Ana Souto") && feed.contains(&format!("href=\"/c/{}\"", ids[0])));
    assert!(feed.contains("aria-label=\"Rated 5 out of 5\""));
    assert!(feed.contains("aria-label=\"Rated 4 out of 5\""));
    assert!(feed.contains(&format!("<a href=\"/agents/{aiko}\">Aiko Tanaka</a>")));
    assert!(
        feed.find("Quick and kind.").unwrap() < feed.find("Aiko fixed it").unwrap(),
        "newest first"
    );
    // Paged: one a page, then the older one.
    let (_, first) = b.get("/stories?limit=1").await;
    assert!(first.contains("Quick and kind.") && !first.contains("Aiko fixed it"));
    let older = format!(
        "/stories?before={}",
        between(&first, "href=\"/stories?before=", "\"").replace("&#38;", "&")
    );
    let (_, second) = b.get(&older).await;
    assert!(second.contains("Aiko fixed it") && !second.contains("Quick and kind."));
    assert!(!second.contains("rel=\"next\""), "no further page");
    assert!(second.contains(">Newest stories</a>"), "and a way back");
    let (s, _) = b.get("/stories?limit=500").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Kind words on Aiko's profile; nothing on Rin's, who finds theirs from the account page.
    let (s, profile) = b.get(&format!("/agents/{aiko}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(profile.contains("<h1>Aiko Tanaka</h1>") && profile.contains("Kind words"));
    assert!(profile.contains("Quick and kind.") && profile.contains("Aiko fixed it"));
    assert!(
        profile.contains("Support") && profile.contains("VIP"),
        "teams"
    );
    let (_, account) = b.get("/account").await;
    assert!(account.contains(&format!("href=\"/agents/{reader}\"")));
    let (_, mine) = b.get(&format!("/agents/{reader}")).await;
    assert!(mine.contains("No stories yet."), "{mine}");
    assert_eq!(b.get("/agents/999999").await.0, StatusCode::NOT_FOUND);
    // The inbox links owners to their profiles.
    let (_, inbox) = b.get("/?view=open").await;
    assert!(
        inbox.contains(&format!("<a href=\"/agents/{aiko}\">Aiko Tanaka</a>")),
        "{inbox}"
    );

    // Agents may not see the reports, nor find them in the navigation.
    assert!(!feed.contains("href=\"/reports\""));
    let (s, body) = b.get("/reports/csat").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(body.contains("Not allowed"), "{body}");

    // A supervisor sees the numbers the API gives for the same period.
    let (_, mut boss) = signed_in(app, "boss@example.com", "Bo Boss", "supervisor").await;
    let (s, report) = boss.get("/reports/csat").await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert!(report.contains("href=\"/reports\""), "in the navigation");
    let date = |name: &str| {
        between(
            &report,
            &format!("name=\"{name}\" type=\"date\" value=\""),
            "\"",
        )
        .to_string()
    };
    let (from, to) = (date("from"), date("to"));
    let to_excl = tend::time::rfc3339(tend::time::parse_ms(&to).unwrap() + 86_400_000);
    for group in ["agent", "team", "inbox", "channel"] {
        let (s, api) = app
            .get(
                &format!("/api/v1/reports/csat?group_by={group}&from={from}&to={to_excl}"),
                &app.admin,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{api}");
        let table = slice(&report, &format!("data-group=\"{group}\""), "</table>");
        let items = api["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{group}");
        for line in items {
            let row = slice(
                table,
                &format!("data-key=\"{}\"", line["key"].as_str().unwrap()),
                "</tr>",
            );
            for k in ["sent", "answered", "rated", "satisfied"] {
                assert_eq!(cell(row, k), line[k].to_string(), "{group} {k}: {row}");
            }
            assert_eq!(cell(row, "csat"), percent(&line["csat"]), "{group}: {row}");
            assert_eq!(
                cell(row, "response-rate"),
                percent(&line["response_rate"]),
                "{group}: {row}"
            );
        }
    }
    // Aiko: 5 surveys sent, 4 answered with a rating, 3 of them 4 or 5 stars.
    let row = slice(&report, &format!("data-key=\"{aiko}\""), "</tr>");
    assert_eq!(
        [
            cell(row, "csat"),
            cell(row, "response-rate"),
            cell(row, "sent")
        ],
        ["75%", "80%", "5"]
    );
    assert!(row.contains(&format!("href=\"/agents/{aiko}\"")));
    // Another period has nothing; a wrong one says why.
    let (s, old) = boss
        .get("/reports/csat?from=2020-01-01&to=2020-01-31")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        old.matches("No surveys were sent in this period.").count(),
        4
    );
    let (s, bad) = boss.get("/reports/csat?from=2026-02-30").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.contains("role=\"alert\"") && bad.contains("is not a date"),
        "{bad}"
    );
    let (s, bad) = boss
        .get("/reports/csat?from=2026-02-01&to=2026-01-01")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("The start date is after the end date."));
}

async fn survey_templates_are_edited_in_the_admin_pages(app: &TestApp) {
    let (_, mut admin) = signed_in(app, "root@example.com", "Root Admin", "admin").await;
    let (_, mut agent) = signed_in(app, "rin@example.jp", "Rin Sato", "agent").await;
    let api = |path: &str| {
        let path = format!("/api/v1/templates/{path}");
        async move { app.get(&path, &app.admin).await.1 }
    };
    let (s, list) = admin.get("/admin/templates").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        list.matches("href=\"/admin/templates/").count(),
        20,
        "4 templates in 5 languages"
    );
    assert!(list.contains("Built-in<span class=\"vh\">: Survey email: subject in Latviešu</span>"));

    let path = "/admin/templates/survey_email_subject/lv";
    let (s, page) = admin.get(path).await;
    assert_eq!(s, StatusCode::OK);
    let builtin = api("survey_email_subject/lv").await["source"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.contains("This is the built-in template."));
    assert!(
        page.contains("<code>subject</code>"),
        "the variables are listed"
    );
    let first_line = builtin.lines().next().unwrap();
    assert!(
        page.contains(&format!("\n{}", first_line.replace('"', "&#34;"))),
        "the source is in the editor: {page}"
    );

    // A broken template is refused with the line, and what was typed stays.
    let (s, page) = admin
        .post(path, &[("source", "Jūsu viedoklis\r\n{% if %}")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("role=\"alert\"") && page.contains("line 2"),
        "{page}"
    );
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(
        page.contains("Jūsu viedoklis\n{% if %}</textarea>"),
        "{page}"
    );
    assert_eq!(api("survey_email_subject/lv").await["customized"], false);

    // A good one is saved (line ends as the API has them) and used.
    let (s, to) = admin
        .post(path, &[("source", "Kā mums gāja? {{ subject }}\r\n")])
        .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, &*format!("{path}?saved=1"))
    );
    let t = api("survey_email_subject/lv").await;
    assert_eq!(
        (t["customized"].as_bool(), t["source"].as_str()),
        (Some(true), Some("Kā mums gāja? {{ subject }}\n"))
    );
    let (_, page) = admin.get(&format!("{path}?saved=1")).await;
    assert!(page.contains("Saved.") && page.contains("An administrator changed it on"));
    let (_, list) = admin.get("/admin/templates").await;
    assert_eq!(list.matches(">Changed<span").count(), 1);

    // Agents can neither see nor change templates.
    assert_eq!(agent.get("/admin/templates").await.0, StatusCode::FORBIDDEN);
    assert_eq!(agent.get(path).await.0, StatusCode::FORBIDDEN);
    let (s, _) = agent
        .post(path, &[("source", "Hacked {{ subject }}")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = agent.post(&format!("{path}/reset"), &[]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        api("survey_email_subject/lv").await["source"],
        "Kā mums gāja? {{ subject }}\n"
    );

    // Back to the built-in one.
    let (s, _) = admin.post(&format!("{path}/reset"), &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let t = api("survey_email_subject/lv").await;
    assert_eq!(
        (t["customized"].as_bool(), t["source"].as_str()),
        (Some(false), Some(builtin.as_str()))
    );
    // What does not exist is a 404.
    assert_eq!(
        admin.get("/admin/templates/survey_page/de").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/admin/templates/welcome/en").await.0,
        StatusCode::NOT_FOUND
    );
}
