//! The conversation state machine and priorities: pure rules, no IO.
//!
//! ```text
//!   new ──► open ◄──► pending
//!    │        │          │
//!    └──────► solved ◄───┘
//!              │   ▲ reopen (agent, or the customer writes)
//!              ▼   │
//!            closed   (terminal: the customer confirmed, or the quiet period passed)
//! ```

use crate::{Error, Result};

pub use crate::vocab::{Channel, Priority, Status};

impl Status {
    /// The statuses in which a conversation is still being worked (new,
    /// open, pending): counted as the backlog, shown in the open views,
    /// kept assigned when an agent goes offline.
    pub fn is_active(self) -> bool {
        match self {
            Status::New | Status::Open | Status::Pending => true,
            Status::Solved | Status::Closed => false,
        }
    }

    /// Whether a conversation in this status takes a new message from the
    /// customer or a public reply: a closed one is final (it takes only
    /// internal notes; the customer's next message starts a new one).
    pub fn takes_messages(self) -> bool {
        match self {
            Status::New | Status::Open | Status::Pending | Status::Solved => true,
            Status::Closed => false,
        }
    }

    /// Whether an agent may move a conversation from `self` to `to`.
    /// Staying put is always allowed (and changes nothing).
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        self == to
            || matches!(
                (self, to),
                (New, Open | Pending | Solved)
                    | (Open, Pending | Solved)
                    | (Pending, Open | Solved)
                    | (Solved, Open | Pending | Closed)
            )
    }

    /// Checks a transition, with an error that names both ends.
    pub fn check_transition(self, to: Status) -> Result<()> {
        if self.can_become(to) {
            return Ok(());
        }
        let why = if self == Status::Closed {
            "a closed conversation is final; a new message from the customer starts a new one"
                .to_string()
        } else {
            format!(
                "a {} conversation cannot become {}",
                self.as_str(),
                to.as_str()
            )
        };
        Err(Error::conflict(
            "illegal_status_transition",
            why,
            serde_json::json!({"field": "status", "from": self.as_str(), "to": to.as_str()}),
        ))
    }

    /// Whether leaving `self` for `to` counts as a reopen.
    pub fn is_reopen(self, to: Status) -> bool {
        self == Status::Solved && matches!(to, Status::Open | Status::Pending)
    }

    /// Whether a snooze lasts in this status. A snoozed conversation is
    /// pending; whatever moves it out of pending (the customer writes and
    /// it reopens, an agent opens or solves it, the snooze job wakes it)
    /// ends its snooze.
    pub fn keeps_snooze(self) -> bool {
        matches!(self, Status::Pending)
    }

    /// Whether a conversation in this status may be snoozed (made
    /// pending until a time): one still being worked.
    pub fn may_snooze(self) -> bool {
        self.is_active()
    }

    /// Whether the customer is waiting on the desk in this status.
    pub fn desk_owes_answer(self) -> bool {
        matches!(self, Status::New | Status::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_transitions() {
        use Status::*;
        assert!(New.can_become(Open));
        assert!(New.can_become(Solved));
        assert!(Open.can_become(Pending));
        assert!(Pending.can_become(Open));
        assert!(Solved.can_become(Closed));
        assert!(Solved.can_become(Open));
        assert!(!New.can_become(Closed));
        assert!(!Open.can_become(New));
        assert!(!Open.can_become(Closed));
        for &to in Status::ALL {
            assert_eq!(Closed.can_become(to), to == Closed, "closed -> {to:?}");
        }
    }

    #[test]
    fn illegal_transition_is_a_conflict_naming_both_ends() {
        let e = Status::Closed
            .check_transition(Status::Open)
            .expect_err("closed is final");
        assert_eq!(e.code(), "illegal_status_transition");
        assert_eq!(e.status().as_u16(), 409);
        assert!(Status::Open.check_transition(Status::Solved).is_ok());
    }

    #[test]
    fn only_a_pending_conversation_stays_snoozed() {
        for &s in Status::ALL {
            assert_eq!(s.keeps_snooze(), s == Status::Pending, "{s:?}");
        }
        assert!(Status::Open.may_snooze());
        assert!(!Status::Solved.may_snooze());
        assert!(!Status::Closed.may_snooze());
    }

    #[test]
    fn reopen_only_from_solved() {
        assert!(Status::Solved.is_reopen(Status::Open));
        assert!(!Status::Pending.is_reopen(Status::Open));
    }

    #[test]
    fn unknown_values_name_the_field() {
        match Status::parse("status", "done") {
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "status"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(Priority::parse("priority", "critical").is_err());
        assert!(Channel::parse("channel", "fax").is_err());
    }
}
