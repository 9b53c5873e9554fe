//! The sign-in's limits: attempts per client address and per account.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::ratelimit::ip_key;

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
}
