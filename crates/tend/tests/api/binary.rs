//! The `tend` binary itself: CLI commands, exit codes, restart with nothing
//! lost, and durability under `kill -9`.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::support::fresh_pg_database;

const BIN: &str = env!("CARGO_BIN_EXE_tend");

/// An environment for the binary: a data dir and a database.
pub(crate) struct Env {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) database_url: Option<String>,
}

impl Env {
    pub(crate) async fn new(postgres: bool) -> Option<Env> {
        let database_url = if postgres {
            Some(fresh_pg_database().await?.0)
        } else {
            None
        };
        Some(Env {
            dir: tempfile::tempdir().unwrap(),
            database_url,
        })
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TEND_DATA_DIR", self.dir.path())
            .env("TEND_HTTP_LISTEN", "127.0.0.1:0")
            .env("TEND_IMAP_POLL_SECONDS", "1")
            // No DNS lookups from tests (sender authentication).
            .env("TEND_MAIL_AUTH", "off");
        if let Some(u) = &self.database_url {
            c.env("TEND_DATABASE_URL", u);
        }
        c
    }

    /// Runs a command to completion; returns (exit code, stdout, stderr).
    pub(crate) fn run(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        let mut c = self.cmd(args);
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Creates an admin and returns a token, through the CLI.
    pub(crate) fn admin_token(&self) -> String {
        let (code, out, err) = self.run(
            &[
                "admin",
                "create-user",
                "--email",
                "root@example.com",
                "--name",
                "Root",
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some("a long enough password\n"),
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.trim().parse::<i64>().is_ok(), "prints the id: {out:?}");
        let (code, out, err) = self.run(
            &["admin", "create-token", "--email", "root@example.com"],
            None,
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.lines().count(), 1, "only the token on stdout: {out:?}");
        assert!(out.starts_with("tend_"));
        out.trim().to_string()
    }

    /// Starts `tend serve` and returns it with its base URL (from the log line).
    pub(crate) fn serve(&self) -> (Child, String) {
        Self::serve_with(self.cmd(&["serve"]))
    }

    /// Starts a prepared `tend serve` command; returns it with its base URL.
    pub(crate) fn serve_with(mut cmd: Command) -> (Child, String) {
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
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
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("serve logs the URL it listens on");
        (child, url)
    }
}

pub(crate) fn sigterm(child: &Child) {
    signal(child, "TERM");
}

/// Sends a signal with the `kill` command (unsafe code is forbidden here).
pub(crate) fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([format!("-{sig}"), child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} failed");
}

pub(crate) fn wait_exit(child: &mut Child) -> i32 {
    for _ in 0..600 {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("process did not exit within 60 s");
}

async fn restart_keeps_everything(postgres: bool) {
    let Some(env) = Env::new(postgres).await else {
        return;
    };
    let token = env.admin_token();
    let (mut child, url) = env.serve();
    let client = reqwest::Client::new();
    let created: Value = client.post(format!("{url}/api/v1/conversations")).bearer_auth(&token)
        .json(&json!({"subject": "再起動テスト：データは残りますか？", "customer": {"email": "kenji@example.jp", "name": "佐藤 健二"},
                      "message": {"text": "再起動の後も、このメッセージが一字一句残っていることを確認します。🙂"}}))
        .send().await.unwrap().json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let patched = client
        .patch(format!("{url}/api/v1/conversations/{id}"))
        .bearer_auth(&token)
        .json(&json!({"status": "solved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let mut before = vec![];
    for p in [
        format!("/api/v1/conversations/{id}"),
        format!("/api/v1/conversations/{id}/messages"),
        format!("/api/v1/conversations/{id}/events"),
        "/api/v1/customers".into(),
    ] {
        before.push(
            client
                .get(format!("{url}{p}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
    }
    sigterm(&child);
    assert_eq!(
        wait_exit(&mut child),
        0,
        "SIGTERM stops cleanly with exit 0"
    );

    let (mut child, url) = env.serve();
    let mut after = vec![];
    for p in [
        format!("/api/v1/conversations/{id}"),
        format!("/api/v1/conversations/{id}/messages"),
        format!("/api/v1/conversations/{id}/events"),
        "/api/v1/customers".into(),
    ] {
        after.push(
            client
                .get(format!("{url}{p}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
    }
    assert_eq!(before, after, "byte for byte the same after a restart");
    assert!(after[0].contains("\"status\":\"solved\""));
    sigterm(&child);
    assert_eq!(wait_exit(&mut child), 0);
}

async fn acknowledged_creates_survive_kill_9(postgres: bool) {
    let Some(env) = Env::new(postgres).await else {
        return;
    };
    let token = env.admin_token();
    let (mut child, url) = env.serve();
    let acked: Arc<std::sync::Mutex<Vec<(i64, String)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(Notify::new());
    let client = reqwest::Client::new();
    let mut tasks = vec![];
    for w in 0..16 {
        let (client, url, token, acked, count, enough) = (
            client.clone(),
            url.clone(),
            token.clone(),
            acked.clone(),
            count.clone(),
            enough.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let subject = format!("kill -9 {w}/{i} ąčęėįšųūž");
                let r = client.post(format!("{url}/api/v1/conversations")).bearer_auth(&token)
                    .json(&json!({"subject": subject, "customer": {"email": format!("w{w}@example.lv")}, "message": {"text": "Labdien"}}))
                    .send().await;
                let Ok(r) = r else { break };
                if r.status() != 201 {
                    break;
                }
                let Ok(v) = r.json::<Value>().await else { break };
                acked.lock().unwrap().push((v["id"].as_i64().unwrap(), subject));
                if count.fetch_add(1, Ordering::SeqCst) + 1 == 300 {
                    enough.notify_one();
                }
            }
        }));
    }
    enough.notified().await;
    signal(&child, "KILL");
    let _ = child.wait();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 300);

    let (mut child, url) = env.serve();
    for (id, subject) in &acked {
        let r = client
            .get(format!("{url}/api/v1/conversations/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "conversation {id} was answered 201 but is gone after kill -9"
        );
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["subject"].as_str(), Some(subject.as_str()));
    }
    sigterm(&child);
    assert_eq!(wait_exit(&mut child), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_everything_sqlite() {
    restart_keeps_everything(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_everything_postgres() {
    restart_keeps_everything(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_creates_survive_kill_9_sqlite() {
    acknowledged_creates_survive_kill_9(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_creates_survive_kill_9_postgres() {
    acknowledged_creates_survive_kill_9(true).await;
}

#[tokio::test]
async fn exit_codes_say_what_to_fix() {
    let env = Env::new(false).await.unwrap();
    let cfg = env.dir.path().join("tend.toml");
    std::fs::write(&cfg, "http_listen = \"127.0.0.1:0\"\nsmtp_lisen = \"x\"\n").unwrap();
    let (code, _, err) = env.run(&["--config", cfg.to_str().unwrap(), "migrate"], None);
    assert_eq!(code, 2);
    assert!(err.contains("smtp_lisen"), "{err}");

    let (code, _, err) = env
        .cmd(&["migrate"])
        .env("TEND_DATABASE_URL", "mysql://localhost/x")
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                (),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 2);
    assert!(err.contains("TEND_DATABASE_URL"), "{err}");

    let (code, _, err) = env
        .cmd(&["migrate"])
        .env("TEND_DATA_DIR", "/proc/tend-nope")
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                (),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 2);
    assert!(err.contains("not writable"), "{err}");

    let (code, _, err) = env
        .cmd(&["migrate"])
        .env("TEND_SMTP_RELAY_URL", "smtp//broken")
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                (),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 2);
    assert!(err.contains("TEND_SMTP_RELAY_URL"), "{err}");

    let (code, _, _) = env.run(
        &[
            "admin",
            "create-user",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "root",
        ],
        None,
    );
    assert_eq!(code, 2, "clap rejects the role");
    let (code, _, err) = env.run(
        &[
            "admin",
            "create-user",
            "--email",
            "not-an-email",
            "--name",
            "A",
            "--role",
            "agent",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("email"), "{err}");
    let (code, _, err) = env.run(
        &["admin", "create-token", "--email", "nobody@example.com"],
        None,
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = env.run(&["migrate"], None);
    assert_eq!(code, 0);
    let (code, out, _) = env.run(&["--help"], None);
    assert_eq!(code, 0);
    for sub in ["serve", "migrate", "admin", "demo"] {
        assert!(out.contains(sub), "--help lists {sub}");
    }

    // A port already in use is a runtime failure (1), said plainly.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let (code, _, err) = env
        .cmd(&["serve"])
        .env("TEND_HTTP_LISTEN", &addr)
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                (),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&addr), "{err}");
}

#[tokio::test]
async fn admin_commands_set_up_a_team_with_an_inbox() {
    let env = Env::new(false).await.unwrap();
    let token = env.admin_token();
    let (code, out, err) = env.run(
        &[
            "admin",
            "create-user",
            "--email",
            "agent@example.com",
            "--name",
            "Ona Agent",
            "--role",
            "agent",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let _agent: i64 = out.trim().parse().unwrap();
    let (code, inbox, err) = env.run(
        &[
            "admin",
            "create-inbox",
            "--kind",
            "email",
            "--address",
            "suport@example.cat",
            "--imap-url",
            "imap://suport:pw@127.0.0.1:1143/INBOX",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, team, err) = env.run(&["admin", "create-team", "--name", "Suport"], None);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.run(
        &[
            "admin",
            "add-member",
            "--team",
            team.trim(),
            "--email",
            "agent@example.com",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.run(
        &[
            "admin",
            "grant-inbox",
            "--team",
            team.trim(),
            "--inbox",
            inbox.trim(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.run(
        &[
            "admin",
            "grant-inbox",
            "--team",
            team.trim(),
            "--inbox",
            "9999",
        ],
        None,
    );
    assert_eq!(code, 2, "unknown inbox is a usage error: {err}");
    let (code, agent_token, _) = env.run(
        &[
            "admin",
            "create-token",
            "--email",
            "agent@example.com",
            "--name",
            "ona",
        ],
        None,
    );
    assert_eq!(code, 0);

    let (mut child, url) = env.serve();
    let client = reqwest::Client::new();
    let r = client.post(format!("{url}/api/v1/conversations")).bearer_auth(&token)
        .json(&json!({"subject": "Consulta", "customer": {"email": "x@example.cat"}, "message": {"text": "Bon dia"}, "inbox_id": inbox.trim().parse::<i64>().unwrap()}))
        .send().await.unwrap();
    assert_eq!(r.status(), 201);
    let list: Value = client
        .get(format!("{url}/api/v1/conversations"))
        .bearer_auth(agent_token.trim())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the agent sees the granted inbox"
    );
    sigterm(&child);
    assert_eq!(wait_exit(&mut child), 0);
}
