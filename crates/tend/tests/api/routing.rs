//! Routing and ownership: strategies and their fallbacks, queues and what
//! lets them move (an agent comes online, capacity frees up, a reopen),
//! 2,000 concurrent arrivals for 20 agents, agents going offline,
//! transfers with reasons and their report, expected waits, auto-away.

use futures_util::StreamExt as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    round_robin_goes_round_the_team,
    least_loaded_follows_the_share_of_capacity,
    skills_first_matches_language_and_skill_then_falls_back,
    sticky_returns_a_customer_to_their_agent_then_falls_back,
    the_queue_moves_when_agents_come_online_free_capacity_or_reopen,
    two_thousand_concurrent_arrivals_for_twenty_agents,
    an_offline_agents_chats_return_to_the_queue_and_are_rerouted,
);

/// A routed inbox, its team and the team's agents `(id, token)`.
pub(crate) struct Desk {
    pub(crate) inbox: i64,
    pub(crate) team: i64,
    pub(crate) agents: Vec<(i64, String)>,
}

pub(crate) async fn put(
    app: &TestApp,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.call(Method::PUT, path, token, Some(body)).await
}

/// An inbox routed by `rule` to a new team of `n` agents, each with
/// `profile` (capacity, languages, skills) and online when `online`.
pub(crate) async fn desk(
    app: &TestApp,
    name: &str,
    n: usize,
    rule: Value,
    profile: Value,
    online: bool,
) -> Desk {
    let inbox = app.inbox("api", None).await;
    let mut agents = Vec::new();
    for i in 0..n {
        agents.push(
            app.user(
                &format!("{name}{i}@example.com"),
                &format!("{name} {i}"),
                "agent",
            )
            .await,
        );
    }
    let ids: Vec<i64> = agents.iter().map(|(id, _)| *id).collect();
    let team = app.team(name, &ids, &[inbox]).await;
    let mut rule = rule;
    rule["team_id"] = json!(team);
    let (s, b) = put(
        app,
        &format!("/api/v1/inboxes/{inbox}/routing"),
        &app.admin,
        rule,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    for (id, tok) in &agents {
        let (s, b) = put(
            app,
            &format!("/api/v1/users/{id}/routing"),
            &app.admin,
            profile.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        if online {
            presence(app, tok, "online").await;
        }
    }
    Desk {
        inbox,
        team,
        agents,
    }
}

pub(crate) async fn presence(app: &TestApp, token: &str, p: &str) -> Value {
    let (s, b) = put(app, "/api/v1/me/presence", token, json!({"presence": p})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["presence"], p);
    b
}

/// Creates a conversation in the inbox; returns the body.
pub(crate) async fn arrive(
    app: &TestApp,
    inbox: i64,
    channel: &str,
    email: &str,
    extra: Value,
) -> Value {
    let mut body = json!({"subject": "Help", "customer": {"email": email},
                          "message": {"text": "I need help with my account."},
                          "inbox_id": inbox, "channel": channel});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    let (s, c) = app.post("/api/v1/conversations", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c
}

pub(crate) async fn conversation(app: &TestApp, id: i64) -> Value {
    let (s, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c
}

/// A conversation's timeline (its first 200 events).
pub(crate) async fn events(app: &TestApp, id: i64) -> Vec<Value> {
    let (s, e) = app
        .get(
            &format!("/api/v1/conversations/{id}/events?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    e["items"].as_array().cloned().unwrap_or_default()
}

/// The data of the conversation's last event of `kind`.
pub(crate) async fn last_event(app: &TestApp, id: i64, kind: &str) -> Value {
    events(app, id)
        .await
        .into_iter()
        .rev()
        .find(|e| e["kind"] == kind)
        .map(|e| e["data"].clone())
        .unwrap_or_else(|| panic!("conversation {id} has no {kind} event"))
}

async fn load(app: &TestApp, user: i64, channel: &str) -> i64 {
    let (s, b) = app
        .get(&format!("/api/v1/users/{user}/routing"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["load"][channel].as_i64().unwrap()
}

async fn round_robin_goes_round_the_team(app: &TestApp) {
    let d = desk(
        app,
        "rr",
        3,
        json!({"strategy": "round_robin"}),
        json!({}),
        true,
    )
    .await;
    let mut owners = Vec::new();
    for i in 0..6 {
        let c = arrive(
            app,
            d.inbox,
            "email",
            &format!("rr{i}@example.org"),
            json!({}),
        )
        .await;
        assert_eq!(c["team_id"], d.team, "the rule's team receives it");
        owners.push(c["assignee_id"].as_i64().expect("assigned at once"));
    }
    let ids: Vec<i64> = d.agents.iter().map(|(id, _)| *id).collect();
    assert_eq!(owners, [ids.clone(), ids].concat(), "each in turn");
    let last = owners[5];
    let c = arrive(app, d.inbox, "email", "rr-last@example.org", json!({})).await;
    let data = last_event(app, c["id"].as_i64().unwrap(), "assigned").await;
    assert_eq!(data["by"], "system");
    assert_eq!(data["strategy"], "round_robin");
    assert_eq!(data["trigger"], "created");
    assert_ne!(data["to"], last);
}

async fn least_loaded_follows_the_share_of_capacity(app: &TestApp) {
    let d = desk(
        app,
        "ll",
        2,
        json!({"strategy": "least_loaded"}),
        json!({}),
        true,
    )
    .await;
    let (big, small) = (d.agents[0].0, d.agents[1].0);
    put(
        app,
        &format!("/api/v1/users/{big}/routing"),
        &app.admin,
        json!({"capacity": {"email": 10}}),
    )
    .await;
    put(
        app,
        &format!("/api/v1/users/{small}/routing"),
        &app.admin,
        json!({"capacity": {"email": 2}}),
    )
    .await;
    let mut owners = Vec::new();
    for i in 0..6 {
        let c = arrive(
            app,
            d.inbox,
            "email",
            &format!("ll{i}@example.org"),
            json!({}),
        )
        .await;
        owners.push(c["assignee_id"].as_i64().unwrap());
    }
    // Shares: 0/10 = 0/2 (tie, lower id), then 1/10 > 0/2, then 1/10 < 1/2 …
    assert_eq!(owners, [big, small, big, big, big, big]);
    assert_eq!(load(app, big, "email").await, 5);
    assert_eq!(load(app, small, "email").await, 1);
}

async fn skills_first_matches_language_and_skill_then_falls_back(app: &TestApp) {
    let d = desk(
        app,
        "sk",
        3,
        json!({"strategy": "round_robin", "skills_first": true}),
        json!({}),
        true,
    )
    .await;
    let (en, ja_expert, ja) = (d.agents[0].0, d.agents[1].0, d.agents[2].0);
    for (id, body) in [
        (en, json!({"languages": ["en"], "skills": {"billing": 5}})),
        (
            ja_expert,
            json!({"languages": ["ja", "en"], "skills": {"billing": 5}}),
        ),
        (ja, json!({"languages": ["ja"], "skills": {"billing": 1}})),
    ] {
        let (s, b) = put(
            app,
            &format!("/api/v1/users/{id}/routing"),
            &app.admin,
            body,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let c = arrive(
        app,
        d.inbox,
        "email",
        "a@example.jp",
        json!({"language": "ja", "tags": ["billing"]}),
    )
    .await;
    assert_eq!(
        c["assignee_id"], ja_expert,
        "language, then the best skill level"
    );
    let data = last_event(app, c["id"].as_i64().unwrap(), "assigned").await;
    assert_eq!(data["basis"], "language_and_skill");

    // No language given: detected from the text (lingua), then matched.
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "請求書", "customer": {"email": "b@example.jp"}, "inbox_id": d.inbox,
                   "message": {"text": "お世話になっております。先月分の請求書がまだ届いていません。ご確認をお願いいたします。"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["language"], "ja", "detected on creation");
    assert_eq!(
        c["assignee_id"], ja,
        "the Japanese speaker whose turn it is"
    );

    // Nobody speaks Latvian: the fallback is the strategy over everyone.
    let c = arrive(
        app,
        d.inbox,
        "email",
        "c@example.lv",
        json!({"language": "lv"}),
    )
    .await;
    assert_eq!(c["assignee_id"], en, "round-robin turn among all");
    assert_eq!(
        last_event(app, c["id"].as_i64().unwrap(), "assigned").await["basis"],
        "strategy"
    );

    // The Japanese speakers are away: a Japanese customer still gets someone.
    presence(app, &d.agents[1].1, "away").await;
    presence(app, &d.agents[2].1, "away").await;
    let c = arrive(
        app,
        d.inbox,
        "email",
        "d@example.jp",
        json!({"language": "ja", "tags": ["billing"]}),
    )
    .await;
    assert_eq!(
        c["assignee_id"], en,
        "fallback when no speaker is available"
    );
    assert_eq!(
        last_event(app, c["id"].as_i64().unwrap(), "assigned").await["basis"],
        "skill"
    );
}

async fn sticky_returns_a_customer_to_their_agent_then_falls_back(app: &TestApp) {
    let d = desk(
        app,
        "st",
        2,
        json!({"strategy": "round_robin", "sticky": true}),
        json!({}),
        true,
    )
    .await;
    let (a, b) = (d.agents[0].0, d.agents[1].0);
    let first = arrive(app, d.inbox, "email", "x@example.ca", json!({})).await;
    assert_eq!(first["assignee_id"], a);
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{}", first["id"]),
            &app.admin,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        arrive(app, d.inbox, "email", "y@example.ca", json!({})).await["assignee_id"],
        b
    );
    assert_eq!(
        arrive(app, d.inbox, "email", "z@example.ca", json!({})).await["assignee_id"],
        a
    );
    // Round-robin would now pick b; the returning customer goes back to a.
    let back = arrive(app, d.inbox, "email", "x@example.ca", json!({})).await;
    assert_eq!(back["assignee_id"], a);
    assert_eq!(
        last_event(app, back["id"].as_i64().unwrap(), "assigned").await["basis"],
        "sticky"
    );
    // Their agent is away: the strategy decides.
    presence(app, &d.agents[0].1, "away").await;
    let again = arrive(app, d.inbox, "email", "x@example.ca", json!({})).await;
    assert_eq!(again["assignee_id"], b);
    assert_eq!(
        last_event(app, again["id"].as_i64().unwrap(), "assigned").await["basis"],
        "strategy"
    );
    // Their agent is online but full: the strategy decides too.
    presence(app, &d.agents[0].1, "online").await;
    put(
        app,
        &format!("/api/v1/users/{a}/routing"),
        &app.admin,
        json!({"capacity": {"email": 0}}),
    )
    .await;
    let full = arrive(app, d.inbox, "email", "x@example.ca", json!({})).await;
    assert_eq!(full["assignee_id"], b);
}

async fn the_queue_moves_when_agents_come_online_free_capacity_or_reopen(app: &TestApp) {
    let d = desk(
        app,
        "q",
        1,
        json!({}),
        json!({"capacity": {"chat": 1}}),
        false,
    )
    .await;
    let (agent, tok) = (d.agents[0].0, d.agents[0].1.clone());
    let mut ids = Vec::new();
    for i in 0..3 {
        let c = arrive(
            app,
            d.inbox,
            "chat",
            &format!("q{i}@example.com"),
            json!({}),
        )
        .await;
        assert!(c["assignee_id"].is_null(), "nobody online: it waits");
        let id = c["id"].as_i64().unwrap();
        assert_eq!(last_event(app, id, "queued").await["team_id"], d.team);
        ids.push(id);
    }
    // The agent comes online: the longest-waiting chat is theirs at once.
    presence(app, &tok, "online").await;
    assert_eq!(conversation(app, ids[0]).await["assignee_id"], agent);
    assert!(
        conversation(app, ids[1]).await["assignee_id"].is_null(),
        "capacity 1"
    );
    let data = last_event(app, ids[0], "assigned").await;
    assert_eq!(
        (data["by"].clone(), data["trigger"].clone()),
        (json!("system"), json!("queue"))
    );

    // Solving frees the place: the next one in line gets it.
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{}", ids[0]),
            &tok,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(conversation(app, ids[1]).await["assignee_id"], agent);
    assert!(conversation(app, ids[2]).await["assignee_id"].is_null());

    // A reopened conversation without an owner is routed again (here: queued).
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{}", ids[0]),
            &app.admin,
            json!({"assignee_id": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{}/messages", ids[0]),
            &app.admin,
            json!({"text": "It broke again.", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(conversation(app, ids[0]).await["status"], "open");
    assert_eq!(
        last_event(app, ids[0], "queued").await["trigger"],
        "reopened"
    );
    let (_, q) = app.get("/api/v1/queues", &app.admin).await;
    let team = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team_id"] == d.team)
        .cloned()
        .unwrap();
    assert_eq!(team["waiting"], 2);
}

async fn two_thousand_concurrent_arrivals_for_twenty_agents(app: &TestApp) {
    const ARRIVALS: usize = 2000;
    const CAP: i64 = 50;
    let d = desk(
        app,
        "cc",
        20,
        json!({"strategy": "least_loaded"}),
        json!({"capacity": {"chat": CAP}}),
        true,
    )
    .await;
    let url = format!("{}/api/v1/conversations", app.base);
    let results: Vec<(StatusCode, Value)> = futures_util::stream::iter(0..ARRIVALS)
        .map(|i| {
            let (client, url, tok, inbox) = (app.client.clone(), url.clone(), app.admin.clone(), d.inbox);
            async move {
                let body = json!({"subject": format!("chat {i}"), "customer": {"email": format!("v{i}@example.com")},
                                  "message": {"text": "hello"}, "inbox_id": inbox, "channel": "chat"});
                // A client does what a 503 asks: the server waits at most
                // 2 s for a database connection and then answers "try
                // again" with `Retry-After` (nothing was written), which a
                // loaded test machine can meet (spread out, as clients
                // are, so that they do not all come back at once). The
                // count below shows that no arrival was lost or written
                // twice.
                let spread = std::time::Duration::from_millis((i % 20) as u64 * 50);
                let mut tries = 0;
                loop {
                    let r = client
                        .post(&url)
                        .bearer_auth(&tok)
                        .json(&body)
                        .send()
                        .await
                        .expect("request");
                    let s = r.status();
                    let retry_after = r
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                    tries += 1;
                    match retry_after {
                        Some(secs) if s == StatusCode::SERVICE_UNAVAILABLE && tries < 30 => {
                            tokio::time::sleep(std::time::Duration::from_secs(secs) + spread).await;
                        }
                        _ => return (s, r.json::<Value>().await.unwrap_or(Value::Null)),
                    }
                }
            }
        })
        .buffer_unordered(200)
        .collect()
        .await;
    let refused: Vec<_> = results
        .iter()
        .filter(|(s, _)| *s != StatusCode::CREATED)
        .take(3)
        .collect();
    assert!(refused.is_empty(), "every arrival accepted: {refused:?}");
    let assigned = results
        .iter()
        .filter(|(_, c)| !c["assignee_id"].is_null())
        .count();
    assert_eq!(
        assigned,
        20 * CAP as usize,
        "every place is filled, no more"
    );

    for (id, _) in &d.agents {
        assert_eq!(
            load(app, *id, "chat").await,
            CAP,
            "agent {id} is exactly full"
        );
    }
    let sql = |q: &str| q.replace("$INBOX", &d.inbox.to_string());
    let count = |q: String| async move {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(q))
            .fetch_one(app.st.db.pool())
            .await
            .unwrap();
        n
    };
    assert_eq!(
        count(sql(
            "SELECT COUNT(*) FROM conversations WHERE inbox_id = $INBOX"
        ))
        .await,
        ARRIVALS as i64,
        "none lost"
    );
    assert_eq!(
        count(sql(
            "SELECT COUNT(*) FROM routing_queue q JOIN conversations c ON c.id = q.conversation_id \
                   WHERE c.inbox_id = $INBOX AND c.assignee_id IS NULL"
        ))
        .await,
        (ARRIVALS - assigned) as i64,
        "the rest waits in the queue"
    );
    assert_eq!(
        count(sql(
            "SELECT COUNT(*) FROM routing_queue q JOIN conversations c ON c.id = q.conversation_id \
                   WHERE c.assignee_id IS NOT NULL"
        ))
        .await,
        0,
        "nothing both owned and queued"
    );
    assert_eq!(
        count(sql(
            "SELECT COUNT(*) FROM (SELECT e.conversation_id FROM events e JOIN conversations c \
                   ON c.id = e.conversation_id WHERE c.inbox_id = $INBOX AND e.kind = 'assigned' \
                   GROUP BY e.conversation_id HAVING COUNT(*) > 1) t"
        ))
        .await,
        0,
        "no conversation assigned twice"
    );

    // More capacity lets the queue through, still within the new limit.
    for (id, _) in &d.agents {
        let (s, b) = put(
            app,
            &format!("/api/v1/users/{id}/routing"),
            &app.admin,
            json!({"capacity": {"chat": 2 * CAP}}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    // Each change lets the queue through at once; a drain the loaded
    // database refused (a pool timeout) is left to the sweep, every 5 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let mut loads = Vec::new();
        for (id, _) in &d.agents {
            loads.push(load(app, *id, "chat").await);
        }
        if loads.iter().all(|&l| l == 2 * CAP) || std::time::Instant::now() > deadline {
            assert_eq!(
                loads,
                vec![2 * CAP; d.agents.len()],
                "every agent is full again"
            );
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(count(sql("SELECT COUNT(*) FROM routing_queue")).await, 0);
}

async fn an_offline_agents_chats_return_to_the_queue_and_are_rerouted(app: &TestApp) {
    let d = desk(
        app,
        "off",
        2,
        json!({"strategy": "round_robin"}),
        json!({"capacity": {"chat": 3}}),
        true,
    )
    .await;
    let ((leaver, leaver_tok), (stayer, _)) = (d.agents[0].clone(), d.agents[1].clone());
    put(
        app,
        &format!("/api/v1/users/{stayer}/routing"),
        &app.admin,
        json!({"capacity": {"chat": 0}}),
    )
    .await;
    let c1 = arrive(app, d.inbox, "chat", "o1@example.com", json!({})).await;
    let c2 = arrive(app, d.inbox, "chat", "o2@example.com", json!({})).await;
    let mail = arrive(app, d.inbox, "email", "o3@example.com", json!({})).await;
    assert_eq!(
        (c1["assignee_id"].clone(), c2["assignee_id"].clone()),
        (json!(leaver), json!(leaver))
    );
    let (s, _) = app
        .patch(&format!("/api/v1/conversations/{}", mail["id"]), &app.admin,
               json!({"assignee_id": leaver, "reason": {"category": "skill", "text": "knows this customer"}}))
        .await;
    assert_eq!(s, StatusCode::OK);
    put(
        app,
        &format!("/api/v1/users/{stayer}/routing"),
        &app.admin,
        json!({"capacity": {"chat": 3}}),
    )
    .await;

    presence(app, &leaver_tok, "offline").await;
    for c in [&c1, &c2] {
        let id = c["id"].as_i64().unwrap();
        let now = conversation(app, id).await;
        assert_eq!(now["assignee_id"], stayer, "routed again to who is online");
        assert_eq!(
            now["transfer_count"], 0,
            "a system reassignment is not a transfer"
        );
        let kinds: Vec<String> = events(app, id)
            .await
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect();
        assert!(!kinds.contains(&"transferred".to_string()), "{kinds:?}");
        let evs = events(app, id).await;
        let released = evs
            .iter()
            .find(|e| e["kind"] == "assigned" && e["data"]["from"] == leaver)
            .unwrap();
        assert_eq!(released["data"]["by"], "system");
        assert_eq!(released["data"]["reason"], "agent_offline");
        assert_eq!(released["data"]["to"], Value::Null);
        assert!(
            evs.iter()
                .any(|e| e["kind"] == "queued" && e["data"]["trigger"] == "agent_offline")
        );
    }
    assert_eq!(
        conversation(app, mail["id"].as_i64().unwrap()).await["assignee_id"],
        leaver,
        "email stays with its owner"
    );
    let (_, r) = app.get("/api/v1/reports/transfers", &app.admin).await;
    let row = r["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user_id"] == leaver)
        .cloned()
        .unwrap();
    assert_eq!(row["system_reassigned"], 2);
    assert_eq!(row["transferred"], 0);
}
