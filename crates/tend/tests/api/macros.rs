//! Macros through the API and the workspace (issue 20, item 4): templates
//! checked when saved (the line and column of a mistake), personal, team
//! and global scopes, previews that change nothing, applying (the actions
//! as the agent, the usage count) and the customer's language with its
//! fallback.

use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::signed_in;

on_both_backends!(
    template_mistakes_are_named_with_their_position,
    scopes_decide_who_uses_and_who_writes,
    a_preview_changes_nothing_and_applying_acts_and_counts,
    the_conversations_language_picks_the_text,
    the_pages_write_macros_and_the_composer_applies_them,
);

async fn create(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/macros", token, body).await
}

async fn created(app: &TestApp, token: &str, body: Value) -> i64 {
    let (s, m) = create(app, token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    m["id"].as_i64().expect("id")
}

fn field(b: &Value) -> &str {
    b["error"]["details"]["field"].as_str().unwrap_or("")
}

fn message(b: &Value) -> &str {
    b["error"]["message"].as_str().unwrap_or("")
}

async fn template_mistakes_are_named_with_their_position(app: &TestApp) {
    let (s, b) = create(
        app,
        &app.admin,
        json!({"name": "Sveiciens", "scope": "personal",
               "text": "Hi {{ customer.frist_name }}"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "text");
    assert!(
        message(&b).starts_with(
            "unknown variable \"customer.frist_name\" at line 1, column 7; use customer.name, customer.first_name"
        ),
        "{b}"
    );

    // A translation's mistake names its language, on its own line.
    let (s, b) = create(
        app,
        &app.admin,
        json!({"name": "Sveiciens", "scope": "personal", "text": "Hello",
               "translations": {"ja": "こんにちは\n{{ customer.name | upper | shout }}様"}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "translations.ja");
    assert!(
        message(&b).starts_with("unknown filter \"shout\" at line 2, column 28"),
        "{b}"
    );

    let (s, b) = create(
        app,
        &app.admin,
        json!({"name": "x", "scope": "personal", "text": "Dear {{ customer.name"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(message(&b), "unclosed \"{{\" at line 1, column 6");

    let (s, b) = create(
        app,
        &app.admin,
        json!({"name": "x", "scope": "personal", "text": "ok", "translations": {"日本語": "x"}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "translations");

    // A macro's text is its reply: no reply, note or webhook actions.
    for action in [
        json!({"type": "reply", "text": "hi"}),
        json!({"type": "note", "text": "hi"}),
        json!({"type": "webhook", "url": "https://example.com/hook"}),
    ] {
        let (s, b) = create(
            app,
            &app.admin,
            json!({"name": "x", "scope": "personal", "text": "ok",
                   "actions": [{"type": "add_tags", "value": ["a"]}, action]}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field(&b), "actions[1].type", "{b}");
    }
    let (s, b) = create(
        app,
        &app.admin,
        json!({"name": "x", "scope": "personal", "text": "ok",
               "actions": [{"type": "assign_team", "value": 999}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "actions[0].value");
    let (s, b) = create(
        app,
        &app.admin,
        json!({"name": "x", "scope": "team", "text": "ok"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "team_id");
    let (s, b) = create(app, &app.admin, json!({"name": "x", "scope": "personal"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = create(
        app,
        &app.admin,
        json!({"name": "x", "scope": "everyone", "text": "ok"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(app.rows("macros").await, 0);

    // `\{{` is a literal; the macro keeps its text as written.
    let (s, m) = create(
        app,
        &app.admin,
        json!({"name": "Braces", "scope": "personal", "text": "Type \\{{ to start"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["text"], "Type \\{{ to start");
    assert_eq!(m["usage_count"], 0);
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["name"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn scopes_decide_who_uses_and_who_writes(app: &TestApp) {
    let (ana, ana_t) = app.user("ana@example.com", "Ana", "agent").await;
    let (_, ben_t) = app.user("ben@example.com", "Ben", "agent").await;
    let (_, sup_t) = app.user("sup@example.com", "Sup", "supervisor").await;
    let team = app.team("Rēķini", &[ana], &[]).await;

    let personal = created(
        app,
        &ana_t,
        json!({"name": "Mans sveiciens", "scope": "personal", "text": "Sveiki!"}),
    )
    .await;
    let (_, m) = app.get(&format!("/api/v1/macros/{personal}"), &ana_t).await;
    assert_eq!(m["owner_id"], ana);
    assert_eq!(m["scope"], "personal");
    // Nobody else sees a personal macro, admins included.
    for t in [&ben_t, &sup_t, &app.admin] {
        let (s, _) = app.get(&format!("/api/v1/macros/{personal}"), t).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    // One name per owner, ignoring case; another owner may use it.
    let (s, b) = create(
        app,
        &ana_t,
        json!({"name": "MANS SVEICIENS", "scope": "personal", "text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "name");
    created(
        app,
        &ben_t,
        json!({"name": "Mans sveiciens", "scope": "personal", "text": "x"}),
    )
    .await;

    // Team macros: written and used by members, admins and supervisors.
    let team_macro = created(
        app,
        &ana_t,
        json!({"name": "返金のご案内", "scope": "team", "team_id": team, "text": "返金します"}),
    )
    .await;
    let (s, _) = create(
        app,
        &ben_t,
        json!({"name": "Svešs", "scope": "team", "team_id": team, "text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get(&format!("/api/v1/macros/{team_macro}"), &ben_t)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get(&format!("/api/v1/macros/{team_macro}"), &sup_t)
        .await;
    assert_eq!(s, StatusCode::OK);

    // Global macros: admins write, everyone uses.
    let (s, _) = create(
        app,
        &ana_t,
        json!({"name": "Visiem", "scope": "global", "text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let global = created(
        app,
        &app.admin,
        json!({"name": "Paldies", "scope": "global", "text": "Paldies!"}),
    )
    .await;
    let (s, _) = app.get(&format!("/api/v1/macros/{global}"), &ben_t).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/macros/{global}"),
            &ben_t,
            Some(json!({"name": "Mans", "scope": "global", "text": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/macros/{global}"),
            &ben_t,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Each sees what they may use; `q` searches names in any language and case.
    let (_, l) = app.get("/api/v1/macros", &ana_t).await;
    let mut got = names(&l);
    got.sort();
    assert_eq!(got, ["Mans sveiciens", "Paldies", "返金のご案内"]);
    let (_, l) = app.get("/api/v1/macros", &ben_t).await;
    let mut got = names(&l);
    got.sort();
    assert_eq!(got, ["Mans sveiciens", "Paldies"]);
    let (_, l) = app.get("/api/v1/macros?q=%E8%BF%94%E9%87%91", &sup_t).await; // 返金
    assert_eq!(names(&l), ["返金のご案内"]);
    let (_, l) = app.get("/api/v1/macros?q=SVEIC", &ana_t).await;
    assert_eq!(names(&l), ["Mans sveiciens"]);
    let (_, l) = app.get("/api/v1/macros?q=%25", &ana_t).await;
    assert!(names(&l).is_empty(), "{l}");

    // The owner changes and removes their own.
    let (s, m) = app
        .call(
            Method::PUT,
            &format!("/api/v1/macros/{personal}"),
            &ana_t,
            Some(json!({"name": "Sveiciens", "scope": "personal", "text": "Labdien!"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["text"], "Labdien!");
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/macros/{personal}"),
            &ana_t,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get(&format!("/api/v1/macros/{personal}"), &ana_t).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn conversation_with(app: &TestApp, name: &str, email: &str) -> Value {
    let customer = if name.is_empty() {
        json!({"email": email})
    } else {
        json!({"email": email, "name": name})
    };
    // No words to tell a language by: a conversation's detected language
    // would win over the customer's, which these tests set.
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Rēķins", "customer": customer, "message": {"text": "#4471"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c
}

async fn apply(
    app: &TestApp,
    token: &str,
    conv: i64,
    m: i64,
    preview: bool,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/conversations/{conv}/macros/{m}"),
        token,
        json!({"preview": preview}),
    )
    .await
}

async fn a_preview_changes_nothing_and_applying_acts_and_counts(app: &TestApp) {
    let (ana, ana_t) = app.user("ana@example.com", "Ana Kalniņa", "agent").await;
    let inbox = app.inbox("email", Some("help@example.com")).await;
    app.team("Atbalsts", &[ana], &[inbox]).await;
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Rēķins", "inbox_id": inbox,
                   "customer": {"email": "anna@example.lv", "name": "Anna Bērziņa"},
                   "message": {"text": "Labdien"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let m = created(
        app,
        &ana_t,
        json!({"name": "Rēķins nosūtīts", "scope": "personal",
               "text": "Labdien, {{ customer.first_name | default(\"klient\") }}!\nRēķins #{{ conversation.id }} ir nosūtīts. {{ customer.name }} {{ customer.email | upper }}\n{{ agent.first_name }}",
               "actions": [
                   {"type": "set_status", "value": "pending"},
                   {"type": "set_priority", "value": "high"},
                   {"type": "add_tags", "value": ["Rēķini", "billing"]},
                   {"type": "remove_tags", "value": ["nav"]}
               ]}),
    )
    .await;
    let other = created(
        app,
        &ana_t,
        json!({"name": "Another", "scope": "personal", "text": "x"}),
    )
    .await;
    let (_, events_before) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;

    let (s, p) = apply(app, &ana_t, id, m, true).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["applied"], false);
    assert_eq!(
        p["text"],
        format!("Labdien, Anna!\nRēķins #{id} ir nosūtīts. Anna Bērziņa ANNA@EXAMPLE.LV\nAna")
    );
    assert_eq!(p["language"], Value::Null);
    // Only what changes: there is no tag "nav" to remove.
    assert_eq!(
        p["changes"],
        json!([
            {"type": "set_status", "value": "pending"},
            {"type": "set_priority", "value": "high"},
            {"type": "add_tags", "value": ["rēķini", "billing"]}
        ])
    );
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(conv["status"], "new");
    assert_eq!(conv["tags"], json!([]));
    let (_, events) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    assert_eq!(events, events_before, "a preview writes nothing");
    let (_, mm) = app.get(&format!("/api/v1/macros/{m}"), &ana_t).await;
    assert_eq!(mm["usage_count"], 0);

    let (s, p) = apply(app, &ana_t, id, m, false).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["applied"], true);
    assert_eq!(p["changes"].as_array().unwrap().len(), 3, "{p}");
    assert!(p["text"].as_str().unwrap().starts_with("Labdien, Anna!"));
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(conv["status"], "pending");
    assert_eq!(conv["priority"], "high");
    assert_eq!(conv["tags"], json!(["rēķini", "billing"]));
    // The text was not sent: the customer's message is still the only one.
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(msgs["items"].as_array().unwrap().len(), 1, "{msgs}");
    // The changes are the agent's.
    let (_, events) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    let status_changed = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "status_changed")
        .expect("status_changed");
    assert_eq!(status_changed["actor"]["id"], ana, "{status_changed}");
    assert_eq!(status_changed["actor"]["kind"], "agent");

    // Applied again: nothing left to change, and it counts once more.
    let (_, p) = apply(app, &ana_t, id, m, false).await;
    assert_eq!(p["changes"], json!([]));
    let (_, mm) = app.get(&format!("/api/v1/macros/{m}"), &ana_t).await;
    assert_eq!(mm["usage_count"], 2);
    // The most used first.
    let (_, l) = app.get("/api/v1/macros", &ana_t).await;
    assert_eq!(l["items"][0]["id"], m);
    assert_eq!(l["items"][1]["id"], other);

    // A status the conversation cannot reach is refused, and not counted.
    let closer = created(
        app,
        &ana_t,
        json!({"name": "Jauns", "scope": "personal", "text": "x",
               "actions": [{"type": "set_status", "value": "new"}]}),
    )
    .await;
    let (s, b) = apply(app, &ana_t, id, closer, false).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "illegal_status_transition");
    let (_, mm) = app.get(&format!("/api/v1/macros/{closer}"), &ana_t).await;
    assert_eq!(mm["usage_count"], 0);

    // A conversation the agent may not see is not there for them.
    let hidden = app
        .conversation("Slepens", "s@example.com", "x", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let (s, _) = apply(app, &ana_t, hidden, m, true).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Nor is somebody else's macro.
    let (s, _) = apply(app, &app.admin, id, m, true).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn the_conversations_language_picks_the_text(app: &TestApp) {
    let m = created(
        app,
        &app.admin,
        json!({"name": "Paldies", "scope": "global",
        "text": "Thank you, {{ customer.first_name | default(\"there\") }}!",
        "translations": {
            "ja": "{{ customer.name }}様、お問い合わせありがとうございます。",
            "lv": "Paldies, {{ customer.first_name }}!",
            "pt": "Obrigado, {{ customer.first_name }}!"
        }}),
    )
    .await;
    let (_, mm) = app.get(&format!("/api/v1/macros/{m}"), &app.admin).await;
    assert_eq!(
        mm["translations"]["ja"],
        "{{ customer.name }}様、お問い合わせありがとうございます。"
    );

    let customer_language = |c: &Value| c["customer"]["id"].as_i64().unwrap();
    let ja = conversation_with(app, "山田太郎", "taro@example.jp").await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{}", customer_language(&ja)),
            &app.admin,
            json!({"language": "ja-JP"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, p) = apply(app, &app.admin, ja["id"].as_i64().unwrap(), m, true).await;
    assert_eq!(p["text"], "山田太郎様、お問い合わせありがとうございます。");
    assert_eq!(p["language"], "ja");

    // pt-BR has no translation of its own: its primary language's.
    let br = conversation_with(app, "João Silva", "joao@example.br").await;
    app.patch(
        &format!("/api/v1/customers/{}", customer_language(&br)),
        &app.admin,
        json!({"language": "pt-BR"}),
    )
    .await;
    let (_, p) = apply(app, &app.admin, br["id"].as_i64().unwrap(), m, true).await;
    assert_eq!(p["text"], "Obrigado, João!");
    assert_eq!(p["language"], "pt");

    // A language without a translation gets the fallback text.
    let de = conversation_with(app, "", "kunde@example.de").await;
    app.patch(
        &format!("/api/v1/customers/{}", customer_language(&de)),
        &app.admin,
        json!({"language": "de"}),
    )
    .await;
    let (_, p) = apply(app, &app.admin, de["id"].as_i64().unwrap(), m, true).await;
    assert_eq!(p["text"], "Thank you, there!");
    assert_eq!(p["language"], Value::Null);

    // The conversation's own language wins over its customer's.
    let ja_id = ja["id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{ja_id}"),
            &app.admin,
            json!({"language": "lv"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, p) = apply(app, &app.admin, ja_id, m, true).await;
    assert_eq!(p["text"], "Paldies, 山田太郎!");
    assert_eq!(p["language"], "lv");

    // A name that looks like a template is text, not a placeholder.
    let sly = conversation_with(app, "{{ agent.email }}", "sly@example.com").await;
    let (_, p) = apply(app, &app.admin, sly["id"].as_i64().unwrap(), m, true).await;
    assert_eq!(p["text"], "Thank you, {{!");
}

async fn the_pages_write_macros_and_the_composer_applies_them(app: &TestApp) {
    let (me, mut b) = signed_in(app, "ilze@example.com", "Ilze Ozola", "admin").await;
    let conv = conversation_with(app, "Núria Puig", "nuria@example.cat").await;
    let id = conv["id"].as_i64().unwrap();
    app.patch(
        &format!(
            "/api/v1/customers/{}",
            conv["customer"]["id"].as_i64().unwrap()
        ),
        &app.admin,
        json!({"language": "ca"}),
    )
    .await;

    // A mistake comes back on the form with what was typed.
    let (s, page) = b
        .post(
            "/macros",
            &[
                ("name", "Benvinguda"),
                ("scope", "personal"),
                ("text", "Hola {{ client.nom }}"),
                ("tr_ca", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("unknown variable &quot;client.nom&quot; at line 1, column 9")
            || page.contains("unknown variable &#34;client.nom&#34; at line 1, column 9"),
        "{page}"
    );
    assert!(page.contains("Benvinguda"));

    let (s, to) = b
        .post(
            "/macros",
            &[
                ("name", "Benvinguda"),
                ("scope", "personal"),
                ("text", "Hello {{ customer.first_name }}"),
                (
                    "tr_ca",
                    "Hola, {{ customer.first_name }}! Som a la vostra disposició.",
                ),
                ("tr_ja", ""),
                ("extra_lang", "pt-BR"),
                ("extra_text", "Olá"),
                ("status", "pending"),
                ("priority", ""),
                ("add_tags", "benvinguda, col·laboració"),
                ("remove_tags", ""),
                ("assign_team", ""),
                ("assign_agent", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(to, "/macros");
    let (_, list) = app.get("/api/v1/macros?q=benv", &app.admin).await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "personal to Ilze: {list}"
    );
    let (s, page) = b.get("/macros").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Benvinguda"), "{page}");
    let mid: i64 = page
        .split("href=\"/macros/")
        .skip(1)
        .find_map(|r| r.split('"').next().and_then(|n| n.parse().ok()))
        .expect("an edit link");
    let (s, form) = b.get(&format!("/macros/{mid}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("Som a la vostra disposició."), "{form}");
    assert!(form.contains("value=\"pt-br\""), "{form}");

    // Every locale shows the pages without a missing string.
    for lang in ["en", "ja", "ko", "lv", "ca"] {
        b.post(
            "/account/preferences",
            &[("language", lang), ("timezone", "Europe/Riga")],
        )
        .await;
        for path in [
            "/macros",
            "/macros/new",
            &format!("/macros/{mid}"),
            &format!("/c/{id}"),
        ] {
            let (s, page) = b.get(path).await;
            assert_eq!(s, StatusCode::OK, "{lang} {path}");
            assert!(!page.contains('⟦'), "{lang} {path} has a missing string");
        }
    }

    // The composer's picker: the list as the agent types, then the preview
    // and the apply, as JSON with the page's CSRF token.
    let cookie = format!("tend_session={}", b.cookie.clone().unwrap());
    let r = b
        .client
        .get(format!("{}/ui/macros?q=BENV", b.base))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let items: Value = r.json().await.unwrap();
    assert_eq!(items["items"][0]["id"], mid, "{items}");
    let post = |preview: bool, csrf: Option<String>| {
        let mut req = b
            .client
            .post(format!("{}/c/{id}/macros/{mid}", b.base))
            .header(COOKIE, &cookie)
            .json(&json!({"preview": preview}));
        if let Some(t) = csrf {
            req = req.header("x-csrf-token", t);
        }
        req.send()
    };
    let r = post(true, None).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let r = post(true, Some(b.csrf.clone())).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["text"], "Hola, Núria! Som a la vostra disposició.");
    assert_eq!(p["applied"], false);
    assert_eq!(p["changes"].as_array().unwrap().len(), 2, "{p}");
    let r = post(false, Some(b.csrf.clone())).await.unwrap();
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["applied"], true, "{p}");
    assert_eq!(p["controls"]["status"], "pending");
    assert_eq!(p["controls"]["tags"], "benvinguda, col·laboració");
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(c["status"], "pending");
    let (_, events) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "tags_changed" && e["actor"]["id"] == me),
        "{events}"
    );
}
