//! Every page type of the workspace in all five locales, read the way an
//! agent reads it: a page in Japanese, Korean, Latvian or Catalan shows
//! no English UI string (any message of the English catalogue whose
//! translation differs, as a whole text or label), no page shows a raw
//! event kind, channel, status or priority code, and no page writes a
//! date as ISO `2026-12-07` where each locale has its own pattern
//! (`datetime-pattern`).

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;
use tend::agents::Role;
use tend::vocab::{Channel, EventKind, Priority, Status};
use tend::web::i18n::{Tr, keys_of};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_admin::*;

on_both_backends!(every_page_type_speaks_its_locale);

const LOCALES: [&str; 5] = ["en", "ja", "ko", "lv", "ca"];

/// The English catalogue's texts that `code` translates differently, as
/// text → message id. Texts with a placeable (`{ $name }`) are left out:
/// their English words show only around a value. So are texts that are
/// also a message of `code` itself (Catalan "Agent" is Catalan too), and
/// each language's own name.
fn english_strings(code: &str) -> HashMap<String, String> {
    let (en, other) = (Tr::new("en"), Tr::new(code));
    // Language pickers name each language in its own words ("English",
    // "日本語"): an endonym is no untranslated string.
    let own: std::collections::HashSet<String> = keys_of(code)
        .iter()
        .map(|k| other.t(k).trim().to_string())
        .chain(
            LOCALES
                .iter()
                .map(|l| Tr::new(l).t(&format!("language-name-{l}"))),
        )
        .collect();
    keys_of("en")
        .into_iter()
        .filter_map(|k| {
            let e = en.t(&k).trim().to_string();
            let ok = !e.contains(['{', '⟦', '$'])
                && e.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && other.t(&k).trim() != e
                && !own.contains(&e);
            ok.then_some((e, k))
        })
        .collect()
}

/// Raw codes of the closed sets that must never show as words.
fn raw_codes() -> Vec<&'static str> {
    let mut codes: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
    codes.extend(Channel::ALL.iter().map(|c| c.as_str()));
    codes.extend(Status::ALL.iter().map(|s| s.as_str()));
    codes.extend(Priority::ALL.iter().map(|p| p.as_str()));
    codes
}

/// What a reader sees of a page: each text between tags (outside
/// `<script>`, `<style>`, `<textarea>` and `<code>`, which shows names
/// as the API spells them on purpose) and each label attribute
/// (`title`, `aria-label`, `placeholder`, `alt`), entities decoded and
/// whitespace trimmed.
fn readable(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        for attr in ["title", "aria-label", "placeholder", "alt"] {
            let mut t = tag;
            while let Some(i) = t.find(&format!(" {attr}=\"")) {
                t = &t[i + attr.len() + 3..];
                if let Some(end) = t.find('"') {
                    push_text(&mut out, &t[..end]);
                }
            }
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(name.as_str(), "script" | "style" | "textarea" | "code") {
            let close = format!("</{name}");
            match rest.find(&close) {
                Some(i) => rest = &rest[i..],
                None => break,
            }
        }
    }
    push_text(&mut out, rest);
    out
}

fn push_text(out: &mut Vec<String>, raw: &str) {
    let t = raw
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if !t.is_empty() {
        out.push(t);
    }
}

/// An ISO date (`2026-12-07`) inside a text, except in search syntax
/// (`after:2024-05-01`), which is what an agent types.
fn iso_date(t: &str) -> bool {
    let b = t.as_bytes();
    b.windows(10).enumerate().any(|(i, w)| {
        let digits = |r: std::ops::Range<usize>| r.into_iter().all(|j| w[j].is_ascii_digit());
        digits(0..4)
            && w[4] == b'-'
            && digits(5..7)
            && w[7] == b'-'
            && digits(8..10)
            && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b':'))
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit())
    })
}

/// What is wrong with a page in `code`: each finding as a line.
fn findings(
    code: &str,
    english: &HashMap<String, String>,
    codes: &[&str],
    html: &str,
) -> Vec<String> {
    let mut found = Vec::new();
    for t in readable(html) {
        if let Some(key) = english.get(&t) {
            found.push(format!("English \"{t}\" ({key})"));
        }
        if codes.contains(&t.as_str()) {
            found.push(format!("raw code \"{t}\""));
        }
        if iso_date(&t) {
            found.push(format!("ISO date in \"{t}\""));
        }
    }
    if code == "en" {
        found.retain(|f| !f.starts_with("English"));
    }
    found.sort();
    found.dedup();
    found
}

async fn every_page_type_speaks_its_locale(app: &TestApp) {
    // A desk with something on every page: an agent in a team, an email
    // conversation with a timeline of many kinds, a chat, a problem, a
    // macro, an article, a webhook and a rule.
    let agent = user_with_password(app, "aino@example.com", "Aino", Role::Agent).await;
    let conv = app
        .conversation(
            "Piegāde kavējas",
            "locale@example.org",
            "Kur ir mans sūtījums?",
            None,
        )
        .await;
    let id = id_of(&conv);
    let inbox = conv["inbox_id"].as_i64().unwrap();
    let customer = conv["customer"]["id"].as_i64().unwrap();
    let team = app.team("Atbalsts", &[agent], &[inbox]).await;
    for body in [
        json!({"text": "Iekšēja piezīme", "internal": true}),
        json!({"text": "Paldies, skatāmies."}),
    ] {
        let (s, b) = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &app.admin,
                body,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"status": "pending", "priority": "urgent", "tags": ["piegāde"],
                   "assignee_id": agent, "team_id": team,
                   "reason": {"category": "skill", "text": "zina"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let chat_inbox = app.inbox("chat", None).await;
    // Inboxes are named by the desk (a new one is named after its kind).
    for (inbox, name) in [(inbox, "Pasts"), (chat_inbox, "Tērzētava")] {
        let (s, b) = app
            .patch(
                &format!("/api/v1/inboxes/{inbox}"),
                &app.admin,
                json!({"name": name}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (s, chat) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Tērzēšana", "customer": {"email": "chat@example.org"},
                   "message": {"text": "Sveiki"}, "inbox_id": chat_inbox, "channel": "chat"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{chat}");
    let (s, problem) = app
        .post(
            "/api/v1/problems",
            &app.admin,
            json!({"title": "Kurjers kavējas"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{problem}");
    let (s, b) = app
        .post(
            &format!("/api/v1/problems/{}/conversations", id_of(&problem)),
            &app.admin,
            json!({"conversation_id": id}),
        )
        .await;
    assert!(s.is_success(), "{b}");
    let (s, mac) = app
        .post(
            "/api/v1/macros",
            &app.admin,
            json!({"name": "Sveiciens", "scope": "global", "text": "Labdien!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{mac}");
    let (s, article) = app
        .post(
            "/api/v1/kb/articles",
            &app.admin,
            json!({"slug": "piegade", "translations": {"lv": {"title": "Piegāde", "body_markdown": "Teksts"}}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{article}");
    let (s, hook) = app
        .post(
            "/api/v1/webhooks",
            &app.admin,
            json!({"url": "https://hooks.example.org/tend", "events": ["created"],
                   "secret": "a-secret-of-enough-length"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{hook}");
    let (s, rule) = app
        .post(
            "/api/v1/automations",
            &app.admin,
            json!({"name": "Birka", "position": 1, "when": {"event": "conversation_created"},
                   "actions": [{"type": "add_tags", "value": ["jauns"]}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rule}");

    let pages = [
        "/".to_string(),
        "/?view=pending".to_string(),
        "/?view=closed".to_string(),
        format!("/c/{id}"),
        format!("/c/{}", id_of(&chat)),
        "/account".to_string(),
        "/notifications".to_string(),
        "/customers".to_string(),
        format!("/customers/{customer}"),
        "/search?q=sūtījums".to_string(),
        "/stories".to_string(),
        format!("/agents/{agent}"),
        format!("/teams/{team}"),
        "/reports".to_string(),
        "/reports/csat".to_string(),
        "/reports/deflection".to_string(),
        "/radar".to_string(),
        "/monitor".to_string(),
        "/remedies".to_string(),
        "/problems".to_string(),
        format!("/problems/{}", id_of(&problem)),
        "/macros".to_string(),
        "/macros/new".to_string(),
        format!("/macros/{}", id_of(&mac)),
        "/kb".to_string(),
        "/kb/new".to_string(),
        "/kb/categories".to_string(),
        format!("/kb/{}", id_of(&article)),
        "/kb/unhelpful".to_string(),
        "/admin".to_string(),
        "/admin/users".to_string(),
        "/admin/teams".to_string(),
        "/admin/inboxes".to_string(),
        format!("/admin/inboxes/{chat_inbox}/public"),
        "/admin/tokens".to_string(),
        "/admin/quarantine".to_string(),
        "/admin/jobs".to_string(),
        "/admin/webhooks".to_string(),
        format!("/admin/webhooks/{}", id_of(&hook)),
        "/admin/help-centre".to_string(),
        "/admin/templates".to_string(),
        "/admin/automations".to_string(),
        "/admin/automations/new".to_string(),
        format!("/admin/automations/{}", id_of(&rule)),
    ];
    let codes = raw_codes();
    let mut report = Vec::new();
    for code in LOCALES {
        let english = english_strings(code);
        let mut b = admin_browser(app, code).await;
        for path in &pages {
            let p = b.get(path).await;
            assert_eq!(p.status, StatusCode::OK, "{code} {path}");
            assert!(
                p.body.contains(&format!("<html lang=\"{code}\"")),
                "{code} {path}"
            );
            for f in findings(code, &english, &codes, &p.body) {
                report.push(format!("{code} {path}: {f}"));
            }
        }
    }
    assert!(
        report.is_empty(),
        "{} findings:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn the_reader_sees_texts_and_labels_not_code() {
    let html = "<p title=\"Open\">Open &amp; <b>shut</b></p><script>var x = 'Open';</script>\
                <textarea>Open</textarea><code>open</code><span aria-label=\"assigned\"></span> 2026-12-07";
    assert_eq!(
        readable(html),
        vec!["Open", "Open &", "shut", "assigned", "2026-12-07"]
    );
    assert!(iso_date("on 2026-12-07, 10:00"));
    assert!(!iso_date("12026-12-07") && !iso_date("7.12.2026."));
    assert!(!iso_date("after:2024-05-01"));
}
