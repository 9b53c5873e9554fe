//! The report metrics, defined once: pure functions of one conversation's
//! history (its events, oldest first, and its language and tags now), with
//! no IO. The projection stores what [`measure`] answers and sums it; the
//! API reads the sums. `docs/CONTRACT.md` ("Report metrics") says the same
//! in words.
//!
//! The rules every metric follows:
//!
//! - **Who counts.** A customer's message is a `message_added` going in.
//!   An answer is an agent's public reply: `message_added` going out with
//!   an agent as its actor. Notes (`note_added`), automatic mail
//!   (acknowledgements: actor `system`) and automation replies (actor
//!   `automation`) neither answer a customer nor start a wait.
//! - **Waits.** A wait starts at a customer's message when none is
//!   running (later messages join it) and ends at the next answer, which
//!   measures it. Pending does not end a wait (the customer still has no
//!   answer); a solve or close without an answer ends it unmeasured.
//! - **Rounds.** The conversation's start opens round 0; each reopen
//!   (solved → open or pending) opens the next. The first wait answered
//!   in a round is its *first response*; the others are *next responses*.
//!   So a reopened conversation gets a first response of its own, timed
//!   from the customer's message, never from the conversation's start.
//! - **When.** A measurement belongs to the moment it completed: the
//!   answer, the solve, the confirmation, the decision of a target, the
//!   survey's answer; surveys sent (response rate) to the sending.
//! - **Attribution.** Agent, team and inbox are those at that moment
//!   (responses: the agent who answered; transfers: the agent who passed
//!   it on; surveys: the owner when the survey went out, else the last
//!   agent who replied, as the survey records it; the rest: the owner);
//!   the channel is the conversation's, the language and tags are the
//!   conversation's now.
//! - **Business hours.** Durations also count the open time of the
//!   calendar of the conversation's inbox at that moment (the inbox's
//!   `calendar_id`, the calendar its chat office hours follow); an inbox
//!   without a calendar counts every hour.
//! - **Undo send.** A reply taken back (`reply_undone`) is as if never
//!   written: its `message_added` answers nobody, and the response
//!   targets it met at that moment are not counted.
//! - **Merges and imports.** Merging customers moves conversations
//!   (`customer_changed`) and changes none of these figures; conversations
//!   loaded in bulk (`tend demo seed`) write the same events and are
//!   measured alike. Tend does not merge conversations.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::Metric;
use crate::conversations::history::{History, HistoryEvent};
use crate::sla::clock::Time;
use crate::sla::model::Metric as Target;
use crate::surveys::model::SATISFIED_RATING;
use crate::vocab::{ActorKind, Channel, EventKind, Status};

/// One measurement of one conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// What it measures.
    pub metric: Metric,
    /// Which measurement of the conversation (per metric): the round, the
    /// wait's number, the survey or the event that made it.
    pub seq: i64,
    /// For service levels, the target (`first_response`, …); else empty.
    pub detail: String,
    /// When it completed (ms).
    pub at: i64,
    /// Seconds for durations; else 0 or 1.
    pub value: i64,
    /// Seconds of business time, for durations.
    pub business: Option<i64>,
    /// The agent it is attributed to.
    pub agent_id: Option<i64>,
    /// The team then.
    pub team_id: Option<i64>,
    /// The inbox then.
    pub inbox_id: i64,
    /// The conversation's channel.
    pub channel: Channel,
}

/// Where the conversation stands while its events are walked.
struct Walk<'h> {
    inbox: i64,
    channel: Channel,
    owner: Option<i64>,
    /// The last agent who replied publicly.
    replier: Option<i64>,
    team: Option<i64>,
    facts: Vec<Fact>,
    time_of: &'h dyn Fn(i64) -> Time<'h>,
}

impl Walk<'_> {
    fn fact(&mut self, metric: Metric, seq: i64, at: i64, value: i64, agent: Option<i64>) {
        self.facts.push(Fact {
            metric,
            seq,
            detail: String::new(),
            at,
            value,
            business: None,
            agent_id: agent,
            team_id: self.team,
            inbox_id: self.inbox,
            channel: self.channel,
        });
    }

    fn duration(&mut self, metric: Metric, seq: i64, from: i64, to: i64, agent: Option<i64>) {
        let business = (self.time_of)(self.inbox).between(from, to) / 1000;
        self.fact(metric, seq, to, (to - from).max(0) / 1000, agent);
        if let Some(f) = self.facts.last_mut() {
            f.business = Some(business);
        }
    }
}

fn id(v: &Value) -> Option<i64> {
    v.as_i64()
}

fn status(v: &Value) -> Option<Status> {
    v.as_str().and_then(|s| Status::from_db(s).ok())
}

/// Every measurement of one conversation. `time_of(inbox_id)` is the time
/// an inbox's durations count in business hours.
pub fn measure<'h>(h: &History, time_of: &'h dyn Fn(i64) -> Time<'h>) -> Vec<Fact> {
    let mut w = Walk {
        inbox: 0,
        channel: Channel::Api,
        owner: None,
        replier: None,
        team: None,
        facts: Vec::new(),
        time_of,
    };
    let mut created_at = None;
    let mut round = 0;
    let mut round_start: Option<i64> = None;
    let mut answered_in_round = false;
    let mut wait: Option<i64> = None;
    let mut waits_answered = 0;
    let mut solved_at: Option<i64> = None;
    // (target, round) decided already.
    let mut targets: BTreeSet<(String, i64)> = BTreeSet::new();
    // survey id → index of its response-rate fact, of its CSAT fact.
    let mut sent: BTreeMap<i64, usize> = BTreeMap::new();
    let mut rated: BTreeMap<i64, usize> = BTreeMap::new();
    // Replies taken back (undo send) never answered anyone: their
    // `message_added` and the targets they met at that moment are left out.
    let undone: BTreeSet<i64> = h
        .events
        .iter()
        .filter(|e| e.kind == EventKind::ReplyUndone)
        .filter_map(|e| id(&e.data["message_id"]))
        .collect();
    let mut undone_at = None;
    for e in &h.events {
        let HistoryEvent {
            kind, data: d, at, ..
        } = e;
        let at = *at;
        if *kind == EventKind::MessageAdded
            && id(&d["message_id"]).is_some_and(|m| undone.contains(&m))
        {
            undone_at = Some(at);
            continue;
        }
        if *kind == EventKind::SlaFulfilled
            && undone_at == Some(at)
            && matches!(
                d["metric"].as_str().and_then(|m| Target::from_db(m).ok()),
                Some(Target::FirstResponse | Target::NextResponse)
            )
        {
            continue;
        }
        match kind {
            EventKind::Created => {
                w.inbox = id(&d["inbox_id"]).unwrap_or(0);
                if let Some(c) = d["channel"].as_str().and_then(|c| Channel::from_db(c).ok()) {
                    w.channel = c;
                }
                created_at = Some(at);
                round_start = Some(at);
            }
            EventKind::MessageAdded => {
                if d["direction"].as_str() == Some("in") || e.actor_kind == ActorKind::Customer {
                    wait.get_or_insert(at);
                } else if e.actor_kind == ActorKind::Agent {
                    w.replier = e.actor_id.or(w.replier);
                    if let Some(since) = wait.take() {
                        let metric = if answered_in_round {
                            Metric::NextResponseTime
                        } else {
                            Metric::FirstResponseTime
                        };
                        let seq = if answered_in_round {
                            waits_answered
                        } else {
                            round
                        };
                        w.duration(metric, seq, since, at, e.actor_id);
                        answered_in_round = true;
                        waits_answered += 1;
                    }
                }
            }
            EventKind::Assigned => w.owner = id(&d["to"]),
            EventKind::Transferred => {
                w.fact(Metric::Transfers, e.id, at, 1, id(&d["from"]));
                w.owner = id(&d["to"]);
            }
            EventKind::TeamChanged => w.team = id(&d["to"]),
            EventKind::InboxChanged => {
                if let Some(to) = id(&d["to"]) {
                    w.inbox = to;
                }
            }
            EventKind::StatusChanged => {
                let (Some(from), Some(to)) = (status(&d["from"]), status(&d["to"])) else {
                    continue;
                };
                if from.is_reopen(to) {
                    round += 1;
                    answered_in_round = false;
                    round_start = Some(at);
                    solved_at = None;
                    w.fact(Metric::Reopens, e.id, at, 1, w.owner);
                }
                let ends = to == Status::Solved || (to == Status::Closed && from != Status::Solved);
                if ends {
                    if let Some(start) = round_start.take() {
                        w.duration(Metric::ResolutionTime, round, start, at, w.owner);
                    }
                    wait = None;
                    solved_at = Some(at);
                } else if to == Status::Closed
                    && e.actor_kind == ActorKind::Customer
                    && let Some(solved) = solved_at.take()
                {
                    w.duration(Metric::ConfirmationTime, round, solved, at, w.owner);
                }
            }
            EventKind::SlaFulfilled | EventKind::SlaBreached => {
                let target = d["metric"].as_str().unwrap_or_default().to_string();
                let key = (target.clone(), id(&d["round"]).unwrap_or(0));
                if targets.insert(key) {
                    let met = i64::from(*kind == EventKind::SlaFulfilled);
                    w.fact(Metric::SlaAttainment, e.id, at, met, w.owner);
                    if let Some(f) = w.facts.last_mut() {
                        f.detail = target;
                    }
                }
            }
            EventKind::SurveySent => {
                if let Some(survey) = id(&d["survey_id"]) {
                    // The survey's own rule: the owner, else the last
                    // agent who replied.
                    w.fact(Metric::ResponseRate, survey, at, 0, w.owner.or(w.replier));
                    sent.insert(survey, w.facts.len() - 1);
                }
            }
            EventKind::SurveyAnswered => {
                let Some(survey) = id(&d["survey_id"]) else {
                    continue;
                };
                if let Some(&i) = sent.get(&survey) {
                    w.facts[i].value = 1;
                }
                if let Some(rating) = id(&d["rating"]) {
                    let owner = sent.get(&survey).and_then(|&i| w.facts[i].agent_id);
                    let satisfied = i64::from(rating >= SATISFIED_RATING);
                    w.fact(
                        Metric::Csat,
                        survey,
                        at,
                        satisfied,
                        owner.or(w.owner).or(w.replier),
                    );
                    // A changed answer replaces the earlier one.
                    if let Some(new) = w.facts.pop() {
                        match rated.get(&survey) {
                            Some(&i) => w.facts[i] = new,
                            None => {
                                rated.insert(survey, w.facts.len());
                                w.facts.push(new);
                            }
                        }
                    }
                }
            }
            EventKind::NoteAdded
            | EventKind::Queued
            | EventKind::PriorityChanged
            | EventKind::TagsChanged
            | EventKind::CustomerChanged
            | EventKind::LanguageChanged
            | EventKind::JoinRefused
            | EventKind::DeliveryFailed
            | EventKind::MailHeld
            | EventKind::SurveySkipped
            | EventKind::FollowUpCreated
            | EventKind::FollowUpDone
            | EventKind::SlaApplied
            | EventKind::SlaWarning
            | EventKind::AutomationFired
            | EventKind::AutomationStopped
            | EventKind::RemedyRecorded
            | EventKind::RemedyDecided
            | EventKind::ProblemLinked
            | EventKind::ProblemUnlinked
            | EventKind::Snoozed
            | EventKind::Unsnoozed
            | EventKind::MergedFrom
            | EventKind::SplitTo
            | EventKind::SplitFrom
            | EventKind::ReplyUndone
            | EventKind::Linked
            | EventKind::Unlinked
            // A third party's answer is not the customer's.
            | EventKind::SideConversationStarted
            | EventKind::SideMessageSent
            | EventKind::SideReplyReceived
            // A call's conversation is measured by its messages and
            // statuses like any other.
            | EventKind::CallAnswered
            | EventKind::CallMissed
            | EventKind::CallEnded => {}
            // Merged away: its customer's wait and its round go on in the
            // survivor, so the closing that follows measures no resolution.
            EventKind::MergedInto => {
                round_start = None;
                wait = None;
            }
        }
    }
    if let Some(at) = created_at {
        // Volume: at the creation, attributed to whoever holds it now.
        let (inbox, team, owner) = (w.inbox, w.team, w.owner);
        w.facts.push(Fact {
            metric: Metric::Volume,
            seq: 0,
            detail: String::new(),
            at,
            value: 1,
            business: None,
            agent_id: owner,
            team_id: team,
            inbox_id: inbox,
            channel: w.channel,
        });
    }
    w.facts
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
