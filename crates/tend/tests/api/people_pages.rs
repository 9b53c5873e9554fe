//! The people pages (issue 22): an agent's page shows what they achieved
//! over the last 30 days beside their team's and the desk's figures, to
//! themselves and to supervisors, not to other agents; a team's page shows
//! its figures beside the 30 days before and its members in alphabetical
//! order, to its members and supervisors. The numbers are the reports'.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use tend::reports::Kind;
use tend::time::{Clock as _, ManualClock};
use tend::web::dashboard_words::shown;
use tend::web::i18n::Tr;

use crate::on_both_with_clock;
use crate::reports::{message, patch};
use crate::support::TestApp;
use crate::web::signed_in;

on_both_with_clock!(people_see_their_own_figures_beside_their_team);

const MIN: i64 = 60_000;
const DAY: i64 = 24 * 60 * MIN;

fn to(clock: &ManualClock, at: i64) {
    let now = clock.now_ms();
    assert!(at >= now, "the clock only moves forward");
    clock.advance_ms(at - now);
}

/// The cells of the row whose heading is `label` (`<th scope="row">`).
fn row(html: &str, label: &str) -> Vec<String> {
    let start = html
        .find(&format!("<th scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("a row {label:?} in {html}"));
    let end = start + html[start..].find("</tr>").unwrap();
    html[start..end]
        .split("<td>")
        .skip(1)
        .map(|c| c[..c.find("</td>").unwrap()].to_string())
        .collect()
}

async fn people_see_their_own_figures_beside_their_team(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let (ann, mut ann_b) = signed_in(app, "ann@example.com", "Ann", "agent").await;
    let (bob, _) = signed_in(app, "bob@example.com", "Bob", "agent").await;
    let (_, mut cai_b) = signed_in(app, "cai@example.com", "Cai", "agent").await;
    let (_, mut sue_b) = signed_in(app, "sue@example.com", "Sue", "supervisor").await;
    let inbox = app.inbox("api", None).await;
    let team = app.team("Atbalsts", &[bob, ann], &[inbox]).await;
    let mut tokens = std::collections::HashMap::new();
    for id in [ann, bob] {
        let (s, t) = app
            .post(
                &format!("/api/v1/users/{id}/tokens"),
                &app.admin,
                json!({"name": "t"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        tokens.insert(id, t["token"].as_str().unwrap().to_string());
    }
    let start = clock.now_ms();
    // Ann answers in 10 minutes, Bob in 30; both solve.
    for (who, wait, email) in [(ann, 10, "a@example.lv"), (bob, 30, "b@example.jp")] {
        let (s, c) = app
            .post(
                "/api/v1/conversations",
                &app.admin,
                json!({"subject": "Rēķins", "customer": {"email": email},
                       "message": {"text": "?"}, "inbox_id": inbox}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["id"].as_i64().unwrap();
        patch(
            app,
            &app.admin,
            id,
            json!({"assignee_id": who, "team_id": team}),
        )
        .await;
        to(clock, clock.now_ms() + wait * MIN);
        message(app, &tokens[&who], id, json!({"text": "Labdien"})).await;
        patch(app, &tokens[&who], id, json!({"status": "solved"})).await;
    }
    to(clock, start + DAY);
    tend::reports::projection::catch_up(&app.st).await.unwrap();

    let en = Tr::new("en");
    let (s, page) = ann_b.get(&format!("/agents/{ann}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        row(&page, "Conversations solved"),
        ["1", "2", "2"],
        "Ann, her team, the desk"
    );
    let minutes = |m: f64| shown(&en, Kind::Duration, Some(m * 60.0));
    assert_eq!(
        row(&page, "First response time"),
        [minutes(10.0), minutes(20.0), minutes(20.0)]
    );
    assert!(page.contains(&format!("href=\"/teams/{team}\"")));
    // The reports say the same.
    let (s, r) = app
        .get(
            &format!(
                "/api/v1/reports/metrics?metric=first_response_time&group_by=agent&from={}&to={}",
                tend::time::rfc3339(start - DAY),
                tend::time::rfc3339(start + 2 * DAY)
            ),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let ann_key = ann.to_string();
    let ann_line = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"].as_str() == Some(ann_key.as_str()))
        .cloned()
        .unwrap_or_else(|| panic!("Ann's line in {r}"));
    assert_eq!(ann_line["value"], 600.0);

    // Another agent sees who Ann is, not her figures.
    let (s, page) = cai_b.get(&format!("/agents/{ann}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!page.contains("Conversations solved"), "{page}");
    // A supervisor sees them.
    let (_, page) = sue_b.get(&format!("/agents/{ann}")).await;
    assert_eq!(row(&page, "Conversations solved"), ["1", "2", "2"]);

    // The team's page: its members see it, alphabetical; others do not.
    let (s, page) = ann_b.get(&format!("/teams/{team}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(row(&page, "Conversations solved"), ["2", "0"], "{page}");
    assert_eq!(
        row(&page, "First response time"),
        [minutes(20.0), "—".to_string()],
        "the last 30 days, the 30 before (nothing then: no change shown)"
    );
    let (a, b) = (
        page.find(&format!("href=\"/agents/{ann}\"")).unwrap(),
        page.find(&format!("href=\"/agents/{bob}\"")).unwrap(),
    );
    assert!(a < b, "members in alphabetical order");
    let (s, _) = cai_b.get(&format!("/teams/{team}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = sue_b.get(&format!("/teams/{team}")).await;
    assert_eq!(s, StatusCode::OK);
}
