//! The workspace's search page, the failed-jobs page and every page in
//! five locales, driven like a browser (`web_admin::Browser`).

use reqwest::StatusCode;
use serde_json::json;
use tend::agents::Role;
use tend::jobs::Job;

use crate::on_both_backends;
use crate::search::indexed;
use crate::support::TestApp;
use crate::web_admin::*;

on_both_backends!(
    search_page_ranks_and_escapes_snippets,
    pages_resolve_every_message_in_five_locales,
    the_jobs_page_lists_failed_items_and_retries_them,
);

async fn search_page_ranks_and_escapes_snippets(app: &TestApp) {
    let hidden = app.inbox("email", Some("private@desk.example")).await;
    let hostile = app
        .conversation(
            "<img src=x onerror=alert(1)> quality",
            "eve@example.org",
            "<script>alert(1)</script> Mūsu kvalitāte & <b>bold</b> claims",
            None,
        )
        .await;
    let other = app
        .conversation(
            "Kvalitāte",
            "anna@example.lv",
            "kvalitāte kvalitāte kvalitāte",
            Some(hidden),
        )
        .await;
    indexed(&app.st).await;
    let mut b = admin_browser(app, "en").await;
    let p = b.get("/search?q=kvalitate").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(&format!("href=\"/c/{}\"", id_of(&hostile))));
    assert!(p.body.contains(&format!("href=\"/c/{}\"", id_of(&other))));
    assert!(p.body.contains("<mark>kvalitāte</mark>"), "{}", p.body);
    assert!(
        p.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        p.body
    );
    assert!(
        !p.body.contains("<script>alert"),
        "no script from a snippet"
    );
    assert!(!p.body.contains("<b>bold"), "no markup from a snippet");
    assert!(!p.body.contains("<img src=x"), "subjects are escaped");
    assert!(p.body.contains("2 conversations found"));
    // Rank: the conversation that says it three times comes first.
    let first = p
        .body
        .find(&format!("href=\"/c/{}\"", id_of(&other)))
        .unwrap();
    let second = p
        .body
        .find(&format!("href=\"/c/{}\"", id_of(&hostile)))
        .unwrap();
    assert!(first < second, "best match first");
    // An agent only finds what their teams may see.
    let agent = user_with_password(app, "ag@example.com", "Ag", Role::Agent).await;
    let default_inbox = hostile["inbox_id"].as_i64().unwrap();
    app.team("Default", &[agent], &[default_inbox]).await;
    let mut ab = Browser::new(app, "en");
    assert!(ab.login("ag@example.com", PASSWORD).await);
    let p = ab.get("/search?q=kvalitate").await;
    assert!(p.body.contains(&format!("href=\"/c/{}\"", id_of(&hostile))));
    assert!(!p.body.contains(&format!("href=\"/c/{}\"", id_of(&other))));
    assert!(p.body.contains("One conversation found"));
    let p = b.get("/search?q=nothingmatchesthis").await;
    assert!(p.body.contains("No conversation matches"));
    assert_eq!(b.get("/search").await.status, StatusCode::OK);
}

/// The page's visible text (tags removed) and the accessible labels.
pub(crate) fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let mut rest = html;
    while let Some(i) = rest.find("aria-label=\"") {
        rest = &rest[i + 12..];
        if let Some(end) = rest.find('"') {
            out.push(' ');
            out.push_str(&rest[..end]);
        }
    }
    out
}

/// Message ids that appear as words in a page: an id that did not resolve.
pub(crate) fn raw_keys(html: &str) -> Vec<String> {
    let text = visible_text(html);
    let mut keys = tend::web::i18n::keys_of("en");
    // Ids like `sign-in` are also ordinary words of some English message.
    let en = tend::web::i18n::Tr::new("en");
    let english: String = keys.iter().map(|k| en.n(k, 2) + "\n").collect();
    keys.retain(|k| k.contains('-') && !english.contains(k.as_str()));
    keys.into_iter()
        .filter(|k| {
            text.match_indices(k.as_str()).any(|(i, _)| {
                let before = text[..i].chars().next_back();
                let after = text[i + k.len()..].chars().next();
                let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
                !word(before) && !word(after)
            })
        })
        .collect()
}

async fn pages_resolve_every_message_in_five_locales(app: &TestApp) {
    let conv = app
        .conversation("Locale check", "locale@example.org", "text", None)
        .await;
    let cid = conv["customer"]["id"].as_i64().unwrap();
    // A failed job item, so that the jobs page shows its table.
    tend::jobs::service::failed(&app.st, Job::QuietClose, id_of(&conv), "boom")
        .await
        .unwrap();
    let agent = user_with_password(app, "who@example.com", "Who", Role::Agent).await;
    let (s, _) = app
        .post(
            &format!("/api/v1/users/{agent}/tokens"),
            &app.admin,
            json!({"name": "Zapier"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let team = app.team("Everyone", &[agent], &[]).await;
    assert!(team > 0);
    let english = visible_text(&Browser::new(app, "en").get("/login").await.body);
    for code in ["en", "ja", "ko", "lv", "ca"] {
        // Before sign-in: the browser's language.
        let p = Browser::new(app, &format!("{code}-XX,{code};q=0.9,en;q=0.1"))
            .get("/login")
            .await;
        assert!(p.body.contains(&format!("<html lang=\"{code}\"")), "{code}");
        if code != "en" {
            assert_ne!(
                visible_text(&p.body),
                english,
                "{code}: the sign-in page is translated"
            );
        }
        let mut b = admin_browser(app, code).await;
        let pages = [
            "/customers".to_string(),
            format!("/customers/{cid}"),
            "/customers?q=zzz".to_string(),
            "/search?q=locale".to_string(),
            "/search?q=zzzz".to_string(),
            "/admin".to_string(),
            "/admin/users".to_string(),
            "/admin/teams".to_string(),
            "/admin/inboxes".to_string(),
            "/admin/tokens".to_string(),
            "/admin/templates".to_string(),
            "/admin/templates/survey_page/ja".to_string(),
            "/admin/jobs".to_string(),
            "/stories".to_string(),
            format!("/agents/{agent}"),
            "/reports/csat".to_string(),
            "/reports".to_string(),
            "/reports?days=90&bucket=week&by=language&metric=csat".to_string(),
        ];
        for path in &pages {
            let p = b.get(path).await;
            assert_eq!(p.status, StatusCode::OK, "{code} {path}");
            assert!(
                p.body.contains(&format!("<html lang=\"{code}\"")),
                "{code} {path}"
            );
            assert!(!p.body.contains("Unknown localization"), "{code} {path}");
            assert!(!p.body.contains('⟦'), "{code} {path}: a message is missing");
            let raw = raw_keys(&p.body);
            assert!(raw.is_empty(), "{code} {path}: unresolved {raw:?}");
        }
        // The pages after a post (a secret, an input error) too.
        let p = b
            .post(
                "/admin/users",
                &[
                    ("name", "X"),
                    ("email", "not-an-address"),
                    ("role", "agent"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            raw_keys(&p.body).is_empty() && !p.body.contains('⟦'),
            "{code}"
        );
        let p = b
            .post(
                "/admin/tokens",
                &[("user_id", &agent.to_string()), ("name", "one-off")],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(raw_keys(&p.body).is_empty(), "{code}");
    }
    // The agent's own choice wins over the browser's language.
    let mut b = admin_browser(app, "lv").await;
    let p = b
        .post(
            "/account/preferences",
            &[("language", "ko"), ("timezone", "Asia/Seoul")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = b.get("/admin/users").await;
    assert!(p.body.contains("<html lang=\"ko\""));
    assert!(raw_keys(&p.body).is_empty());
    // Latvian plural forms on a real page: 0 → zero, 1 → one, 2 → other.
    let lv = tend::web::i18n::Tr::new("lv");
    let forms: Vec<String> = [0, 1, 2]
        .iter()
        .map(|n| lv.n("admin-users-count", *n))
        .collect();
    assert_ne!(forms[0], forms[1]);
    assert_ne!(forms[1], forms[2]);
    assert_ne!(forms[0], forms[2]);
}

async fn the_jobs_page_lists_failed_items_and_retries_them(app: &TestApp) {
    let conv = app
        .conversation("Survey trouble", "jobs@example.org", "text", None)
        .await;
    let id = id_of(&conv);
    let mut b = admin_browser(app, "en").await;
    let p = b.get("/admin").await;
    assert!(
        p.body.contains("href=\"/admin/jobs\""),
        "linked from the admin pages"
    );
    let p = b.get("/admin/jobs").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("Nothing failed"), "{}", p.body);

    // Five failures park the survey of the conversation (each after the
    // last backoff: here an admin's retry makes it due again at once); one
    // failure of an outbox row waits out its backoff.
    for n in 0..5 {
        if n > 0 {
            tend::jobs::service::retry(&app.st, &tend::agents::Viewer::system(), Job::Survey, id)
                .await
                .unwrap();
        }
        tend::jobs::service::failed(
            &app.st,
            Job::Survey,
            id,
            "relay refused: 550 <mailbox full>",
        )
        .await
        .unwrap();
    }
    tend::jobs::service::failed(&app.st, Job::Outbox, 4242, "connection refused")
        .await
        .unwrap();
    let p = b.get("/admin/jobs").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(!p.body.contains("Nothing failed"));
    let row = between(&p.body, &format!("id=\"job-survey-{id}\""), "</tr>")
        .expect("a row for the survey")
        .to_string();
    assert!(row.contains("Satisfaction surveys"), "{row}");
    assert!(row.contains(&format!("href=\"/c/{id}\"")), "{row}");
    assert!(
        row.contains("relay refused: 550 &#60;mailbox full&#62;"),
        "{row}"
    );
    assert!(!p.body.contains("<mailbox full>"), "errors are escaped");
    assert!(row.contains("<td>5</td>"), "five attempts: {row}");
    assert!(row.contains("Parked"), "{row}");
    assert!(row.contains("First failed"), "{row}");
    let action = format!("/admin/jobs/survey/{id}/retry");
    assert!(row.contains(&format!("action=\"{action}\"")), "{row}");
    let outbox = between(&p.body, "id=\"job-outbox-4242\"", "</tr>")
        .expect("a row for the outbox")
        .to_string();
    assert!(outbox.contains("Outgoing mail"), "{outbox}");
    assert!(outbox.contains("Retry at "), "{outbox}");
    assert!(!outbox.contains("href=\"/c/4242\""), "not a conversation");
    assert!(!outbox.contains("Parked"), "{outbox}");

    // Without the CSRF token nothing happens.
    let p = b.post_raw(&action, &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(survey_failure(app, id).await["parked"].as_bool().unwrap());

    // Retry: back on the list with a notice; the item is due, not parked.
    let p = b.post(&action, &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location, format!("/admin/jobs?retried=survey&item={id}"));
    let f = survey_failure(app, id).await;
    assert_eq!(f["parked"], json!(false), "{f}");
    assert!(f["retry_at"].is_string(), "{f}");
    assert_eq!(f["attempts"], json!(5), "{f}");
    let p = b.get(&p.location.clone()).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body
            .contains(&format!("Item {id} (Satisfaction surveys) is due again")),
        "{}",
        p.body
    );
    let row = between(&p.body, &format!("id=\"job-survey-{id}\""), "</tr>").unwrap();
    assert!(
        row.contains("Retry at ") && !row.contains("Parked"),
        "{row}"
    );

    // An item that is not failing: the list again, with the reason.
    let p = b.post("/admin/jobs/survey/999999/retry", &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body.contains("no longer among the failed items"),
        "{}",
        p.body
    );
    // A job Tend does not have.
    let p = b.post("/admin/jobs/no_such_job/1/retry", &[]).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);

    // Agents get the 403 page and cannot retry.
    user_with_password(app, "jobs-agent@example.com", "Agent", Role::Agent).await;
    let mut agent = Browser::new(app, "en");
    assert!(agent.login("jobs-agent@example.com", PASSWORD).await);
    assert_eq!(agent.get("/admin/jobs").await.status, StatusCode::FORBIDDEN);
    assert_eq!(agent.post(&action, &[]).await.status, StatusCode::FORBIDDEN);

    // Every locale names the page and the jobs in its own words.
    for lang in ["ja", "ko", "lv", "ca"] {
        let mut b = admin_browser(app, lang).await;
        let p = b.get("/admin/jobs").await;
        assert_eq!(p.status, StatusCode::OK, "{lang}");
        assert!(!p.body.contains('⟦'), "{lang}: a message is missing");
        assert!(raw_keys(&p.body).is_empty(), "{lang}");
        let title = between(&p.body, "<h1>", "</h1>").unwrap();
        assert_ne!(title, "Failed jobs", "{lang}");
        assert!(!p.body.contains("Satisfaction surveys"), "{lang}");
    }
}

/// The survey's failure of conversation `id`, as `GET /api/v1/jobs/failures`
/// answers it.
async fn survey_failure(app: &TestApp, id: i64) -> serde_json::Value {
    let (s, list) = app.get("/api/v1/jobs/failures", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["job"] == "survey" && f["item"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no survey failure of {id}: {list}"))
}
