//! The automation rules' admin pages (issue 20) and the conversation
//! page's "Automations" section, driven like a browser
//! (`web_admin::Browser`). What the pages write is read back through the
//! REST API, so a page that only looks right does not pass.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::agents::Role;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_admin::*;
use crate::web_admin_pages::{raw_keys, visible_text};

on_both_backends!(
    rule_pages_are_for_admins_only,
    a_rule_built_in_the_form_is_the_rule_the_api_reads,
    a_mistake_is_shown_next_to_its_input_with_the_input_kept,
    rules_are_reordered_dry_run_enabled_and_deleted,
    the_conversation_page_says_why_a_rule_did_not_fire,
);

async fn api_rule(app: &TestApp, body: Value) -> i64 {
    let (s, b) = app.post("/api/v1/automations", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().unwrap()
}

async fn read_rule(app: &TestApp, id: i64) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/automations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn order(app: &TestApp) -> Vec<i64> {
    let (s, b) = app.get("/api/v1/automations", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

fn simple(name: &str) -> Value {
    json!({"name": name, "position": 0, "when": {"event": "conversation_created"},
           "actions": [{"type": "add_tags", "value": ["x"]}]})
}

/// The id in `/admin/automations/{id}?saved=1`.
fn saved_id(location: &str) -> i64 {
    location
        .trim_start_matches("/admin/automations/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("not a rule page: {location}"))
}

async fn rule_pages_are_for_admins_only(app: &TestApp) {
    let id = api_rule(app, simple("Tag everything")).await;
    let mut admin = admin_browser(app, "en").await;
    let p = admin.get("/admin").await;
    assert!(
        p.body.contains("href=\"/admin/automations\""),
        "the admin nav links the rules"
    );
    let p = admin.get("/admin/automations").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.cache, "no-store");
    assert!(p.body.contains("Tag everything"), "{}", p.body);
    assert!(p.body.contains("A conversation is created"), "{}", p.body);
    assert!(p.body.contains("rule-off"), "a new rule is off");
    for path in [
        "/admin/automations/new".to_string(),
        format!("/admin/automations/{id}"),
        format!("/admin/automations/{id}/delete"),
    ] {
        let p = admin.get(&path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
        assert!(
            raw_keys(&p.body).is_empty(),
            "{path}: {:?}",
            raw_keys(&p.body)
        );
    }
    // Every locale has every word of the pages.
    for lang in ["ja", "ko", "lv", "ca"] {
        let mut b = admin_browser(app, lang).await;
        for path in ["/admin/automations", &format!("/admin/automations/{id}")] {
            let p = b.get(path).await;
            assert_eq!(p.status, StatusCode::OK, "{lang} {path}");
            assert!(!p.body.contains('⟦'), "{lang} {path}: a missing message");
            assert!(
                !p.body.contains("A conversation is created"),
                "{lang} {path}"
            );
        }
    }
    // Agents and supervisors get the 403 page, and their posts change nothing.
    for (email, role) in [
        ("agent@example.com", Role::Agent),
        ("super@example.com", Role::Supervisor),
    ] {
        user_with_password(app, email, "Someone", role).await;
        let mut b = Browser::new(app, "en");
        assert!(b.login(email, PASSWORD).await);
        for path in [
            "/admin/automations".to_string(),
            "/admin/automations/new".to_string(),
            format!("/admin/automations/{id}"),
        ] {
            assert_eq!(b.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        let p = b
            .post(
                &format!("/admin/automations/{id}/active"),
                &[("active", "1")],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let p = b
            .post(&format!("/admin/automations/{id}/delete"), &[])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(read_rule(app, id).await["active"], json!(false));
}

async fn a_rule_built_in_the_form_is_the_rule_the_api_reads(app: &TestApp) {
    let team = app.team("Billing", &[], &[]).await;
    let team_s = team.to_string();
    let mut b = admin_browser(app, "en").await;
    // Without script, "add a condition" comes back with one more row.
    let p = b
        .post(
            "/admin/automations/new",
            &[("name", "Refunds"), ("do", "add-condition")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("name=\"cond-0-field\""), "{}", p.body);
    assert!(p.body.contains("value=\"Refunds\""), "the name is kept");
    let p = b
        .post(
            "/admin/automations/new",
            &[
                ("name", "Refunds"),
                ("when_kind", "event"),
                ("event", "conversation_created"),
                ("cond-0-group", "all"),
                ("cond-0-field", "text"),
                ("cond-0-op", "contains"),
                ("cond-0-value", "refund"),
                ("cond-1-group", "any"),
                ("cond-1-field", "channel"),
                ("cond-1-op", "in"),
                ("cond-1-value", "email, web"),
                ("cond-2-group", "any"),
                ("cond-2-field", "team_id"),
                ("cond-2-op", "is"),
                ("cond-2-value", ""),
                ("act-0-type", "add_tags"),
                ("act-0-tags", "refund, billing"),
                ("act-0-status", "open"),
                ("act-1-type", "set_priority"),
                ("act-1-priority", "high"),
                ("act-2-type", "assign_team"),
                ("act-2-team", &team_s),
                ("act-3-type", "note"),
                ("act-3-text", "Check the order."),
                ("act-4-type", ""),
                ("trace", "1"),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let id = saved_id(&p.location);
    let r = read_rule(app, id).await;
    assert_eq!(r["name"], "Refunds");
    assert_eq!(r["active"], json!(false), "a new rule is saved off");
    assert_eq!(r["trace"], json!(true));
    assert_eq!(r["when"], json!({"event": "conversation_created"}));
    assert_eq!(
        r["conditions"],
        json!({"all": [{"field": "text", "op": "contains", "value": "refund"}],
               "any": [{"field": "channel", "op": "in", "value": ["email", "web"]},
                       {"field": "team_id", "op": "is", "value": null}]})
    );
    assert_eq!(
        r["actions"],
        json!([{"type": "add_tags", "value": ["refund", "billing"]},
               {"type": "set_priority", "value": "high"},
               {"type": "assign_team", "value": team},
               {"type": "note", "text": "Check the order."}])
    );
    // Its page says it is off and offers the dry run and "enable".
    let p = b.get(&format!("/admin/automations/{id}?saved=1")).await;
    assert!(p.body.contains("The rule is off"), "{}", p.body);
    assert!(p.body.contains("id=\"dry-run\""));
    assert!(p.body.contains("id=\"enable-rule\""));
    assert!(p.body.contains("value=\"email, web\""), "lists read back");
    // A time rule, edited over it: the rows posted replace the old ones.
    let p = b
        .post(
            &format!("/admin/automations/{id}"),
            &[
                ("name", "Refunds later"),
                ("when_kind", "after"),
                ("event", "conversation_created"),
                ("minutes", "90"),
                ("since", "last_customer_message"),
                ("calendar", ""),
                ("act-0-type", "set_status"),
                ("act-0-status", "pending"),
                ("act-1-type", "webhook"),
                ("act-1-url", "https://hooks.example.com/tend"),
                ("act-1-secret", ""),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let r = read_rule(app, id).await;
    assert_eq!(
        r["when"],
        json!({"after": {"minutes": 90, "since": "last_customer_message"}})
    );
    assert_eq!(r["conditions"], json!({"all": [], "any": []}));
    assert_eq!(
        r["actions"],
        json!([{"type": "set_status", "value": "pending"},
               {"type": "webhook", "url": "https://hooks.example.com/tend"}])
    );
    assert_eq!(r["trace"], json!(false));
    let p = b.get("/admin/automations").await;
    assert!(
        visible_text(&p.body).contains("90 minutes after the customer&#39;s last message"),
        "{}",
        p.body
    );
}

async fn a_mistake_is_shown_next_to_its_input_with_the_input_kept(app: &TestApp) {
    let mut b = admin_browser(app, "en").await;
    let before = order(app).await.len();
    let p = b
        .post(
            "/admin/automations/new",
            &[
                ("name", "Bad status"),
                ("when_kind", "event"),
                ("event", "status_changed"),
                ("cond-0-group", "all"),
                ("cond-0-field", "subject"),
                ("cond-0-op", "contains"),
                ("cond-0-value", "hello"),
                ("cond-3-group", "all"),
                ("cond-3-field", "status"),
                ("cond-3-op", "is"),
                ("cond-3-value", "opened"),
                ("act-0-type", "add_tags"),
                ("act-0-tags", "x"),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let row = between(&p.body, "data-n=\"3\"", "</fieldset>").expect("the row is kept");
    assert!(row.contains("value=\"opened\""), "{row}");
    assert!(row.contains("aria-invalid=\"true\""), "{row}");
    let error = between(row, "id=\"cond-3-error\">", "<").expect("an error in the row");
    assert!(error.contains("unknown status"), "{error}");
    assert!(error.contains("open, pending"), "{error}");
    assert!(p.body.contains("value=\"Bad status\""), "the name is kept");
    assert!(
        p.body.contains("value=\"hello\""),
        "the other rows are kept"
    );
    // An action's mistake lands on its row.
    let p = b
        .post(
            "/admin/automations/new",
            &[
                ("name", "Bad tag"),
                ("when_kind", "event"),
                ("event", "conversation_created"),
                ("act-0-type", "set_priority"),
                ("act-0-priority", "low"),
                ("act-5-type", "add_tags"),
                ("act-5-tags", " , "),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let error = between(&p.body, "id=\"act-5-error\">", "<").expect("an error on the tags row");
    assert!(error.contains("tag"), "{error}");
    // A time rule's minutes.
    let p = b
        .post(
            "/admin/automations/new",
            &[
                ("name", "Never"),
                ("when_kind", "after"),
                ("minutes", "0"),
                ("since", "created"),
                ("act-0-type", "set_status"),
                ("act-0-status", "closed"),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = between(&p.body, "id=\"rule-minutes-error\">", "<").expect("by the minutes");
    assert!(error.contains("1 to 525600 minutes"), "{error}");
    let p = b
        .post(
            "/admin/automations/new",
            &[
                ("name", "Words"),
                ("when_kind", "after"),
                ("minutes", "soon"),
                ("since", "created"),
                ("act-0-type", "set_status"),
                ("act-0-status", "closed"),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Give a whole number."));
    assert!(p.body.contains("value=\"soon\""));
    // No action at all; an empty name.
    let p = b
        .post(
            "/admin/automations/new",
            &[
                ("name", ""),
                ("when_kind", "event"),
                ("event", "conversation_created"),
                ("act-0-type", "add_tags"),
                ("act-0-tags", "x"),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"rule-name-error\""), "{}", p.body);
    let p = b
        .post(
            "/admin/automations/new",
            &[
                ("name", "Nothing to do"),
                ("when_kind", "event"),
                ("event", "conversation_created"),
                ("act-0-type", ""),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"actions-error\""), "{}", p.body);
    assert_eq!(order(app).await.len(), before, "nothing was saved");
}

async fn rules_are_reordered_dry_run_enabled_and_deleted(app: &TestApp) {
    let a = api_rule(app, simple("A")).await;
    let b_ = api_rule(app, simple("B")).await;
    let c = api_rule(
        app,
        json!({"name": "Refund words", "position": 0, "when": {"event": "message_added"},
               "conditions": {"all": [{"field": "text", "op": "contains", "value": "refund"}]},
               "actions": [{"type": "add_tags", "value": ["refund"]}]}),
    )
    .await;
    // Same positions: the older rule first.
    assert_eq!(order(app).await, vec![a, b_, c]);
    let mut b = admin_browser(app, "en").await;
    let p = b
        .post(&format!("/admin/automations/{c}/move"), &[("dir", "up")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(order(app).await, vec![a, c, b_]);
    b.post(&format!("/admin/automations/{a}/move"), &[("dir", "down")])
        .await;
    assert_eq!(order(app).await, vec![c, a, b_]);
    // The top one cannot go higher; positions are written 0, 1, 2.
    b.post(&format!("/admin/automations/{c}/move"), &[("dir", "up")])
        .await;
    assert_eq!(order(app).await, vec![c, a, b_]);
    let positions: Vec<i64> = {
        let mut v = Vec::new();
        for id in [c, a, b_] {
            v.push(read_rule(app, id).await["position"].as_i64().unwrap());
        }
        v
    };
    assert_eq!(positions, vec![0, 1, 2]);
    // Dragged on the list (with script): the whole order is posted.
    let (sa, sb, sc) = (a.to_string(), b_.to_string(), c.to_string());
    let p = b
        .post(
            "/admin/automations/order",
            &[("ids", &sb), ("ids", &sa), ("ids", &sc)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(order(app).await, vec![b_, a, c]);
    let p = b
        .post("/admin/automations/order", &[("ids", "99999")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        order(app).await,
        vec![b_, a, c],
        "a bad order changes nothing"
    );
    b.post(
        "/admin/automations/order",
        &[("ids", &sc), ("ids", &sa), ("ids", &sb)],
    )
    .await;
    let p = b.get("/admin/automations").await;
    let first = p.body.find(&format!("id=\"rule-{c}\"")).unwrap();
    let second = p.body.find(&format!("id=\"rule-{a}\"")).unwrap();
    assert!(first < second, "the list is in order");

    // The dry run, before enabling.
    let hit = app
        .conversation(
            "Money back",
            "r@example.com",
            "I want a refund please",
            None,
        )
        .await;
    app.conversation("Hello", "h@example.com", "Just saying hello", None)
        .await;
    let p = b
        .post(
            &format!("/admin/automations/{c}/dry-run"),
            &[("days", "30")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(between(&p.body, "id=\"dry-matched\">", "<"), Some("1"));
    assert_eq!(between(&p.body, "id=\"dry-examined\">", "<"), Some("2"));
    assert!(
        p.body.contains(&format!("href=\"/c/{}\"", id_of(&hit))),
        "{}",
        p.body
    );
    let p = b
        .post(&format!("/admin/automations/{c}/dry-run"), &[("days", "0")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"dry-error\""));
    assert_eq!(read_rule(app, c).await["active"], json!(false));
    // Enable, from the rule's page.
    let p = b
        .post(
            &format!("/admin/automations/{c}/active"),
            &[("active", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location, format!("/admin/automations/{c}?saved=1"));
    assert_eq!(read_rule(app, c).await["active"], json!(true));
    let p = b.get(&p.location).await;
    assert!(p.body.contains("id=\"disable-rule\""));
    assert!(!p.body.contains("id=\"dry-run\""));
    // It acts now.
    let conv = app
        .conversation("Again", "again@example.com", "refund, refund", None)
        .await;
    let (_, now) = app
        .get(
            &format!("/api/v1/conversations/{}", id_of(&conv)),
            &app.admin,
        )
        .await;
    assert_eq!(now["tags"], json!(["refund"]), "{now}");
    // Off again, from the list.
    let p = b
        .post(
            &format!("/admin/automations/{c}/active"),
            &[("active", "0"), ("back", "list")],
        )
        .await;
    assert_eq!(p.location, "/admin/automations?saved=1");
    assert_eq!(read_rule(app, c).await["active"], json!(false));
    // Deleting asks first; then it is gone.
    let p = b.get(&format!("/admin/automations/{a}/delete")).await;
    assert!(p.body.contains("Delete the rule A?"), "{}", p.body);
    assert_eq!(order(app).await.len(), 3, "asking deletes nothing");
    let p = b.post(&format!("/admin/automations/{a}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(order(app).await, vec![c, b_]);
    let (s, _) = app
        .get(&format!("/api/v1/automations/{a}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn the_conversation_page_says_why_a_rule_did_not_fire(app: &TestApp) {
    let id = api_rule(
        app,
        json!({"name": "Refund tagger", "position": 0, "active": true, "trace": true,
               "when": {"event": "conversation_created"},
               "conditions": {"all": [{"field": "text", "op": "contains", "value": "refund"}]},
               "actions": [{"type": "add_tags", "value": ["refund"]}]}),
    )
    .await;
    let conv = app
        .conversation("Question", "q@example.com", "Where is my parcel?", None)
        .await;
    let cid = id_of(&conv);
    let mut b = admin_browser(app, "en").await;
    let p = b.get(&format!("/c/{cid}")).await;
    assert_eq!(p.status, StatusCode::OK);
    let section = between(&p.body, "class=\"automations-panel card\"", "</section>")
        .expect("the automations section");
    assert!(section.contains("Refund tagger"), "{section}");
    assert!(
        section.contains(&format!("href=\"/admin/automations/{id}\"")),
        "{section}"
    );
    assert!(
        section.contains("Its conditions do not hold now."),
        "{section}"
    );
    assert!(
        section.contains("Message text contains refund — ✗ does not hold"),
        "{section}"
    );
    // The evaluation recorded when it ran.
    let traces = between(section, "class=\"auto-traces\"", "</ul>\n        </li>")
        .expect("a recorded evaluation");
    assert!(traces.contains("A conversation is created"), "{traces}");
    assert!(traces.contains("Refund tagger"), "{traces}");
    // In Japanese too.
    let mut ja = admin_browser(app, "ja").await;
    let p = ja.get(&format!("/c/{cid}")).await;
    assert!(p.body.contains("自動化"), "{}", p.body);
    assert!(p.body.contains("メッセージ本文 含む refund"), "{}", p.body);
    // A supervisor sees it; an agent does not.
    user_with_password(app, "sup@example.com", "Sup", Role::Supervisor).await;
    let mut s = Browser::new(app, "en");
    assert!(s.login("sup@example.com", PASSWORD).await);
    let p = s.get(&format!("/c/{cid}")).await;
    assert!(p.body.contains("Refund tagger"), "{}", p.body);
    assert!(
        !p.body
            .contains(&format!("href=\"/admin/automations/{id}\""))
    );
    let agent = user_with_password(app, "ag@example.com", "Ag", Role::Agent).await;
    app.team("Front", &[agent], &[conv["inbox_id"].as_i64().unwrap()])
        .await;
    let mut ag = Browser::new(app, "en");
    assert!(ag.login("ag@example.com", PASSWORD).await);
    let p = ag.get(&format!("/c/{cid}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("automations-panel"));
    assert!(!p.body.contains("Refund tagger"));
    // Once it fires, the timeline says so and the section says it holds.
    let hit = app
        .conversation("Money", "m@example.com", "I want a refund", None)
        .await;
    let p = b.get(&format!("/c/{}", id_of(&hit))).await;
    assert!(p.body.contains("Its conditions hold now."), "{}", p.body);
    assert!(p.body.contains("Refund tagger"));
}
