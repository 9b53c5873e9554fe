//! Two app nodes on one PostgreSQL database hear each other (`src/bus.rs`):
//! an agent's live inbox on one node shows a conversation created on the
//! other, and a node whose listening connection is killed still announces
//! every event the other node commits, each once.

use std::collections::BTreeMap;
use std::time::Duration;

use tend::state::{Announcement, AppState};
use tokio::sync::broadcast;

use crate::support::TestApp;
use crate::web::{live_until, signed_in};

/// A second node, serving: (its state, its server, its data directory).
async fn second_node(app: &TestApp) -> (AppState, tend::app::Running, tempfile::TempDir) {
    let (st, dir) = app.another_node().await;
    let running = tend::app::start(st.clone()).await.unwrap();
    (st, running, dir)
}

/// Listening connections of both nodes (`application_name` `tend-bus`).
async fn listeners(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(tend::bus::APPLICATION_NAME)
    .fetch_one(app.st.db.pool())
    .await
    .unwrap()
}

async fn until_listening(app: &TestApp, n: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while listeners(app).await < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the nodes do not listen again"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn create(app: &TestApp, subject: &str) -> i64 {
    app.conversation(subject, "mezgls@example.lv", "Sveiki no pirmā mezgla", None)
        .await["id"]
        .as_i64()
        .unwrap()
}

/// Event ids of these conversations in the log.
async fn event_ids(app: &TestApp, conversations: &[i64]) -> Vec<i64> {
    let mut out = Vec::new();
    for c in conversations {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM events WHERE conversation_id = $1 ORDER BY id")
                .bind(*c)
                .fetch_all(app.st.db.pool())
                .await
                .unwrap();
        out.extend(ids);
    }
    out
}

/// Collects what `rx` carries until every id of `want` was seen; answers
/// how often each event id was announced.
async fn announced_until(
    rx: &mut broadcast::Receiver<Announcement>,
    seen: &mut BTreeMap<i64, usize>,
    want: &[i64],
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !want.iter().all(|id| seen.contains_key(id)) {
        let batch = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| {
                let missing: Vec<_> = want.iter().filter(|i| !seen.contains_key(i)).collect();
                panic!("events never announced on the other node: {missing:?}")
            })
            .expect("the bus stays open and keeps up");
        for ev in batch.iter() {
            *seen.entry(ev.event_id).or_default() += 1;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_inbox_on_one_node_shows_a_conversation_created_on_the_other() {
    let Some(app) = TestApp::postgres().await else {
        eprintln!("NOTICE: no PostgreSQL; skipping the two-node live test");
        return;
    };
    let (node2, running2, _dir) = second_node(&app).await;
    until_listening(&app, 2).await;
    // Signed in through the first node; the session is the database's.
    let (_, b) = signed_in(&app, "dzintra@example.lv", "Dzintra", "admin").await;
    let mut live = b.get_raw(&format!("http://{}/live", running2.addr)).await;
    assert_eq!(live.status(), reqwest::StatusCode::OK);
    // The stream listens to the second node's bus from before its headers
    // came back, so what is created now reaches it.
    let id = create(&app, "Jauns no pirmā mezgla").await;
    let buf = live_until(&mut live, &format!("\"conversation_id\":{id}")).await;
    assert!(buf.contains("\"kind\":\"created\""), "{buf}");
    drop(live);
    running2.stop().await.unwrap();
    node2.db.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_listener_connection_loses_and_doubles_nothing() {
    let Some(app) = TestApp::postgres().await else {
        eprintln!("NOTICE: no PostgreSQL; skipping the two-node bus test");
        return;
    };
    let (node2, running2, _dir) = second_node(&app).await;
    until_listening(&app, 2).await;
    let mut rx = node2.bus.subscribe();
    let mut seen = BTreeMap::new();

    // Heard while listening.
    let first = [create(&app, "Pirms").await];
    let mut waited = event_ids(&app, &first).await;
    announced_until(&mut rx, &mut seen, &waited).await;

    // Both nodes' listening connections are killed; writes go on meanwhile.
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(tend::bus::APPLICATION_NAME)
    .fetch_all(app.st.db.pool())
    .await
    .unwrap();
    assert_eq!(killed, vec![true, true]);
    let mut during = Vec::new();
    for i in 0..20 {
        during.push(create(&app, &format!("Kamēr neklausās {i}")).await);
    }
    let ids = event_ids(&app, &during).await;
    announced_until(&mut rx, &mut seen, &ids).await;
    waited.extend(ids);
    // They listen again…
    until_listening(&app, 2).await;
    // …and what comes after is heard too.
    let after = [create(&app, "Pēc").await];
    let ids = event_ids(&app, &after).await;
    announced_until(&mut rx, &mut seen, &ids).await;
    waited.extend(ids);

    // Every event of those conversations, once each, and nothing else
    // (the second node wrote nothing).
    let all: Vec<i64> = [first.as_slice(), &during, &after].concat();
    let theirs = event_ids(&app, &all).await;
    let doubled: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "announced more than once: {doubled:?}");
    let strays: Vec<_> = seen.keys().filter(|id| !theirs.contains(id)).collect();
    assert!(strays.is_empty(), "announced, but not theirs: {strays:?}");
    assert!(waited.iter().all(|id| seen.contains_key(id)));
    running2.stop().await.unwrap();
    node2.db.close().await;
    app.finish().await;
}
