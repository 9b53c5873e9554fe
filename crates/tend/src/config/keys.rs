//! The configuration keys: their names, and the form the TOML file gives
//! them.

use serde::Deserialize;

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
    "unanswered_after_minutes",
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

/// The file form: every key optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub(super) data_dir: Option<String>,
    pub(super) database_url: Option<String>,
    pub(super) http_listen: Option<String>,
    pub(super) public_url: Option<String>,
    pub(super) smtp_listen: Option<String>,
    pub(super) smtp_relay_url: Option<String>,
    pub(super) mail_from: Option<String>,
    pub(super) log_format: Option<String>,
    pub(super) max_json_body_bytes: Option<u64>,
    pub(super) max_attachment_bytes: Option<u64>,
    pub(super) db_max_connections: Option<u32>,
    pub(super) db_slow_ms: Option<u64>,
    pub(super) smtp_tls_cert: Option<String>,
    pub(super) smtp_tls_key: Option<String>,
    pub(super) imap_poll_seconds: Option<u64>,
    pub(super) routing_follow_up_after_seconds: Option<u64>,
    pub(super) routing_auto_away_seconds: Option<u64>,
    pub(super) unanswered_after_minutes: Option<u64>,
    pub(super) survey_quiet_days: Option<u64>,
    pub(super) survey_unhappy_rating: Option<u64>,
    pub(super) survey_period_days: Option<u64>,
    pub(super) survey_unhappy_route: Option<String>,
    pub(super) public_rate_per_minute: Option<u64>,
    pub(super) chat_max_sockets_per_ip: Option<u64>,
    pub(super) trusted_proxies: Option<String>,
    pub(super) metrics_token: Option<String>,
    pub(super) metrics_listen: Option<String>,
    // Mail resources and secrets at rest (see `MailLimits`, `secret_key`).
    pub(super) secret_key: Option<String>,
    pub(super) mail_tls_ca_file: Option<String>,
    pub(super) smtp_max_sessions: Option<u64>,
    pub(super) smtp_max_sessions_per_ip: Option<u64>,
    pub(super) smtp_idle_seconds: Option<u64>,
    pub(super) smtp_data_idle_seconds: Option<u64>,
    pub(super) auto_mail_per_hour: Option<u64>,
    pub(super) mail_auth: Option<bool>,
    pub(super) dns_resolver: Option<String>,
}
