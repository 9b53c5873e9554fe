//! IMAP transport and size rules: `imap://` upgrades with STARTTLS (against
//! a real Dovecot that refuses logins before TLS), the password never goes
//! out in clear unless the URL says `tls=none` (against a small fake server
//! that records what it is sent), and a message over the size limit is not
//! fetched whole but held in the mail log with a reason.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};

use crate::imap::{Dovecot, message};
use crate::on_both_backends;
use crate::support::{Backend, TestApp};

/// A test CA and a server certificate it signed for 127.0.0.1.
pub struct TestCa {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestCa {
    pub fn new() -> TestCa {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        let run = |args: &[&str]| {
            let ok = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl runs")
                .success();
            assert!(ok, "openssl {args:?}");
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        run(&[
            &["req", "-x509"][..],
            &ec,
            &[
                "-days",
                "2",
                "-subj",
                "/CN=Tend Test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat());
        run(&[
            &["req"][..],
            &ec,
            &[
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "key.pem",
                "-out",
                "req.csr",
            ],
        ]
        .concat());
        std::fs::write(
            p("ext.cnf"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "req.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "cert.pem",
            "-extfile",
            "ext.cnf",
        ]);
        TestCa {
            ca: p("ca.pem"),
            cert: p("cert.pem"),
            key: p("key.pem"),
            _dir: dir,
        }
    }
}

/// Tend trusting the test CA for its own mail connections.
async fn app_trusting(backend: Backend, ca: &Path) -> Option<TestApp> {
    TestApp::start(
        backend,
        &[("TEND_MAIL_TLS_CA_FILE", ca.display().to_string())],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_urls_upgrade_with_starttls() {
    let ca = TestCa::new();
    // This Dovecot refuses any login before TLS (ssl = required).
    let dovecot = Dovecot::start_tls(&ca.cert, &ca.key);
    let app = app_trusting(Backend::Sqlite, &ca.ca).await.unwrap();
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let url = format!("imap://support:secret@127.0.0.1:{}/INBOX", dovecot.port);
    // Dovecot takes no login before TLS, so the messages go in over Tend's
    // own STARTTLS session too.
    let target = tend::inboxes::imap_url::parse_target(&url).unwrap();
    let mut s = tend::channels::email::imap::connect(&app.st, &target)
        .await
        .expect("STARTTLS, then the login");
    for m in [message(0), message(1)] {
        s.append("INBOX", None, None, &m).await.unwrap();
    }
    s.logout().await.unwrap();
    let n = tend::channels::email::imap::poll_inbox(&app.st, inbox, &url)
        .await
        .expect("STARTTLS, then the login");
    assert_eq!(n, 2);
    // Dovecot treats loopback as secure and would take a clear login from
    // it; its log says which logins came over TLS.
    let start = Instant::now();
    let logins: Vec<String> = loop {
        let logins: Vec<String> = dovecot
            .log()
            .lines()
            .filter(|l| l.contains("Login: user=<support>"))
            .map(str::to_string)
            .collect();
        if logins.len() >= 2 {
            break logins;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            dovecot.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(logins.iter().all(|l| l.contains(", TLS")), "{logins:?}");
    // A certificate Tend does not trust ends the connection before the login.
    let untrusting = TestApp::sqlite().await;
    let other = untrusting.inbox("email", Some("support@example.com")).await;
    let e = tend::channels::email::imap::poll_inbox(&untrusting.st, other, &url)
        .await
        .expect_err("an unknown CA is refused");
    assert!(format!("{e:#}").contains("TLS"), "{e:#}");
    untrusting.finish().await;
    app.finish().await;
}

/// What a fake IMAP server was sent, line by line.
type Heard = Arc<Mutex<Vec<String>>>;

/// A fake IMAP server on loopback: greets, answers CAPABILITY (with or
/// without STARTTLS), accepts any LOGIN, answers OK to STARTTLS and then
/// hangs up instead of speaking TLS. It records every line.
async fn fake_imap(offer_starttls: bool) -> (u16, Heard) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let heard: Heard = Arc::default();
    let h = heard.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let h = h.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut r = tokio::io::BufReader::new(r);
                let _ = w.write_all(b"* OK fake IMAP ready\r\n").await;
                let mut line = String::new();
                while r.read_line(&mut line).await.unwrap_or(0) > 0 {
                    h.lock().unwrap().push(line.clone());
                    let mut words = line.split_whitespace();
                    let tag = words.next().unwrap_or("*").to_string();
                    let cmd = words.next().unwrap_or("").to_ascii_uppercase();
                    let answer = match cmd.as_str() {
                        "CAPABILITY" if offer_starttls => format!(
                            "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n{tag} OK done\r\n"
                        ),
                        "CAPABILITY" => {
                            format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
                        }
                        "STARTTLS" => {
                            // Then hang up instead of speaking TLS.
                            let _ = w
                                .write_all(format!("{tag} OK begin TLS\r\n").as_bytes())
                                .await;
                            break;
                        }
                        "LOGOUT" => format!("* BYE\r\n{tag} OK bye\r\n"),
                        _ => format!("{tag} OK fine\r\n"),
                    };
                    line.clear();
                    if w.write_all(answer.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, heard)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_passwords_never_go_out_in_clear_unless_allowed() {
    let app = TestApp::sqlite().await;
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let poll = |url: String| {
        let st = app.st.clone();
        async move { tend::channels::email::imap::poll_inbox(&st, inbox, &url).await }
    };
    let logins = |heard: &Heard| {
        heard
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.to_ascii_uppercase().contains("LOGIN") || l.contains("pw-9f3k"))
            .count()
    };

    // No STARTTLS offered: Tend says why and sends no password.
    let (port, heard) = fake_imap(false).await;
    let e = poll(format!("imap://support:pw-9f3k@127.0.0.1:{port}/INBOX"))
        .await
        .expect_err("no login without TLS");
    let e = format!("{e:#}");
    assert!(e.contains("STARTTLS") && e.contains("tls=none"), "{e}");
    assert_eq!(logins(&heard), 0, "{:?}", heard.lock().unwrap());

    // STARTTLS offered but the handshake fails: no fallback to clear text.
    let (port, heard) = fake_imap(true).await;
    poll(format!("imap://support:pw-9f3k@127.0.0.1:{port}/INBOX"))
        .await
        .expect_err("the TLS handshake fails");
    assert!(
        heard.lock().unwrap().iter().any(|l| l.contains("STARTTLS")),
        "STARTTLS was asked for"
    );
    assert_eq!(logins(&heard), 0, "{:?}", heard.lock().unwrap());

    // The explicit opt-out logs in over the plain connection.
    let (port, heard) = fake_imap(false).await;
    let _ = poll(format!(
        "imap://support:pw-9f3k@127.0.0.1:{port}/INBOX?tls=none"
    ))
    .await;
    assert_eq!(logins(&heard), 1, "{:?}", heard.lock().unwrap());

    // The rule holds where URLs are saved too.
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            serde_json::json!({"imap_url": "imap://u:p@127.0.0.1:1/INBOX?tls=off"}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    app.finish().await;
}

on_both_backends!(imap_oversized_messages_are_held_without_fetching_them);

/// Bytes Dovecot sent to clients, from the `out=` of its logout lines.
fn dovecot_bytes_out(log: &str) -> u64 {
    log.lines()
        .filter(|l| l.contains("Logged out") || l.contains("Disconnected"))
        .filter_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.trim_end_matches(',').strip_prefix("out="))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .sum()
}

async fn imap_oversized_messages_are_held_without_fetching_them(app: &TestApp) {
    let dovecot = Dovecot::start();
    let inbox = app.inbox("email", Some("support@example.com")).await;
    // The test limit is 2,000,000 bytes.
    let big = format!(
        "From: Big Sender <big@example.net>\r\nTo: support@example.com\r\nSubject: the huge one\r\n\
         Message-ID: <huge@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n{}\r\n",
        "z".repeat(2_100_000)
    )
    .into_bytes();
    dovecot.append(&[message(0), big, message(1)]).await;
    let url = dovecot.url();
    let poll = || tend::channels::email::imap::poll_inbox(&app.st, inbox, &url);
    assert_eq!(poll().await.unwrap(), 3, "all three handled");
    let (_, list) = app.get("/api/v1/conversations", &app.admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (_, log) = app
        .get("/api/v1/mail-log?outcome=quarantined", &app.admin)
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    let e = &items[0];
    let reason = e["reason"].as_str().unwrap();
    assert!(
        reason.contains("over the limit of 2000000") && reason.contains("not fetched"),
        "{reason}"
    );
    assert_eq!(e["sender"], "big@example.net", "{e}");
    assert_eq!(e["subject"], "the huge one", "{e}");
    assert_eq!(e["message_id"], "huge@example.net", "{e}");
    assert!(e["size"].as_i64().unwrap() > 2_100_000, "{e}");
    assert_eq!(e["has_raw"], false, "{e}");

    // Never fetched again, never logged twice.
    assert_eq!(poll().await.unwrap(), 0);
    let (_, log) = app.get("/api/v1/mail-log", &app.admin).await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");

    // And it never crossed the wire: Dovecot sent far less than the message.
    let start = Instant::now();
    let out = loop {
        let log = dovecot.log();
        if log.matches("Logged out").count() >= 2 {
            break dovecot_bytes_out(&log);
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no logout lines in Dovecot's log: {log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(out > 0 && out < 500_000, "Dovecot sent {out} bytes");
}
