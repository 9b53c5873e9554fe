//! In-memory rate limits per key (an IP address, a chat visitor), for the
//! public endpoints: the chat widget and the contact form (the sign-in's
//! own limiter is `web::signin_limit`).
//! Per node: with several app nodes each enforces its own share.
//!
//! Addresses are keyed by [`ip_key`] (from `http::ClientIp`): an IPv6
//! client is counted by its /64, the block one subscriber usually holds,
//! or it could take a new address for every request.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

/// What counts as one client for per-address limits: an IPv4 address (an
/// IPv4-mapped IPv6 one too), or the /64 of an IPv6 address (a single
/// subscriber usually holds a whole /64).
pub fn client_net(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

/// The rate-limit key of a client address: [`client_net`] as text (an
/// IPv6 client as `…::/64`).
pub fn ip_key(ip: IpAddr) -> String {
    match client_net(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        net @ IpAddr::V6(_) => format!("{net}/64"),
    }
}

/// At most `max` hits per key in any window of `window_ms`.
#[derive(Debug)]
pub struct RateLimiter {
    hits: Mutex<HashMap<String, VecDeque<i64>>>,
    max: usize,
    window_ms: i64,
}

/// Keys kept before stale ones are swept.
const SWEEP_AT: usize = 50_000;

impl RateLimiter {
    /// A limiter allowing `max` hits per `window_ms` per key.
    pub fn new(max: usize, window_ms: i64) -> Self {
        RateLimiter {
            hits: Mutex::new(HashMap::new()),
            max,
            window_ms,
        }
    }

    /// Counts a hit for `key` at `now`; `false` (and nothing counted) when
    /// the key is over its limit.
    pub fn hit(&self, key: &str, now: i64) -> bool {
        let Ok(mut map) = self.hits.lock() else {
            return true;
        };
        if map.len() >= SWEEP_AT {
            let w = self.window_ms;
            map.retain(|_, v| v.back().is_some_and(|t| now - *t < w));
        }
        let q = map.entry(key.to_string()).or_default();
        while q.front().is_some_and(|t| now - *t >= self.window_ms) {
            q.pop_front();
        }
        if q.len() >= self.max {
            return false;
        }
        q.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(ip_key(a), ip_key(b));
        assert_ne!(ip_key(a), ip_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("ip");
        assert_eq!(ip_key(mapped), "192.0.2.1");
    }

    #[test]
    fn limits_per_key_and_window() {
        let l = RateLimiter::new(2, 1000);
        assert!(l.hit("a", 0));
        assert!(l.hit("a", 10));
        assert!(!l.hit("a", 20));
        assert!(l.hit("b", 20));
        assert!(l.hit("a", 1000));
        assert!(!l.hit("a", 1005));
        assert!(l.hit("a", 1011));
    }
}
