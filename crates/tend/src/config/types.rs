//! The values of configuration sections (mail limits, sender
//! authentication, surveys) and secrets that never print.

use std::net::SocketAddr;

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
