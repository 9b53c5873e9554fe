//! Background jobs that one bad item cannot stop (`tend::jobs`): the survey
//! job, the service-level timer and the outbox, each with items that fail
//! for good, on SQLite and PostgreSQL. A failure is made real in the
//! database: a trigger refuses the item's write, as a broken row or a
//! constraint would. The survey job and the timer run on a `ManualClock`
//! that the tests move through the backoff instead of sleeping.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::db::Backend as Db;
use tend::time::ManualClock;

use crate::support::{Backend, TestApp};
use crate::surveys::{START, on_both_with_clock, settings};

on_both_with_clock!(
    fifty_failing_solves_do_not_stop_the_survey_job,
    a_failing_clock_does_not_hold_up_other_deadlines,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_the_outbox_cannot_take_does_not_stop_the_others_sqlite() {
    a_mail_the_outbox_cannot_take_does_not_stop_the_others(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_the_outbox_cannot_take_does_not_stop_the_others_postgres() {
    a_mail_the_outbox_cannot_take_does_not_stop_the_others(Backend::Postgres).await;
}

/// Runs statements through the writer (SQLite's read pool is read-only).
async fn exec(app: &TestApp, sql: &[String]) {
    let sql = sql.to_vec();
    app.st
        .db
        .write(move |c| {
            Box::pin(async move {
                for s in &sql {
                    sqlx::query(sqlx::AssertSqlSafe(s.clone()))
                        .execute(&mut *c)
                        .await?;
                }
                Ok(())
            })
        })
        .await
        .expect("test SQL");
}

/// Makes every `op` (`INSERT`, `UPDATE`) on `table` whose row fits `when`
/// (SQL on `NEW`) fail with "refused by the test".
async fn refuse(app: &TestApp, name: &str, table: &str, op: &str, when: &str) {
    let sql = match app.st.db.backend() {
        Db::Sqlite => vec![format!(
            "CREATE TRIGGER {name} BEFORE {op} ON {table} WHEN {when} \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )],
        // PostgreSQL allows no subquery in a trigger's WHEN: the
        // function checks.
        Db::Postgres => vec![
            format!(
                "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN IF {when} THEN RAISE EXCEPTION 'refused by the test'; END IF; \
                 RETURN NEW; END $$"
            ),
            format!(
                "CREATE TRIGGER {name} BEFORE {op} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            ),
        ],
    };
    exec(app, &sql).await;
}

async fn allow(app: &TestApp, name: &str, table: &str) {
    let sql = match app.st.db.backend() {
        Db::Sqlite => vec![format!("DROP TRIGGER {name}")],
        Db::Postgres => vec![
            format!("DROP TRIGGER {name} ON {table}"),
            format!("DROP FUNCTION {name}()"),
        ],
    };
    exec(app, &sql).await;
}

/// `GET /api/v1/jobs/failures?job=…` as the admin: the items.
async fn failures(app: &TestApp, job: &str) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/jobs/failures?job={job}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().expect("items").clone()
}

async fn surveyed(app: &TestApp, id: i64) -> bool {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM surveys WHERE conversation_id = $1")
        .bind(id)
        .fetch_one(app.st.db.pool())
        .await
        .expect("count");
    n > 0
}

async fn solved(app: &TestApp, n: usize, tag: &str) -> Vec<i64> {
    let ids = app.conversations(n, tag).await;
    for id in &ids {
        let (s, b) = app
            .patch(
                &format!("/api/v1/conversations/{id}"),
                &app.admin,
                json!({"status": "solved"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    ids
}

async fn survey_pass(app: &TestApp) {
    tend::surveys::jobs::run_once(&app.st)
        .await
        .expect("a survey pass goes on past failed items");
}

/// The survey job takes the 50 oldest unsurveyed solves at a time. Before,
/// when all 50 failed, every pass ended with nothing done, for ever, and
/// logged 50 warnings each time.
async fn fifty_failing_solves_do_not_stop_the_survey_job(app: &TestApp, clock: &Arc<ManualClock>) {
    // Set before the solves: the server's own survey task starts on them
    // at once.
    refuse(
        app,
        "test_refuse_surveys",
        "surveys",
        "INSERT",
        "NEW.conversation_id IN (SELECT id FROM conversations WHERE subject LIKE 'broken%')",
    )
    .await;
    let bad = solved(app, 52, "broken").await;
    let good = solved(app, 3, "fine").await;

    survey_pass(app).await;
    for &id in &good {
        assert!(surveyed(app, id).await, "solve {id} was surveyed");
    }
    for &id in &bad {
        assert!(!surveyed(app, id).await);
    }
    let failed = failures(app, "survey").await;
    assert_eq!(failed.len(), 52, "{failed:?}");
    for f in &failed {
        assert_eq!(f["attempts"], 1, "{f}");
        assert_eq!(f["parked"], false, "{f}");
        assert!(
            f["error"].as_str().unwrap().contains("refused by the test"),
            "{f}"
        );
        assert_eq!(
            f["retry_at"].as_str().unwrap(),
            tend::time::rfc3339(START + 30_000),
            "{f}"
        );
    }

    // Within the backoff, a pass leaves them alone.
    survey_pass(app).await;
    assert!(
        failures(app, "survey")
            .await
            .iter()
            .all(|f| f["attempts"] == 1)
    );

    // 30 s, 1 min, 2 min, 4 min: the fifth failure parks them.
    for (wait, attempts) in [(30, 2), (60, 3), (120, 4), (240, 5)] {
        clock.advance_ms(wait * 1000);
        survey_pass(app).await;
        let failed = failures(app, "survey").await;
        assert_eq!(failed.len(), 52);
        for f in &failed {
            assert_eq!(f["attempts"], attempts, "{f}");
            assert_eq!(f["parked"], attempts == 5, "{f}");
        }
    }
    clock.advance_ms(2 * 3_600_000);
    survey_pass(app).await;
    let failed = failures(app, "survey").await;
    assert!(
        failed
            .iter()
            .all(|f| f["attempts"] == 5 && f["parked"] == true && f["retry_at"].is_null()),
        "parked items wait for an admin"
    );
    let metrics = app.metrics_text().await;
    let counted: f64 = metrics
        .lines()
        .find(|l| l.starts_with("tend_job_failures_total{job=\"survey\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .expect("tend_job_failures_total{job=\"survey\"}");
    assert!(counted >= 52.0 * 5.0, "{counted}");
    assert!(
        metrics.contains("tend_job_parked_items{job=\"survey\"}"),
        "the parked gauge is published"
    );

    // Only admins see or retry them.
    let (_, agent) = app.user("aiko@example.com", "Aiko", "agent").await;
    let (s, _) = app.get("/api/v1/jobs/failures", &agent).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let path = format!("/api/v1/jobs/failures/survey/{}/retry", bad[0]);
    let (s, _) = app.post(&path, &agent, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            "/api/v1/jobs/failures/survey/999999/retry",
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .get("/api/v1/jobs/failures?job=nonsense", &app.admin)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The cause is mended; an admin retries one: it is surveyed, and its
    // failure is gone. The others stay parked.
    allow(app, "test_refuse_surveys", "surveys").await;
    let (s, b) = app.post(&path, &app.admin, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["parked"].as_bool(), b["attempts"].as_i64()),
        (Some(false), Some(5))
    );
    survey_pass(app).await;
    assert!(surveyed(app, bad[0]).await);
    assert!(!surveyed(app, bad[1]).await);
    let failed = failures(app, "survey").await;
    assert_eq!(failed.len(), 51);
    assert!(failed.iter().all(|f| f["item"] != bad[0]));
}

/// One conversation whose warning cannot be written fails the timer's
/// batch; its clocks are then fired one by one, so the other deadlines
/// still fire on time, exactly once, and the bad clock backs off.
async fn a_failing_clock_does_not_hold_up_other_deadlines(app: &TestApp, clock: &Arc<ManualClock>) {
    let (s, b) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "A minute", "position": 1, "business_hours": false,
                   "targets": {"first_response": 1}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let mut ids = Vec::new();
    for i in 0..3 {
        let c = app
            .conversation(
                &format!("Deadline {i}"),
                &format!("d{i}@customer.example"),
                "Hallo",
                None,
            )
            .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    let bad = ids[1];
    refuse(
        app,
        "test_refuse_warning",
        "events",
        "INSERT",
        &format!("NEW.kind = 'sla_warning' AND NEW.conversation_id = {bad}"),
    )
    .await;
    let kinds = |id: i64| async move {
        crate::surveys::event_kinds(app, id)
            .await
            .into_iter()
            .filter(|k| k == "sla_warning" || k == "sla_breached")
            .collect::<Vec<_>>()
    };

    clock.advance_ms(61_000);
    tend::sla::timer::run_once(&app.st)
        .await
        .expect("a timer pass goes on past a failed clock");
    for id in [ids[0], ids[2]] {
        assert_eq!(
            kinds(id).await,
            ["sla_warning", "sla_breached"],
            "conversation {id}"
        );
    }
    assert!(kinds(bad).await.is_empty());
    let failed = failures(app, "sla_timer").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["attempts"], 1);
    let clock_id = failed[0]["item"].as_i64().unwrap();

    // Within its backoff the timer leaves it be; after it, and once the
    // cause is gone, it fires, once, and its failure is cleared.
    tend::sla::timer::run_once(&app.st).await.unwrap();
    assert_eq!(failures(app, "sla_timer").await[0]["attempts"], 1);
    allow(app, "test_refuse_warning", "events").await;
    clock.advance_ms(31_000);
    tend::sla::timer::run_once(&app.st).await.unwrap();
    tend::sla::timer::run_once(&app.st).await.unwrap();
    assert_eq!(kinds(bad).await, ["sla_warning", "sla_breached"]);
    for id in [ids[0], ids[2]] {
        assert_eq!(
            kinds(id).await,
            ["sla_warning", "sla_breached"],
            "fired once"
        );
    }
    assert!(
        failures(app, "sla_timer").await.is_empty(),
        "clock {clock_id} cleared"
    );
}

/// Mail the outbox cannot even claim (its row refuses the write) is
/// recorded as a failed item; the other replies go out meanwhile, and an
/// admin's retry sends it once the cause is gone.
async fn a_mail_the_outbox_cannot_take_does_not_stop_the_others(backend: Backend) {
    let sink = crate::smtp::Sink::start();
    let relay = format!("smtp://127.0.0.1:{}", sink.port);
    let Some(app2) = TestApp::start(backend, &[("TEND_SMTP_RELAY_URL", relay)]).await else {
        return;
    };
    let inbox = app2.inbox("email", Some("support@example.com")).await;
    let mut convs = Vec::new();
    for i in 0..3 {
        let raw = crate::surveys::mail(
            &format!("k{i}@customer.example"),
            &format!("Pasūtījums {i}"),
            &format!("k{i}@customer.example"),
            "",
            "Sveiki",
        );
        let o = crate::surveys::deliver(&app2, inbox, raw).await;
        convs.push(o["conversation_id"].as_i64().expect("a new conversation"));
    }
    // The outbox row of the second reply refuses its claim.
    refuse(
        &app2,
        "test_refuse_outbox",
        "outbox",
        "UPDATE",
        &format!(
            "NEW.message_id IN (SELECT id FROM messages WHERE conversation_id = {} AND direction = 'out')",
            convs[1]
        ),
    )
    .await;
    for &id in &convs {
        let (s, b) = app2
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &app2.admin,
                json!({"text": format!("Atbilde {id}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let start = Instant::now();
    while sink.messages().len() < 2 || failures(&app2, "outbox").await.is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the good replies never went out: {} sent, failures {:?}",
            sink.messages().len(),
            failures(&app2, "outbox").await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent = sink.messages();
    assert!(sent.iter().any(|m| m.contains(&format!("[#{}]", convs[0]))));
    assert!(sent.iter().any(|m| m.contains(&format!("[#{}]", convs[2]))));
    assert!(!sent.iter().any(|m| m.contains(&format!("[#{}]", convs[1]))));
    let failed = failures(&app2, "outbox").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("refused by the test")
    );

    allow(&app2, "test_refuse_outbox", "outbox").await;
    let path = format!("/api/v1/jobs/failures/outbox/{}/retry", failed[0]["item"]);
    let (s, b) = app2.post(&path, &app2.admin, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let start = Instant::now();
    while !sink
        .messages()
        .iter()
        .any(|m| m.contains(&format!("[#{}]", convs[1])))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the retried reply never went out"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let start = Instant::now();
    while !failures(&app2, "outbox").await.is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the failure was never cleared"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sink.messages().len(), 3, "each reply went out once");
    app2.finish().await;
}
