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

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Error, Result};

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nobody has answered yet.
    New,
    /// Being worked.
    Open,
    /// Waiting on the customer.
    Pending,
    /// The desk believes it is done; the customer is asked to confirm.
    Solved,
    /// Confirmed by the customer, or the quiet period passed. Terminal.
    Closed,
}

impl Status {
    /// All statuses, in workflow order.
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::Solved,
        Status::Closed,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Solved => "solved",
            Status::Closed => "closed",
        }
    }

    /// Parses a status given by a user.
    pub fn parse(field: &str, s: &str) -> Result<Status> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("unknown status {s:?}; use new, open, pending, solved or closed"),
                )
            })
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

    /// Whether the customer is waiting on the desk in this status.
    pub fn desk_owes_answer(self) -> bool {
        matches!(self, Status::New | Status::Open)
    }
}

/// How urgent a conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Low.
    Low,
    /// Normal (the default).
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Priority {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Parses a priority given by a user.
    pub fn parse(s: &str) -> Result<Priority> {
        match s {
            "low" => Ok(Priority::Low),
            "normal" => Ok(Priority::Normal),
            "high" => Ok(Priority::High),
            "urgent" => Ok(Priority::Urgent),
            _ => Err(Error::invalid(
                "priority",
                format!("unknown priority {s:?}; use low, normal, high or urgent"),
            )),
        }
    }
}

/// The channels a conversation can arrive on.
pub const CHANNELS: [&str; 6] = ["email", "chat", "web", "api", "phone", "portal"];

/// Validates a channel name.
pub fn parse_channel(s: &str) -> Result<String> {
    if CHANNELS.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(Error::invalid(
            "channel",
            format!("unknown channel {s:?}; use one of {}", CHANNELS.join(", ")),
        ))
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
        for to in Status::ALL {
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
        assert!(Priority::parse("critical").is_err());
        assert!(parse_channel("fax").is_err());
    }
}
