//! In-memory rate limits per key (an IP address, a chat visitor), for the
//! public endpoints: the chat widget, the contact form and the sign-in.
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

/// Sign-in attempts per client address and per account, within a window.
///
/// An attempt is counted *before* its password is checked, under one lock
/// ([`LoginLimiter::begin`]), so a burst of concurrent guesses gets no more
/// checks than the limit; a successful sign-in takes its attempt back and
/// clears the account ([`LoginLimiter::succeeded`]). Accounts are keyed by
/// the address as the address parser compares it (trimmed, lowercased), so
/// `" Ada@Example.com"` and `"ada@example.com"` share one count.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    attempts: Mutex<HashMap<String, Vec<i64>>>,
}

/// Attempts allowed per window, per address and per account.
const LOGIN_MAX_PER_IP: usize = 20;
const LOGIN_MAX_PER_ACCOUNT: usize = 5;
const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// One counted sign-in attempt, to take back if it succeeds.
#[derive(Debug)]
pub struct LoginAttempt {
    ip: String,
    account: String,
    at: i64,
}

impl LoginLimiter {
    /// Counts an attempt from `ip` on the account `email` at `now`; `None`
    /// (and nothing counted) when either is over its limit.
    pub fn begin(&self, ip: IpAddr, email: &str, now: i64) -> Option<LoginAttempt> {
        let ip = format!("ip:{}", ip_key(ip));
        let account = format!(
            "acct:{}",
            crate::agents::model::EmailAddress::normalise(email)
        );
        let mut map = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 100_000 {
            map.retain(|_, v| v.iter().any(|t| now - *t < LOGIN_WINDOW_MS));
        }
        let mut recent = |key: &str| {
            let v = map.entry(key.to_string()).or_default();
            v.retain(|t| now - *t < LOGIN_WINDOW_MS);
            v.len()
        };
        if recent(&ip) >= LOGIN_MAX_PER_IP || recent(&account) >= LOGIN_MAX_PER_ACCOUNT {
            return None;
        }
        for key in [&ip, &account] {
            map.entry(key.clone()).or_default().push(now);
        }
        Some(LoginAttempt {
            ip,
            account,
            at: now,
        })
    }

    /// The attempt signed in: it does not count against the address, and
    /// the account's failures are forgotten.
    pub fn succeeded(&self, attempt: LoginAttempt) {
        let mut map = self
            .attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(&attempt.account);
        if let Some(v) = map.get_mut(&attempt.ip)
            && let Some(i) = v.iter().position(|t| *t == attempt.at)
        {
            v.remove(i);
        }
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
    fn sign_in_attempts_are_counted_before_the_check() {
        let l = LoginLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        let taken: Vec<_> = (0..50)
            .filter_map(|i| {
                l.begin(
                    ip,
                    if i % 2 == 0 {
                        " Ada@Example.com"
                    } else {
                        "ada@example.com\t"
                    },
                    0,
                )
            })
            .collect();
        assert_eq!(
            taken.len(),
            LOGIN_MAX_PER_ACCOUNT,
            "one account, however written"
        );
        assert!(
            l.begin(ip, "ada@example.com", LOGIN_WINDOW_MS).is_some(),
            "the window passes"
        );
        // A success gives its attempt back to the address.
        let other: IpAddr = "192.0.2.2".parse().expect("ip");
        for i in 0..100 {
            let a = l
                .begin(other, &format!("user{i}@example.com"), 1)
                .expect("successes do not add up");
            l.succeeded(a);
        }
        // Failures from one address across many accounts do.
        let third: IpAddr = "192.0.2.3".parse().expect("ip");
        let n = (0..100)
            .filter(|i| l.begin(third, &format!("user{i}@example.com"), 1).is_some())
            .count();
        assert_eq!(n, LOGIN_MAX_PER_IP);
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
