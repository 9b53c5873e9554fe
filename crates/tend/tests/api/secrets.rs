//! Secrets at rest: IMAP passwords, chat identity secrets and the survey
//! link key are sealed with a key outside the database. A dump of the
//! database (the SQLite file and its WAL, byte for byte; every PostgreSQL
//! row) holds none of them in plaintext, yet Tend reads them back; plaintext
//! left by an older version is sealed at start; a wrong key stops the start.

use sqlx::Connection as _;
use tend::agents::Viewer;
use tend::inboxes::model::ImapAfter;
use tend::inboxes::service::NewInbox;
use tend::state::AppState;

use crate::on_both_backends;
use crate::support::{TestApp, fresh_pg_database, test_config};

/// Everything the database holds, as bytes: the SQLite file and its WAL,
/// or every row of every PostgreSQL table as text.
async fn dump(st: &AppState) -> Vec<u8> {
    if st.config.is_sqlite() {
        let mut out = vec![];
        for name in ["tend.db", "tend.db-wal", "tend.db-shm"] {
            if let Ok(b) = std::fs::read(st.config.data_dir.join(name)) {
                out.extend(b);
            }
        }
        assert!(out.len() > 4096, "the SQLite file was read");
        out
    } else {
        let pool = st.db.pool();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        assert!(tables.len() > 10, "{tables:?}");
        let mut out = vec![];
        for t in tables {
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST(t AS TEXT) FROM \"{t}\" t"
            )))
            .fetch_all(pool)
            .await
            .unwrap();
            for r in rows {
                out.extend(r.into_bytes());
            }
        }
        out
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

on_both_backends!(stored_secrets_are_sealed_and_still_work);

async fn stored_secrets_are_sealed_and_still_work(app: &TestApp) {
    let imap_pw = "imap-pw-Zq81xK";
    let identity = "identity-secret-Zq81xK-0123";
    let url = format!("imap://support:{imap_pw}@127.0.0.1:1/INBOX?tls=none");
    let (s, b) = app
        .post(
            "/api/v1/inboxes",
            &app.admin,
            serde_json::json!({"kind": "email", "address": "support@example.com", "imap_url": url}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{b}");
    let inbox = b["id"].as_i64().unwrap();
    assert!(!b.to_string().contains(imap_pw), "{b}");
    let chat = app.inbox("chat", None).await;
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/inboxes/{chat}/public-settings"),
            &app.admin,
            Some(serde_json::json!({"identity_secret": identity})),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{b}");
    assert!(!b.to_string().contains(identity), "{b}");
    let survey_key = tend::secrets::app_secret(&app.st, "survey_links")
        .await
        .unwrap();

    // The API shows none of them.
    for path in [
        format!("/api/v1/inboxes/{inbox}"),
        "/api/v1/inboxes".to_string(),
        format!("/api/v1/inboxes/{chat}/public-settings"),
    ] {
        let (_, b) = app.get(&path, &app.admin).await;
        let text = b.to_string();
        assert!(
            !text.contains(imap_pw) && !text.contains(identity),
            "{path}: {text}"
        );
    }

    // Tend reads them back.
    let urls = tend::inboxes::service::imap_inboxes(&app.st).await.unwrap();
    let (_, u) = urls.iter().find(|(id, _)| *id == inbox).unwrap();
    let t = tend::inboxes::imap_url::parse_target(u).unwrap();
    assert_eq!(t.password, imap_pw);
    assert_eq!(
        tend::inboxes::public::identity_secret(&app.st, chat)
            .await
            .unwrap()
            .as_deref(),
        Some(identity)
    );

    // The database holds none of them in plaintext.
    let bytes = dump(&app.st).await;
    for secret in [imap_pw, identity, survey_key.as_str()] {
        assert!(!holds(&bytes, secret), "{secret} is in the database");
    }
    // The sealed forms are there (the dump is not empty of them).
    assert!(holds(&bytes, tend::secrets::SEALED_PREFIX));
}

/// An older version stored secrets in plaintext: the next start seals them
/// (and leaves no copy in the file), and they keep working. A start with
/// another key is refused with a message that says what to do.
async fn plaintext_from_before_is_sealed_at_start(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (db_url, pg_name) = if postgres {
        match fresh_pg_database().await {
            Some((u, n)) => (Some(u), Some(n)),
            None => return,
        }
    } else {
        (None, None)
    };
    let config = |extra: &[(&str, String)]| test_config(dir.path(), db_url.clone(), extra);
    let st = tend::app::open(config(&[])).await.unwrap();
    let inbox = tend::inboxes::service::create_inbox(
        &st,
        &Viewer::system(),
        NewInbox {
            kind: tend::inboxes::model::InboxKind::Email,
            name: None,
            address: Some("legacy@example.com".into()),
            imap_url: None,
            ack_enabled: false,
            imap_after: ImapAfter::Leave,
            imap_move_to: None,
        },
    )
    .await
    .unwrap()
    .id;
    // What an older Tend wrote, straight into the tables.
    let legacy_url = "imap://old:legacy-pw-7Qm2@127.0.0.1:1/INBOX?tls=none";
    let legacy_identity = "legacy-identity-7Qm2-abcdef";
    let legacy_app = "legacy-app-secret-7Qm2";
    let raw = || -> String {
        db_url
            .clone()
            .unwrap_or_else(|| tend::config::sqlite_url(&dir.path().join("tend.db")))
    };
    {
        let mut c = sqlx::AnyConnection::connect(&raw()).await.unwrap();
        sqlx::query("UPDATE inboxes SET imap_url = $1 WHERE id = $2")
            .bind(legacy_url)
            .bind(inbox)
            .execute(&mut c)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO inbox_public_settings (inbox_id, identity_secret, updated_at) VALUES ($1, $2, 0)",
        )
        .bind(inbox)
        .bind(legacy_identity)
        .execute(&mut c)
        .await
        .unwrap();
        sqlx::query("INSERT INTO secrets (name, value, created_at) VALUES ('survey_links', $1, 0)")
            .bind(legacy_app)
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }
    st.db.close().await;

    // The next start seals them; they read back as before.
    let st = tend::app::open(config(&[])).await.unwrap();
    let urls = tend::inboxes::service::imap_inboxes(&st).await.unwrap();
    let t = tend::inboxes::imap_url::parse_target(&urls[0].1).unwrap();
    assert_eq!((urls[0].0, t.password.as_str()), (inbox, "legacy-pw-7Qm2"));
    assert_eq!(
        tend::inboxes::public::identity_secret(&st, inbox)
            .await
            .unwrap()
            .as_deref(),
        Some(legacy_identity)
    );
    assert_eq!(
        tend::secrets::app_secret(&st, "survey_links")
            .await
            .unwrap(),
        legacy_app
    );
    let bytes = dump(&st).await;
    for secret in ["legacy-pw-7Qm2", legacy_identity, legacy_app] {
        assert!(!holds(&bytes, secret), "{secret} is still in the database");
    }
    st.db.close().await;

    // The key lives outside the database, readable by its owner only.
    let key_file = dir.path().join(tend::secrets::KEY_FILE);
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Another key does not open them: the start is refused, saying why.
    let err = tend::app::open(config(&[("TEND_SECRET_KEY", "ab".repeat(32))]))
        .await
        .expect_err("a wrong key is refused");
    assert!(
        err.downcast_ref::<tend::config::ConfigError>().is_some(),
        "a configuration error (exit code 2): {err:#}"
    );
    let e = format!("{err:#}");
    assert!(
        e.contains("TEND_SECRET_KEY") && e.contains(tend::secrets::KEY_FILE),
        "{e}"
    );
    // The right key given in the environment works as well as the file.
    let key = std::fs::read_to_string(&key_file).unwrap();
    let st = tend::app::open(config(&[("TEND_SECRET_KEY", key.trim().to_string())]))
        .await
        .unwrap();
    st.db.close().await;
    if let Some(name) = pg_name {
        let mut c =
            sqlx::AnyConnection::connect(&format!("{}/postgres", crate::support::pg_server()))
                .await
                .unwrap();
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut c)
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_from_before_is_sealed_at_start_sqlite() {
    plaintext_from_before_is_sealed_at_start(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_from_before_is_sealed_at_start_postgres() {
    plaintext_from_before_is_sealed_at_start(true).await;
}
