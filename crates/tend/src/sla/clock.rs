//! The service-level clock: what each change of a conversation does to its
//! clocks. Pure rules, no IO: the service reads the clocks, calls
//! [`step`] with the facts of one write, and stores what changed in the
//! same transaction.
//!
//! A clock counts time towards one target (first response, next response,
//! resolution) on its calendar: business time, or every minute without
//! one. What it has used is kept as `consumed_ms` up to `running_since`,
//! so pausing, a new policy or a new calendar never changes time already
//! used: they only move the deadline of what is left.
//!
//! One file because it is one state machine (start, pause, resume,
//! re-target, stop, fire) whose rules read each other; its tests are
//! `clock/tests.rs`, and the time it counts (calendar or wall clock) is
//! `clock/time.rs`.

use serde_json::{Value, json};

use super::model::{Metric, Outcome, Policy};
use crate::time::rfc3339;
use crate::vocab::{EventKind, Status};
use tend_calendar::Calendar;

mod time;
pub use time::Time;

/// One clock of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// The stored row's id; `None` until inserted.
    pub id: Option<i64>,
    /// What it measures.
    pub metric: Metric,
    /// The n-th clock of its metric on this conversation, from 0.
    pub round: i64,
    /// The policy that set its target.
    pub policy_id: Option<i64>,
    /// The target, in minutes of its time.
    pub target_minutes: i64,
    /// The calendar it counts on (`None`: every minute).
    pub calendar_id: Option<i64>,
    /// Warn when this share of the target is used.
    pub warn_percent: i64,
    /// When it started.
    pub started_at: i64,
    /// Counted time used before `running_since`, in milliseconds.
    pub consumed_ms: i64,
    /// Counting since; `None` while paused or stopped.
    pub running_since: Option<i64>,
    /// The deadline while running.
    pub due_at: Option<i64>,
    /// When the warning falls due while running.
    pub warn_at: Option<i64>,
    /// When the warning fired.
    pub warned_at: Option<i64>,
    /// When the breach fired.
    pub breached_at: Option<i64>,
    /// When the timer next acts: the warning, then the breach.
    pub fire_at: Option<i64>,
    /// Paused periods `[from, to]`; the last one is open while paused.
    pub pauses: Vec<(i64, Option<i64>)>,
    /// When it stopped.
    pub stopped_at: Option<i64>,
    /// How it stopped.
    pub outcome: Option<Outcome>,
}

/// What the timer does when a clock's `fire_at` comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fire {
    /// The warning share of the target is used.
    Warning,
    /// The target is passed.
    Breach,
}

impl Clock {
    /// A clock that starts counting at `now` towards the policy's target.
    fn start(metric: Metric, round: i64, target: Target<'_>, now: i64, paused: bool) -> Clock {
        let mut c = Clock {
            id: None,
            metric,
            round,
            policy_id: Some(target.policy.id),
            target_minutes: target.minutes,
            calendar_id: target.calendar_id,
            warn_percent: target.policy.warn_percent,
            started_at: now,
            consumed_ms: 0,
            running_since: Some(now),
            due_at: None,
            warn_at: None,
            warned_at: None,
            breached_at: None,
            fire_at: None,
            pauses: Vec::new(),
            stopped_at: None,
            outcome: None,
        };
        if paused {
            c.pause(target.time, now);
        } else {
            c.schedule(target.time, now);
        }
        c
    }

    /// Whether it is still counting or paused (not stopped).
    pub fn is_open(&self) -> bool {
        self.stopped_at.is_none()
    }

    /// Whether it is paused.
    pub fn is_paused(&self) -> bool {
        self.is_open() && self.running_since.is_none()
    }

    fn target_ms(&self) -> i64 {
        self.target_minutes.saturating_mul(60_000)
    }

    /// Sets the deadline, the warning and the next firing from what is
    /// left of the target.
    fn schedule(&mut self, time: Time<'_>, now: i64) {
        let Some(since) = self.running_since else {
            self.due_at = None;
            self.warn_at = None;
            self.fire_at = None;
            return;
        };
        let left = self.target_ms() - self.consumed_ms;
        let due = time.add(since, left);
        let warn_ms = self.target_ms().saturating_mul(self.warn_percent) / 100 - self.consumed_ms;
        let warn = time.add(since, warn_ms);
        // A deadline moved past now may warn again; one that has breached
        // stays breached.
        if self.breached_at.is_none() && self.warned_at.is_some() && warn.is_some_and(|w| w > now) {
            self.warned_at = None;
        }
        self.due_at = due;
        self.warn_at = warn;
        self.fire_at = self.next_fire();
    }

    fn next_fire(&self) -> Option<i64> {
        if !self.is_open() || self.running_since.is_none() || self.breached_at.is_some() {
            return None;
        }
        match self.warned_at {
            None if self.warn_percent < 100 => self.warn_at.or(self.due_at),
            _ => self.due_at,
        }
    }

    /// Folds the time counted since `running_since` into `consumed_ms`.
    fn fold(&mut self, time: Time<'_>, now: i64) {
        if let Some(since) = self.running_since {
            self.consumed_ms = self
                .consumed_ms
                .saturating_add(time.between(since, now.max(since)));
            self.running_since = Some(now.max(since));
        }
    }

    fn pause(&mut self, time: Time<'_>, now: i64) {
        if self.running_since.is_none() || !self.is_open() {
            return;
        }
        self.fold(time, now);
        self.running_since = None;
        self.pauses.push((now, None));
        self.schedule(time, now);
    }

    fn resume(&mut self, time: Time<'_>, now: i64) {
        if !self.is_paused() {
            return;
        }
        if let Some(last) = self.pauses.last_mut()
            && last.1.is_none()
        {
            last.1 = Some(now);
        }
        self.running_since = Some(now);
        self.schedule(time, now);
    }

    fn stop(&mut self, time: Time<'_>, now: i64, outcome: Outcome) {
        if !self.is_open() {
            return;
        }
        self.fold(time, now);
        if let Some(last) = self.pauses.last_mut()
            && last.1.is_none()
        {
            last.1 = Some(now);
        }
        self.running_since = None;
        self.stopped_at = Some(now);
        self.outcome = Some(outcome);
        self.fire_at = None;
        self.warn_at = None;
    }

    /// Whether an agent's reply written at `at` fulfilled this response
    /// clock.
    fn fulfilled_by_reply_at(&self, at: i64) -> bool {
        matches!(self.metric, Metric::FirstResponse | Metric::NextResponse)
            && self.outcome == Some(Outcome::Fulfilled)
            && self.stopped_at == Some(at)
    }

    /// Takes back the fulfilment at `at`: the clock counts as if it had
    /// never stopped (the time since `at` is used too). When the
    /// conversation pauses it now (`paused`), it is paused since `at`: a
    /// reply undone within seconds most often came with that status
    /// ("send and set pending").
    fn reopen(&mut self, time: Time<'_>, at: i64, now: i64, paused: bool) {
        let stopped_paused = self.pauses.last().is_some_and(|p| p.1 == Some(at));
        self.stopped_at = None;
        self.outcome = None;
        if stopped_paused {
            if let Some(last) = self.pauses.last_mut() {
                last.1 = None;
            }
            self.running_since = None;
        } else {
            self.running_since = Some(at);
        }
        match (paused, self.running_since.is_some()) {
            (true, true) => self.pause(time, at),
            (false, false) => self.resume(time, now),
            _ => self.schedule(time, now),
        }
    }

    /// Moves the clock to another target or calendar: the time used so far
    /// is counted on the old calendar and kept; what is left of the new
    /// target counts on the new one.
    fn retarget(&mut self, old: Time<'_>, target: Target<'_>, now: i64) {
        self.fold(old, now);
        self.policy_id = Some(target.policy.id);
        self.target_minutes = target.minutes;
        self.calendar_id = target.calendar_id;
        self.warn_percent = target.policy.warn_percent;
        self.schedule(target.time, now);
    }

    /// The timer's act at `now`: which event fires, and the clock after
    /// it. `None` when nothing is due (another node fired it, or it moved).
    pub fn fire(&mut self, now: i64) -> Option<Fire> {
        self.fire_at.filter(|&at| at <= now)?;
        // A late timer gives the warning and then the breach, each once.
        let fire = if self.warned_at.is_none() && self.warn_percent < 100 && self.warn_at.is_some()
        {
            self.warned_at = Some(now);
            Fire::Warning
        } else {
            self.breached_at = Some(now);
            Fire::Breach
        };
        self.fire_at = self.next_fire();
        Some(fire)
    }

    /// The event data: `{"metric", "due", "round", "policy_id"}`.
    pub fn event_data(&self) -> Value {
        json!({
            "metric": self.metric,
            "due": self.due_at.map(rfc3339),
            "round": self.round,
            "policy_id": self.policy_id,
        })
    }
}

/// A policy's target for one metric, with the time it counts on.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// Minutes.
    pub minutes: i64,
    /// The calendar (`None`: every minute).
    pub calendar_id: Option<i64>,
    /// Its time.
    pub time: Time<'a>,
}

/// The policy that applies, with the calendar it counts on.
#[derive(Debug, Clone, Copy)]
pub struct Applies<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// Its calendar, if it counts business time.
    pub calendar: Option<(i64, &'a Calendar)>,
}

impl<'a> Applies<'a> {
    /// The policy's target for a metric, on its calendar.
    pub fn target(self, metric: Metric) -> Option<Target<'a>> {
        let minutes = self.policy.target(metric)?;
        Some(Target {
            policy: self.policy,
            minutes,
            calendar_id: self.calendar.map(|(id, _)| id),
            time: self.calendar.map_or(Time::Wall, |(_, c)| Time::Business(c)),
        })
    }
}

/// What one write did to a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The conversation was created by this write (with the customer's
    /// first message).
    pub created: bool,
    /// The status before the write.
    pub status_before: Status,
    /// The status after it.
    pub status: Status,
    /// A customer message was added.
    pub customer_wrote: bool,
    /// An agent's public reply was added (not a note, not automatic mail).
    pub agent_replied: bool,
    /// Whether the conversation had a public reply before this write.
    pub answered_before: bool,
    /// Whether the customer waits for an answer after the write.
    pub waiting: bool,
    /// When the agent's public reply this write took back (undo send) was
    /// written: the response clock it fulfilled counts again.
    pub reply_taken_back: Option<i64>,
}

/// The clocks and the events of one step.
#[derive(Debug, Default)]
pub struct Stepped {
    /// `(kind, data)` of the events to append.
    pub events: Vec<(EventKind, Value)>,
}

/// Applies one write's facts to a conversation's open clocks (`clocks`,
/// changed in place; new clocks are pushed with `id: None`). `applies` is
/// the policy that fits the conversation after the write; `time_of` gives
/// the time a clock counted on until now; `next_round` the next round of a
/// metric (called only when a clock starts).
pub fn step<'t>(
    clocks: &mut Vec<Clock>,
    facts: &Facts,
    applies: Option<Applies<'_>>,
    time_of: &dyn Fn(Option<i64>) -> Time<'t>,
    next_round: &mut dyn FnMut(Metric) -> i64,
    now: i64,
) -> Stepped {
    let mut out = Stepped::default();
    let pauses = |s: Status| applies.is_some_and(|a| a.policy.pauses_on(s));
    let paused_now = pauses(facts.status);

    // 0. A reply taken back (undo send): the response clock it fulfilled
    // counts again, as if it had never stopped.
    if let Some(at) = facts.reply_taken_back {
        for c in clocks.iter_mut().filter(|c| c.fulfilled_by_reply_at(at)) {
            c.reopen(time_of(c.calendar_id), at, now, paused_now);
            out.events.push((EventKind::SlaApplied, c.event_data()));
        }
    }

    // 1. The policy: the one that fits now, with time already used kept.
    let current = clocks
        .iter()
        .find(|c| c.is_open())
        .and_then(|c| c.policy_id);
    match applies {
        None => {
            for c in clocks.iter_mut().filter(|c| c.is_open()) {
                c.stop(time_of(c.calendar_id), now, Outcome::Cancelled);
            }
        }
        Some(a) if facts.created || !clocks.iter().any(Clock::is_open) => {
            // Starts where the conversation is: an unanswered customer
            // waits for a first response, an answered one for the next.
            if facts.status.is_active() {
                let wait = if facts.created || !(facts.answered_before || facts.agent_replied) {
                    Metric::FirstResponse
                } else {
                    Metric::NextResponse
                };
                let waiting = facts.created || facts.waiting || facts.customer_wrote;
                let mut metrics = vec![Metric::Resolution];
                if waiting && !facts.agent_replied {
                    metrics.insert(0, wait);
                }
                for m in metrics {
                    start(clocks, &mut out, a, m, next_round, now, paused_now);
                }
            }
        }
        Some(a) if current != Some(a.policy.id) => {
            for c in clocks.iter_mut().filter(|c| c.is_open()) {
                match a.target(c.metric) {
                    Some(t) => {
                        c.retarget(time_of(c.calendar_id), t, now);
                        out.events.push((EventKind::SlaApplied, c.event_data()));
                    }
                    None => c.stop(time_of(c.calendar_id), now, Outcome::Cancelled),
                }
            }
        }
        Some(_) => {}
    }
    let Some(a) = applies else {
        return out;
    };
    if facts.created {
        return out;
    }

    // 2. An agent's public reply answers the customer.
    if facts.agent_replied {
        for c in clocks.iter_mut().filter(|c| {
            c.is_open() && matches!(c.metric, Metric::FirstResponse | Metric::NextResponse)
        }) {
            c.stop(time_of(c.calendar_id), now, Outcome::Fulfilled);
            out.events.push((EventKind::SlaFulfilled, c.event_data()));
        }
    }

    // 3. The status.
    let (from, to) = (facts.status_before, facts.status);
    if from != to {
        if from.is_active() && !to.is_active() {
            for c in clocks.iter_mut().filter(|c| c.is_open()) {
                let (outcome, event) = match c.metric {
                    Metric::Resolution => (Outcome::Fulfilled, true),
                    Metric::FirstResponse | Metric::NextResponse => (Outcome::Cancelled, false),
                };
                c.stop(time_of(c.calendar_id), now, outcome);
                if event {
                    out.events.push((EventKind::SlaFulfilled, c.event_data()));
                }
            }
        } else if !from.is_active() && to.is_active() {
            // A reopen starts a new resolution clock; the old ones stay.
            if !clocks
                .iter()
                .any(|c| c.is_open() && c.metric == Metric::Resolution)
            {
                start(
                    clocks,
                    &mut out,
                    a,
                    Metric::Resolution,
                    next_round,
                    now,
                    paused_now,
                );
            }
        } else {
            for c in clocks.iter_mut().filter(|c| c.is_open()) {
                let time = time_of(c.calendar_id);
                if paused_now {
                    c.pause(time, now);
                } else {
                    c.resume(time, now);
                }
            }
        }
    }

    // 4. A customer message that waits for an answer.
    if facts.customer_wrote
        && to.is_active()
        && !clocks.iter().any(|c| {
            c.is_open() && matches!(c.metric, Metric::FirstResponse | Metric::NextResponse)
        })
    {
        start(
            clocks,
            &mut out,
            a,
            Metric::NextResponse,
            next_round,
            now,
            paused_now,
        );
    }
    out
}

fn start(
    clocks: &mut Vec<Clock>,
    out: &mut Stepped,
    a: Applies<'_>,
    metric: Metric,
    next_round: &mut dyn FnMut(Metric) -> i64,
    now: i64,
    paused: bool,
) {
    if let Some(t) = a.target(metric) {
        let c = Clock::start(metric, next_round(metric), t, now, paused);
        out.events.push((EventKind::SlaApplied, c.event_data()));
        clocks.push(c);
    }
}

/// Re-counts an open clock after its policy or calendar was edited: the
/// time used so far is kept (counted on the calendar it ran on), what is
/// left counts towards the new target on the new calendar. A policy
/// without a target for the clock's metric any more stops it.
pub fn recount(clock: &mut Clock, old: Time<'_>, target: Option<Target<'_>>, now: i64) {
    match target {
        Some(t) if clock.is_paused() => {
            clock.policy_id = Some(t.policy.id);
            clock.target_minutes = t.minutes;
            clock.calendar_id = t.calendar_id;
            clock.warn_percent = t.policy.warn_percent;
        }
        Some(t) => clock.retarget(old, t, now),
        None => clock.stop(old, now, Outcome::Cancelled),
    }
}

#[cfg(test)]
mod tests;
