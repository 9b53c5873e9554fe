//! Service-level policies and the conversation's view of its clocks, as
//! the API shows and takes them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocab::{Channel, Priority, Status, closed_set};
use crate::{Error, Result};

closed_set! {
    /// What a service-level clock measures.
    pub enum Metric ("service-level metric") {
        /// From the customer's first message to the first public reply.
        FirstResponse = "first_response",
        /// From a customer message that waits for an answer to the next
        /// public reply.
        NextResponse = "next_response",
        /// From the start (or a reopen) to the solve.
        Resolution = "resolution",
    }
}

closed_set! {
    /// How a clock stopped.
    pub enum Outcome ("service-level outcome") {
        /// Its target was met: a reply came, or the conversation was solved.
        Fulfilled = "fulfilled",
        /// It no longer applies: solved without a reply, or the policy
        /// changed to one without this target.
        Cancelled = "cancelled",
    }
}

closed_set! {
    /// The built-in action when a target is missed (until automations act
    /// on `sla_breached`).
    pub enum BreachAction ("breach action") {
        /// Raise the conversation's priority one step.
        RaisePriority = "raise_priority",
        /// Notify a team live (`notify_team_id`).
        NotifyTeam = "notify_team",
    }
}

/// Which conversations a policy is for; an absent list fits all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyMatch {
    /// Inboxes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox_ids: Option<Vec<i64>>,
    /// Channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// Priorities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priorities: Option<Vec<Priority>>,
    /// Tags: the conversation has at least one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// What a policy matches a conversation on.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Inbox.
    pub inbox_id: i64,
    /// Channel.
    pub channel: Channel,
    /// Priority.
    pub priority: Priority,
    /// Tags.
    pub tags: &'a [String],
}

/// A [`Subject`] that owns its tags.
#[derive(Debug, Clone)]
pub struct OwnedSubject {
    /// Inbox.
    pub inbox_id: i64,
    /// Channel.
    pub channel: Channel,
    /// Priority.
    pub priority: Priority,
    /// Tags.
    pub tags: Vec<String>,
}

impl OwnedSubject {
    /// As a subject.
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            inbox_id: self.inbox_id,
            channel: self.channel,
            priority: self.priority,
            tags: &self.tags,
        }
    }
}

impl PolicyMatch {
    /// Whether the conversation fits every list given.
    pub fn fits(&self, s: Subject<'_>) -> bool {
        let tag_fits = |want: &Vec<String>| {
            want.iter()
                .any(|w| s.tags.iter().any(|t| t.eq_ignore_ascii_case(w)))
        };
        self.inbox_ids
            .as_ref()
            .is_none_or(|l| l.contains(&s.inbox_id))
            && self
                .channels
                .as_ref()
                .is_none_or(|l| l.contains(&s.channel))
            && self
                .priorities
                .as_ref()
                .is_none_or(|l| l.contains(&s.priority))
            && self.tags.as_ref().is_none_or(tag_fits)
    }
}

/// Targets in minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// The first public reply within this many minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response: Option<i64>,
    /// Each later customer message answered within this many minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_response: Option<i64>,
    /// Solved within this many minutes (a reopen starts again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<i64>,
}

/// A service-level policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Policy {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Order: the first policy whose `match` fits applies.
    pub position: i64,
    /// Whether targets count business minutes (the calendar's open time)
    /// or every minute.
    pub business_hours: bool,
    /// The calendar; `null`: the inbox's. Without either, every minute
    /// counts.
    pub calendar_id: Option<i64>,
    /// Which conversations it is for.
    #[serde(rename = "match")]
    pub matches: PolicyMatch,
    /// Targets in minutes.
    pub targets: Targets,
    /// Statuses that pause every clock.
    pub pause_on: Vec<Status>,
    /// Warn when this share (percent) of a target is used; 100 never warns.
    pub warn_percent: i64,
    /// The built-in action on a breach.
    pub on_breach: Option<BreachAction>,
    /// The team `notify_team` notifies.
    pub notify_team_id: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

impl Policy {
    /// The target for a metric, in minutes.
    pub fn target(&self, m: Metric) -> Option<i64> {
        match m {
            Metric::FirstResponse => self.targets.first_response,
            Metric::NextResponse => self.targets.next_response,
            Metric::Resolution => self.targets.resolution,
        }
    }

    /// Whether the clocks stand still in status `s`.
    pub fn pauses_on(&self, s: Status) -> bool {
        self.pause_on.contains(&s)
    }
}

/// `POST /sla-policies` and `PUT /sla-policies/{id}`: the whole policy.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// Name (1–200 characters).
    pub name: String,
    /// Order (lowest first); ties go to the older policy.
    pub position: i64,
    /// Business minutes (default) or every minute.
    #[serde(default)]
    pub business_hours: Option<bool>,
    /// The calendar; absent: the inbox's.
    #[serde(default)]
    pub calendar_id: Option<i64>,
    /// Which conversations; absent lists fit all.
    #[serde(default, rename = "match")]
    pub matches: PolicyMatch,
    /// Targets in minutes; at least one.
    pub targets: Targets,
    /// Statuses that pause the clocks; default `["pending"]`.
    #[serde(default)]
    pub pause_on: Option<Vec<Status>>,
    /// Warn at this share of a target (1–100, default 75; 100 never warns).
    #[serde(default)]
    pub warn_percent: Option<i64>,
    /// `raise_priority` or `notify_team` on a breach.
    #[serde(default)]
    pub on_breach: Option<BreachAction>,
    /// The team to notify (with `notify_team`).
    #[serde(default)]
    pub notify_team_id: Option<i64>,
}

/// The most minutes a target may have: a year of round-the-clock time.
pub const MAX_TARGET_MINUTES: i64 = 525_600;

impl PolicyInput {
    /// Checks what needs no database: targets, lists, statuses, the
    /// warning share and the action.
    pub fn check(&self) -> Result<()> {
        let t = &self.targets;
        if t.first_response.is_none() && t.next_response.is_none() && t.resolution.is_none() {
            return Err(Error::invalid(
                "targets",
                "give at least one target: first_response, next_response or resolution (minutes)",
            ));
        }
        for (field, v) in [
            ("targets.first_response", t.first_response),
            ("targets.next_response", t.next_response),
            ("targets.resolution", t.resolution),
        ] {
            if let Some(m) = v
                && !(1..=MAX_TARGET_MINUTES).contains(&m)
            {
                return Err(Error::invalid(
                    field,
                    format!("a target is 1 to {MAX_TARGET_MINUTES} minutes"),
                ));
            }
        }
        let m = &self.matches;
        let empty = [
            ("match.inbox_ids", m.inbox_ids.as_ref().map(Vec::len)),
            ("match.channels", m.channels.as_ref().map(Vec::len)),
            ("match.priorities", m.priorities.as_ref().map(Vec::len)),
            ("match.tags", m.tags.as_ref().map(Vec::len)),
        ];
        for (field, n) in empty {
            if n == Some(0) {
                return Err(Error::invalid(
                    field,
                    "an empty list fits nothing; leave it out to fit every conversation",
                ));
            }
        }
        if let Some(p) = &self.pause_on
            && let Some(s) = p.iter().find(|s| !s.is_active())
        {
            return Err(Error::invalid(
                "pause_on",
                format!("{s} stops the clocks already; pause on new, open or pending"),
            ));
        }
        if let Some(w) = self.warn_percent
            && !(1..=100).contains(&w)
        {
            return Err(Error::invalid(
                "warn_percent",
                "a share from 1 to 100 percent",
            ));
        }
        match (self.on_breach, self.notify_team_id) {
            (Some(BreachAction::NotifyTeam), None) => {
                Err(Error::invalid("notify_team_id", "name the team to notify"))
            }
            (Some(BreachAction::RaisePriority) | None, Some(_)) => Err(Error::invalid(
                "notify_team_id",
                "a team is notified only with \"on_breach\": \"notify_team\"",
            )),
            _ => Ok(()),
        }
    }
}

/// A conversation's service levels, as its JSON shows them: the open
/// clocks' deadlines (a paused clock has none) and which have breached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SlaSummary {
    /// The policy that applies.
    pub policy_id: Option<i64>,
    /// RFC 3339, UTC.
    pub first_response_due: Option<String>,
    /// RFC 3339, UTC.
    pub next_response_due: Option<String>,
    /// RFC 3339, UTC.
    pub resolution_due: Option<String>,
    /// The open clocks past their deadline.
    pub breached: Vec<Metric>,
    /// The open clocks that have warned (and not breached).
    pub warned: Vec<Metric>,
    /// Whether the clocks stand still (a pausing status).
    pub paused: bool,
    /// The earliest deadline of a running clock, RFC 3339 (what the inbox
    /// counts down to).
    pub next_due: Option<String>,
    /// The metric of `next_due`.
    pub next_metric: Option<Metric>,
}
