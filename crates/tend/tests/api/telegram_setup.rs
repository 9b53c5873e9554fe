//! Setting a messaging inbox up without the API (issue 24): a Telegram
//! inbox in webhook mode registers its own webhook with the Bot API
//! (`setWebhook` at Tend's `public_url`, with the inbox's secret token),
//! again after each change of its settings, and what Telegram refuses
//! shows on the inbox and is mailed to the admins, once per failing spell;
//! and `/admin/inboxes` sets a channel API inbox's
//! outbound URL and secret and a Telegram inbox's bot, in the admin's
//! language, keeping what was typed on a mistake. On SQLite and
//! PostgreSQL, against the loopback Bot API server of `telegram.rs`.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use tend::time::ManualClock;
use tend::web::i18n::Tr;

use crate::browser::admin_browser;
use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::telegram::{FakeBot, TOKEN, WEBHOOK_SECRET, telegram_inbox, wait_failing};
use crate::web_forms::beside;

const PUBLIC_URL: &str = "https://desk.example.com/";

on_both_with_clock!(settings = crate::telegram_setup::settings;
    a_webhook_inbox_registers_itself_and_again_after_each_change,
    the_admin_page_sets_up_api_and_telegram_inboxes,
);

pub(crate) fn settings(_test: &str) -> Vec<(&'static str, String)> {
    vec![
        ("TEND_PUBLIC_URL", PUBLIC_URL.into()),
        ("TEND_MAIL_FROM", "desk@example.com".into()),
    ]
}

/// Waits (at most 15 s) until the bot was told `n` webhooks; answers the
/// last.
async fn wait_webhooks(bot: &FakeBot, n: usize) -> (String, Option<String>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let hooks = bot.state.lock().unwrap().webhooks.clone();
        if hooks.len() >= n {
            assert_eq!(hooks.len(), n, "told once per change: {hooks:?}");
            return hooks[n - 1].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bot was told {} webhooks, not {n}: {hooks:?}",
            hooks.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Changes the bot's settings through the API.
async fn set_bot(app: &TestApp, inbox: i64, body: serde_json::Value) {
    let (s, b) = app
        .patch(&format!("/api/v1/inboxes/{inbox}"), &app.admin, body)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// The alert mails queued: (recipients, raw mail).
async fn alerts(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT rcpt, raw_sha256 FROM outbox WHERE kind = 'alert' ORDER BY id")
        .fetch_all(app.st.db.pool())
        .await
        .unwrap()
}

/// Waits (at most 15 s) for the first alert mail: its recipients and bytes.
async fn alert(app: &TestApp) -> (String, Vec<u8>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some((rcpt, sha)) = alerts(app).await.into_iter().next() {
            return (rcpt, app.st.files().get(&sha).await.unwrap());
        }
        assert!(tokio::time::Instant::now() < deadline, "no alert mail");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_webhook_inbox_registers_itself_and_again_after_each_change(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let bot = FakeBot::start().await;
    let inbox = telegram_inbox(app, &bot).await;
    let url = format!("https://desk.example.com/api/v1/channels/{inbox}/telegram");
    // Telegram refuses the first address (it wants HTTPS on its ports):
    // the inbox shows why, for the admin.
    bot.state.lock().unwrap().webhook_answers.push_back((
        400,
        "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
    ));
    set_bot(
        app,
        inbox,
        json!({"telegram": {"mode": "webhook", "webhook_secret": WEBHOOK_SECRET}}),
    )
    .await;
    let told = wait_webhooks(&bot, 1).await;
    assert_eq!(told, (url.clone(), Some(WEBHOOK_SECRET.to_string())));
    let b = wait_failing(app, inbox, true).await;
    let error = b["failing_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("setWebhook") && error.contains("ports 80, 88, 443 or 8443"),
        "{b}"
    );
    assert!(!error.contains(TOKEN), "the token is never shown: {b}");
    // The admins are told by mail, once, in their language.
    let (rcpt, mail) = alert(app).await;
    assert_eq!(rcpt, "[\"admin@example.com\"]");
    let mail = mail_parser::MessageParser::default().parse(&mail).unwrap();
    let name = b["name"].as_str().unwrap();
    assert_eq!(
        mail.subject(),
        Some(format!("Tend: the inbox \"{name}\" stopped working").as_str())
    );
    let text = mail.body_text(0).unwrap();
    assert!(
        text.contains(&format!("The inbox \"{name}\" (Telegram) stopped working")),
        "{text}"
    );
    assert!(text.contains("ports 80, 88, 443 or 8443"), "{text}");
    assert!(
        text.contains("https://desk.example.com/admin/inboxes"),
        "{text}"
    );
    // A minute later it is tried again; Telegram takes it, and the inbox
    // works again.
    clock.advance_ms(61_000);
    assert_eq!(
        wait_webhooks(&bot, 2).await,
        (url.clone(), Some(WEBHOOK_SECRET.to_string()))
    );
    wait_failing(app, inbox, false).await;
    assert!(bot.state.lock().unwrap().webhook_set);
    assert_eq!(alerts(app).await.len(), 1, "one alert per failing spell");
    // A new secret is registered at once (Telegram must send the new one).
    set_bot(
        app,
        inbox,
        json!({"telegram": {"webhook_secret": "rotated-secret_2"}}),
    )
    .await;
    assert_eq!(
        wait_webhooks(&bot, 3).await,
        (url.clone(), Some("rotated-secret_2".to_string()))
    );
    // Back to polling: the registered webhook is removed (Telegram answers
    // getUpdates with 409 until then) and updates are polled again.
    set_bot(app, inbox, json!({"telegram": {"mode": "polling"}})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while bot.state.lock().unwrap().webhook_set {
        assert!(tokio::time::Instant::now() < deadline, "the webhook stays");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        bot.state.lock().unwrap().webhooks.len(),
        3,
        "a polling bot is not registered"
    );
}

async fn the_admin_page_sets_up_api_and_telegram_inboxes(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let bot = FakeBot::start().await;
    let api = app.inbox("api", None).await;
    let tg = app.inbox("telegram", None).await;
    let ja = Tr::new("ja");
    let mut admin = admin_browser(app, "ja").await;
    let page = admin.get("/admin/inboxes").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    assert!(body.contains(&format!("id=\"in-out-{api}\"")), "{body}");
    assert!(body.contains(&ja.t("inbox-secret-none")), "{body}");
    assert!(body.contains(&ja.t("inbox-bot-token-none")), "{body}");
    assert!(
        body.contains(&ja.s(
            "inbox-webhook-auto",
            "url",
            format!("https://desk.example.com/api/v1/channels/{tg}/telegram")
        )),
        "where Telegram will post: {body}"
    );

    // A channel API inbox: a secret too short comes back beside its field,
    // the URL as typed; then both are saved.
    let api_form = |secret: &'static str| {
        vec![
            ("name", "Bridge"),
            ("address", ""),
            ("outbound_url", "https://bridge.example.com/tend"),
            ("secret", secret),
        ]
    };
    let p = admin
        .post(&format!("/admin/inboxes/{api}"), &api_form("short"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("value=\"https://bridge.example.com/tend\""),
        "{}",
        p.body
    );
    beside(
        &p.body,
        &format!("in-secret-{api}"),
        &ja.args(
            "form-error-secret",
            &[("count", 16.into()), ("limit", 200.into())],
        ),
    );
    let p = admin
        .post(
            &format!("/admin/inboxes/{api}"),
            &api_form("a-secret-of-24-characters"),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, b) = app.get(&format!("/api/v1/inboxes/{api}"), &app.admin).await;
    assert_eq!(b["outbound_url"], "https://bridge.example.com/tend", "{b}");
    assert_eq!(b["has_secret"], true, "{b}");
    // An empty secret field keeps the secret; the box removes it.
    let p = admin
        .post(&format!("/admin/inboxes/{api}"), &api_form(""))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, b) = app.get(&format!("/api/v1/inboxes/{api}"), &app.admin).await;
    assert_eq!(b["has_secret"], true, "kept: {b}");
    let mut off = api_form("");
    off.push(("secret_off", "1"));
    let p = admin.post(&format!("/admin/inboxes/{api}"), &off).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, b) = app.get(&format!("/api/v1/inboxes/{api}"), &app.admin).await;
    assert_eq!(b["has_secret"], false, "removed: {b}");

    // A Telegram inbox: a token that is not one comes back beside its
    // field with the server and mode as chosen; then the bot is set up
    // and, in webhook mode, registers itself.
    let base = format!("{}/", bot.url);
    let tg_form = |token: &'static str| -> Vec<(&str, &str)> {
        vec![
            ("name", "Telegram"),
            ("address", ""),
            ("bot_token", token),
            ("api_base", base.as_str()),
            ("mode", "webhook"),
            ("webhook_secret", WEBHOOK_SECRET),
        ]
    };
    let p = admin
        .post(&format!("/admin/inboxes/{tg}"), &tg_form("not a token"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    beside(
        &p.body,
        &format!("in-token-{tg}"),
        &ja.t("form-error-bot-token"),
    );
    assert!(p.body.contains(&format!("value=\"{base}\"")), "{}", p.body);
    assert!(
        p.body.contains("<option value=\"webhook\" selected>"),
        "the mode as chosen: {}",
        p.body
    );
    assert!(
        !p.body.contains("not a token"),
        "a token is never shown back"
    );
    let p = admin
        .post(&format!("/admin/inboxes/{tg}"), &tg_form(TOKEN))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, b) = app.get(&format!("/api/v1/inboxes/{tg}"), &app.admin).await;
    assert_eq!(
        b["telegram"],
        json!({"api_base": bot.url, "mode": "webhook", "has_bot_token": true, "has_webhook_secret": true}),
        "{b}"
    );
    assert_eq!(
        wait_webhooks(&bot, 1).await,
        (
            format!("https://desk.example.com/api/v1/channels/{tg}/telegram"),
            Some(WEBHOOK_SECRET.to_string())
        )
    );
    let body = admin.get("/admin/inboxes").await.body;
    assert!(body.contains(&ja.t("inbox-bot-token-set")), "{body}");
    assert!(
        !body.contains(TOKEN) && !body.contains(WEBHOOK_SECRET),
        "secrets never shown"
    );
}
