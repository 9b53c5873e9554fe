//! Assignment inside write transactions.
//!
//! Race freedom: every transaction that assigns conversations first loads
//! the receiving team's agents with [`repo::team_agents`] and `lock = true`.
//! On PostgreSQL that locks their `routing_agents` rows in id order until
//! the commit, so the loads counted next are final for everyone else; on
//! SQLite there is a single writer anyway. Queued conversations are locked
//! with `SKIP LOCKED`, so a drain never waits for a conversation that a
//! request holds (which might itself wait for the agents' locks).

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use sqlx::AnyConnection;
use tend_routing::{Agent, Basis, Conversation, Decision, Presence, Rule, Slots, Strategy};

use crate::conversations::ownership;
use crate::state::{AppState, BusEvent};
use crate::{Error, Result};

use super::repo::{self, MemberRow, OwnershipRow, QueueRow, RuleRow};

/// Queued conversations considered per drain transaction.
const DRAIN_BATCH: i64 = 500;

/// A conversation that needs an owner.
pub(crate) struct RouteRequest<'a> {
    pub conversation_id: i64,
    pub inbox_id: i64,
    pub customer_id: i64,
    pub channel: &'a str,
    pub language: Option<&'a str>,
    pub tags: &'a [String],
    /// Since when the customer waits; keeps their place in the queue.
    pub waiting_since: Option<i64>,
    /// The team chosen for it (by an agent or a rule): routed within that
    /// team with the inbox rule's strategy; `None`: the rule's team.
    pub team_id: Option<i64>,
}

/// What the router did.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Routed {
    /// The inbox has no routing rule.
    NoRule,
    /// Given to an agent.
    Assigned {
        team_id: i64,
        agent: i64,
        basis: Basis,
        strategy: Strategy,
    },
    /// Waiting in the team's queue.
    Queued { team_id: i64 },
}

/// A change of owner to log.
pub(crate) struct OwnerChange<'a> {
    pub conversation_id: i64,
    pub customer_id: i64,
    pub team_id: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// `agent` or `system`.
    pub by: &'a str,
    pub reason_category: Option<&'a str>,
}

pub(super) fn rule_of(r: &RuleRow) -> Rule {
    Rule {
        team_id: r.team_id,
        strategy: Strategy::parse(&r.strategy).unwrap_or(Strategy::LeastLoaded),
        skills_first: r.skills_first != 0,
        sticky: r.sticky != 0,
    }
}

/// Whether a write failed on a PostgreSQL deadlock (40P01) or
/// serialization failure (40001). The lock order above avoids them between
/// routing transactions, but a request that changes a chat while its owner
/// goes offline can still meet one; such a write is simply tried again.
pub(crate) fn is_retryable(e: &Error) -> bool {
    match e {
        Error::Database(sqlx::Error::Database(d)) => {
            matches!(d.code().as_deref(), Some("40P01" | "40001"))
        }
        _ => false,
    }
}

/// Whether conversations of this inbox are routed.
pub(crate) async fn has_rule_in(c: &mut AnyConnection, inbox_id: i64) -> Result<bool> {
    Ok(repo::rule(c, inbox_id).await?.is_some())
}

/// The router's view of a team: its members with their loads.
pub(super) async fn snapshot(
    c: &mut AnyConnection,
    team_id: i64,
    lock: bool,
) -> Result<Vec<Agent>> {
    let members = repo::team_agents(c, team_id, lock).await?;
    let ids: Vec<i64> = members.iter().map(|m| m.user_id).collect();
    let mut loads: HashMap<i64, Vec<(String, u32)>> = HashMap::new();
    for (user, channel, n) in ownership::loads_in(c, &ids).await? {
        loads
            .entry(user)
            .or_default()
            .push((channel, u32::try_from(n).unwrap_or(u32::MAX)));
    }
    Ok(members
        .into_iter()
        .map(|m| {
            let l = loads.remove(&m.user_id).unwrap_or_default();
            agent_of(m, team_id, l)
        })
        .collect())
}

fn agent_of(m: MemberRow, team_id: i64, loads: Vec<(String, u32)>) -> Agent {
    let capacity: BTreeMap<String, u32> = serde_json::from_str(&m.capacity).unwrap_or_default();
    let mut slots: Vec<Slots> = capacity
        .iter()
        .map(|(ch, max)| Slots {
            channel: ch.clone(),
            max: *max,
            load: 0,
        })
        .collect();
    for (ch, n) in loads {
        match slots.iter_mut().find(|s| s.channel == ch) {
            Some(s) => s.load = n,
            None => slots.push(Slots {
                max: tend_routing::default_capacity(&ch),
                channel: ch,
                load: n,
            }),
        }
    }
    let skills: BTreeMap<String, u8> = serde_json::from_str(&m.skills).unwrap_or_default();
    Agent {
        id: m.user_id,
        presence: m.presence,
        teams: vec![team_id],
        slots,
        languages: serde_json::from_str(&m.languages).unwrap_or_default(),
        skills: skills.into_iter().collect(),
        last_assigned: m.last_assigned_at,
    }
}

/// Routes one conversation: assigns it (when `allow_assign` and someone
/// can take it) or queues it in the team of its inbox's rule.
pub(crate) async fn route_in(
    c: &mut AnyConnection,
    req: &RouteRequest<'_>,
    allow_assign: bool,
    now: i64,
) -> Result<Routed> {
    let Some(rule_row) = repo::rule(c, req.inbox_id).await? else {
        return Ok(Routed::NoRule);
    };
    let mut rule = rule_of(&rule_row);
    if let Some(team) = req.team_id {
        rule.team_id = team;
    }
    let previous_agent = if rule.sticky {
        repo::previous_agent(c, req.customer_id, req.conversation_id).await?
    } else {
        None
    };
    let conv = Conversation {
        id: req.conversation_id,
        channel: req.channel.to_string(),
        language: req.language.map(str::to_string),
        skills: req.tags.to_vec(),
        previous_agent,
    };
    if allow_assign {
        let agents = snapshot(c, rule.team_id, true).await?;
        if let Decision::Assign { agent, basis } = tend_routing::decide(&agents, &conv, &rule) {
            let stamp = tend_routing::next_stamp(&agents, now);
            repo::set_last_assigned(c, agent, stamp).await?;
            repo::dequeue(c, req.conversation_id).await?;
            repo::log_ownership(
                c,
                &OwnershipRow {
                    conversation_id: req.conversation_id,
                    customer_id: req.customer_id,
                    team_id: Some(rule.team_id),
                    from: None,
                    to: Some(agent),
                    kind: "assigned",
                    by: "system",
                    reason_category: None,
                    now,
                },
            )
            .await?;
            metrics::counter!("tend_routing_assigned_total").increment(1);
            return Ok(Routed::Assigned {
                team_id: rule.team_id,
                agent,
                basis,
                strategy: rule.strategy,
            });
        }
    }
    repo::enqueue(
        c,
        &QueueRow {
            conversation_id: req.conversation_id,
            team_id: rule.team_id,
            inbox_id: req.inbox_id,
            channel: req.channel.to_string(),
            language: req.language.map(str::to_string),
            skills: serde_json::to_string(req.tags).unwrap_or_else(|_| "[]".into()),
            previous_agent_id: previous_agent,
            queued_at: req.waiting_since.unwrap_or(now).min(now),
        },
    )
    .await?;
    metrics::counter!("tend_routing_queued_total").increment(1);
    Ok(Routed::Queued {
        team_id: rule.team_id,
    })
}

/// Logs a change of owner made by a use case; a conversation that got an
/// owner leaves the queue.
pub(crate) async fn owner_changed_in(
    c: &mut AnyConnection,
    o: &OwnerChange<'_>,
    now: i64,
) -> Result<()> {
    let kind = match (o.from, o.to) {
        (None, Some(_)) => "assigned",
        (Some(_), Some(_)) => "transferred",
        (Some(_), None) => "unassigned",
        (None, None) => return Ok(()),
    };
    if o.to.is_some() {
        repo::dequeue(c, o.conversation_id).await?;
    }
    repo::log_ownership(
        c,
        &OwnershipRow {
            conversation_id: o.conversation_id,
            customer_id: o.customer_id,
            team_id: o.team_id,
            from: o.from,
            to: o.to,
            kind,
            by: o.by,
            reason_category: o.reason_category,
            now,
        },
    )
    .await
}

/// A conversation moved to another inbox: it leaves its queue (routing
/// then places it by the new inbox's rule).
pub(crate) async fn left_queue_in(c: &mut AnyConnection, conversation_id: i64) -> Result<()> {
    repo::dequeue(c, conversation_id).await
}

/// A conversation was solved or closed: it leaves the queue, and its
/// owner's handling time is kept for the wait estimates.
pub(crate) async fn finished_in(
    c: &mut AnyConnection,
    conversation_id: i64,
    team_id: Option<i64>,
    channel: &str,
    owner: Option<i64>,
    now: i64,
) -> Result<()> {
    repo::dequeue(c, conversation_id).await?;
    if let Some(user_id) = owner
        && let Some(started_at) = repo::owner_since(c, conversation_id, user_id).await?
    {
        repo::insert_handling(
            c,
            &repo::HandlingRow {
                conversation_id,
                team_id,
                channel,
                user_id,
                started_at,
                finished_at: now,
            },
        )
        .await?;
    }
    Ok(())
}

/// The queue head of a team as the decision sees it.
struct Head {
    rows: Vec<QueueRow>,
    items: Vec<(Conversation, Rule)>,
}

async fn head(c: &mut AnyConnection, team_id: i64) -> Result<Head> {
    let rows = repo::queue_head(c, team_id, DRAIN_BATCH).await?;
    let mut inboxes: Vec<i64> = rows.iter().map(|r| r.inbox_id).collect();
    inboxes.sort_unstable();
    inboxes.dedup();
    let rules: HashMap<i64, Rule> = repo::rules_for(c, &inboxes)
        .await?
        .iter()
        .map(|r| (r.inbox_id, rule_of(r)))
        .collect();
    let items = rows
        .iter()
        .map(|r| {
            // The queue belongs to its team even if the inbox's rule has
            // since moved elsewhere or gone.
            let mut rule = rules.get(&r.inbox_id).copied().unwrap_or(Rule {
                team_id,
                strategy: Strategy::LeastLoaded,
                skills_first: false,
                sticky: false,
            });
            rule.team_id = team_id;
            (
                Conversation {
                    id: r.conversation_id,
                    channel: r.channel.clone(),
                    language: r.language.clone(),
                    skills: serde_json::from_str(&r.skills).unwrap_or_default(),
                    previous_agent: r.previous_agent_id,
                },
                rule,
            )
        })
        .collect();
    Ok(Head { rows, items })
}

/// Assigns what it can from a team's queue, the soonest deadline first, then
/// the longest wait. Returns the events to publish and how many
/// conversations were assigned.
pub(super) async fn drain_team_in(
    c: &mut AnyConnection,
    team_id: i64,
    now: i64,
) -> Result<(Vec<BusEvent>, usize)> {
    let mut agents = snapshot(c, team_id, true).await?;
    if !agents.iter().any(|a| a.presence == Presence::Online) {
        return Ok((Vec::new(), 0));
    }
    let Head { rows, items } = head(c, team_id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.conversation_id).collect();
    let locked: HashMap<i64, bool> = ownership::lock_waiting_in(c, &ids)
        .await?
        .into_iter()
        .collect();
    let mut waiting = Vec::with_capacity(items.len());
    for (conv, rule) in items {
        match locked.get(&conv.id) {
            Some(true) => waiting.push((conv, rule)),
            // Owned or solved by a path that did not say so: not waiting.
            Some(false) => repo::dequeue(c, conv.id).await?,
            // Another transaction holds it; the next drain sees it.
            None => {}
        }
    }
    let stamps: HashMap<i64, i64> = agents.iter().map(|a| (a.id, a.last_assigned)).collect();
    let plan = tend_routing::plan_queue(&mut agents, &waiting, now);
    let mut events = Vec::new();
    let mut assigned = 0;
    for (idx, agent, basis) in plan {
        let Some((conv, rule)) = waiting.get(idx) else {
            continue;
        };
        let data = json!({"from": null, "to": agent, "by": "system", "team_id": team_id,
                          "strategy": rule.strategy.as_str(), "basis": basis.as_str(), "trigger": "queue"});
        repo::dequeue(c, conv.id).await?;
        let Some((customer_id, _, added)) =
            ownership::assign_waiting_in(c, conv.id, agent, data, now).await?
        else {
            continue;
        };
        repo::log_ownership(
            c,
            &OwnershipRow {
                conversation_id: conv.id,
                customer_id,
                team_id: Some(team_id),
                from: None,
                to: Some(agent),
                kind: "assigned",
                by: "system",
                reason_category: None,
                now,
            },
        )
        .await?;
        events.extend(added);
        assigned += 1;
    }
    for a in &agents {
        if stamps.get(&a.id) != Some(&a.last_assigned) {
            repo::set_last_assigned(c, a.id, a.last_assigned).await?;
        }
    }
    metrics::counter!("tend_routing_assigned_total").increment(assigned as u64);
    Ok((events, assigned))
}

/// Whether draining the team would assign anything (a read without locks,
/// so that idle checks cost no write).
async fn would_assign(st: &AppState, team_id: i64, now: i64) -> Result<bool> {
    let mut c = st.db.pool().acquire().await?;
    let mut agents = snapshot(&mut c, team_id, false).await?;
    if !agents.iter().any(|a| a.presence == Presence::Online) {
        return Ok(false);
    }
    let Head { items, .. } = head(&mut c, team_id).await?;
    Ok(!tend_routing::plan_queue(&mut agents, &items, now).is_empty())
}

/// Assigns waiting conversations wherever an agent has become available or
/// freed capacity. Safe to call at any time, from any number of tasks.
pub async fn dispatch(st: &AppState) -> Result<usize> {
    let teams = {
        let mut c = st.db.pool().acquire().await?;
        repo::queued_teams(&mut c).await?
    };
    let mut total = 0;
    for team_id in teams {
        // Bounded: each round takes at most DRAIN_BATCH conversations.
        for _ in 0..100 {
            let now = st.clock.now_ms();
            if !would_assign(st, team_id, now).await? {
                break;
            }
            let mut tries = 0;
            let (events, n) = loop {
                tries += 1;
                match st
                    .db
                    .write(move |c| Box::pin(async move { drain_team_in(c, team_id, now).await }))
                    .await
                {
                    // A deadlock, or no connection free in time on a
                    // loaded database: nothing was written; try again.
                    Err(e) if tries < 3 && (is_retryable(&e) || e.is_unavailable()) => continue,
                    other => break other?,
                }
            };
            st.publish(events);
            total += n;
            if n == 0 {
                break;
            }
        }
    }
    Ok(total)
}

/// [`dispatch`] after a use case's commit: a failure is logged, not
/// returned, because the use case itself succeeded (the background sweep
/// tries again).
pub async fn dispatch_quietly(st: &AppState) {
    if let Err(e) = dispatch(st).await {
        tracing::warn!(error = %e, "routing the queues failed; the next sweep retries");
    }
}
