//! Network values of the configuration, parsed once at load: the trusted
//! proxies (read by `http::proxy` on every request) and the SMTP relay's
//! protection (used by the outbox).

use std::net::IpAddr;

/// One trusted network: an address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `2001:db8::/32` or a single address.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let bad = || format!("{s:?} is not an address or a CIDR like 10.0.0.0/8");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s, None),
        };
        let net: IpAddr = addr.parse::<IpAddr>().map_err(|_| bad())?.to_canonical();
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(Cidr { net, prefix })
    }

    /// Whether `ip` is inside this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            _ => false,
        }
    }
}

/// Whether the first `bits` bits of `a` and `b` agree.
fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let full = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Parses a list separated by commas or spaces.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(Cidr::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// Whether no proxy is trusted (the default).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How the connection to the relay is protected, from its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayTls {
    /// `smtps://`: TLS from the first byte.
    Wrapper,
    /// `smtp://…?tls=required`: STARTTLS, or no mail at all.
    Required,
    /// `smtp://…?tls=opportunistic`: STARTTLS when the relay offers it.
    Opportunistic,
    /// `smtp://` without `tls`, or with `tls=none`: no TLS.
    Plain,
}

/// Reads the relay URL's protection, and refuses a URL that could send its
/// password in clear without saying so: with a password, `smtp://` needs
/// `?tls=required` (or `smtps://`), or the explicit opt-out `?tls=none`.
pub fn relay_tls(u: &url::Url) -> Result<RelayTls, String> {
    let tls = u
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let mode = match (u.scheme(), tls.as_deref()) {
        ("smtps", None) => RelayTls::Wrapper,
        ("smtps", Some(t)) => {
            return Err(format!("smtps:// is TLS from the start; remove ?tls={t}"));
        }
        ("smtp", Some("required")) => RelayTls::Required,
        ("smtp", Some("opportunistic")) => RelayTls::Opportunistic,
        ("smtp", None | Some("none")) => RelayTls::Plain,
        (_, Some(t)) => {
            return Err(format!(
                "unknown ?tls={t}; use tls=required (STARTTLS), tls=opportunistic or tls=none"
            ));
        }
        (s, None) => return Err(format!("unknown scheme {s}; use smtp:// or smtps://")),
    };
    let clear = matches!(mode, RelayTls::Opportunistic)
        || (mode == RelayTls::Plain && tls.as_deref() != Some("none"));
    if u.password().is_some() && clear {
        return Err(
            "the relay URL has a password but does not require TLS, so the password could cross \
             the network in clear. Use smtps://user:pass@host:465, or smtp://user:pass@host:587?tls=required \
             (STARTTLS); or add ?tls=none to allow a clear-text login on a network you trust"
                .into(),
        );
    }
    Ok(mode)
}
