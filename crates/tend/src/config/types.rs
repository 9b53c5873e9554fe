//! The resolved configuration ([`Config`]), the values of its sections
//! (mail limits, sender authentication, surveys) and secrets that never
//! print.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::{LogFormat, net};
use crate::vocab::Signal;

/// A secret configuration value: kept out of `Debug` output and logs.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(***)")
    }
}

/// Resource limits of the mail channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLimits {
    /// SMTP sessions open at once, from everyone.
    pub smtp_max_sessions: usize,
    /// SMTP sessions open at once from one client address (IPv6: one /64).
    pub smtp_max_sessions_per_ip: usize,
    /// How long an SMTP client may stay silent between commands.
    pub smtp_idle: std::time::Duration,
    /// How long an SMTP client may stay silent while it sends a message
    /// (after `DATA`); shorter than [`MailLimits::smtp_idle`].
    pub smtp_data_idle: std::time::Duration,
    /// Automatic mail (acknowledgements, surveys, transcripts) one inbox may
    /// send per hour unless the inbox sets its own cap.
    pub auto_mail_per_hour: i64,
}

/// Sender authentication of inbound mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAuthConfig {
    /// Whether inbound mail is checked at all (off for air-gapped installs:
    /// no DNS lookups, and nothing is stored on the messages).
    pub enabled: bool,
    /// The DNS resolver the checks ask.
    pub resolver: DnsResolver,
}

/// Which DNS resolver sender authentication asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsResolver {
    /// The system's (`/etc/resolv.conf`).
    System,
    /// These servers (UDP, then TCP for long answers).
    Servers(Vec<SocketAddr>),
}

/// Where an unhappy survey answer sends the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnhappyRoute {
    /// Back to the agent who owned it when it was solved.
    Owner,
    /// Unassigned, for supervisors (the supervisor queue).
    Supervisors,
}

/// Survey settings.
#[derive(Debug, Clone)]
pub struct SurveyConfig {
    /// A solved conversation without an answer closes after this long.
    pub quiet_ms: i64,
    /// Ratings at or below this are unhappy.
    pub unhappy_rating: i64,
    /// At most one survey per customer in this period (0: no limit).
    pub period_ms: i64,
    /// Where unhappy answers go.
    pub unhappy_route: UnhappyRoute,
}

/// Resolved, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// SQLite file, attachments and search index live here.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// HTTP listen address.
    pub http_listen: SocketAddr,
    /// Base URL for links in emails; `None` means derive from the bound address.
    pub public_url: Option<String>,
    /// Inbound SMTP listen address, if enabled.
    pub smtp_listen: Option<SocketAddr>,
    /// Outbound relay URL, if any.
    pub smtp_relay_url: Option<String>,
    /// From address for outbound mail, if not the inbox address.
    pub mail_from: Option<String>,
    /// Log format.
    pub log_format: LogFormat,
    /// Largest accepted JSON body.
    pub max_json_body_bytes: usize,
    /// Largest accepted upload or raw mail.
    pub max_attachment_bytes: usize,
    /// Database pool size (PostgreSQL) / reader pool size (SQLite).
    pub db_max_connections: u32,
    /// Statements that take this long or longer are logged at WARN
    /// (`TEND_DB_SLOW_MS`, default 200 ms; `None`: `0`, never).
    pub db_slow_statement: Option<std::time::Duration>,
    /// SQLite's page caches, all connections together, in bytes
    /// (`db_cache_mb`): half for the writer, half shared by the readers.
    pub db_cache_bytes: usize,
    /// Memory a build of the search index may use, in bytes
    /// (`search_memory_mb`): half for the writer's buffers, half for the
    /// pages it reads and merges. The live indexer uses at most 32 MB of
    /// buffer, and never more than half of this.
    pub search_memory_bytes: usize,
    /// PEM certificate chain for the SMTP receiver's STARTTLS.
    pub smtp_tls_cert: Option<PathBuf>,
    /// PEM private key for the SMTP receiver's STARTTLS.
    pub smtp_tls_key: Option<PathBuf>,
    /// How often IMAP inboxes are polled; with IDLE, how often an idle
    /// session re-checks anyway (capped at 25 minutes).
    pub imap_poll_interval: std::time::Duration,
    /// Predicted waits longer than this offer visitors a follow-up instead.
    pub routing_follow_up_after: std::time::Duration,
    /// Inactivity after which an online agent becomes away (zero: never).
    pub routing_auto_away: std::time::Duration,
    /// A customer waiting this long without a public reply counts as
    /// unanswered (the monitor and `tend_unanswered_conversations`).
    pub unanswered_after: std::time::Duration,
    /// How long the outbox holds an agent's mail reply sent from the
    /// workspace, so that "Undo" can take it back (`0`: sent at once).
    pub undo_send: std::time::Duration,
    /// A remedy above an agent's limits should be decided within this
    /// (its customer waits too): past it, it is overdue.
    pub remedy_approval: std::time::Duration,
    /// Surveys: quiet period, threshold, per-customer limit, routing.
    pub surveys: SurveyConfig,
    /// Customer health: the weight of each signal, the radar's threshold.
    pub health: HealthWeights,
    /// Public endpoints (chat sessions, offline messages, the contact form):
    /// submissions allowed per client IP address per minute.
    pub public_rate_per_minute: u64,
    /// Chat widget WebSockets open at once per client address (an IPv6
    /// client is its /64); `0`: no limit.
    pub chat_max_sockets_per_ip: usize,
    /// The help centre's language fallback chains (`help_fallback`).
    pub help_fallback: HelpFallback,
    /// The chat inbox whose widget the help centre's pages offer
    /// (`help_chat_inbox`); none: no chat there.
    pub help_chat_inbox: Option<i64>,
    /// The region of phone numbers written without `+country`
    /// (`phone_default_region`); none: such numbers are refused.
    pub phone_default_region: Option<Region>,
    /// Reverse proxies whose `X-Forwarded-For`/`Forwarded` and
    /// `X-Forwarded-Proto` are believed (none by default).
    pub trusted_proxies: net::TrustedProxies,
    /// When set, `/metrics` answers only with `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// When set, `/metrics` is served on this address only (not on the
    /// main listener).
    pub metrics_listen: Option<SocketAddr>,
    /// The key that seals stored secrets (`TEND_SECRET_KEY`); `None`: the
    /// key file in the data directory, made on first start.
    pub secret_key: Option<SecretText>,
    /// Extra trusted root certificates (PEM) for Tend's own mail
    /// connections: IMAP and the outbound relay.
    pub mail_tls_ca_file: Option<PathBuf>,
    /// Limits of the SMTP receiver and of automatic outbound mail.
    pub mail_limits: MailLimits,
    /// Sender authentication (SPF, DKIM, DMARC) of inbound mail.
    pub mail_auth: MailAuthConfig,
}

/// The help centre's language fallback chains: for a language, the
/// languages whose translation is shown, in order, when an article has
/// none in it (`ca>es>en`). After the chain come English, the article's
/// source language and then any published translation, so an article is
/// never hidden for want of a translation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpFallback(pub Vec<(String, Vec<String>)>);

impl HelpFallback {
    /// The languages after `lang` in its chain (none when it has none).
    pub fn after(&self, lang: &str) -> &[String] {
        self.0
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(&[], |(_, rest)| rest.as_slice())
    }
}

/// The weight of each signal (points off 100) and the radar's threshold:
/// the `health_weights` and `health_at_risk_below` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthWeights {
    /// Points per signal.
    pub of: BTreeMap<&'static str, i64>,
    /// Customers scoring below this are on the radar.
    pub at_risk_below: i64,
}

impl HealthWeights {
    /// The weight of `s`.
    pub fn get(&self, s: Signal) -> i64 {
        self.of.get(s.as_str()).copied().unwrap_or(0)
    }

    /// A short fingerprint (the daily scoring scores again when it changes).
    pub fn fingerprint(&self) -> String {
        let parts: Vec<String> = self.of.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{};below={}", parts.join(","), self.at_risk_below)
    }
}

/// The default weight of each signal.
pub fn default_weight(s: Signal) -> i64 {
    match s {
        Signal::UnhappyAnswer => 25,
        Signal::UnansweredSurveys => 10,
        Signal::Reopens => 10,
        Signal::SlaBreaches => 20,
        Signal::LongWaits => 10,
        Signal::RepeatContacts => 15,
        Signal::WentQuiet => 25,
        Signal::NegativeWords => 15,
        Signal::NoPositiveContact => 10,
    }
}

/// The default radar threshold.
pub const DEFAULT_AT_RISK_BELOW: i64 = 70;

impl Default for HealthWeights {
    fn default() -> Self {
        HealthWeights {
            of: Signal::ALL
                .iter()
                .map(|&s| (s.as_str(), default_weight(s)))
                .collect(),
            at_risk_below: DEFAULT_AT_RISK_BELOW,
        }
    }
}

/// Parses `health_weights`: `name=points` pairs separated by commas
/// (`sla_breaches=30, went_quiet=20`); signals not named keep their
/// default. Answers the message of what is wrong.
pub fn parse_weights(s: &str, at_risk_below: i64) -> Result<HealthWeights, String> {
    let mut w = HealthWeights {
        at_risk_below,
        ..HealthWeights::default()
    };
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, points)) = part.split_once('=') else {
            return Err(format!("{part:?} is not name=points"));
        };
        let kind = Signal::parse("health_weights", name.trim()).map_err(|e| e.to_string())?;
        let points: i64 = points
            .trim()
            .parse()
            .ok()
            .filter(|p| (0..=100).contains(p))
            .ok_or_else(|| format!("the weight of {name} must be from 0 to 100, got {points:?}"))?;
        w.of.insert(kind.as_str(), points);
    }
    Ok(w)
}

/// The country a number written without `+country` belongs to (CLDR
/// region, `LV`, `JP`): the setting `phone_default_region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region(phonenumber::country::Id);

impl Region {
    /// The region as the phone-number library names it.
    pub fn id(self) -> phonenumber::country::Id {
        self.0
    }
}

impl std::str::FromStr for Region {
    type Err = String;

    /// A two-letter region, in either case (`lv`, `JP`).
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let up = s.trim().to_ascii_uppercase();
        if up.len() != 2 {
            return Err(format!(
                "{s:?} is not a region: give its two letters (LV, JP, KR, ES, GB)"
            ));
        }
        <phonenumber::country::Id as std::str::FromStr>::from_str(&up)
            .map(Region)
            .map_err(|_| format!("{s:?} is not a region phone numbers are known for"))
    }
}

#[cfg(test)]
mod health_weights_tests {
    use super::*;

    #[test]
    fn weights_parse_and_keep_the_defaults() {
        let w = parse_weights("sla_breaches=30, went_quiet = 5", 60).unwrap();
        assert_eq!(w.get(Signal::SlaBreaches), 30);
        assert_eq!(w.get(Signal::WentQuiet), 5);
        assert_eq!(w.get(Signal::Reopens), 10);
        assert_eq!(w.at_risk_below, 60);
        assert!(parse_weights("bogus=3", 70).is_err());
        assert!(parse_weights("reopens=101", 70).is_err());
        assert!(parse_weights("reopens", 70).is_err());
        assert_eq!(parse_weights("", 70).unwrap(), HealthWeights::default());
    }
}
