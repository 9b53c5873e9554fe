//! Notifications and snooze in the workspace over HTTP: the header's bell,
//! the list (opening one reads it), the preferences form, and the snooze
//! form with its errors beside the field.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::signed_in;

on_both_backends!(
    the_bell_counts_and_the_list_reads_on_open,
    the_preferences_form_saves_each_kind,
    the_snooze_form_reads_local_time_and_names_its_errors,
);

async fn the_bell_counts_and_the_list_reads_on_open(app: &TestApp) {
    let (_ana, mut browser) = signed_in(app, "ana@desk.example", "Ana Silva", "admin").await;
    let (_, mut other) = signed_in(app, "ivo@desk.example", "Ivo Kalns", "admin").await;
    let c = app
        .conversation("Kettle", "mara@customer.example", "It leaks.", None)
        .await;
    let id = c["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "@Ana Silva please call her back", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    tend::notifications::follower::catch_up(&app.st)
        .await
        .unwrap();

    let (s, page) = browser.get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"id="bell-count">1<"#), "{page}");
    let (s, list) = browser.get("/notifications").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list.contains(&format!("Ada Admin mentioned you in #{id} Kettle")),
        "{list}"
    );
    assert!(list.contains("please call her back"), "{list}");
    let nid = list
        .split("/notifications/")
        .skip(1)
        .find_map(|r| r.split('/').next()?.parse::<i64>().ok())
        .expect("a notification link");

    // Not someone else's to open.
    let (s, _) = other.get(&format!("/notifications/{nid}/open")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, to) = browser.get(&format!("/notifications/{nid}/open")).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(to, format!("/c/{id}"));
    let (_, page) = browser.get("/").await;
    assert!(page.contains(r#"id="bell-count" hidden>0<"#), "{page}");
}

async fn the_preferences_form_saves_each_kind(app: &TestApp) {
    let (ana, mut browser) = signed_in(app, "ana@desk.example", "Ana Silva", "agent").await;
    let (s, page) = browser.get("/notifications/preferences").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(r#"name="web-mention" id="web-mention""#),
        "{page}"
    );
    let (s, to) = browser
        .post(
            "/notifications/preferences",
            &[
                ("web-assigned", "on"),
                ("mail-mention", "on"),
                ("mail-assigned", "on"),
                ("sound", "on"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let viewer = tend::agents::Viewer {
        user_id: Some(ana),
        role: tend::agents::Role::Agent,
        name: "Ana Silva".into(),
    };
    let p = tend::notifications::service::preferences(&app.st, &viewer)
        .await
        .unwrap();
    let got = |k: &str| {
        let k = tend::notifications::NotificationKind::from_db(k).unwrap();
        let d = p.kinds[&k];
        (d.web, d.mail)
    };
    assert_eq!(got("mention"), (false, true));
    assert_eq!(got("assigned"), (true, true));
    assert_eq!(got("customer_replied"), (false, false));
    assert!(p.sound);
    let (_, page) = browser.get("/notifications/preferences?saved=1").await;
    assert!(page.contains(r#"id="mail-mention" aria-label"#), "{page}");
    assert!(page.contains("Preferences saved."), "{page}");
}

async fn the_snooze_form_reads_local_time_and_names_its_errors(app: &TestApp) {
    let (_ana, mut browser) = signed_in(app, "ana@desk.example", "Ana Silva", "admin").await;
    let c = app
        .conversation("Late parcel", "lina@customer.example", "Where is it?", None)
        .await;
    let id = c["id"].as_i64().unwrap();
    let path = format!("/c/{id}/snooze");
    for (bad, says) in [
        ("not a time", "Give a date and a time."),
        ("2001-01-01T09:00", "Choose a time in the future."),
    ] {
        let (s, page) = browser.post(&path, &[("until", bad)]).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(page.contains(r#"id="snooze-error""#), "{page}");
        assert!(page.contains(says), "{bad}: {page}");
        assert!(page.contains(&format!(r#"value="{bad}""#)), "kept: {page}");
    }
    // Tomorrow at this time, in the agent's zone (UTC: none chosen).
    let now = tend::time::Clock::now_ms(&tend::time::SystemClock);
    let tomorrow = tend::time::rfc3339(now + 86_400_000);
    let local = &tomorrow[..16];
    let (s, to) = browser.post(&path, &[("until", local)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(conv["status"], "pending");
    assert_eq!(conv["snoozed_until"], format!("{local}:00Z"));
    let (_, page) = browser.get(&format!("/c/{id}")).await;
    // In the agent's locale's own pattern, in their zone (UTC).
    let at = tend::time::parse_ms(&format!("{local}:00Z")).expect("time");
    let shown = format!(
        "Snoozed until {}",
        tend::web::i18n::Tr::new("en").datetime(at, "UTC")
    );
    assert!(page.contains(&shown), "{page}");
    let (_, inbox) = browser.get("/?view=pending").await;
    assert!(inbox.contains(&shown), "{inbox}");
}
