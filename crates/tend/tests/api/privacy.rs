//! Access edges inside the desk (issue 17 §2.1, §2.2): what an agent may
//! learn about a customer through a conversation in their own inbox, and
//! where a conversation goes when the caller names no inbox.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

on_both_backends!(
    a_conversation_in_ones_own_inbox_reveals_no_private_profile_fields,
    agents_who_see_every_conversation_see_the_whole_profile,
    moving_a_conversation_shows_only_an_address_the_actor_may_see,
    without_inbox_id_nothing_is_written_into_an_inbox_the_caller_cannot_see,
);

/// A customer of the billing team, with two addresses (the second came
/// with a merged record), phone, notes, organisation and time zone. Returns
/// (billing inbox, customer id).
async fn billing_customer(app: &TestApp) -> (i64, i64) {
    let billing = app.inbox("email", Some("billing@example.com")).await;
    let first = app
        .conversation(
            "Invoice 2026-11",
            "ana.souto@home.example",
            "My invoice is wrong.",
            Some(billing),
        )
        .await;
    let second = app
        .conversation(
            "Work account",
            "a.souto@work.example",
            "Please bill my employer.",
            Some(billing),
        )
        .await;
    let id = first["customer"]["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/customers/{id}/merge"),
            &app.admin,
            json!({"customer_id": second["customer"]["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{id}"),
            &app.admin,
            json!({"name": "Ana Souto", "phone": "+34 600 111 222", "notes": "VIP; disputes every invoice",
                   "organization": "Souto Consulting", "timezone": "Europe/Madrid"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        b["emails"],
        json!(["ana.souto@home.example", "a.souto@work.example"])
    );
    (billing, id)
}

fn assert_private_hidden(p: &Value) {
    for f in ["phone", "notes", "organization", "timezone"] {
        assert_eq!(p[f], Value::Null, "{f} must be hidden: {p}");
    }
    assert_eq!(p["private_hidden"], true, "{p}");
}

async fn a_conversation_in_ones_own_inbox_reveals_no_private_profile_fields(app: &TestApp) {
    let (billing, customer) = billing_customer(app).await;
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let (agent, tok) = app.user("eve@example.com", "Eve", "agent").await;
    let team = app.team("Sales", &[agent], &[sales]).await;

    // The agent opens a conversation for the customer's *work* address in
    // their own inbox: it is the customer's record, but the answer shows
    // only the address the agent typed.
    let (s, conv) = app
        .post(
            "/api/v1/conversations",
            &tok,
            json!({"subject": "Hi", "customer": {"email": "a.souto@work.example"},
                   "message": {"text": "Who are you?"}, "inbox_id": sales}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{conv}");
    assert_eq!(conv["customer"]["id"], customer);
    assert_eq!(conv["customer"]["email"], "a.souto@work.example", "{conv}");
    let cid = conv["id"].as_i64().unwrap();
    let (_, again) = app.get(&format!("/api/v1/conversations/{cid}"), &tok).await;
    assert_eq!(again["customer"]["email"], "a.souto@work.example");
    let (_, list) = app.get("/api/v1/conversations", &tok).await;
    assert_eq!(
        list["items"][0]["customer"]["email"],
        "a.souto@work.example"
    );

    // The profile: name and language, the address given here, this one
    // conversation; nothing else.
    let (s, p) = app
        .get(&format!("/api/v1/customers/{customer}"), &tok)
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["name"], "Ana Souto");
    assert_eq!(p["emails"], json!(["a.souto@work.example"]), "{p}");
    assert_private_hidden(&p);
    assert_eq!(p["conversation_count"], 1);
    let hist: Vec<i64> = p["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(hist, vec![cid]);
    let text = p.to_string();
    for secret in [
        "ana.souto@home.example",
        "600 111 222",
        "VIP",
        "Souto Consulting",
        "Europe/Madrid",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }

    // Lists and filters do not tell who owns the other address either.
    for q in [
        "email=ana.souto@home.example",
        "q=home.example",
        "q=ana.souto%40home",
    ] {
        let (s, l) = app.get(&format!("/api/v1/customers?{q}"), &tok).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_eq!(l["items"], json!([]), "{q}: {l}");
    }
    let (_, l) = app
        .get("/api/v1/customers?email=a.souto@work.example", &tok)
        .await;
    assert_eq!(l["items"][0]["id"], customer);
    assert_private_hidden(&l["items"][0]);
    assert_eq!(l["items"][0]["emails"], json!(["a.souto@work.example"]));
    let (_, l) = app.get("/api/v1/customers", &tok).await;
    assert!(!l.to_string().contains("home.example"), "{l}");
    assert!(!l.to_string().contains("Souto Consulting"), "{l}");

    // What may not be seen may not be overwritten; the name may be edited.
    let (s, e) = app
        .patch(
            &format!("/api/v1/customers/{customer}"),
            &tok,
            json!({"notes": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, u) = app
        .patch(
            &format!("/api/v1/customers/{customer}"),
            &tok,
            json!({"name": "Ana Souto Pérez"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_private_hidden(&u);
    let (_, full) = app
        .get(&format!("/api/v1/customers/{customer}"), &app.admin)
        .await;
    assert_eq!(full["notes"], "VIP; disputes every invoice");
    assert_eq!(full["organization"]["name"], "Souto Consulting");
    assert_eq!(full["conversation_count"], 3);
    assert_eq!(full.get("private_hidden"), None, "{full}");

    // Searching for the other address finds nothing (the index holds only
    // each conversation's own address).
    crate::search::indexed(&app.st).await;
    let hits = crate::search::search(app, &tok, "ana.souto@home.example").await;
    assert_eq!(hits, Vec::<i64>::new());
    let hits = crate::search::search(app, &app.admin, "ana.souto@home.example").await;
    assert!(
        !hits.is_empty(),
        "admins still find the billing conversation"
    );

    // The web pages show the same: the profile and the conversation's side panel.
    let agent_page = agent_with_password(app, "web.eve@example.com", "Web Eve", "agent").await;
    let (s, b) = app
        .post(
            &format!("/api/v1/teams/{team}/members"),
            &app.admin,
            json!({"user_id": agent_page}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let mut browser = Browser::new(&app.base);
    browser.sign_in("web.eve@example.com", PASSWORD).await;
    for path in [format!("/customers/{customer}"), format!("/c/{cid}")] {
        let (s, page) = browser.get(&path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(page.contains("a.souto@work.example"), "{path}");
        for secret in [
            "ana.souto@home.example",
            "600 111 222",
            "VIP; disputes",
            "Souto Consulting",
            "Europe/Madrid",
            "Invoice 2026-11",
        ] {
            assert!(!page.contains(secret), "{path}: {secret} leaked");
        }
    }
    let (_, page) = browser.get(&format!("/customers/{customer}")).await;
    assert!(page.contains("id=\"private-hidden\""));
    assert!(!page.contains("name=\"notes\""), "no field to overwrite");
    let (_, page) = browser.get("/customers?q=home.example").await;
    assert!(
        !page.contains(&format!("/customers/{customer}\"")),
        "{page}"
    );
    let (_, page) = browser.get("/customers?q=work.example").await;
    assert!(page.contains(&format!("/customers/{customer}\"")), "{page}");
    let _ = billing;
}

async fn agents_who_see_every_conversation_see_the_whole_profile(app: &TestApp) {
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let (agent, tok) = app.user("sam@example.com", "Sam", "agent").await;
    app.team("Sales", &[agent], &[sales]).await;
    let (_, sup) = app.user("sue@example.com", "Sue", "supervisor").await;
    let conv = app
        .conversation("Quote", "jon@shop.example", "Need a quote", Some(sales))
        .await;
    let customer = conv["customer"]["id"].as_i64().unwrap();
    let (s, u) = app
        .patch(
            &format!("/api/v1/customers/{customer}"),
            &tok,
            json!({"phone": "+371 2000 0000", "notes": "prefers calls", "organization": "Jon's Shop"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(u["notes"], "prefers calls");
    assert_eq!(u.get("private_hidden"), None);

    // Once the customer also writes to an inbox the agent cannot see, the
    // private fields are the other team's too: hidden from this agent.
    let other = app.inbox("email", Some("other@example.com")).await;
    app.conversation("Elsewhere", "jon@shop.example", "Hello", Some(other))
        .await;
    let (_, p) = app
        .get(&format!("/api/v1/customers/{customer}"), &tok)
        .await;
    assert_private_hidden(&p);
    assert_eq!(p["emails"], json!(["jon@shop.example"]));
    // Supervisors and admins see all customers and every field.
    for t in [&sup, &app.admin] {
        let (_, p) = app.get(&format!("/api/v1/customers/{customer}"), t).await;
        assert_eq!(p["notes"], "prefers calls", "{p}");
        assert_eq!(p["phone"], "+371 2000 0000");
        assert_eq!(p["conversation_count"], 2);
    }
}

async fn moving_a_conversation_shows_only_an_address_the_actor_may_see(app: &TestApp) {
    let (_, customer) = billing_customer(app).await;
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let (agent, tok) = app.user("max@example.com", "Max", "agent").await;
    app.team("Sales", &[agent], &[sales]).await;
    // The agent can see the customer through one conversation (the work address)…
    app.conversation("Work order", "a.souto@work.example", "Order 7", Some(sales))
        .await;
    // …and moves another conversation of theirs to that customer.
    let stray = app
        .conversation("Stray", "stray@example.com", "Hello", Some(sales))
        .await;
    let id = stray["id"].as_i64().unwrap();
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &tok,
            json!({"customer_id": customer}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["customer"]["id"], customer);
    assert_eq!(
        c["customer"]["email"], "a.souto@work.example",
        "an address the agent may see, not the primary one: {c}"
    );
    let (_, c) = app.get(&format!("/api/v1/conversations/{id}"), &tok).await;
    assert_eq!(c["customer"]["email"], "a.souto@work.example");
    // An admin moving it picks the primary address.
    let stray2 = app
        .conversation("Stray 2", "stray2@example.com", "Hello", Some(sales))
        .await;
    let id2 = stray2["id"].as_i64().unwrap();
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{id2}"),
            &app.admin,
            json!({"customer_id": customer}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["customer"]["email"], "ana.souto@home.example");
}

async fn without_inbox_id_nothing_is_written_into_an_inbox_the_caller_cannot_see(app: &TestApp) {
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let (agent, tok) = app.user("ida@example.com", "Ida", "agent").await;
    app.team("Sales", &[agent], &[sales]).await;
    let before = app.rows("conversations").await;
    let customers = app.rows("customers").await;
    let (s, e) = app
        .post(
            "/api/v1/conversations",
            &tok,
            json!({"subject": "s", "customer": {"email": "z@example.com"}, "message": {"text": "t"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "inbox_id");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("default inbox"),
        "{e}"
    );
    assert_eq!(app.rows("conversations").await, before, "nothing written");
    assert_eq!(app.rows("customers").await, customers);
    // Naming their own inbox works; so does the default for those who see it.
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &tok,
            json!({"subject": "s", "customer": {"email": "z@example.com"}, "message": {"text": "t"}, "inbox_id": sales}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["inbox_id"], sales);
    let (_, sup) = app.user("sup@example.com", "Sup", "supervisor").await;
    let default = app.st.default_inbox;
    for t in [&sup, &app.admin] {
        let (s, c) = app
            .post(
                "/api/v1/conversations",
                t,
                json!({"subject": "s", "customer": {"email": "y@example.com"}, "message": {"text": "t"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert_eq!(c["inbox_id"], default);
    }
    // An agent whose team was granted the default inbox may leave it out.
    let (agent2, tok2) = app.user("dee@example.com", "Dee", "agent").await;
    app.team("Front desk", &[agent2], &[default]).await;
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &tok2,
            json!({"subject": "s", "customer": {"email": "x@example.com"}, "message": {"text": "t"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["inbox_id"], default);
}
