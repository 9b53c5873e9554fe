//! Sender authentication against a real DNS server on loopback (dnslib's
//! zone resolver, serving zones this test writes, with DKIM keys it
//! generates): SPF, DKIM and DMARC pass and fail, through the SMTP
//! receiver (SPF checked) and the webhook (SPF unavailable); the results on
//! the message in the API and as badges on the conversation page; mail
//! that fails DMARC never joining or reopening a conversation; and DNS
//! trouble never blocking mail.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter as _;
use mail_auth::dkim::DkimSigner;
use reqwest::StatusCode;
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject as _;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _};

use crate::email::{deliver, mail};
use crate::support::{Backend, TestApp};

/// The Python with dnslib (scripts/test points this at its venv).
fn python() -> String {
    std::env::var("TEND_TEST_PYTHON").unwrap_or_else(|_| {
        let venv = format!(
            "{}/.cache/tend-venv/bin/python",
            std::env::var("HOME").unwrap_or_default()
        );
        if std::path::Path::new(&venv).exists() {
            venv
        } else {
            "python3".into()
        }
    })
}

/// An authoritative DNS server for the zones of `records` (zone-file lines),
/// on a free loopback port, over UDP and TCP.
struct Dns {
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Dns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Dns {
    fn start(records: &[String]) -> Dns {
        let dir = tempfile::tempdir().unwrap();
        let zone = dir.path().join("zone.txt");
        std::fs::write(&zone, records.join("\n") + "\n").unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(python())
            .args([
                "-m",
                "dnslib.zoneresolver",
                "--address",
                "127.0.0.1",
                "--tcp",
            ])
            .args(["--port", &port.to_string(), "--log=error"])
            .arg("--zone")
            .arg(&zone)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python with dnslib (scripts/test installs it and sets TEND_TEST_PYTHON)");
        let start = Instant::now();
        // The TCP server starts after the UDP one.
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the DNS server did not start; is dnslib installed for {}?",
                python()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Dns {
            port,
            child,
            _dir: dir,
        }
    }
}

/// A TXT record, split into strings of at most 255 bytes.
fn txt(name: &str, value: &str) -> String {
    let parts: Vec<String> = value
        .as_bytes()
        .chunks(255)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect();
    format!("{name}. 60 IN TXT {}", parts.join(" "))
}

/// Test keys: Ed25519 (made here) and RSA (made by openssl), with their
/// DKIM key records' `p=`.
struct Keys {
    ed: Vec<u8>,
    ed_public: String,
    rsa_pem: Vec<u8>,
    rsa_public: String,
}

fn keys() -> Keys {
    let b64 = base64::engine::general_purpose::STANDARD;
    let ed = Ed25519Key::generate_pkcs8().unwrap();
    let ed_public = b64.encode(Ed25519Key::from_pkcs8_der(&ed).unwrap().public_key());
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("rsa.pem");
    let ok = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&key)
        .stderr(Stdio::null())
        .status()
        .expect("openssl (scripts/test installs it)");
    assert!(ok.success());
    let public = Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(public.status.success());
    Keys {
        ed,
        ed_public,
        rsa_pem: std::fs::read(&key).unwrap(),
        rsa_public: b64.encode(public.stdout),
    }
}

const SIGNED: [&str; 5] = ["From", "To", "Subject", "Message-ID", "Date"];

fn sign_ed(k: &Keys, domain: &str, raw: &[u8]) -> Vec<u8> {
    let key = Ed25519Key::from_pkcs8_der(&k.ed).unwrap();
    let sig = DkimSigner::from_key(key)
        .domain(domain)
        .selector("ed")
        .headers(SIGNED)
        .sign(raw)
        .unwrap();
    [sig.to_header().into_bytes(), raw.to_vec()].concat()
}

fn sign_rsa(k: &Keys, domain: &str, raw: &[u8]) -> Vec<u8> {
    let key =
        RsaKey::<Sha256>::from_key_der(PrivateKeyDer::from_pem_slice(&k.rsa_pem).unwrap()).unwrap();
    let sig = DkimSigner::from_key(key)
        .domain(domain)
        .selector("rsa")
        .headers(SIGNED)
        .sign(raw)
        .unwrap();
    [sig.to_header().into_bytes(), raw.to_vec()].concat()
}

/// The zones: `good.test` allows 127.0.0.1 and publishes both keys and a
/// reject policy; `bad.test` allows only 192.0.2.1 (so mail from here
/// fails SPF) with a reject policy; `plain.test` publishes nothing.
fn zones(k: &Keys) -> Vec<String> {
    vec![
        txt("good.test", "v=spf1 ip4:127.0.0.1 -all"),
        txt("_dmarc.good.test", "v=DMARC1; p=reject"),
        txt(
            "ed._domainkey.good.test",
            &format!("v=DKIM1; k=ed25519; p={}", k.ed_public),
        ),
        txt(
            "rsa._domainkey.good.test",
            &format!("v=DKIM1; k=rsa; p={}", k.rsa_public),
        ),
        txt("bad.test", "v=spf1 ip4:192.0.2.1 -all"),
        txt("_dmarc.bad.test", "v=DMARC1; p=reject"),
        "good.test. 60 IN A 127.0.0.1".into(),
        "bad.test. 60 IN A 192.0.2.1".into(),
    ]
}

/// Sends one message through the SMTP receiver from 127.0.0.1; answers the
/// final reply.
async fn smtp_send(addr: std::net::SocketAddr, helo: &str, mail_from: &str, raw: &[u8]) -> String {
    let (r, mut w) = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap()
        .into_split();
    let mut r = tokio::io::BufReader::new(r);
    async fn reply(r: &mut tokio::io::BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await.unwrap();
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all;
            }
        }
    }
    assert!(reply(&mut r).await.starts_with("220"));
    for (line, want) in [
        (format!("EHLO {helo}"), "250"),
        (format!("MAIL FROM:<{mail_from}>"), "250"),
        ("RCPT TO:<support@example.com>".to_string(), "250"),
        ("DATA".to_string(), "354"),
    ] {
        w.write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        let got = reply(&mut r).await;
        assert!(got.starts_with(want), "{line}: {got}");
    }
    let mut text = String::from_utf8_lossy(raw).replace("\r\n.", "\r\n..");
    if !text.ends_with("\r\n") {
        text.push_str("\r\n");
    }
    w.write_all(format!("{text}.\r\n").as_bytes())
        .await
        .unwrap();
    let answer = reply(&mut r).await;
    w.write_all(b"QUIT\r\n").await.unwrap();
    answer
}

async fn auth_of(app: &TestApp, conversation: i64, message_id: &str) -> Value {
    let (s, m) = app
        .get(
            &format!("/api/v1/conversations/{conversation}/messages"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    m["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["message_id"] == message_id)
        .unwrap_or_else(|| panic!("{message_id} not in {conversation}: {m}"))["auth"]
        .clone()
}

/// The conversation holding a Message-ID.
async fn stored_in(app: &TestApp, message_id: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT conversation_id FROM messages WHERE message_id = $1")
        .bind(message_id)
        .fetch_one(app.st.db.pool())
        .await
        .unwrap()
}

async fn checked_and_enforced(backend: Backend) {
    let k = keys();
    let dns = Dns::start(&zones(&k));
    let Some(app) = TestApp::start(
        backend,
        &[
            ("TEND_SMTP_LISTEN", "127.0.0.1:0".to_string()),
            ("TEND_MAIL_AUTH", "on".to_string()),
            ("TEND_DNS_RESOLVER", format!("127.0.0.1:{}", dns.port)),
        ],
    )
    .await
    else {
        return;
    };
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let smtp = app.smtp.unwrap();

    // 1. SMTP, signed (Ed25519), envelope and From at good.test, sent from
    // an allowed address: everything passes.
    let raw = sign_ed(
        &k,
        "good.test",
        &mail(
            "Alice <alice@good.test>",
            "Broken printer",
            "a1@good.test",
            "",
            "It jams.",
        ),
    );
    let answer = smtp_send(smtp, "client.test", "alice@good.test", &raw).await;
    assert!(answer.starts_with("250"), "{answer}");
    let a = stored_in(&app, "a1@good.test").await;
    assert_eq!(
        auth_of(&app, a, "a1@good.test").await,
        json!({"spf": "pass", "dkim": "pass", "dmarc": "pass", "domain": "good.test"})
    );
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{a}"),
            &app.admin,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // 2. SMTP, forged: From Alice, but sent with bad.test's envelope from an
    // address bad.test does not allow, unsigned, naming Alice's conversation
    // by its token. SPF fails, DKIM none, DMARC fails: a new conversation.
    let raw = mail(
        "Alice <alice@good.test>",
        &format!("Re: Broken printer [#{a}]"),
        "f1@bad.test",
        "",
        "Please change my delivery address.",
    );
    let answer = smtp_send(smtp, "client.test", "mallory@bad.test", &raw).await;
    assert!(answer.starts_with("250"), "{answer}");
    let f1 = stored_in(&app, "f1@bad.test").await;
    assert_ne!(f1, a, "a DMARC failure never joins");
    assert_eq!(
        auth_of(&app, f1, "f1@bad.test").await,
        json!({"spf": "fail", "dkim": "none", "dmarc": "fail", "domain": "good.test"})
    );
    let (_, evs) = app
        .get(&format!("/api/v1/conversations/{f1}/events"), &app.admin)
        .await;
    let refused = evs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "join_refused")
        .expect("join_refused")
        .clone();
    assert_eq!(
        refused["data"],
        json!({"conversation_id": a, "via": "subject_token", "reason": "dmarc_fail"})
    );

    // 3. Webhook, RSA-signed by good.test, changed after signing, replying by
    // In-Reply-To: DKIM fails, SPF unavailable, DMARC fails, no join.
    let signed = sign_rsa(
        &k,
        "good.test",
        &mail(
            "alice@good.test",
            "Re: Broken printer",
            "f2@good.test",
            "In-Reply-To: <a1@good.test>\r\n",
            "Ship it to the usual address.",
        ),
    );
    let tampered = String::from_utf8(signed)
        .unwrap()
        .replace("the usual address", "Evil Street 1")
        .into_bytes();
    let (s, o) = deliver(&app, inbox, tampered).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(o["outcome"], "created", "{o}");
    let f2 = o["conversation_id"].as_i64().unwrap();
    assert_ne!(f2, a);
    assert!(o["reason"].as_str().unwrap().contains("DMARC"), "{o}");
    assert_eq!(
        auth_of(&app, f2, "f2@good.test").await,
        json!({"spf": "unavailable", "dkim": "fail", "dmarc": "fail", "domain": "good.test"})
    );
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{a}"), &app.admin)
        .await;
    assert_eq!(
        (c["status"].as_str(), c["message_count"].as_i64()),
        (Some("solved"), Some(1)),
        "neither forgery joined or reopened it"
    );

    // 4. Webhook, RSA-signed and intact: DKIM (and so DMARC) pass, SPF
    // cannot be checked; Alice's token joins and reopens.
    let raw = sign_rsa(
        &k,
        "good.test",
        &mail(
            "alice@good.test",
            &format!("Re: Broken printer [#{a}]"),
            "a2@good.test",
            "",
            "Still jammed.",
        ),
    );
    let (_, o) = deliver(&app, inbox, raw).await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(a)),
        "{o}"
    );
    assert_eq!(
        auth_of(&app, a, "a2@good.test").await,
        json!({"spf": "unavailable", "dkim": "pass", "dmarc": "pass", "domain": "good.test"})
    );

    // 5. SMTP, unsigned, aligned envelope from an allowed address: SPF
    // passes and carries DMARC.
    let raw = mail(
        "carol@good.test",
        "Toner",
        "c1@good.test",
        "",
        "Need toner.",
    );
    assert!(
        smtp_send(smtp, "client.test", "carol@good.test", &raw)
            .await
            .starts_with("250")
    );
    let c1 = stored_in(&app, "c1@good.test").await;
    assert_eq!(
        auth_of(&app, c1, "c1@good.test").await,
        json!({"spf": "pass", "dkim": "none", "dmarc": "pass", "domain": "good.test"})
    );

    // 6. A domain with no records: nothing to check, nothing failed; its
    // customer's token joins as before.
    let raw = mail("dan@plain.test", "Hello", "d1@plain.test", "", "Hi.");
    assert!(
        smtp_send(smtp, "client.test", "dan@plain.test", &raw)
            .await
            .starts_with("250")
    );
    let d = stored_in(&app, "d1@plain.test").await;
    assert_eq!(
        auth_of(&app, d, "d1@plain.test").await,
        json!({"spf": "none", "dkim": "none", "dmarc": "none", "domain": "plain.test"})
    );
    let raw = mail(
        "dan@plain.test",
        &format!("Re: Hello [#{d}]"),
        "d2@plain.test",
        "",
        "Again.",
    );
    assert!(
        smtp_send(smtp, "client.test", "dan@plain.test", &raw)
            .await
            .starts_with("250")
    );
    assert_eq!(stored_in(&app, "d2@plain.test").await, d);

    // 7. Two From domains (a parser trick to dodge DMARC) count as a failure.
    let raw = b"From: alice@good.test\r\nFrom: x@plain.test\r\nTo: support@example.com\r\n\
Subject: Re: Broken printer\r\nMessage-ID: <f3@good.test>\r\nIn-Reply-To: <a1@good.test>\r\n\r\nhi\r\n";
    let (_, o) = deliver(&app, inbox, raw.to_vec()).await;
    assert_ne!(o["conversation_id"].as_i64(), Some(a), "{o}");
    let f3 = stored_in(&app, "f3@good.test").await;
    assert_eq!(auth_of(&app, f3, "f3@good.test").await["dmarc"], "fail");

    // The API document describes the field.
    let (_, doc) = app.get("/api/v1/openapi.json", "").await;
    assert!(
        doc["components"]["schemas"]["MailAuth"]["properties"]["dmarc"].is_object(),
        "MailAuth in the OpenAPI document"
    );

    // Agents see it: badges on the message and the refusal on the timeline,
    // in every locale.
    crate::web::agent_with_password(&app, "sam@example.com", "Sam", "admin").await;
    let mut b = crate::web::Browser::new(&app.base);
    b.sign_in("sam@example.com", crate::web::PASSWORD).await;
    for lang in ["en", "ja", "ko", "lv", "ca"] {
        b.lang = lang.into();
        let (s, page) = b.get(&format!("/c/{f1}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(!page.contains('⟦'), "{lang}: a missing string");
        assert!(page.contains("badge auth-fail\">DMARC"), "{lang}: {page}");
        assert!(page.contains("badge auth-fail\">SPF"), "{lang}");
        assert!(page.contains("class=\"auth-warning\""), "{lang}");
        assert!(
            page.contains(&format!("href=\"/c/{a}\"")),
            "{lang}: the named conversation is linked"
        );
    }
    b.lang = "en".into();
    let (_, page) = b.get(&format!("/c/{f1}")).await;
    assert!(page.contains("failed DMARC for its From domain"), "{page}");
    let (_, page) = b.get(&format!("/c/{a}")).await;
    assert!(page.contains("badge auth-pass\">DKIM"), "{page}");
    assert!(!page.contains("auth-warning"));

    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spf_dkim_dmarc_are_checked_stored_shown_and_enforced_sqlite() {
    checked_and_enforced(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spf_dkim_dmarc_are_checked_stored_shown_and_enforced_postgres() {
    checked_and_enforced(Backend::Postgres).await;
}

/// A resolver that never answers: every check gives up as a temporary
/// error, the message is stored, and a temporary error blocks no join.
async fn dns_trouble_never_blocks_mail(backend: Backend) {
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let Some(app) = TestApp::start(
        backend,
        &[
            ("TEND_MAIL_AUTH", "on".to_string()),
            (
                "TEND_DNS_RESOLVER",
                silent.local_addr().unwrap().to_string(),
            ),
        ],
    )
    .await
    else {
        return;
    };
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let (_, o) = deliver(
        &app,
        inbox,
        mail("eve@good.test", "Question", "q1@good.test", "", "Hello?"),
    )
    .await;
    assert_eq!(o["outcome"], "created", "{o}");
    let id = o["conversation_id"].as_i64().unwrap();
    assert_eq!(
        auth_of(&app, id, "q1@good.test").await,
        json!({"spf": "unavailable", "dkim": "none", "dmarc": "temperror", "domain": "good.test"})
    );
    let (_, o) = deliver(
        &app,
        inbox,
        mail(
            "eve@good.test",
            &format!("Re: Question [#{id}]"),
            "q2@good.test",
            "",
            "Hello again?",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id)),
        "{o}"
    );
    drop(silent);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_trouble_never_blocks_mail_sqlite() {
    dns_trouble_never_blocks_mail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_trouble_never_blocks_mail_postgres() {
    dns_trouble_never_blocks_mail(Backend::Postgres).await;
}
