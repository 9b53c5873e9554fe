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

/// Fallback chains such as `ca>es>en, lv>en`: chains separated by commas or
/// spaces, languages by `>`; each a language tag (`pt-BR`), lowercased.
pub(super) fn parse_help_fallback(
    v: &str,
    origin: &str,
) -> Result<super::types::HelpFallback, ConfigError> {
    let bad = |part: &str, why: &str| {
        ConfigError(format!(
            "{origin} must be chains of language tags like \"ca>es>en, lv>en\"; {part:?} {why}"
        ))
    };
    let mut chains: Vec<(String, Vec<String>)> = Vec::new();
    for part in v.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let mut langs = Vec::new();
        for tag in part.split('>').map(str::trim) {
            let ok = (2..=35).contains(&tag.len())
                && tag.split('-').all(|p| {
                    !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric())
                });
            if !ok {
                return Err(bad(part, "has a part that is not a language tag"));
            }
            langs.push(tag.to_ascii_lowercase());
        }
        let first = langs.remove(0);
        if langs.is_empty() {
            return Err(bad(part, "names no language to fall back to"));
        }
        if chains.iter().any(|(l, _)| *l == first) {
            return Err(bad(part, "gives a second chain for the same language"));
        }
        chains.push((first, langs));
    }
    Ok(super::types::HelpFallback(chains))
}

/// The region of phone numbers without `+country` (`phone_default_region`).
pub(super) fn parse_region(v: &str, origin: &str) -> Result<super::types::Region, ConfigError> {
    v.parse().map_err(|e| ConfigError(format!("{origin}: {e}")))
}

/// Reads the configuration file's text.
pub(super) fn parse_file(
    text: &str,
    path: &std::path::Path,
) -> Result<super::keys::FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        ConfigError(format!(
            "{}: {} (see tend.example.toml for the valid keys)",
            path.display(),
            e.message()
        ))
    })
}
