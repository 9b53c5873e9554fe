//! The portal's rules as plain functions: how long links and sessions
//! live, and which words show a conversation's status to its customer.

use crate::conversations::Status;

/// A sign-in link works this long after it was sent.
pub const LINK_TTL_MS: i64 = 15 * 60_000;
/// A session ends after this long without a request…
pub const IDLE_MS: i64 = 7 * 24 * 3_600_000;
/// …and this long after sign-in in any case.
pub const ABSOLUTE_MS: i64 = 30 * 24 * 3_600_000;
/// `last_seen_at` is written at most this often (reads stay reads).
pub const TOUCH_EVERY_MS: i64 = 5 * 60_000;

/// Sign-in links one address may be sent per [`LIMIT_WINDOW_MS`]: asked
/// for the same way whether or not a customer has the address, so the
/// limit says nothing about it either.
pub const LINKS_PER_ADDRESS: usize = 5;
/// Sign-in links one client (IP address, IPv6 /64) may ask for per window.
pub const LINKS_PER_CLIENT: usize = 20;
/// The window of both limits.
pub const LIMIT_WINDOW_MS: i64 = 3_600_000;

/// Most conversations the portal lists (newest first).
pub const LIST_LIMIT: i64 = 200;
/// Most messages a conversation page shows (the oldest first).
pub const MESSAGE_LIMIT: i64 = 1_000;

/// When a session used at `now` expires: [`IDLE_MS`] later, but never past
/// its absolute end.
pub fn expiry(now: i64, ends_at: i64) -> i64 {
    (now + IDLE_MS).min(ends_at)
}

/// Whether a session still signs its customer in at `now`.
pub fn is_live(expires_at: i64, ends_at: i64, now: i64) -> bool {
    now < expires_at && now < ends_at
}

/// The words a customer sees for a status (`help.ftl`): the desk's
/// statuses told from the customer's side.
pub fn status_key(s: Status) -> &'static str {
    match s {
        Status::New => "portal-status-new",
        Status::Open => "portal-status-open",
        Status::Pending => "portal-status-pending",
        Status::Solved => "portal-status-solved",
        Status::Closed => "portal-status-closed",
    }
}

/// What a customer may do on a conversation in this status: reply (not
/// once it is closed: closed is final, a new message starts a new
/// conversation), and confirm or deny the solution (only while solved).
pub fn may_reply(s: Status) -> bool {
    s.takes_messages()
}

/// See [`may_reply`].
pub fn may_confirm(s: Status) -> bool {
    s == Status::Solved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_when_idle_or_at_their_absolute_end() {
        let start = 1_000;
        let ends = start + ABSOLUTE_MS;
        let exp = expiry(start, ends);
        assert_eq!(exp, start + IDLE_MS);
        assert!(is_live(exp, ends, exp - 1));
        assert!(!is_live(exp, ends, exp));
        // Used every day, it still ends at the absolute end.
        let late = ends - 1_000;
        assert_eq!(expiry(late, ends), ends);
        assert!(!is_live(expiry(late, ends), ends, ends));
    }

    #[test]
    fn only_solved_conversations_are_confirmed_and_closed_ones_take_no_reply() {
        assert!(may_confirm(Status::Solved));
        assert!(!may_confirm(Status::Open));
        assert!(may_reply(Status::Solved));
        assert!(!may_reply(Status::Closed));
    }
}
