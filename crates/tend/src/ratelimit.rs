//! In-memory rate limits per key (an IP address, a chat visitor), for the
//! public endpoints: the chat widget and the contact form. Per node: with
//! several app nodes each enforces its own share.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

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
