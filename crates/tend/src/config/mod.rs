//! Configuration: an optional `tend.toml` plus `TEND_*` environment variables
//! (environment wins). Every problem is a [`ConfigError`] whose message says
//! what to fix; the binary exits with code 2 on it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

mod keys;
pub mod net;
mod types;

use keys::FileConfig;
pub use keys::KEYS;
pub use types::*;

/// The environment variable that sets a configuration key: `TEND_` and the
/// key in upper case.
pub fn env_var(key: &str) -> String {
    format!("TEND_{}", key.to_ascii_uppercase())
}

/// A configuration problem the operator must fix.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Where a value came from, to name it in error messages.
struct Source<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: FileConfig,
}

impl Source<'_> {
    /// Environment `TEND_<KEY>` first, then the file value.
    fn get(&self, key: &str, file_value: Option<String>) -> Option<(String, String)> {
        debug_assert!(
            KEYS.contains(&key),
            "configuration key `{key}` is missing from config::KEYS (and docs/CONTRACT.md)"
        );
        let var = env_var(key);
        if let Some(v) = (self.env)(&var) {
            return Some((v, var));
        }
        file_value.map(|v| (v, format!("`{key}` in the config file")))
    }

    fn get_u64(&self, key: &str, file_value: Option<u64>) -> Result<Option<u64>, ConfigError> {
        match self.get(key, file_value.map(|v| v.to_string())) {
            None => Ok(None),
            Some((v, origin)) => v
                .trim()
                .parse::<u64>()
                .map(Some)
                .map_err(|_| ConfigError(format!("{origin} must be a whole number, got {v:?}"))),
        }
    }
}

impl Config {
    /// Loads configuration from the process environment and the optional file.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Self::load_with(path, &env)
    }

    /// Loads configuration with an explicit environment lookup (for tests).
    pub fn load_with(
        path: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let path = path
            .map(Path::to_path_buf)
            .or_else(|| env("TEND_CONFIG").map(PathBuf::from));
        let file = match &path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    ConfigError(format!("cannot read config file {}: {e}", p.display()))
                })?;
                parse_file(&text, p)?
            }
            None => FileConfig::default(),
        };
        let src = Source { env, file };
        let f = &src.file;

        let data_dir = PathBuf::from(
            src.get("data_dir", f.data_dir.clone())
                .map(|(v, _)| v)
                .unwrap_or_else(|| "./tend-data".into()),
        );

        let database_url = match src.get("database_url", f.database_url.clone()) {
            Some((v, origin)) => validate_database_url(&v, &origin)?,
            None => sqlite_url(&data_dir.join("tend.db")),
        };

        let http_listen = match src.get("http_listen", f.http_listen.clone()) {
            Some((v, origin)) => parse_addr(&v, &origin)?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let smtp_listen = src
            .get("smtp_listen", f.smtp_listen.clone())
            .map(|(v, origin)| parse_addr(&v, &origin))
            .transpose()?;

        let public_url = src
            .get("public_url", f.public_url.clone())
            .map(|(v, origin)| {
                let u = parse_url(&v, &origin)?;
                if !matches!(u.scheme(), "http" | "https") {
                    return Err(ConfigError(format!(
                        "{origin} must be an http:// or https:// URL, got {v:?}"
                    )));
                }
                Ok(v.trim_end_matches('/').to_string())
            })
            .transpose()?;

        let smtp_relay_url = src
            .get("smtp_relay_url", f.smtp_relay_url.clone())
            .map(|(v, origin)| {
                let u = parse_url(&v, &origin)?;
                if !matches!(u.scheme(), "smtp" | "smtps") || u.host_str().is_none() {
                    return Err(ConfigError(format!(
                        "{origin} must look like smtp://host:port or smtps://user:pass@host:465, got {:?}",
                        crate::db::redact(&v)
                    )));
                }
                net::relay_tls(&u)
                    .map_err(|why| ConfigError(format!("{origin}: {why}")))?;
                Ok(v)
            })
            .transpose()?;

        let mail_from = src
            .get("mail_from", f.mail_from.clone())
            .map(|(v, origin)| {
                if v.contains('@') {
                    Ok(v)
                } else {
                    Err(ConfigError(format!(
                        "{origin} must be an email address, got {v:?}"
                    )))
                }
            })
            .transpose()?;

        let log_format = match src.get("log_format", f.log_format.clone()) {
            None => LogFormat::Text,
            Some((v, origin)) => match v.as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError(format!(
                        "{origin} must be \"text\" or \"json\", got {v:?}"
                    )));
                }
            },
        };

        let max_json_body_bytes = src
            .get_u64("max_json_body_bytes", f.max_json_body_bytes)?
            .unwrap_or(1024 * 1024) as usize;
        let max_attachment_bytes = src
            .get_u64("max_attachment_bytes", f.max_attachment_bytes)?
            .unwrap_or(25 * 1000 * 1000) as usize;
        let db_max_connections = src
            .get_u64("db_max_connections", f.db_max_connections.map(u64::from))?
            .unwrap_or(16)
            .clamp(1, 1000) as u32;
        let db_slow_statement = match src.get_u64("db_slow_ms", f.db_slow_ms)?.unwrap_or(200) {
            0 => None,
            ms => Some(std::time::Duration::from_millis(ms)),
        };

        let db_cache_bytes = usize::try_from(
            src.get_u64("db_cache_mb", f.db_cache_mb)?
                .unwrap_or(64)
                .clamp(8, 64 * 1024)
                * 1024
                * 1024,
        )
        .unwrap_or(usize::MAX);
        let search_memory_bytes = usize::try_from(
            src.get_u64("search_memory_mb", f.search_memory_mb)?
                .unwrap_or(256)
                .clamp(64, 64 * 1024)
                * 1024
                * 1024,
        )
        .unwrap_or(usize::MAX);

        let tls_file = |key: &str, v: Option<String>| -> Result<Option<PathBuf>, ConfigError> {
            match src.get(key, v) {
                None => Ok(None),
                Some((v, origin)) => {
                    let p = PathBuf::from(&v);
                    if p.is_file() {
                        Ok(Some(p))
                    } else {
                        Err(ConfigError(format!(
                            "{origin} names {v:?}, which is not a readable file"
                        )))
                    }
                }
            }
        };
        let smtp_tls_cert = tls_file("smtp_tls_cert", f.smtp_tls_cert.clone())?;
        let smtp_tls_key = tls_file("smtp_tls_key", f.smtp_tls_key.clone())?;
        if smtp_tls_cert.is_some() != smtp_tls_key.is_some() {
            return Err(ConfigError(
                "set both TEND_SMTP_TLS_CERT and TEND_SMTP_TLS_KEY (or neither) to offer STARTTLS"
                    .into(),
            ));
        }
        let imap_poll_interval = std::time::Duration::from_secs(
            src.get_u64("imap_poll_seconds", f.imap_poll_seconds)?
                .unwrap_or(30)
                .clamp(1, 86_400),
        );

        let routing_follow_up_after = std::time::Duration::from_secs(
            src.get_u64(
                "routing_follow_up_after_seconds",
                f.routing_follow_up_after_seconds,
            )?
            .unwrap_or(300),
        );
        let routing_auto_away = std::time::Duration::from_secs(
            src.get_u64("routing_auto_away_seconds", f.routing_auto_away_seconds)?
                .unwrap_or(600),
        );
        let unanswered_after = std::time::Duration::from_secs(
            60 * src
                .get_u64("unanswered_after_minutes", f.unanswered_after_minutes)?
                .unwrap_or(60)
                .clamp(1, 525_600),
        );
        let undo_send = std::time::Duration::from_secs(
            src.get_u64("undo_send_seconds", f.undo_send_seconds)?
                .unwrap_or(10)
                .min(300),
        );
        let remedy_approval = std::time::Duration::from_secs(
            60 * src
                .get_u64("remedy_approval_minutes", f.remedy_approval_minutes)?
                .unwrap_or(30)
                .clamp(1, 525_600),
        );
        const DAY_MS: i64 = 86_400_000;
        let survey_quiet_days = src
            .get_u64("survey_quiet_days", f.survey_quiet_days)?
            .unwrap_or(7);
        if !(1..=365).contains(&survey_quiet_days) {
            return Err(ConfigError(format!(
                "TEND_SURVEY_QUIET_DAYS (survey_quiet_days) must be from 1 to 365 days, got {survey_quiet_days}"
            )));
        }
        let unhappy_rating = src
            .get_u64("survey_unhappy_rating", f.survey_unhappy_rating)?
            .unwrap_or(3);
        if !(1..=5).contains(&unhappy_rating) {
            return Err(ConfigError(format!(
                "TEND_SURVEY_UNHAPPY_RATING (survey_unhappy_rating) must be a rating from 1 to 5, got {unhappy_rating}"
            )));
        }
        let survey_period_days = src
            .get_u64("survey_period_days", f.survey_period_days)?
            .unwrap_or(7)
            .min(3650);
        let unhappy_route = match src.get("survey_unhappy_route", f.survey_unhappy_route.clone()) {
            None => UnhappyRoute::Owner,
            Some((v, origin)) => match v.as_str() {
                "owner" => UnhappyRoute::Owner,
                "supervisors" => UnhappyRoute::Supervisors,
                _ => {
                    return Err(ConfigError(format!(
                        "{origin} must be \"owner\" or \"supervisors\", got {v:?}"
                    )));
                }
            },
        };
        let at_risk_below = src
            .get_u64("health_at_risk_below", f.health_at_risk_below)?
            .unwrap_or(DEFAULT_AT_RISK_BELOW as u64);
        if !(1..=100).contains(&at_risk_below) {
            return Err(ConfigError(format!(
                "TEND_HEALTH_AT_RISK_BELOW (health_at_risk_below) must be a score from 1 to 100, got {at_risk_below}"
            )));
        }
        let health = match src.get("health_weights", f.health_weights.clone()) {
            None => HealthWeights {
                at_risk_below: at_risk_below as i64,
                ..HealthWeights::default()
            },
            Some((v, origin)) => parse_weights(&v, at_risk_below as i64)
                .map_err(|e| ConfigError(format!("{origin}: {e}")))?,
        };
        let surveys = SurveyConfig {
            quiet_ms: survey_quiet_days as i64 * DAY_MS,
            unhappy_rating: unhappy_rating as i64,
            period_ms: survey_period_days as i64 * DAY_MS,
            unhappy_route,
        };

        let public_rate_per_minute = src
            .get_u64("public_rate_per_minute", f.public_rate_per_minute)?
            .unwrap_or(20)
            .max(1);
        let chat_max_sockets_per_ip = usize::try_from(
            src.get_u64("chat_max_sockets_per_ip", f.chat_max_sockets_per_ip)?
                .unwrap_or(30),
        )
        .unwrap_or(usize::MAX);

        let help_fallback = match src.get("help_fallback", f.help_fallback.clone()) {
            None => HelpFallback::default(),
            Some((v, origin)) => parse_help_fallback(&v, &origin)?,
        };
        let help_chat_inbox = src
            .get_u64("help_chat_inbox", f.help_chat_inbox)?
            .and_then(|id| i64::try_from(id).ok());
        let region = src.get("phone_default_region", f.phone_default_region.clone());
        let phone_default_region = region.map(|(v, o)| parse_region(&v, &o)).transpose()?;
        let trusted_proxies = match src.get("trusted_proxies", f.trusted_proxies.clone()) {
            None => net::TrustedProxies::default(),
            Some((v, origin)) => {
                net::TrustedProxies::parse(&v).map_err(|e| ConfigError(format!("{origin}: {e}")))?
            }
        };
        let metrics_token = src
            .get("metrics_token", f.metrics_token.clone())
            .map(|(v, _)| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let metrics_listen = src
            .get("metrics_listen", f.metrics_listen.clone())
            .map(|(v, origin)| parse_addr(&v, &origin))
            .transpose()?;

        let secret_key = src
            .get("secret_key", f.secret_key.clone())
            .map(|(v, _)| SecretText(v));
        let mail_tls_ca_file = tls_file("mail_tls_ca_file", f.mail_tls_ca_file.clone())?;
        let smtp_idle = src
            .get_u64("smtp_idle_seconds", f.smtp_idle_seconds)?
            .unwrap_or(300)
            .clamp(10, 3600);
        let smtp_data_idle = src
            .get_u64("smtp_data_idle_seconds", f.smtp_data_idle_seconds)?
            .unwrap_or(60)
            .clamp(1, smtp_idle);
        let mail_limits = MailLimits {
            smtp_max_sessions: src
                .get_u64("smtp_max_sessions", f.smtp_max_sessions)?
                .unwrap_or(100)
                .clamp(1, 100_000) as usize,
            smtp_max_sessions_per_ip: src
                .get_u64("smtp_max_sessions_per_ip", f.smtp_max_sessions_per_ip)?
                .unwrap_or(20)
                .clamp(1, 100_000) as usize,
            smtp_idle: std::time::Duration::from_secs(smtp_idle),
            smtp_data_idle: std::time::Duration::from_secs(smtp_data_idle),
            auto_mail_per_hour: src
                .get_u64("auto_mail_per_hour", f.auto_mail_per_hour)?
                .unwrap_or(200)
                .min(1_000_000) as i64,
        };

        let mail_auth = MailAuthConfig {
            enabled: match src.get("mail_auth", f.mail_auth.map(|b| b.to_string())) {
                None => true,
                Some((v, origin)) => match v.trim().to_ascii_lowercase().as_str() {
                    "on" | "true" | "1" | "yes" => true,
                    "off" | "false" | "0" | "no" => false,
                    _ => {
                        return Err(ConfigError(format!(
                            "{origin} must be \"on\" or \"off\", got {v:?}"
                        )));
                    }
                },
            },
            resolver: match src.get("dns_resolver", f.dns_resolver.clone()) {
                None => DnsResolver::System,
                Some((v, origin)) => parse_resolver(&v, &origin)?,
            },
        };

        Ok(Config {
            data_dir,
            database_url,
            http_listen,
            public_url,
            smtp_listen,
            smtp_relay_url,
            mail_from,
            log_format,
            max_json_body_bytes,
            max_attachment_bytes,
            db_max_connections,
            db_slow_statement,
            search_memory_bytes,
            db_cache_bytes,
            smtp_tls_cert,
            smtp_tls_key,
            imap_poll_interval,
            routing_follow_up_after,
            routing_auto_away,
            unanswered_after,
            undo_send,
            remedy_approval,
            surveys,
            health,
            public_rate_per_minute,
            chat_max_sockets_per_ip,
            help_fallback,
            help_chat_inbox,
            phone_default_region,
            trusted_proxies,
            metrics_token,
            metrics_listen,
            secret_key,
            mail_tls_ca_file,
            mail_limits,
            mail_auth,
        })
    }

    /// Creates the data directory and proves it is writable.
    pub fn prepare_data_dir(&self) -> Result<(), ConfigError> {
        let dir = &self.data_dir;
        let fail = |e: std::io::Error| {
            ConfigError(format!(
                "data directory {} is not writable ({e}); set TEND_DATA_DIR to a directory Tend may write",
                dir.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(fail)?;
        let probe = dir.join(".write-probe");
        std::fs::write(&probe, b"ok").map_err(fail)?;
        std::fs::remove_file(&probe).map_err(fail)?;
        Ok(())
    }

    /// The public URL, parsed (validated when the configuration loaded).
    pub fn public(&self) -> Option<url::Url> {
        self.public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
    }

    /// Whether the public URL is https.
    /// (Asked on every request that sets a cookie or makes a link: the URL
    /// was validated when the configuration loaded, so its scheme is read
    /// without parsing it again.)
    pub fn public_is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .and_then(|u| u.get(..8))
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    }

    /// The public URL's host name, the name Tend gives itself (in mail
    /// headers, Message-IDs, authentication results); `localhost` when unset.
    pub fn public_host(&self) -> String {
        self.public()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "localhost".into())
    }

    /// Whether the database is SQLite.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

mod values;

pub use values::sqlite_url;
use values::{
    parse_addr, parse_file, parse_help_fallback, parse_region, parse_resolver, parse_url,
    validate_database_url,
};

#[cfg(test)]
mod tests;
