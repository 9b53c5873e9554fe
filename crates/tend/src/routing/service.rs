//! Routing use cases: agents' profiles and presence, inbox rules, and the
//! periodic sweep (auto-away, then the queues).

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::conversations::status::Channel;
use crate::state::AppState;
use crate::time::rfc3339;
use crate::{Error, Result};

use super::engine;
use super::model::{
    AgentRouting, InboxRouting, InboxRoutingInput, Presence, RoutingProfileInput, parse_strategy,
};
use super::repo::{self, AgentRow, RuleRow};

pub use super::engine::dispatch;
pub use super::reports::{queue_estimate, queues, transfer_report};

fn user_of(viewer: &Viewer) -> Result<i64> {
    viewer.user_id.ok_or(Error::NotFound("user"))
}

async fn profile_in(c: &mut AnyConnection, user_id: i64) -> Result<AgentRouting> {
    let row = repo::agent(c, user_id).await?;
    let loads = crate::conversations::ownership::loads_in(c, &[user_id]).await?;
    Ok(render(user_id, row, loads))
}

fn render(user_id: i64, row: Option<AgentRow>, loads: Vec<(i64, String, i64)>) -> AgentRouting {
    let explicit: BTreeMap<String, u32> = row
        .as_ref()
        .and_then(|r| serde_json::from_str(&r.capacity).ok())
        .unwrap_or_default();
    let capacity = Channel::ALL
        .iter()
        .map(|ch| ch.as_str())
        .map(|ch| {
            let n = explicit
                .get(ch)
                .copied()
                .unwrap_or_else(|| tend_routing::default_capacity(ch));
            (ch.to_string(), n)
        })
        .collect();
    let mut load: BTreeMap<String, u32> =
        Channel::ALL.iter().map(|ch| (ch.to_string(), 0)).collect();
    for (_, ch, n) in loads {
        load.insert(ch, u32::try_from(n).unwrap_or(u32::MAX));
    }
    AgentRouting {
        user_id,
        presence: row
            .as_ref()
            .map_or(Presence::Offline, |r| r.presence)
            .as_str()
            .to_string(),
        auto_away: row.as_ref().is_some_and(|r| r.auto_away != 0),
        last_active_at: row
            .as_ref()
            .filter(|r| r.last_active_at > 0)
            .map(|r| rfc3339(r.last_active_at)),
        capacity,
        load,
        languages: row
            .as_ref()
            .and_then(|r| serde_json::from_str(&r.languages).ok())
            .unwrap_or_default(),
        skills: row
            .as_ref()
            .and_then(|r| serde_json::from_str(&r.skills).ok())
            .unwrap_or_default(),
    }
}

/// An agent's routing profile and state: their own, or anyone's for admins
/// and supervisors.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, agent_id = user_id))]
pub async fn profile(st: &AppState, viewer: &Viewer, user_id: i64) -> Result<AgentRouting> {
    if viewer.user_id != Some(user_id) {
        viewer.require_supervisor("only admins and supervisors may do this")?;
    }
    let mut c = st.db.pool().acquire().await?;
    crate::agents::service::user_in(&mut c, user_id).await?;
    profile_in(&mut c, user_id).await
}

/// A user's presence as the router sees it (`offline` until they first set
/// one), read inside the caller's connection: one primary-key lookup, cheap
/// enough for every agent page, which shows it in its header.
pub(crate) async fn presence_in(c: &mut AnyConnection, user_id: i64) -> Result<Presence> {
    Ok(repo::agent(c, user_id)
        .await?
        .map_or(Presence::Offline, |r| r.presence))
}

/// Changes an agent's capacity, languages or skills. Admins and supervisors.
/// More capacity may let waiting conversations through at once.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, agent_id = user_id))]
pub async fn update_profile(
    st: &AppState,
    viewer: &Viewer,
    user_id: i64,
    input: RoutingProfileInput,
) -> Result<AgentRouting> {
    viewer.require_supervisor("only admins and supervisors may do this")?;
    let change = input.validate()?;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                crate::agents::service::user_in(c, user_id).await?;
                repo::ensure_agent(c, user_id).await?;
                let row = repo::agent_for_update(c, user_id)
                    .await?
                    .ok_or(Error::NotFound("user"))?;
                let mut capacity: BTreeMap<String, u32> =
                    serde_json::from_str(&row.capacity).unwrap_or_default();
                if let Some(cap) = change.capacity {
                    capacity.extend(cap);
                }
                let languages = match change.languages {
                    Some(l) => serde_json::to_string(&l).unwrap_or_else(|_| "[]".into()),
                    None => row.languages.clone(),
                };
                let skills = match change.skills {
                    Some(s) => serde_json::to_string(&s).unwrap_or_else(|_| "{}".into()),
                    None => row.skills.clone(),
                };
                let capacity = serde_json::to_string(&capacity).unwrap_or_else(|_| "{}".into());
                repo::set_profile(c, user_id, &capacity, &languages, &skills, now).await
            })
        })
        .await?;
    engine::dispatch_quietly(st).await;
    profile(st, viewer, user_id).await
}

/// Sets the caller's presence. Going online lets waiting conversations
/// through; going offline returns the caller's unsolved chats to the queue
/// (recorded as the system's reassignment), from where others get them.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, presence = ?presence))]
pub async fn set_presence(
    st: &AppState,
    viewer: &Viewer,
    presence: Presence,
) -> Result<AgentRouting> {
    let user_id = user_of(viewer)?;
    let now = st.clock.now_ms();
    let mut tries = 0;
    let events = loop {
        tries += 1;
        let result = st
            .db
            .write(move |c| {
                Box::pin(async move {
                    repo::ensure_agent(c, user_id).await?;
                    repo::agent_for_update(c, user_id).await?;
                    repo::set_presence(c, user_id, presence, false, now).await?;
                    if presence == Presence::Offline {
                        crate::conversations::ownership::release_chats_in(c, user_id, now).await
                    } else {
                        Ok(Vec::new())
                    }
                })
            })
            .await;
        match result {
            Err(e) if tries < 3 && engine::is_retryable(&e) => continue,
            other => break other?,
        }
    };
    st.publish(events);
    if presence != Presence::Away {
        engine::dispatch_quietly(st).await;
    }
    profile(st, viewer, user_id).await
}

/// Records activity of the caller (the agent UI calls it while the agent
/// works). An agent who went away by inactivity is online again.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn heartbeat(st: &AppState, viewer: &Viewer) -> Result<AgentRouting> {
    let user_id = user_of(viewer)?;
    let now = st.clock.now_ms();
    let back = st
        .db
        .write(move |c| {
            Box::pin(async move {
                repo::ensure_agent(c, user_id).await?;
                let row = repo::agent_for_update(c, user_id)
                    .await?
                    .ok_or(Error::NotFound("user"))?;
                if row.presence == Presence::Away && row.auto_away != 0 {
                    repo::set_presence(c, user_id, Presence::Online, false, now).await?;
                    Ok(true)
                } else {
                    repo::touch_active(c, user_id, now).await?;
                    Ok(false)
                }
            })
        })
        .await?;
    if back {
        engine::dispatch_quietly(st).await;
    }
    profile(st, viewer, user_id).await
}

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepOutcome {
    /// Agents who went away by inactivity.
    pub went_away: Vec<i64>,
    /// Conversations assigned from the queues.
    pub assigned: usize,
}

/// The periodic work, by the injected clock: online agents inactive for
/// `routing_auto_away_seconds` become away; then every queue is drained as
/// far as capacity allows.
#[tracing::instrument(skip_all)]
pub async fn sweep(st: &AppState) -> Result<SweepOutcome> {
    let now = st.clock.now_ms();
    let idle_ms = i64::try_from(st.config.routing_auto_away.as_millis()).unwrap_or(i64::MAX);
    let went_away = if idle_ms > 0 {
        let cutoff = now.saturating_sub(idle_ms);
        st.db
            .write(move |c| Box::pin(async move { repo::auto_away(c, cutoff, now).await }))
            .await?
    } else {
        Vec::new()
    };
    let assigned = dispatch(st).await?;
    Ok(SweepOutcome {
        went_away,
        assigned,
    })
}

fn render_rule(r: &RuleRow) -> InboxRouting {
    InboxRouting {
        inbox_id: r.inbox_id,
        team_id: r.team_id,
        strategy: r.strategy.clone(),
        skills_first: r.skills_first != 0,
        sticky: r.sticky != 0,
        updated_at: rfc3339(r.updated_at),
    }
}

/// An inbox's routing rule. Admins and supervisors.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, inbox_id = inbox_id))]
pub async fn rule(st: &AppState, viewer: &Viewer, inbox_id: i64) -> Result<InboxRouting> {
    viewer.require_supervisor("only admins and supervisors may do this")?;
    let mut c = st.db.pool().acquire().await?;
    crate::inboxes::service::inbox_in(&mut c, inbox_id).await?;
    repo::rule(&mut c, inbox_id)
        .await?
        .map(|r| render_rule(&r))
        .ok_or(Error::NotFound("routing rule"))
}

/// The routing rules of these inboxes (those that are routed), for the
/// routing page. Admins and supervisors.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn rules(st: &AppState, viewer: &Viewer, inbox_ids: &[i64]) -> Result<Vec<InboxRouting>> {
    viewer.require_supervisor("only admins and supervisors may do this")?;
    if inbox_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::rules_for(&mut c, inbox_ids)
        .await?
        .iter()
        .map(render_rule)
        .collect())
}

/// Sets an inbox's routing rule. Admins and supervisors. The team must have
/// been granted the inbox, so that everyone it routes to may work it.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, inbox_id = inbox_id))]
pub async fn set_rule(
    st: &AppState,
    viewer: &Viewer,
    inbox_id: i64,
    input: InboxRoutingInput,
) -> Result<InboxRouting> {
    viewer.require_supervisor("only admins and supervisors may do this")?;
    let strategy = input
        .strategy
        .as_deref()
        .map(parse_strategy)
        .transpose()?
        .unwrap_or(tend_routing::Strategy::LeastLoaded);
    let row = RuleRow {
        inbox_id,
        team_id: input.team_id,
        strategy: strategy.as_str().to_string(),
        skills_first: i64::from(input.skills_first),
        sticky: i64::from(input.sticky),
        updated_at: st.clock.now_ms(),
    };
    let rule = st
        .db
        .write(move |c| {
            Box::pin(async move {
                crate::inboxes::service::inbox_in(c, inbox_id).await?;
                let team = crate::agents::service::team_in(c, row.team_id)
                    .await
                    .map_err(|_| Error::invalid("team_id", format!("there is no team {}", row.team_id)))?;
                if !team.inbox_ids.contains(&inbox_id) {
                    return Err(Error::invalid(
                        "team_id",
                        format!(
                            "team {} may not work inbox {inbox_id}; grant it the inbox first (POST /api/v1/teams/{}/inboxes)",
                            team.name, team.id
                        ),
                    ));
                }
                repo::upsert_rule(c, &row).await?;
                Ok(render_rule(&row))
            })
        })
        .await?;
    engine::dispatch_quietly(st).await;
    Ok(rule)
}

/// Stops routing an inbox. Admins and supervisors. Conversations already
/// waiting stay in their team's queue and are still assigned from it.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, inbox_id = inbox_id))]
pub async fn delete_rule(st: &AppState, viewer: &Viewer, inbox_id: i64) -> Result<()> {
    viewer.require_supervisor("only admins and supervisors may do this")?;
    let gone = st
        .db
        .write(move |c| Box::pin(async move { repo::delete_rule(c, inbox_id).await }))
        .await?;
    if gone {
        Ok(())
    } else {
        Err(Error::NotFound("routing rule"))
    }
}

/// How many active agents are online (the chat widget offers the chat
/// only then), inside the caller's connection.
pub async fn agents_online_in(c: &mut AnyConnection) -> Result<i64> {
    repo::agents_online(c).await
}

/// How many agents who may work each inbox are online: `(inbox id, count)`
/// for inboxes with team members online, and `(0, n)`: the online admins
/// and supervisors, who may work every inbox.
pub async fn online_per_inbox_in(c: &mut AnyConnection) -> Result<Vec<(i64, i64)>> {
    repo::online_per_inbox(c).await
}
