//! The configuration keys.

/// Every configuration key, by its name in the file. Its environment
/// variable is [`env_var`] of it. The loader reads these and no others
/// (`Source::get` asserts it in debug builds, so every test run checks),
/// and `docs/CONTRACT.md` documents each (`tests/api/contract.rs` compares
/// them, and the loader's reads with this list).
pub const KEYS: &[&str] = &[
    "data_dir",
    "database_url",
    "http_listen",
    "public_url",
    "smtp_listen",
    "smtp_tls_cert",
    "smtp_tls_key",
    "smtp_relay_url",
    "smtp_max_sessions",
    "smtp_max_sessions_per_ip",
    "smtp_idle_seconds",
    "smtp_data_idle_seconds",
    "auto_mail_per_hour",
    "secret_key",
    "mail_tls_ca_file",
    "mail_from",
    "mail_auth",
    "dns_resolver",
    "imap_poll_seconds",
    "log_format",
    "max_json_body_bytes",
    "max_attachment_bytes",
    "db_max_connections",
    "db_slow_ms",
    "routing_follow_up_after_seconds",
    "routing_auto_away_seconds",
    "survey_quiet_days",
    "survey_unhappy_rating",
    "survey_period_days",
    "survey_unhappy_route",
    "public_rate_per_minute",
    "chat_max_sockets_per_ip",
    "trusted_proxies",
    "metrics_token",
    "metrics_listen",
];
