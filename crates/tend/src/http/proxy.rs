//! Who the client is behind a reverse proxy.
//!
//! `TEND_TRUSTED_PROXIES` lists the proxies (CIDRs or single addresses)
//! whose word is taken. Only when the TCP peer is one of them are
//! `X-Forwarded-For` (or, without it, `Forwarded`) and `X-Forwarded-Proto`
//! read; otherwise they are ignored, so a client cannot choose the address
//! that rate limits count or the logs name.
//!
//! The client is the right-most hop that is not a trusted proxy: each proxy
//! appends the address it saw, so everything left of the first untrusted
//! hop was written by someone we do not trust. A hop that cannot be read
//! (`unknown`, an obfuscated name) stops the walk at the nearest trusted
//! proxy, which then stands for the client.
//!
//! [`identify`] works this out once per request and keeps it in the
//! request's extensions; [`ClientIp`] is the extractor every rate limit and
//! log line uses, and [`is_https`] says whether the client's own connection
//! was https (the `Secure` cookie flag and links built from the request).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

pub use crate::config::net::{Cidr, TrustedProxies};

/// What is known of the client of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The client's address (the TCP peer, or what a trusted proxy says).
    pub ip: IpAddr,
    /// Whether a trusted proxy says the client connected over https.
    pub forwarded_https: bool,
}

/// Works out the client from the TCP peer and the headers.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> Client {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return Client {
            ip: peer,
            forwarded_https: false,
        };
    }
    let mut ip = peer;
    for hop in forwarded_for(headers).iter().rev() {
        match hop {
            Some(hop) => {
                ip = *hop;
                if !trusted.contains(*hop) {
                    break;
                }
            }
            // Cannot see past it: the nearest trusted proxy answers for it.
            None => break,
        }
    }
    Client {
        ip,
        forwarded_https: forwarded_proto(headers).is_some_and(|p| p.eq_ignore_ascii_case("https")),
    }
}

/// The hops of `X-Forwarded-For` (all such headers, in order), or else of
/// `Forwarded`'s `for=`; `None` for a hop that is not an address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect();
    if !xff.is_empty() {
        return xff
            .iter()
            .flat_map(|v| v.split(','))
            .map(|hop| node_ip(hop.trim()))
            .collect();
    }
    forwarded_elements(headers)
        .map(|el| param(&el, "for").and_then(|v| node_ip(&v)))
        .collect()
}

/// The protocol the nearest trusted proxy reports.
fn forwarded_proto(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get_all("x-forwarded-proto")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
    {
        return v.rsplit(',').next().map(|p| p.trim().to_string());
    }
    forwarded_elements(headers)
        .last()
        .and_then(|el| param(&el, "proto"))
}

/// The elements of every `Forwarded` header, in order (commas inside
/// quoted strings do not split).
fn forwarded_elements(headers: &HeaderMap) -> impl Iterator<Item = String> + '_ {
    headers
        .get_all(axum::http::header::FORWARDED)
        .iter()
        .flat_map(|v| split_unquoted(v.to_str().unwrap_or(""), ','))
}

fn split_unquoted(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The value of `name=` in one `Forwarded` element, unquoted.
fn param(element: &str, name: &str) -> Option<String> {
    split_unquoted(element, ';').into_iter().find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| {
            let v = v.trim();
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
                .to_string()
        })
    })
}

/// An address from a hop: `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]`,
/// `[::1]:5678`; `None` for `unknown`, obfuscated names and garbage.
fn node_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip().to_canonical());
    }
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
}

/// The TCP peer of a request (unspecified when served without one, e.g.
/// a router driven in-process).
fn peer(ext: &Extensions) -> IpAddr {
    ext.get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

/// The outermost layer: works out the client once and keeps it in the
/// request's extensions.
pub async fn identify(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let client = resolve(
        peer(req.extensions()),
        req.headers(),
        &st.config.trusted_proxies,
    );
    req.extensions_mut().insert(client);
    next.run(req).await
}

/// The client of a request, from [`identify`] (or worked out here when the
/// router was driven without it).
pub fn client_of(st: &AppState, ext: &Extensions, headers: &HeaderMap) -> Client {
    ext.get::<Client>()
        .copied()
        .unwrap_or_else(|| resolve(peer(ext), headers, &st.config.trusted_proxies))
}

/// Whether the client's connection is https: the public URL is https, or
/// a trusted proxy says so.
pub fn is_https(st: &AppState, ext: &Extensions, headers: &HeaderMap) -> bool {
    st.config.public_is_https() || client_of(st, ext, headers).forwarded_https
}

/// The client's address: the one key of every per-address rate limit and
/// the address in log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            client_of(st, &parts.extensions, &parts.headers).ip,
        ))
    }
}

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn cidrs_match_their_networks() {
        let c = Cidr::parse("10.1.0.0/16").expect("parses");
        assert!(c.contains(ip("10.1.200.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(c.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped IPv6");
        let c = Cidr::parse("2001:db8::/33").expect("parses");
        assert!(c.contains(ip("2001:db8:7fff::1")));
        assert!(!c.contains(ip("2001:db8:8000::1")));
        let one = Cidr::parse("127.0.0.1").expect("parses");
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .expect("parses")
                .contains(ip("8.8.8.8"))
        );
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "example.com",
            "10.0.0/8",
            "1.2.3.4/x",
        ] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
        let list = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1 ::1").expect("parses");
        assert!(list.contains(ip("::1")) && list.contains(ip("192.168.1.1")));
        assert!(!list.contains(ip("192.168.1.2")));
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").expect("parses");
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = resolve(ip("198.51.100.1"), &h, &trusted);
        assert_eq!(c.ip, ip("198.51.100.1"));
        assert!(!c.forwarded_https);
        // No proxies configured: nobody is believed.
        let c = resolve(ip("10.0.0.1"), &h, &TrustedProxies::default());
        assert_eq!(c.ip, ip("10.0.0.1"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").expect("parses");
        // The client wrote the first value itself; the proxy appended the real one.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.7")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("203.0.113.7"));
        // Two trusted proxies in a row, over two headers.
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1, 203.0.113.7"),
            ("x-forwarded-for", "10.0.0.9"),
        ]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("203.0.113.7"));
        // An unreadable hop: the nearest trusted proxy stands for it.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, garbage, 10.0.0.9")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("10.0.0.9"));
        // Ports and brackets.
        let h = headers(&[("x-forwarded-for", "[2001:db8::5]:443")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("2001:db8::5"));
        let h = headers(&[("x-forwarded-for", "203.0.113.8:5555")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("203.0.113.8"));
        // No header at all: the proxy itself.
        assert_eq!(
            resolve(ip("10.0.0.2"), &HeaderMap::new(), &trusted).ip,
            ip("10.0.0.2")
        );
    }

    #[test]
    fn forwarded_is_read_when_x_forwarded_for_is_absent() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").expect("parses");
        let h = headers(&[(
            "forwarded",
            "for=1.1.1.1;proto=http, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.2",
        )]);
        let c = resolve(ip("10.0.0.2"), &h, &trusted);
        assert_eq!(c.ip, ip("2001:db8:cafe::17"));
        assert!(c.forwarded_https);
        let h = headers(&[("forwarded", "for=unknown, For=\"_hidden\"")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("10.0.0.2"));
        // X-Forwarded-For wins over a Forwarded header a client may have sent.
        let h = headers(&[
            ("forwarded", "for=1.1.1.1"),
            ("x-forwarded-for", "203.0.113.7"),
        ]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted).ip, ip("203.0.113.7"));
    }

    #[test]
    fn the_nearest_proxy_says_the_protocol() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").expect("parses");
        let h = headers(&[("x-forwarded-proto", "http, HTTPS")]);
        assert!(resolve(ip("10.0.0.2"), &h, &trusted).forwarded_https);
        let h = headers(&[("x-forwarded-proto", "https, http")]);
        assert!(!resolve(ip("10.0.0.2"), &h, &trusted).forwarded_https);
    }
}
