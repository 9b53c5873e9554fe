//! Service-level use cases: the policies (admins write, supervisors read),
//! the clocks kept inside each conversation write ([`track_in`]), their
//! recount after an edit, and what a conversation shows of them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value;
use sqlx::AnyConnection;
use tend_calendar::Calendar;

use super::clock::{self, Applies, Clock, Facts, Time};
use super::model::{Metric, Policy, PolicyInput, SlaSummary, Subject};
use super::repo::{self, PolicyWrite, Using};
use crate::agents::Viewer;
use crate::agents::model::parse_name;
use crate::db::changes::{SERVICE_LEVELS, WriterCache};
use crate::state::AppState;
use crate::time::rfc3339;
use crate::vocab::{EventKind, Status};
use crate::{Error, Result};

/// What the clocks need of the desk's setup: the policies in order, the
/// calendars, and each inbox's calendar. Read inside the write that uses
/// it; kept on the SQLite writer's thread until one of them changes.
#[derive(Debug, Default)]
pub struct Setup {
    policies: Vec<Policy>,
    calendars: BTreeMap<i64, Calendar>,
    inbox_calendars: BTreeMap<i64, i64>,
}

impl Setup {
    /// The policy that fits, with the calendar its targets count on.
    pub fn applies(&self, s: Subject<'_>) -> Option<Applies<'_>> {
        let policy = self.policies.iter().find(|p| p.matches.fits(s))?;
        Some(Applies {
            policy,
            calendar: self.calendar_of(policy, s.inbox_id),
        })
    }

    fn calendar_of(&self, p: &Policy, inbox_id: i64) -> Option<(i64, &Calendar)> {
        if !p.business_hours {
            return None;
        }
        let id = p
            .calendar_id
            .or_else(|| self.inbox_calendars.get(&inbox_id).copied())?;
        self.calendars.get(&id).map(|c| (id, c))
    }

    /// A policy by id.
    pub fn policy_by_id(&self, id: Option<i64>) -> Option<&Policy> {
        self.policies.iter().find(|p| Some(p.id) == id)
    }

    /// The time a clock counts on.
    pub fn time(&self, calendar_id: Option<i64>) -> Time<'_> {
        calendar_id
            .and_then(|id| self.calendars.get(&id))
            .map_or(Time::Wall, Time::Business)
    }
}

thread_local! {
    static SETUP: WriterCache<(), Arc<Setup>> = const { WriterCache::new(&SERVICE_LEVELS) };
}

/// The setup as this transaction sees it.
pub async fn setup_in(c: &mut AnyConnection) -> Result<Arc<Setup>> {
    if let Some(s) = SETUP.with(|w| w.get(&())) {
        return Ok(s);
    }
    let epoch = SETUP.with(WriterCache::epoch);
    let policies = repo::policies(c).await?;
    let setup = if policies.is_empty() {
        Setup::default()
    } else {
        Setup {
            policies,
            calendars: crate::calendars::service::all_in(c)
                .await?
                .into_iter()
                .collect(),
            inbox_calendars: crate::inboxes::service::calendars_in(c)
                .await?
                .into_iter()
                .collect(),
        }
    };
    let setup = Arc::new(setup);
    SETUP.with(|w| w.put((), setup.clone(), epoch));
    Ok(setup)
}

/// One conversation write, as the clocks see it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The conversation.
    pub conversation_id: i64,
    /// What policies match on, after the write.
    pub subject: Subject<'a>,
    /// What the write did.
    pub facts: Facts,
}

/// What [`track_in`] did.
#[derive(Debug, Default)]
pub struct Tracked {
    /// `(kind, data)` of the `sla_*` events to append (actor: Tend).
    pub events: Vec<(EventKind, Value)>,
    /// The conversation's service levels after the write.
    pub summary: Option<SlaSummary>,
}

/// The clocks and events of a conversation being created, planned before
/// it is written (from what the creation will write), so that they go in
/// with its first statement (`conversations::service::create`: one round
/// trip to the SQLite writer for the whole opening).
#[derive(Debug, Default)]
pub struct Opening {
    /// The new clocks (`id: None`).
    pub clocks: Vec<Clock>,
    /// `(kind, data)` of their `sla_applied` events (actor: Tend).
    pub events: Vec<(EventKind, Value)>,
    /// The conversation's service levels once written.
    pub summary: Option<SlaSummary>,
}

/// Plans the clocks of a conversation about to be created with `subject`
/// in `status`, its customer waiting; nothing is written.
pub async fn plan_opening_in(
    c: &mut AnyConnection,
    subject: Subject<'_>,
    status: Status,
    now: i64,
) -> Result<Opening> {
    let setup = setup_in(c).await?;
    let facts = Facts {
        created: true,
        status_before: status,
        status,
        customer_wrote: true,
        agent_replied: false,
        answered_before: false,
        waiting: true,
        reply_taken_back: None,
    };
    Ok(opening(&setup, subject, &facts, now))
}

/// The pure part of [`plan_opening_in`] (and of [`track_in`] for a
/// conversation the write created).
fn opening(setup: &Setup, subject: Subject<'_>, facts: &Facts, now: i64) -> Opening {
    let Some(applies) = setup.applies(subject) else {
        return Opening::default();
    };
    let mut clocks = Vec::new();
    let time_of = |id: Option<i64>| setup.time(id);
    let mut next = rounds_after(Vec::new());
    let stepped = clock::step(&mut clocks, facts, Some(applies), &time_of, &mut next, now);
    Opening {
        summary: summary_of(clocks.iter()),
        clocks,
        events: stepped.events,
    }
}

/// Writes a planned opening's clocks (the caller appends its events), for
/// a database or a path that does not take them with the first statement.
pub async fn store_opening_in(
    c: &mut AnyConnection,
    conversation_id: i64,
    o: &Opening,
) -> Result<()> {
    let new: Vec<&Clock> = o.clocks.iter().collect();
    repo::save(c, conversation_id, &new, &[]).await
}

/// Moves a conversation's clocks for one write, inside that write's
/// transaction: starts, pauses, resumes, re-targets and stops them.
pub async fn track_in(c: &mut AnyConnection, ch: &Change<'_>, now: i64) -> Result<Tracked> {
    let setup = setup_in(c).await?;
    // Without policies there are no open clocks (deleting the last policy
    // stops its clocks), so most desks pay nothing here.
    if setup.policies.is_empty() {
        return Ok(Tracked::default());
    }
    if ch.facts.created {
        let o = opening(&setup, ch.subject, &ch.facts, now);
        store_opening_in(c, ch.conversation_id, &o).await?;
        return Ok(Tracked {
            events: o.events,
            summary: o.summary,
        });
    }
    let applies = setup.applies(ch.subject);
    let mut clocks = repo::open_and_latest(c, ch.conversation_id).await?;
    if applies.is_none() && !clocks.iter().any(Clock::is_open) {
        return Ok(Tracked::default());
    }
    let before = clocks.clone();
    let stepped = {
        let time_of = |id: Option<i64>| setup.time(id);
        let rounds: Vec<(Metric, i64)> = clocks.iter().map(|k| (k.metric, k.round)).collect();
        let mut next = rounds_after(rounds);
        clock::step(&mut clocks, &ch.facts, applies, &time_of, &mut next, now)
    };
    save_changed(c, ch.conversation_id, &before, &clocks).await?;
    Ok(Tracked {
        events: stepped.events,
        summary: summary_of(clocks.iter().filter(|k| k.is_open())),
    })
}

/// A counter of rounds: the next round of a metric after those seen.
fn rounds_after(seen: Vec<(Metric, i64)>) -> impl FnMut(Metric) -> i64 {
    let mut last: HashMap<Metric, i64> = HashMap::new();
    for (m, r) in seen {
        let e = last.entry(m).or_insert(r);
        *e = (*e).max(r);
    }
    move |m| {
        let r = last.get(&m).map_or(0, |r| r + 1);
        last.insert(m, r);
        r
    }
}

/// Stores what a step changed: new clocks are inserted, changed ones written.
async fn save_changed(
    c: &mut AnyConnection,
    conversation_id: i64,
    before: &[Clock],
    after: &[Clock],
) -> Result<()> {
    let new: Vec<&Clock> = after.iter().filter(|k| k.id.is_none()).collect();
    let changed: Vec<&Clock> = after
        .iter()
        .filter(|k| k.id.is_some() && !before.iter().any(|b| b == *k))
        .collect();
    repo::save(c, conversation_id, &new, &changed).await
}

/// The conversations' service levels, for their JSON (open clocks only;
/// none: `null`).
pub async fn summaries_in(c: &mut AnyConnection, ids: &[i64]) -> Result<HashMap<i64, SlaSummary>> {
    let mut by_conv: HashMap<i64, Vec<Clock>> = HashMap::new();
    for (conv, k) in repo::open_clocks_of(c, ids).await? {
        by_conv.entry(conv).or_default().push(k);
    }
    Ok(by_conv
        .into_iter()
        .filter_map(|(conv, clocks)| summary_of(clocks.iter()).map(|s| (conv, s)))
        .collect())
}

/// The metrics whose open clocks of a conversation have breached (what
/// automation's `sla.breached` condition looks at).
pub async fn breached_in(c: &mut AnyConnection, id: i64) -> Result<Vec<Metric>> {
    Ok(summaries_in(c, &[id])
        .await?
        .remove(&id)
        .map(|s| s.breached)
        .unwrap_or_default())
}

/// The summary of a conversation's open clocks; `None` without any.
fn summary_of<'a>(open: impl Iterator<Item = &'a Clock>) -> Option<SlaSummary> {
    let mut out: Option<SlaSummary> = None;
    for k in open {
        let s = out.get_or_insert_with(SlaSummary::default);
        s.policy_id = s.policy_id.or(k.policy_id);
        let due = k.due_at.map(rfc3339);
        match k.metric {
            Metric::FirstResponse => s.first_response_due = due,
            Metric::NextResponse => s.next_response_due = due,
            Metric::Resolution => s.resolution_due = due,
        }
        if k.breached_at.is_some() {
            s.breached.push(k.metric);
        } else if k.warned_at.is_some() {
            s.warned.push(k.metric);
        }
        s.paused |= k.is_paused();
        if k.running_since.is_some()
            && let Some(d) = k.due_at
        {
            let earlier = s
                .next_due
                .as_deref()
                .and_then(crate::time::parse_ms)
                .is_none_or(|n| d < n);
            if earlier {
                s.next_due = Some(rfc3339(d));
                s.next_metric = Some(k.metric);
            }
        }
    }
    out
}

pub use super::explain::{ClockView, Explanation, explain_in};

/// Checks a policy and what it names, inside the write.
async fn written(c: &mut AnyConnection, input: &PolicyInput) -> Result<PolicyWrite> {
    input.check()?;
    let name = parse_name("name", &input.name, 200)?;
    if let Some(id) = input.calendar_id
        && crate::calendars::service::name_in(c, id).await?.is_none()
    {
        return Err(Error::invalid(
            "calendar_id",
            format!("there is no calendar {id}"),
        ));
    }
    if let Some(t) = input.notify_team_id
        && !crate::agents::service::team_exists_in(c, t).await?
    {
        return Err(Error::invalid(
            "notify_team_id",
            format!("there is no team {t}"),
        ));
    }
    if let Some(ids) = &input.matches.inbox_ids {
        for &i in ids {
            if !crate::inboxes::service::exists_in(c, i).await? {
                return Err(Error::invalid(
                    "match.inbox_ids",
                    format!("there is no inbox {i}"),
                ));
            }
        }
    }
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Internal(e.into()));
    let mut matches = input.matches.clone();
    if let Some(tags) = &mut matches.tags {
        *tags = crate::conversations::parse_tags(tags)
            .map_err(|e| Error::invalid("match.tags", e.to_string()))?;
    }
    Ok(PolicyWrite {
        name,
        position: input.position,
        business_hours: input.business_hours.unwrap_or(true),
        calendar_id: input.calendar_id,
        match_rules: json(serde_json::to_string(&matches))?,
        targets: input.targets,
        pause_on: json(serde_json::to_string(
            input.pause_on.as_deref().unwrap_or(&[Status::Pending]),
        ))?,
        warn_percent: input.warn_percent.unwrap_or(75),
        on_breach: input.on_breach,
        notify_team_id: input.notify_team_id,
    })
}

/// Creates a policy. It applies to conversations from their next change.
/// Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn create(st: &AppState, viewer: &Viewer, input: PolicyInput) -> Result<Policy> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    let id = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let w = written(c, &input).await?;
                repo::insert_policy(c, &w, now).await
            })
        })
        .await?;
    get(st, viewer, id).await
}

/// Replaces a policy and recounts the open clocks it set: time already
/// used stays, what is left counts towards the new targets. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, policy_id = id))]
pub async fn update(st: &AppState, viewer: &Viewer, id: i64, input: PolicyInput) -> Result<Policy> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    let events = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let w = written(c, &input).await?;
                let old = setup_in(c).await?;
                if !repo::update_policy(c, id, &w, now).await? {
                    return Err(Error::NotFound("service-level policy"));
                }
                recount_in(c, &old, Using::Policy, id, now).await
            })
        })
        .await?;
    st.publish(events);
    get(st, viewer, id).await
}

/// Removes a policy; the conversations it applied to move to the next
/// policy that fits (time used kept), or lose their open clocks. Admins
/// only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, policy_id = id))]
pub async fn delete(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    let events = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let old = setup_in(c).await?;
                if !repo::delete_policy(c, id).await? {
                    return Err(Error::NotFound("service-level policy"));
                }
                recount_in(c, &old, Using::Policy, id, now).await
            })
        })
        .await?;
    st.publish(events);
    Ok(())
}

/// One policy. Admins and supervisors.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Policy> {
    viewer.require_supervisor("only admins and supervisors may see service-level policies")?;
    let mut c = st.db.pool().acquire().await?;
    repo::policy(&mut c, id)
        .await?
        .ok_or(Error::NotFound("service-level policy"))
}

/// Every policy, in the order they are tried. Admins and supervisors.
pub async fn list(st: &AppState, viewer: &Viewer) -> Result<Vec<Policy>> {
    viewer.require_supervisor("only admins and supervisors may see service-level policies")?;
    let mut c = st.db.pool().acquire().await?;
    repo::policies(&mut c).await
}

/// After a calendar, a policy or an inbox's calendar changed (inside that
/// write, `old`: the setup before it): recounts every open clock that ran
/// on calendar `id` or under policy `id`. Time used is counted on what the
/// clock ran on until now; what is left counts on what applies now.
pub async fn recount_in(
    c: &mut AnyConnection,
    old: &Setup,
    using: Using,
    id: i64,
    now: i64,
) -> Result<Vec<crate::state::BusEvent>> {
    let new = setup_in(c).await?;
    let mut events = Vec::new();
    let mut after = 0;
    loop {
        let batch = repo::open_clocks_using(c, using, id, after, 500).await?;
        let Some((_, last)) = batch.last() else { break };
        after = last.id.unwrap_or(i64::MAX);
        let mut by_conv: BTreeMap<i64, Vec<Clock>> = BTreeMap::new();
        for (conv, k) in batch {
            by_conv.entry(conv).or_default().push(k);
        }
        for (conv, clocks) in by_conv {
            let Some(facts) = crate::conversations::service::sla_subject_in(c, conv).await? else {
                continue;
            };
            let subject = facts.subject();
            let applies = new.applies(subject);
            for mut k in clocks {
                let was = k.clone();
                // Time used counts on what the clock ran on; what is left,
                // on what applies now (another policy, or none, stops it).
                let target = applies.and_then(|a| a.target(k.metric));
                let old_time = old.time(k.calendar_id);
                clock::recount(&mut k, old_time, target, now);
                if k != was {
                    if k.is_open() && k.due_at != was.due_at {
                        let ev = crate::conversations::followup::append_event_in(
                            c,
                            conv,
                            subject.inbox_id,
                            EventKind::SlaApplied,
                            crate::conversations::followup::Cause::System,
                            k.event_data(),
                            now,
                        )
                        .await?;
                        events.extend(ev);
                    }
                    repo::update_clock(c, k.id.unwrap_or_default(), &k, None).await?;
                }
            }
        }
    }
    Ok(events)
}
