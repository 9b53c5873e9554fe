//! Tests of the configuration loader.

use super::*;
use std::collections::HashMap;

fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().map_err(|e| ConfigError(e.to_string()))?;
    let path = dir.path().join("tend.toml");
    if let Some(text) = file {
        std::fs::write(&path, text).map_err(|e| ConfigError(e.to_string()))?;
    }
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |k: &str| env.get(k).cloned();
    Config::load_with(file.map(|_| path.as_path()), &lookup)
}

#[test]
fn defaults_are_the_contract_defaults() {
    let c = load(None, &[]).expect("defaults load");
    assert_eq!(c.data_dir, PathBuf::from("./tend-data"));
    assert_eq!(c.database_url, "sqlite://./tend-data/tend.db?mode=rwc");
    assert_eq!(c.http_listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.max_json_body_bytes, 1024 * 1024);
    assert_eq!(c.max_attachment_bytes, 25_000_000);
    assert!(c.smtp_listen.is_none());
}

#[test]
fn environment_wins_over_file() {
    let c = load(
        Some("http_listen = \"127.0.0.1:9000\"\ndata_dir = \"/tmp/a\"\n"),
        &[("TEND_HTTP_LISTEN", "127.0.0.1:9001")],
    )
    .expect("loads");
    assert_eq!(c.http_listen.to_string(), "127.0.0.1:9001");
    assert_eq!(c.data_dir, PathBuf::from("/tmp/a"));
}

#[test]
fn unknown_key_is_rejected_with_its_name() {
    let e = load(Some("htp_listen = \"x\"\n"), &[]).expect_err("must fail");
    assert!(e.0.contains("htp_listen"), "{}", e.0);
}

#[test]
fn bad_urls_say_what_to_fix() {
    let e = load(None, &[("TEND_DATABASE_URL", "mysql://x")]).expect_err("must fail");
    assert!(e.0.contains("TEND_DATABASE_URL"), "{}", e.0);
    let e = load(None, &[("TEND_SMTP_RELAY_URL", "not a url")]).expect_err("must fail");
    assert!(e.0.contains("TEND_SMTP_RELAY_URL"), "{}", e.0);
    let e = load(None, &[("TEND_HTTP_LISTEN", "localhost")]).expect_err("must fail");
    assert!(e.0.contains("127.0.0.1:8080"), "{}", e.0);
}

#[test]
fn unwritable_data_dir_is_reported() {
    let c = load(None, &[("TEND_DATA_DIR", "/proc/tend-cannot-write")]).expect("loads");
    let e = c.prepare_data_dir().expect_err("must fail");
    assert!(e.0.contains("TEND_DATA_DIR"), "{}", e.0);
}

#[test]
fn example_config_parses_to_the_defaults() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tend.example.toml"
    ));
    let c = Config::load_with(Some(path), &|_| None).expect("tend.example.toml loads");
    assert_eq!(c.data_dir, PathBuf::from("./tend-data"));
    assert_eq!(c.database_url, "sqlite://./tend-data/tend.db?mode=rwc");
    assert_eq!(c.http_listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.public_url, None);
    assert!(c.smtp_listen.is_none());
    assert_eq!(c.smtp_relay_url, None);
    assert_eq!(c.mail_from, None);
    assert_eq!(c.log_format, LogFormat::Text);
    assert_eq!(c.max_json_body_bytes, 1024 * 1024);
    assert_eq!(c.max_attachment_bytes, 25_000_000);
    assert_eq!(c.db_max_connections, 16);
    assert_eq!(
        c.db_slow_statement,
        Some(std::time::Duration::from_millis(200))
    );
    assert_eq!(c.surveys.quiet_ms, 7 * 86_400_000);
    assert_eq!(c.surveys.unhappy_rating, 3);
    assert_eq!(c.surveys.period_ms, 7 * 86_400_000);
    assert_eq!(c.surveys.unhappy_route, UnhappyRoute::Owner);
    assert!(c.mail_auth.enabled);
    assert_eq!(c.mail_auth.resolver, DnsResolver::System);
    assert_eq!(c.chat_max_sockets_per_ip, 30);
    assert_eq!(c.search_memory_bytes, 256 * 1024 * 1024);
    assert_eq!(c.db_cache_bytes, 64 * 1024 * 1024);
    assert!(c.trusted_proxies.is_empty());
    assert_eq!(c.metrics_token, None);
    assert_eq!(c.metrics_listen, None);
}

#[test]
fn the_search_memory_budget_is_read_in_mb_and_held_to_its_range() {
    let c = load(None, &[("TEND_SEARCH_MEMORY_MB", "128")]).expect("loads");
    assert_eq!(c.search_memory_bytes, 128 * 1024 * 1024);
    let c = load(Some("search_memory_mb = 1\n"), &[]).expect("loads");
    assert_eq!(c.search_memory_bytes, 64 * 1024 * 1024);
    let e = load(None, &[("TEND_SEARCH_MEMORY_MB", "lots")]).expect_err("must fail");
    assert!(e.to_string().contains("TEND_SEARCH_MEMORY_MB"), "{e}");
}

#[test]
fn the_slow_statement_threshold_is_read_and_zero_turns_it_off() {
    let c = load(None, &[("TEND_DB_SLOW_MS", "1500")]).expect("loads");
    assert_eq!(
        c.db_slow_statement,
        Some(std::time::Duration::from_millis(1500))
    );
    let c = load(Some("db_slow_ms = 0\n"), &[]).expect("loads");
    assert_eq!(c.db_slow_statement, None);
    let e = load(None, &[("TEND_DB_SLOW_MS", "fast")]).expect_err("must fail");
    assert!(e.0.contains("TEND_DB_SLOW_MS"), "{}", e.0);
}

#[test]
fn proxies_and_metrics_settings_are_checked() {
    let e =
        load(None, &[("TEND_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local")]).expect_err("must fail");
    assert!(
        e.0.contains("TEND_TRUSTED_PROXIES") && e.0.contains("proxy.local"),
        "{}",
        e.0
    );
    let c = load(
        Some("trusted_proxies = \"10.0.0.0/8 ::1\"\nmetrics_token = \"s3cret\"\n"),
        &[("TEND_METRICS_LISTEN", "127.0.0.1:9100")],
    )
    .expect("loads");
    assert!(c.trusted_proxies.contains("10.9.9.9".parse().expect("ip")));
    assert_eq!(c.metrics_token.as_deref(), Some("s3cret"));
    assert_eq!(c.metrics_listen.map(|a| a.port()), Some(9100));
}

#[test]
fn help_fallback_chains_are_read_and_checked() {
    let c = load(Some("help_fallback = \"ca>es>EN, lv>en\"\n"), &[]).expect("loads");
    assert_eq!(c.help_fallback.after("ca"), ["es", "en"]);
    assert_eq!(c.help_fallback.after("lv"), ["en"]);
    assert!(c.help_fallback.after("ja").is_empty());
    for bad in ["ca", "ca>", "ca>es ca>en", "ca>e s"] {
        let e = load(None, &[("TEND_HELP_FALLBACK", bad)]).expect_err(bad);
        assert!(e.0.contains("TEND_HELP_FALLBACK"), "{}", e.0);
    }
}

#[test]
fn mail_limits_transport_and_the_secret_key_are_read() {
    let c = load(None, &[]).expect("defaults load");
    assert_eq!(
        c.mail_limits,
        MailLimits {
            smtp_max_sessions: 100,
            smtp_max_sessions_per_ip: 20,
            smtp_idle: std::time::Duration::from_secs(300),
            smtp_data_idle: std::time::Duration::from_secs(60),
            auto_mail_per_hour: 200,
        }
    );
    assert!(c.secret_key.is_none() && c.mail_tls_ca_file.is_none());
    let c = load(
        Some("smtp_idle_seconds = 120\nsmtp_data_idle_seconds = 900\n"),
        &[("TEND_SECRET_KEY", "a-secret-key-text")],
    )
    .expect("loads");
    assert_eq!(
        c.mail_limits.smtp_data_idle,
        std::time::Duration::from_secs(120),
        "never longer than the command timeout"
    );
    assert!(
        !format!("{c:?}").contains("a-secret-key-text"),
        "kept out of Debug"
    );
    // A relay password must not go out in clear unless the URL says so,
    // and the error does not repeat it.
    let e = load(
        None,
        &[(
            "TEND_SMTP_RELAY_URL",
            "smtp://mailer:hunter22@mail.example:587",
        )],
    )
    .expect_err("must fail");
    assert!(
        e.0.contains("TEND_SMTP_RELAY_URL") && e.0.contains("tls=none"),
        "{}",
        e.0
    );
    assert!(!e.0.contains("hunter22"), "{}", e.0);
    for ok in [
        "smtp://mailer:hunter22@mail.example:587?tls=required",
        "smtps://mailer:hunter22@mail.example",
        "smtp://mailer:hunter22@10.0.0.5:25?tls=none",
        "smtp://127.0.0.1:1025",
    ] {
        assert!(load(None, &[("TEND_SMTP_RELAY_URL", ok)]).is_ok(), "{ok}");
    }
    let e = load(None, &[("TEND_MAIL_TLS_CA_FILE", "/nonexistent/ca.pem")]).expect_err("must fail");
    assert!(e.0.contains("TEND_MAIL_TLS_CA_FILE"), "{}", e.0);
}

#[test]
fn mail_auth_settings_are_checked() {
    let c = load(
        None,
        &[
            ("TEND_MAIL_AUTH", "off"),
            ("TEND_DNS_RESOLVER", "127.0.0.1:5353, ::1"),
        ],
    )
    .expect("loads");
    assert!(!c.mail_auth.enabled);
    assert_eq!(
        c.mail_auth.resolver,
        DnsResolver::Servers(vec![
            "127.0.0.1:5353".parse().expect("addr"),
            "[::1]:53".parse().expect("addr"),
        ])
    );
    let c = load(Some("mail_auth = false\ndns_resolver = \"system\"\n"), &[]).expect("loads");
    assert!(!c.mail_auth.enabled);
    let e = load(None, &[("TEND_MAIL_AUTH", "maybe")]).expect_err("must fail");
    assert!(e.0.contains("TEND_MAIL_AUTH"), "{}", e.0);
    let e = load(None, &[("TEND_DNS_RESOLVER", "dns.example")]).expect_err("must fail");
    assert!(e.0.contains("TEND_DNS_RESOLVER"), "{}", e.0);
}

#[test]
fn survey_settings_are_checked() {
    let e = load(None, &[("TEND_SURVEY_UNHAPPY_RATING", "6")]).expect_err("must fail");
    assert!(e.0.contains("TEND_SURVEY_UNHAPPY_RATING"), "{}", e.0);
    let e = load(None, &[("TEND_SURVEY_UNHAPPY_ROUTE", "boss")]).expect_err("must fail");
    assert!(e.0.contains("supervisors"), "{}", e.0);
    let e = load(None, &[("TEND_SURVEY_QUIET_DAYS", "0")]).expect_err("must fail");
    assert!(e.0.contains("TEND_SURVEY_QUIET_DAYS"), "{}", e.0);
    let c = load(
        Some("survey_unhappy_route = \"supervisors\"\nsurvey_period_days = 0\n"),
        &[],
    )
    .expect("loads");
    assert_eq!(c.surveys.unhappy_route, UnhappyRoute::Supervisors);
    assert_eq!(c.surveys.period_ms, 0);
}
