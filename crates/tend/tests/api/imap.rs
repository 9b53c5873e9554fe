//! IMAP against a real Dovecot (from Debian), started on a loopback port for
//! each test with its own configuration, users and maildirs.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::binary::{Env, signal, sigterm, wait_exit};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};

/// Dovecot lives in /usr/sbin, which not every PATH includes.
fn dovecot_binary() -> String {
    let in_path = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .any(|d| std::path::Path::new(d).join("dovecot").is_file());
    if in_path {
        "dovecot".into()
    } else {
        "/usr/sbin/dovecot".into()
    }
}

/// A running Dovecot with one user `support` / `secret`.
pub struct Dovecot {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Dovecot {
    pub fn start() -> Dovecot {
        Self::start_with("")
    }

    /// Starts Dovecot with `extra` appended to its configuration (for
    /// example `imap_capability = …` to hide MOVE or UIDPLUS).
    pub fn start_with(extra: &str) -> Dovecot {
        Self::start_conf("ssl = no\ndisable_plaintext_auth = no\n", extra)
    }

    /// Starts Dovecot offering STARTTLS with `cert` and `key` (PEM), and
    /// refusing any login before TLS.
    pub fn start_tls(cert: &std::path::Path, key: &std::path::Path) -> Dovecot {
        Self::start_conf(
            &format!(
                "ssl = required\nssl_cert = <{}\nssl_key = <{}\ndisable_plaintext_auth = yes\n",
                cert.display(),
                key.display()
            ),
            "",
        )
    }

    fn start_conf(ssl: &str, extra: &str) -> Dovecot {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["run", "state", "mail", "home"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        std::fs::write(d.join("users"), "support:{PLAIN}secret::::::\n").unwrap();
        let conf = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             {ssl}auth_mechanisms = plain login\nmail_location = maildir:{d}/mail/%u\n\
             first_valid_uid = 1\npassdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={d}/home/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service stats {{\n  unix_listener stats-reader {{\n    mode = 0666\n  }}\n  unix_listener stats-writer {{\n    mode = 0666\n  }}\n}}\n{extra}\n",
            d = d.display()
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        let ok = Command::new("chown")
            .args(["-R", "dovecot:dovecot"])
            .arg(d.join("mail"))
            .arg(d.join("home"))
            .status()
            .unwrap()
            .success();
        assert!(ok, "chown for dovecot");
        let child = Command::new(dovecot_binary())
            .args(["-F", "-c"])
            .arg(d.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Dovecot must be installed (scripts/test installs dovecot-imapd)");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "Dovecot did not start; see {}/dovecot.log",
                d.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Dovecot {
            port,
            child,
            _dir: dir,
        }
    }

    /// The URL Tend reads with. This Dovecot has no TLS, so the URL must
    /// allow a clear-text login explicitly (`tls=none`).
    pub fn url(&self) -> String {
        format!(
            "imap://support:secret@127.0.0.1:{}/INBOX?tls=none",
            self.port
        )
    }

    /// Dovecot's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// Appends messages to INBOX over IMAP.
    pub async fn append(&self, messages: &[Vec<u8>]) {
        self.append_to("INBOX", messages).await
    }

    /// Appends to `mailbox` (its name as sent on the wire: modified UTF-7
    /// for non-ASCII), creating it first when it does not exist.
    pub async fn append_to(&self, mailbox: &str, messages: &[Vec<u8>]) {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap();
        let mut session = client
            .login("support", "secret")
            .await
            .map_err(|(e, _)| e)
            .unwrap();
        if !mailbox.eq_ignore_ascii_case("INBOX") && session.examine(mailbox).await.is_err() {
            session.create(mailbox).await.unwrap();
        }
        for m in messages {
            session.append(mailbox, None, None, m).await.unwrap();
        }
        session.logout().await.unwrap();
    }
}

pub fn message(i: usize) -> Vec<u8> {
    format!(
        "From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <kunde{i}@example.jp>\r\nTo: support@example.com\r\n\
         Subject: IMAP {i} =?UTF-8?B?44GK5ZWP44GE5ZCI44KP44Gb?=\r\nMessage-ID: <imap-{i}@example.jp>\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\
         メール {i} 本文です。\r\n"
    )
    .into_bytes()
}

on_both_backends!(
    imap_messages_become_conversations_once,
    imap_reads_a_folder_with_a_non_ascii_name
);

/// A folder named in the URL in UTF-8 (percent-encoded, as URLs are) is
/// selected by its modified UTF-7 name, as IMAP4rev1 servers expect;
/// sent as raw UTF-8, Dovecot would refuse the SELECT.
async fn imap_reads_a_folder_with_a_non_ascii_name(app: &TestApp) {
    let dovecot = Dovecot::start();
    let inbox = app.inbox("email", Some("support@example.com")).await;
    // サポート in modified UTF-7 (RFC 3501 section 5.1.3).
    dovecot
        .append_to("&MLUw3TD8MMg-", &[message(0), message(1)])
        .await;
    dovecot.append(&[message(2)]).await;
    let url = dovecot
        .url()
        .replace("/INBOX", "/%E3%82%B5%E3%83%9D%E3%83%BC%E3%83%88");
    let poll = || tend::channels::email::imap::poll_inbox(&app.st, inbox, &url);
    assert_eq!(poll().await.unwrap(), 2, "the two in サポート, not INBOX's");
    assert_eq!(poll().await.unwrap(), 0);
    let (_, list) = app.get("/api/v1/conversations?limit=10", &app.admin).await;
    let mut subjects: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    subjects.sort();
    assert_eq!(subjects, ["IMAP 0 お問い合わせ", "IMAP 1 お問い合わせ"]);
}

async fn imap_messages_become_conversations_once(app: &TestApp) {
    let dovecot = Dovecot::start();
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let msgs: Vec<Vec<u8>> = (0..5).map(message).collect();
    dovecot.append(&msgs).await;
    let n = tend::channels::email::imap::poll_inbox(&app.st, inbox, &dovecot.url())
        .await
        .unwrap();
    assert_eq!(n, 5);
    let (_, list) = app.get("/api/v1/conversations?limit=200", &app.admin).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let subjects: Vec<&str> = items
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert!(subjects.contains(&"IMAP 3 お問い合わせ"), "{subjects:?}");
    assert_eq!(
        items[0]["customer"]["name"], "山田",
        "ISO-2022-JP display name decoded"
    );
    // A second poll finds nothing new; a new message is picked up alone.
    assert_eq!(
        tend::channels::email::imap::poll_inbox(&app.st, inbox, &dovecot.url())
            .await
            .unwrap(),
        0
    );
    dovecot.append(&[message(5)]).await;
    assert_eq!(
        tend::channels::email::imap::poll_inbox(&app.st, inbox, &dovecot.url())
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.rows("conversations").await, 6);
    // A wrong password is an error, not a silent nothing.
    let bad = dovecot.url().replace("secret", "wrong");
    assert!(
        tend::channels::email::imap::poll_inbox(&app.st, inbox, &bad)
            .await
            .is_err()
    );
}

pub async fn new_count(client: &reqwest::Client, url: &str, token: &str) -> i64 {
    let v: Value = client
        .get(format!("{url}/api/v1/conversations/counts"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["new"].as_i64().unwrap()
}

async fn kill_9_mid_poll_ingests_each_message_once(postgres: bool) {
    let Some(env) = Env::new(postgres).await else {
        return;
    };
    let dovecot = Dovecot::start();
    let total = 300;
    let msgs: Vec<Vec<u8>> = (0..total).map(message).collect();
    dovecot.append(&msgs).await;
    let token = env.admin_token();
    let (code, _, err) = env.run(
        &[
            "admin",
            "create-inbox",
            "--kind",
            "email",
            "--address",
            "support@example.com",
            "--imap-url",
            &dovecot.url(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");

    let client = reqwest::Client::new();
    let (mut child, url) = env.serve();
    // Wait (bounded) until the poller is part-way through, then kill -9.
    let start = Instant::now();
    loop {
        let n = new_count(&client, &url, &token).await;
        if n >= 20 {
            assert!(
                n < total as i64,
                "the poll finished before the kill; make the mailbox larger"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the IMAP poller made no progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    signal(&child, "KILL");
    let _ = child.wait();

    let (mut child, url) = env.serve();
    let start = Instant::now();
    while new_count(&client, &url, &token).await < total as i64 {
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "not every message arrived after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let list: Value = client
        .get(format!("{url}/api/v1/conversations?limit=200"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut seen: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap().to_string())
        .collect();
    let mut cursor = list["next_cursor"].as_str().map(str::to_string);
    while let Some(c) = cursor {
        let page: Value = client
            .get(format!("{url}/api/v1/conversations?limit=200&cursor={c}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["subject"].as_str().unwrap().to_string()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_string);
    }
    seen.sort();
    let before = seen.len();
    seen.dedup();
    assert_eq!(before, seen.len(), "a message was ingested twice");
    assert_eq!(seen.len(), total, "every message exactly once");
    sigterm(&child);
    assert_eq!(wait_exit(&mut child), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_poll_ingests_each_message_once_sqlite() {
    kill_9_mid_poll_ingests_each_message_once(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_poll_ingests_each_message_once_postgres() {
    kill_9_mid_poll_ingests_each_message_once(true).await;
}

/// Waits (bounded) until the `new` count reaches `want`; returns how long.
pub async fn until_new(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    want: i64,
    limit: Duration,
) -> Duration {
    let start = Instant::now();
    loop {
        let n = new_count(client, url, token).await;
        if n >= want {
            assert_eq!(n, want, "more conversations than messages");
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "only {n} of {want} conversations after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// With a ten-minute poll interval, new mail can only arrive in seconds
/// through IDLE (Dovecot offers it by default).
async fn idle_delivers_new_mail_within_seconds(postgres: bool) {
    let Some(env) = Env::new(postgres).await else {
        return;
    };
    let dovecot = Dovecot::start();
    dovecot.append(&[message(0)]).await;
    let token = env.admin_token();
    let (code, _, err) = env.run(
        &[
            "admin",
            "create-inbox",
            "--kind",
            "email",
            "--address",
            "support@example.com",
            "--imap-url",
            &dovecot.url(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let mut cmd = env.cmd(&["serve"]);
    cmd.env("TEND_IMAP_POLL_SECONDS", "600");
    let (mut child, url) = Env::serve_with(cmd);
    let client = reqwest::Client::new();
    // The first pass at start-up.
    until_new(&client, &url, &token, 1, Duration::from_secs(60)).await;
    for (i, want) in [(1, 2), (2, 3)] {
        // Let the session settle into IDLE, then append.
        tokio::time::sleep(Duration::from_millis(300)).await;
        dovecot.append(&[message(i)]).await;
        let took = until_new(&client, &url, &token, want, Duration::from_secs(20)).await;
        assert!(took < Duration::from_secs(5), "IDLE took {took:?}");
    }
    sigterm(&child);
    assert_eq!(wait_exit(&mut child), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_delivers_new_mail_within_seconds_sqlite() {
    idle_delivers_new_mail_within_seconds(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_delivers_new_mail_within_seconds_postgres() {
    idle_delivers_new_mail_within_seconds(true).await;
}

/// Inboxes added, re-pointed or stripped of their IMAP URL while Tend runs
/// are followed (the poll interval of 1 s also paces the supervisor).
async fn imap_inbox_changes_apply_without_restart(backend: Backend) {
    let Some(app) = TestApp::start(backend, &[("TEND_IMAP_POLL_SECONDS", "1".into())]).await else {
        return;
    };
    let (one, two) = (Dovecot::start(), Dovecot::start());
    let (s, b) = app
        .post(
            "/api/v1/inboxes",
            &app.admin,
            serde_json::json!({"kind": "email", "address": "support@example.com", "imap_url": one.url()}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{b}");
    let inbox = b["id"].as_i64().unwrap();
    one.append(&[message(0)]).await;
    until_new(
        &app.client,
        &app.base,
        &app.admin,
        1,
        Duration::from_secs(30),
    )
    .await;

    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            serde_json::json!({"imap_url": two.url()}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{b}");
    two.append(&[message(1)]).await;
    until_new(
        &app.client,
        &app.base,
        &app.admin,
        2,
        Duration::from_secs(30),
    )
    .await;

    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            serde_json::json!({"imap_url": null}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{b}");
    // Wait until the inbox's task has stopped (its supervisor's gauge says
    // so), then prove that nothing is fetched any more.
    let start = Instant::now();
    loop {
        let metrics = app.metrics_text().await;
        let running = metrics
            .lines()
            .find_map(|l| l.strip_prefix("tend_task_running{task=\"imap_inbox\"} "))
            .map(|v| v.trim().to_string());
        if running.as_deref() == Some("0") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the inbox's IMAP task still runs: {running:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    two.append(&[message(2)]).await;
    one.append(&[message(3)]).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(new_count(&app.client, &app.base, &app.admin).await, 2);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_inbox_changes_apply_without_restart_sqlite() {
    imap_inbox_changes_apply_without_restart(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_inbox_changes_apply_without_restart_postgres() {
    imap_inbox_changes_apply_without_restart(Backend::Postgres).await;
}
