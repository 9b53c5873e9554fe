//! Keyset pagination of the inbox (issue 26): pages go by the last row's
//! place, not by OFFSET, so that page 20 costs what page 1 costs, and rows
//! that arrive while an agent pages neither repeat nor push others out of
//! sight. Every list order is walked forwards and back, on SQLite and
//! PostgreSQL.

use std::collections::HashSet;

use serde_json::json;

use crate::support::TestApp;
use crate::web_admin::{Browser, admin_browser};

crate::on_both_backends!(every_row_once_while_rows_arrive);

/// The conversation ids of an inbox page, in order, and its next and
/// previous links.
fn read(body: &str) -> (Vec<i64>, Option<String>, Option<String>) {
    let ids = body
        .split("<tr data-id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    let link = |rel: &str| {
        let at = body.find(&format!("rel=\"{rel}\""))?;
        let start = body[..at].rfind("href=\"")? + 6;
        let end = start + body[start..].find('"')?;
        Some(body[start..end].replace("&amp;", "&").replace("&#38;", "&"))
    };
    (ids, link("next"), link("prev"))
}

/// Walks a view forwards from its first page, creating `arrive` new
/// conversations before each next page; then back from the last page.
/// Answers the ids seen forwards, page by page.
async fn walk(app: &TestApp, b: &mut Browser, first: &str, arrive: usize) -> Vec<Vec<i64>> {
    let mut pages = Vec::new();
    let mut url = first.to_string();
    loop {
        let p = b.get(&url).await;
        assert_eq!(p.status, reqwest::StatusCode::OK, "{url}: {}", p.body);
        let (ids, next, _) = read(&p.body);
        assert!(pages.len() < 40, "the walk ends");
        pages.push(ids);
        let Some(next) = next else { break };
        if arrive > 0 {
            app.conversations(arrive, "late").await;
        }
        url = next;
    }
    // Back from the last page: the same pages (late arrivals belong
    // before the first page, so the walk back meets only known rows).
    let mut back = Vec::new();
    let p = b.get(&url).await;
    let (_, _, mut prev) = read(&p.body);
    while let Some(u) = prev {
        let p = b.get(&u).await;
        let (ids, _, before) = read(&p.body);
        assert!(back.len() < 40, "the walk back ends");
        back.push(ids);
        prev = before;
    }
    back.reverse();
    if arrive == 0 {
        assert_eq!(
            back,
            pages[..pages.len() - 1].to_vec(),
            "back through {first}"
        );
    }
    pages
}

async fn every_row_once_while_rows_arrive(app: &TestApp) {
    let early = app.conversations(120, "early").await;
    let mut b = admin_browser(app, "en").await;

    // The All-open view, longest waiting first: 120 rows in pages of 50,
    // while 5 more arrive before each next page. The new ones wait least
    // and belong after the first 120, so each of the 120 appears exactly
    // once, in order, and the walk also reaches the late ones.
    let pages = walk(app, &mut b, "/?view=open", 5).await;
    let seen: Vec<i64> = pages.concat();
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no row twice: {pages:?}");
    assert_eq!(
        seen[..120].to_vec(),
        early,
        "the oldest waits first, each once"
    );
    assert!(seen.len() > 120, "late arrivals come after");
    assert!(pages.iter().all(|p| p.len() <= 50));

    // Newest first (a status filter), with no arrivals: forwards and back
    // agree page by page.
    let all: usize = {
        let (_, list) = app.get("/api/v1/conversations/counts", &app.admin).await;
        list["new"].as_i64().unwrap() as usize
    };
    let pages = walk(app, &mut b, "/?view=open&status=new", 0).await;
    let seen: Vec<i64> = pages.concat();
    assert_eq!(seen.len(), all);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, each once");

    // The API pages by cursor too, and rows written meanwhile do not
    // repeat: newest first, they belong before the first page.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/conversations?limit=40&cursor={c}"),
            None => "/api/v1/conversations?limit=40".to_string(),
        };
        let (_, page) = app.get(&path, &app.admin).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap()),
        );
        let (s, _) = app
            .post(
                "/api/v1/conversations",
                &app.admin,
                json!({"subject": "meanwhile", "customer": {"email": "m@customer.example"}, "message": {"text": "x"}}),
            )
            .await;
        assert_eq!(s, reqwest::StatusCode::CREATED);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no row twice");
    assert_eq!(seen.len(), all, "every row that was there at the start");
}
