//! Recovery: a `kill -9` during bulk indexing followed by a restart leaves
//! every message indexed exactly once; on PostgreSQL, an event committed
//! after events with higher ids is still indexed.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tend::agents::Viewer;
use tend::conversations::model::{NewConversation, NewMessage};
use tend::conversations::service::Sender;

use super::{id, indexed, search};
use crate::support::{TestApp, fresh_pg_database, test_config};

/// Searches until the answer is `expected` (indexing is asynchronous), for
/// at most `within`.
async fn search_until(app: &TestApp, q: &str, expected: &[i64], within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let got = search(app, &app.admin, q).await;
        if got == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{q:?}: still {got:?} instead of {expected:?} after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// PostgreSQL hands out event ids at insert, not at commit: an event can
/// become visible after events with higher ids. The indexer must index
/// what is past the gap at once, hold its cursor at the gap for a while,
/// and still index the late event when it finally commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_events_committed_out_of_order_are_not_missed() {
    use sqlx::Connection as _;
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    let alpha = id(&app
        .conversation("Alpha", "a@example.com", "alphaword", None)
        .await);
    indexed(&app.st).await;

    // A slow transaction takes an event id and does not commit yet.
    let mut slow = sqlx::AnyConnection::connect(&app.st.config.database_url)
        .await
        .unwrap();
    sqlx::query("BEGIN").execute(&mut slow).await.unwrap();
    sqlx::query("UPDATE conversations SET status = 'pending' WHERE id = $1")
        .bind(alpha)
        .execute(&mut slow)
        .await
        .unwrap();
    let gap: i64 = sqlx::query_scalar(
        "INSERT INTO events (conversation_id, kind, actor_kind, data, created_at) \
         VALUES ($1, 'status_changed', 'system', '{}', 0) RETURNING id",
    )
    .bind(alpha)
    .fetch_one(&mut slow)
    .await
    .unwrap();
    let opened = Instant::now();

    // Later events are searchable at once…
    let bravo = id(&app
        .conversation("Bravo", "b@example.com", "bravoword", None)
        .await);
    search_until(&app, "bravoword", &[bravo], Duration::from_secs(10)).await;
    // …but the cursor waits at the gap (for a few seconds).
    if opened.elapsed() < tend::search::indexer::GAP_GRACE {
        assert!(app.st.search().indexed_up_to() < gap);
    }
    // Then it takes the gap for a rollback and moves on…
    let last = tend::conversations::export::last_event_id(&app.st)
        .await
        .unwrap();
    assert!(
        app.st
            .search()
            .wait_indexed(last, Duration::from_secs(20))
            .await,
        "the cursor never passed the open gap at {gap}"
    );
    assert!(
        search(&app, &app.admin, "alphaword status:pending")
            .await
            .is_empty()
    );
    // …and still indexes the event when it commits after all.
    sqlx::query("COMMIT").execute(&mut slow).await.unwrap();
    search_until(
        &app,
        "alphaword status:pending",
        &[alpha],
        Duration::from_secs(10),
    )
    .await;
    app.finish().await;
}

const BIN: &str = env!("CARGO_BIN_EXE_tend");

/// The cursor in the last commit of the index in `dir`, read from
/// tantivy's `meta.json` (written atomically) without opening the index.
fn committed_cursor(dir: &std::path::Path) -> Option<i64> {
    let meta = std::fs::read_to_string(dir.join("meta.json")).ok()?;
    let meta: Value = serde_json::from_str(&meta).ok()?;
    let payload: Value = serde_json::from_str(meta["payload"].as_str()?).ok()?;
    payload["cursor"].as_i64()
}

fn serve(data: &std::path::Path, database_url: Option<&str>) -> (Child, String) {
    let (child, url, _) = serve_logged(data, database_url);
    (child, url)
}

/// [`serve`], also answering the lines the server logs (as they come).
fn serve_logged(
    data: &std::path::Path,
    database_url: Option<&str>,
) -> (Child, String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let mut c = Command::new(BIN);
    c.arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TEND_DATA_DIR", data)
        .env("TEND_HTTP_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(u) = database_url {
        c.env("TEND_DATABASE_URL", u);
    }
    let mut child = c.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let lines = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(i) = line.find("listening on http://") {
                let url = line[i + "listening on ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let _ = tx.send(url);
            }
            lines.lock().unwrap().push(line);
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve logs its URL");
    (child, url, log)
}

/// The last commit's payload of the index in `dir` (see [`committed_cursor`]).
fn committed_payload(dir: &std::path::Path) -> Option<Value> {
    let meta = std::fs::read_to_string(dir.join("meta.json")).ok()?;
    let meta: Value = serde_json::from_str(&meta).ok()?;
    serde_json::from_str(meta["payload"].as_str()?).ok()
}

fn kill(child: &mut Child, sig: &str) {
    let ok = Command::new("kill")
        .args([format!("-{sig}"), child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig}");
}

async fn kill_9_during_bulk_indexing(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = if postgres {
        let Some((url, _)) = fresh_pg_database().await else {
            return;
        };
        Some(url)
    } else {
        None
    };
    let search_dir = dir.path().join("search");

    // An index that is up to date with an empty log…
    let st = tend::app::open(test_config(dir.path(), database_url.clone(), &[]))
        .await
        .unwrap();
    let mut ix = tend::search::indexer::Indexer::open(&st, 1, 20_000_000)
        .await
        .unwrap();
    ix.rebuild(&|_, _| {}, None).await.unwrap();
    ix.close().await.unwrap();
    assert_eq!(committed_cursor(&search_dir), Some(0));
    let system = Viewer::system();
    let user = tend::agents::service::create_user(
        &st,
        &system,
        tend::agents::service::NewUser {
            email: "root@example.com".into(),
            name: "Root".into(),
            role: tend::agents::Role::Admin,
            password: None,
        },
    )
    .await
    .unwrap();
    let token = tend::agents::service::create_token(&st, &system, user.id, "t")
        .await
        .unwrap()
        .token;

    // …then thousands of events written while no indexer runs.
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..16 {
        let (st, system) = (st.clone(), system.clone());
        tasks.spawn(async move {
            for i in 0..60 {
                let c = tend::conversations::service::create(
                    &st,
                    &system,
                    serde_json::from_value::<NewConversation>(json!({
                        "subject": format!("Kvalitāte {w}-{i}"),
                        "customer": {"email": format!("c{w}@example.lv")},
                        "message": {"text": format!("uniq{w}x{i}a サービス")},
                    }))
                    .unwrap(),
                )
                .await
                .unwrap();
                for (k, internal) in [("b", false), ("c", true)] {
                    tend::conversations::service::add_message(
                        &st,
                        &system,
                        c.id,
                        NewMessage {
                            text: Some(format!("uniq{w}x{i}{k} 서비스를")),
                            internal,
                            ..Default::default()
                        },
                        Sender::Out,
                        vec![],
                    )
                    .await
                    .unwrap();
                }
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    let last = tend::conversations::export::last_event_id(&st)
        .await
        .unwrap();
    let (messages,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages")
        .fetch_one(st.db.pool())
        .await
        .unwrap();
    assert_eq!(messages, 16 * 60 * 3);
    let expected: Vec<i64> = sqlx::query_scalar("SELECT id FROM messages ORDER BY id")
        .fetch_all(st.db.pool())
        .await
        .unwrap();
    st.db.close().await;

    // The server catches up in steps of 1,000 events, committing at most
    // once a second: kill it in between.
    let (mut child, _) = serve(dir.path(), database_url.as_deref());
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen_mid_way = None;
    while Instant::now() < deadline {
        match committed_cursor(&search_dir) {
            Some(c) if c > 0 && c < last => {
                seen_mid_way = Some(c);
                break;
            }
            Some(c) if c >= last => break,
            _ => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    kill(&mut child, "KILL");
    let _ = child.wait();
    eprintln!(
        "killed with the index at event {seen_mid_way:?} of {last} ({})",
        if seen_mid_way.is_some() {
            "mid-way"
        } else {
            "too late to be mid-way"
        }
    );

    // Restarted, it resumes from the last commit.
    let (mut child, url) = serve(dir.path(), database_url.as_deref());
    let deadline = Instant::now() + Duration::from_secs(120);
    while committed_cursor(&search_dir).is_none_or(|c| c < last) {
        assert!(Instant::now() < deadline, "indexing did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    let client = reqwest::Client::new();
    for q in ["uniq0x0a", "uniq15x59c", "uniq7x30b"] {
        let b: Value = client
            .get(format!("{url}/api/v1/search"))
            .bearer_auth(&token)
            .query(&[("q", q)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(b["items"].as_array().unwrap().len(), 1, "{q}: {b}");
    }
    kill(&mut child, "TERM");
    assert_eq!(child.wait().unwrap().code(), Some(0));

    // Every message is in the index exactly once.
    let index = tend_search::SearchIndex::open(&search_dir).unwrap();
    assert_eq!(index.all_message_ids().unwrap(), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_bulk_indexing_sqlite() {
    kill_9_during_bulk_indexing(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_bulk_indexing_postgres() {
    kill_9_during_bulk_indexing(true).await;
}

/// The first start on a database the index has never seen builds the index
/// in commits of [`BUILD_COMMIT_CONVERSATIONS`]; killed half way, the next
/// start goes on from the last commit instead of starting over, and every
/// message ends up in the index exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_index_build_killed_half_way_goes_on_from_its_last_commit() {
    use tend::search::indexer::BUILD_COMMIT_CONVERSATIONS;
    let dir = tempfile::tempdir().unwrap();
    let search_dir = dir.path().join("search");
    let total = 3 * BUILD_COMMIT_CONVERSATIONS;
    let seeded = Command::new(BIN)
        .args(["demo", "seed", "--conversations", &total.to_string()])
        .args(["--messages-per-conversation", "2", "--no-index"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TEND_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    assert!(
        !search_dir.join("meta.json").exists(),
        "--no-index leaves the index alone"
    );
    let st = tend::app::open(test_config(dir.path(), None, &[]))
        .await
        .unwrap();
    let expected: Vec<i64> = sqlx::query_scalar("SELECT id FROM messages ORDER BY id")
        .fetch_all(st.db.pool())
        .await
        .unwrap();
    let last = tend::conversations::export::last_event_id(&st)
        .await
        .unwrap();
    st.db.close().await;

    // Killed once the build has committed part of the conversations.
    let (mut child, _) = serve(dir.path(), None);
    let deadline = Instant::now() + Duration::from_secs(300);
    let killed_after = loop {
        assert!(Instant::now() < deadline, "the build never committed");
        if let Some(p) = committed_payload(&search_dir) {
            assert!(
                !p["build"].is_null(),
                "the build finished before it could be killed half way: {p}"
            );
            if let Some(after) = p["build"]["after"].as_i64().filter(|a| *a > 0) {
                break after;
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    kill(&mut child, "KILL");
    let _ = child.wait();
    let payload = committed_payload(&search_dir).unwrap();
    let done = payload["build"]["conversations"].as_u64().unwrap();
    assert!(
        done >= BUILD_COMMIT_CONVERSATIONS && done < total,
        "{payload}"
    );
    assert!(payload["build"]["after"].as_i64().unwrap() >= killed_after);

    // Started again, it goes on where the last commit left it.
    let (mut child, _, log) = serve_logged(dir.path(), None);
    let deadline = Instant::now() + Duration::from_secs(300);
    while committed_payload(&search_dir)
        .is_none_or(|p| !p["build"].is_null() || p["cursor"].as_i64() < Some(last))
    {
        assert!(Instant::now() < deadline, "the build did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    kill(&mut child, "TERM");
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let log = log.lock().unwrap().join("\n");
    assert!(log.contains("resuming the search index build"), "{log}");
    let built = log
        .lines()
        .find(|l| l.contains("search index built"))
        .unwrap_or_else(|| panic!("no build logged: {log}"));
    let field = |name: &str| -> u64 {
        built
            .split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {built}"))
    };
    assert_eq!(
        field("conversations="),
        total - done,
        "only what the first run had not committed is built again: {built}"
    );
    assert!(field("resumed_after=") > 0, "{built}");

    // Every message is in the index exactly once.
    let index = tend_search::SearchIndex::open(&search_dir).unwrap();
    assert_eq!(index.all_message_ids().unwrap(), expected);
}
