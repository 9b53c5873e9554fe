//! The SMTP receiver with real peers (Python's smtplib), the outbound relay
//! with a real sink (aiosmtpd), STARTTLS, and kill -9 mid-stream.

use std::collections::HashSet;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection as _;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};

use crate::binary::{Env, signal, sigterm, wait_exit};
use crate::support::{Backend, TestApp};

const DELIVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/deliver.py");

/// The Python to run peers with (scripts/test points this at a venv that
/// has aiosmtpd).
fn python() -> String {
    std::env::var("TEND_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Runs deliver.py to completion; returns the accepted Message-IDs and the other lines.
fn deliver(port: u16, count: usize, run: &str, extra: &[&str]) -> (Vec<String>, Vec<String>) {
    let out = Command::new(python())
        .arg(DELIVER)
        .args([
            "--port",
            &port.to_string(),
            "--count",
            &count.to_string(),
            "--run",
            run,
        ])
        .args(extra)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut ok = vec![];
    let mut other = vec![];
    for line in text.lines() {
        match line.strip_prefix("250 <").and_then(|l| l.strip_suffix('>')) {
            Some(id) => ok.push(id.to_string()),
            None => other.push(line.to_string()),
        }
    }
    (ok, other)
}

async fn stored_message_ids(pool: &sqlx::AnyPool) -> HashSet<String> {
    sqlx::query_scalar::<_, String>("SELECT message_id FROM messages WHERE message_id IS NOT NULL")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// A minimal SMTP dialogue for the refusals smtplib would not let us send.
pub(crate) struct Dialogue {
    r: tokio::io::BufReader<tokio::net::tcp::OwnedReadHalf>,
    w: tokio::net::tcp::OwnedWriteHalf,
}

impl Dialogue {
    pub(crate) async fn open(addr: std::net::SocketAddr) -> Dialogue {
        let (r, w) = tokio::net::TcpStream::connect(addr)
            .await
            .unwrap()
            .into_split();
        let mut d = Dialogue {
            r: tokio::io::BufReader::new(r),
            w,
        };
        assert!(d.reply().await.starts_with("220"));
        d
    }
    async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            self.r.read_line(&mut line).await.unwrap();
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all;
            }
        }
    }
    pub(crate) async fn say(&mut self, line: &str) -> String {
        self.w
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        self.reply().await
    }
}

async fn smtp_app(backend: Backend, extra: &[(&str, String)]) -> Option<TestApp> {
    let mut all = vec![("TEND_SMTP_LISTEN", "127.0.0.1:0".to_string())];
    all.extend(extra.iter().cloned());
    TestApp::start(backend, &all).await
}

async fn every_250_is_a_stored_message(backend: Backend, count: usize) {
    let Some(app) = smtp_app(backend, &[]).await else {
        return;
    };
    app.inbox("email", Some("support@example.com")).await;
    let addr = app.smtp.unwrap();

    // Refusals first: unknown mailbox 550, declared size 552, oversize DATA 552.
    let mut d = Dialogue::open(addr).await;
    assert!(d.say("EHLO client.example").await.contains("SIZE 2000000"));
    assert!(d.say("MAIL FROM:<a@example.net>").await.starts_with("250"));
    assert!(
        d.say("RCPT TO:<nobody@example.com>")
            .await
            .starts_with("550")
    );
    assert!(
        d.say("DATA").await.starts_with("503"),
        "no valid recipient, no data"
    );
    assert!(
        d.say("MAIL FROM:<a@example.net> SIZE=3000000")
            .await
            .starts_with("552")
    );
    assert!(d.say("RSET").await.starts_with("250"));
    assert!(d.say("MAIL FROM:<a@example.net>").await.starts_with("250"));
    assert!(
        d.say("RCPT TO:<Support@Example.com>")
            .await
            .starts_with("250"),
        "addresses match case-insensitively"
    );
    assert!(d.say("DATA").await.starts_with("354"));
    let big = format!(
        "Subject: big\r\nMessage-ID: <big@x>\r\n\r\n{}\r\n.",
        "y".repeat(2_100_000)
    );
    assert!(
        d.say(&big).await.starts_with("552"),
        "oversize mail is refused with 552"
    );
    assert!(d.say("QUIT").await.starts_with("221"));

    let (ok, other) = deliver(addr.port(), count, "bulk", &["--connections", "8"]);
    assert!(
        other.is_empty(),
        "every message accepted: {:?}",
        &other[..other.len().min(5)]
    );
    assert_eq!(ok.len(), count);
    let stored = stored_message_ids(app.st.db.pool()).await;
    let missing: Vec<&String> = ok.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} answered 250 but not stored, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    assert_eq!(
        app.rows("messages").await,
        count as i64,
        "no duplicates, nothing extra"
    );
    app.finish().await;
}

fn smtp_count(default: usize) -> usize {
    std::env::var("TEND_TEST_SMTP_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_every_250_is_stored_sqlite() {
    every_250_is_a_stored_message(Backend::Sqlite, smtp_count(10_000)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_every_250_is_stored_postgres() {
    every_250_is_a_stored_message(Backend::Postgres, smtp_count(10_000) / 5).await;
}

/// Stopping the server: it stops accepting, an idle session gets `421` at
/// once, and a message being received is received, stored and answered
/// `250` before its session gets `421`; the stop waits for both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_stop_ends_sessions_after_the_message_in_progress() {
    let app = smtp_app(Backend::Sqlite, &[]).await.unwrap();
    app.inbox("email", Some("support@example.com")).await;
    let addr = app.smtp.unwrap();
    let mut idle = Dialogue::open(addr).await;
    assert!(idle.say("EHLO idle.example").await.starts_with("250"));
    let mut busy = Dialogue::open(addr).await;
    assert!(busy.say("EHLO busy.example").await.starts_with("250"));
    assert!(
        busy.say("MAIL FROM:<a@example.net>")
            .await
            .starts_with("250")
    );
    assert!(
        busy.say("RCPT TO:<support@example.com>")
            .await
            .starts_with("250")
    );
    assert!(busy.say("DATA").await.starts_with("354"));
    busy.w
        .write_all(b"Subject: in flight\r\nMessage-ID: <in-flight@x>\r\n\r\nfirst half\r\n")
        .await
        .unwrap();

    let stopping = tokio::spawn(app.finish());
    // The idle session hears of the shutdown without saying anything.
    assert!(
        idle.reply().await.starts_with("421 4.3.2"),
        "an idle session is closed with 421"
    );
    assert!(
        !stopping.is_finished(),
        "the stop waits for the busy session"
    );
    busy.w.write_all(b"second half\r\n.\r\n").await.unwrap();
    let stored = busy.reply().await;
    assert!(stored.starts_with("250"), "{stored}");
    assert!(busy.reply().await.starts_with("421 4.3.2"));
    stopping.await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the receiver no longer accepts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_starttls_when_a_certificate_is_configured() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl makes a test certificate");
    let app = smtp_app(
        Backend::Sqlite,
        &[
            ("TEND_SMTP_TLS_CERT", cert.display().to_string()),
            ("TEND_SMTP_TLS_KEY", key.display().to_string()),
        ],
    )
    .await
    .unwrap();
    app.inbox("email", Some("support@example.com")).await;
    let mut d = Dialogue::open(app.smtp.unwrap()).await;
    assert!(d.say("EHLO x").await.contains("STARTTLS"));
    let (ok, other) = deliver(app.smtp.unwrap().port(), 3, "tls", &["--starttls"]);
    assert_eq!((ok.len(), other.len()), (3, 0), "{other:?}");
    app.finish().await;
}

async fn kill_9_mid_stream(postgres: bool) {
    let Some(env) = Env::new(postgres).await else {
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.admin_token();
    let (code, _, err) = env.run(
        &[
            "admin",
            "create-inbox",
            "--kind",
            "email",
            "--address",
            "support@example.com",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let start_serve = || {
        let mut c = env.cmd(&["serve"]);
        c.env("TEND_SMTP_LISTEN", format!("127.0.0.1:{port}"));
        c
    };
    let (mut child, _url) = Env::serve_with(start_serve());

    let mut py = Command::new(python())
        .arg(DELIVER)
        .args([
            "--port",
            &port.to_string(),
            "--count",
            "5000",
            "--run",
            "kill",
            "--per-connection",
            "50",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut accepted = vec![];
    let mut lines = BufReader::new(py.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("250 <").and_then(|l| l.strip_suffix('>')) {
            accepted.push(id.to_string());
            if accepted.len() == 300 {
                signal(&child, "KILL");
                let _ = child.wait();
            }
        }
    }
    let _ = py.wait();
    assert!(accepted.len() >= 300, "{}", accepted.len());

    let (mut child, _url) = Env::serve_with(start_serve());
    let url = env
        .database_url
        .clone()
        .unwrap_or_else(|| tend::config::sqlite_url(&env.dir.path().join("tend.db")));
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
    let stored: HashSet<String> = sqlx::query_scalar::<_, String>(
        "SELECT message_id FROM messages WHERE message_id IS NOT NULL",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let lost: Vec<&String> = accepted.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} messages answered 250 were lost, e.g. {:?}",
        lost.len(),
        lost.first()
    );
    sigterm(&child);
    assert_eq!(wait_exit(&mut child), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_kill_9_loses_no_accepted_message_sqlite() {
    kill_9_mid_stream(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_kill_9_loses_no_accepted_message_postgres() {
    kill_9_mid_stream(true).await;
}

/// An aiosmtpd sink writing every message it receives into a maildir.
pub(crate) struct Sink {
    pub(crate) port: u16,
    dir: tempfile::TempDir,
    child: std::process::Child,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    pub(crate) fn start() -> Sink {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd (scripts/test installs it and sets TEND_TEST_PYTHON)");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "aiosmtpd did not start; is it installed for {}?",
                python()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Sink { port, dir, child }
    }

    pub(crate) fn messages(&self) -> Vec<String> {
        let new = self.dir.path().join("maildir").join("new");
        let mut out = vec![];
        if let Ok(entries) = std::fs::read_dir(new) {
            for e in entries.flatten() {
                out.push(String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned());
            }
        }
        out
    }
}

async fn replies_reach_a_real_smtp_sink(backend: Backend) {
    let sink = Sink::start();
    let Some(app) = smtp_app(
        backend,
        &[(
            "TEND_SMTP_RELAY_URL",
            format!("smtp://127.0.0.1:{}", sink.port),
        )],
    )
    .await
    else {
        return;
    };
    app.inbox("email", Some("atbalsts@example.lv")).await;
    let (ok, _) = deliver(
        app.smtp.unwrap().port(),
        1,
        "reply",
        &["--rcpt", "atbalsts@example.lv"],
    );
    assert_eq!(ok.len(), 1);
    let (_, list) = app.get("/api/v1/conversations", &app.admin).await;
    let conv = list["items"][0].clone();
    let id = conv["id"].as_i64().unwrap();
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "Labdien! Jūsu pasūtījums ir ceļā. Ar cieņu, atbalsts"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let our_id = m["message_id"].as_str().unwrap().to_string();

    let start = Instant::now();
    let captured = loop {
        if let Some(msg) = sink.messages().pop() {
            break msg;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the reply never reached the sink"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let first = format!("<{}>", ok[0]);
    assert!(
        captured.contains(&format!("Message-ID: <{our_id}>")),
        "{captured}"
    );
    assert!(
        captured.contains(&format!("In-Reply-To: {first}")),
        "{captured}"
    );
    assert!(
        captured.contains(&format!("References: {first}")),
        "{captured}"
    );
    assert!(captured.contains(&format!("[#{id}]")), "{captured}");
    assert!(captured.contains("atbalsts@example.lv"), "{captured}");
    assert!(captured.contains("multipart/alternative"), "{captured}");
    assert!(
        captured.to_ascii_lowercase().contains("charset=\"utf-8\"")
            || captured.to_ascii_lowercase().contains("charset=utf-8"),
        "{captured}"
    );

    // The delivery state becomes visible to agents.
    let start = Instant::now();
    loop {
        let (_, msgs) = app
            .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
            .await;
        let ours = msgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["message_id"] == our_id.as_str())
            .unwrap()
            .clone();
        if ours["delivery_status"] == "sent" {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{ours}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The customer's answer threads back into the same conversation.
    let answer = format!(
        "From: customer0-reply@example.net\r\nTo: atbalsts@example.lv\r\nSubject: Re: [#{id}]\r\nMessage-ID: <answer@example.net>\r\n\
         In-Reply-To: <{our_id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nPaldies!\r\n"
    );
    let mut d = Dialogue::open(app.smtp.unwrap()).await;
    d.say("HELO x").await;
    d.say("MAIL FROM:<customer0-reply@example.net>").await;
    assert!(
        d.say("RCPT TO:<atbalsts@example.lv>")
            .await
            .starts_with("250")
    );
    assert!(d.say("DATA").await.starts_with("354"));
    let reply = d.say(&format!("{answer}.")).await;
    assert!(
        reply.starts_with("250") && reply.contains(&format!("conversation {id}")),
        "{reply}"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_reach_a_real_smtp_sink_sqlite() {
    replies_reach_a_real_smtp_sink(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_reach_a_real_smtp_sink_postgres() {
    replies_reach_a_real_smtp_sink(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_outage_delays_mail_but_keeps_it() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = smtp_app(
        Backend::Sqlite,
        &[("TEND_SMTP_RELAY_URL", format!("smtp://127.0.0.1:{closed}"))],
    )
    .await
    .unwrap();
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let r = app
        .client
        .post(format!("{}/api/v1/inbound/email?inbox_id={inbox}", app.base))
        .bearer_auth(&app.admin)
        .header("content-type", "message/rfc822")
        .body("From: c@example.net\r\nTo: support@example.com\r\nSubject: s\r\nMessage-ID: <o1@example.net>\r\n\r\nhi\r\n")
        .send()
        .await
        .unwrap();
    let o: serde_json::Value = r.json().await.unwrap();
    let id = o["conversation_id"].as_i64().unwrap();
    let (_, m) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "answer"}),
        )
        .await;
    let start = Instant::now();
    loop {
        let row: Option<(String, i64, Option<String>)> =
            sqlx::query_as("SELECT status, attempts, last_error FROM outbox WHERE message_id = $1")
                .bind(m["id"].as_i64().unwrap())
                .fetch_optional(app.st.db.pool())
                .await
                .unwrap();
        if let Some((status, attempts, err)) = row
            && attempts >= 1
        {
            assert_eq!(status, "queued", "kept for a retry, not dropped");
            assert!(err.is_some_and(|e| !e.is_empty()), "the error is recorded");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no delivery attempt was made"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(msgs["items"][1]["delivery_status"], "queued");
    app.finish().await;
}
