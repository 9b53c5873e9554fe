//! Checks and parsers of single configuration values.

use std::net::SocketAddr;

use super::{ConfigError, DnsResolver};

pub(super) fn parse_url(v: &str, origin: &str) -> Result<url::Url, ConfigError> {
    // The value may carry a password: the message shows only what is
    // before any `@`.
    let shown = match v.rsplit_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => v.to_string(),
    };
    url::Url::parse(v)
        .map_err(|e| ConfigError(format!("{origin} is not a valid URL ({e}): {shown:?}")))
}

pub(super) fn validate_database_url(v: &str, origin: &str) -> Result<String, ConfigError> {
    if v.starts_with("sqlite:") {
        return Ok(v.to_string());
    }
    let u = parse_url(v, origin)?;
    match u.scheme() {
        "postgres" | "postgresql" if u.host_str().is_some() => Ok(v.to_string()),
        _ => Err(ConfigError(format!(
            "{origin} must be sqlite://PATH or postgres://user@host:port/db, got {:?}",
            crate::db::redact(v)
        ))),
    }
}

pub(super) fn parse_addr(v: &str, origin: &str) -> Result<SocketAddr, ConfigError> {
    v.trim().parse().map_err(|_| {
        ConfigError(format!(
            "{origin} must be an address like 127.0.0.1:8080, got {v:?}"
        ))
    })
}

/// `system`, or a comma-separated list of `IP` or `IP:PORT` (port 53 when
/// left out; IPv6 with a port as `[::1]:5353`).
pub(super) fn parse_resolver(v: &str, origin: &str) -> Result<DnsResolver, ConfigError> {
    let v = v.trim();
    if v.eq_ignore_ascii_case("system") {
        return Ok(DnsResolver::System);
    }
    let mut servers = Vec::new();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let addr = part
            .parse::<SocketAddr>()
            .ok()
            .or_else(|| {
                part.parse::<std::net::IpAddr>()
                    .ok()
                    .map(|ip| SocketAddr::new(ip, 53))
            })
            .ok_or_else(|| {
                ConfigError(format!(
                    "{origin} must be \"system\" or addresses like 127.0.0.1:5353, got {part:?}"
                ))
            })?;
        servers.push(addr);
    }
    if servers.is_empty() {
        return Err(ConfigError(format!(
            "{origin} must be \"system\" or addresses like 127.0.0.1:5353, got {v:?}"
        )));
    }
    Ok(DnsResolver::Servers(servers))
}

/// The SQLite URL for a file path, creating the file if missing.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}
