//! What routing reports: the queues with their expected wait, and the
//! transfer rate per agent and per team.

use std::collections::{BTreeMap, HashMap};

use sqlx::AnyConnection;
use tend_routing::{Presence, QueueLoad};

use crate::agents::Viewer;
use crate::state::AppState;
use crate::time::rfc3339;
use crate::{Error, Result};

use super::engine::snapshot;
use super::model::{AgentTransfers, ChannelQueue, TeamQueue, TeamTransfers, TransferReport, rate};
use super::repo;

/// Handling times older than this do not count for the estimate.
const HANDLING_WINDOW_MS: i64 = 7 * 24 * 3600 * 1000;
/// How many recent conversations the mean handling time averages.
const HANDLING_SAMPLE: i64 = 50;

/// Assumed handling time before a team has any history: 5 minutes for a
/// chat, an hour for anything else.
fn default_handling_secs(channel: &str) -> i64 {
    if channel == "chat" { 300 } else { 3600 }
}

async fn team_queue(
    c: &mut AnyConnection,
    st: &AppState,
    team_id: i64,
    team_name: String,
    only_channel: Option<&str>,
) -> Result<TeamQueue> {
    let now = st.clock.now_ms();
    let agents = snapshot(c, team_id, false).await?;
    let online: Vec<_> = agents
        .iter()
        .filter(|a| a.presence == Presence::Online)
        .collect();
    let counts = repo::queue_counts(c, team_id).await?;
    let mut channels: Vec<String> = match only_channel {
        Some(ch) => vec![ch.to_string()],
        None => {
            let mut v = vec!["chat".to_string(), "email".to_string()];
            for (ch, _, _) in &counts {
                if !v.contains(ch) {
                    v.push(ch.clone());
                }
            }
            v
        }
    };
    channels.sort();
    let limit_secs = i64::try_from(st.config.routing_follow_up_after.as_secs()).unwrap_or(i64::MAX);
    let mut out = Vec::with_capacity(channels.len());
    for ch in channels {
        let (waiting, oldest) = counts
            .iter()
            .find(|(c, _, _)| *c == ch)
            .map_or((0, None), |(_, n, at)| (*n, Some(*at)));
        let free: u64 = online.iter().map(|a| u64::from(a.free(&ch))).sum();
        let total: u64 = online.iter().map(|a| u64::from(a.max(&ch))).sum();
        let recent =
            repo::recent_handling(c, team_id, &ch, now - HANDLING_WINDOW_MS, HANDLING_SAMPLE)
                .await?;
        let mean = if recent.is_empty() {
            default_handling_secs(&ch)
        } else {
            (recent.iter().sum::<i64>() / recent.len() as i64 / 1000).max(1)
        };
        let wait = tend_routing::expected_wait_secs(QueueLoad {
            waiting: u64::try_from(waiting).unwrap_or(0),
            free_slots: free,
            total_slots: total,
            mean_handling_secs: u64::try_from(mean).unwrap_or(0),
        })
        .map(|w| i64::try_from(w).unwrap_or(i64::MAX));
        out.push(ChannelQueue {
            offer_follow_up: wait.is_none_or(|w| w > limit_secs),
            channel: ch,
            waiting,
            oldest_queued_at: oldest.map(rfc3339),
            free_slots: i64::try_from(free).unwrap_or(i64::MAX),
            total_slots: i64::try_from(total).unwrap_or(i64::MAX),
            mean_handling_seconds: mean,
            expected_wait_seconds: wait,
        });
    }
    Ok(TeamQueue {
        team_id,
        team_name,
        waiting: counts.iter().map(|(_, n, _)| n).sum(),
        agents_online: online.len() as i64,
        channels: out,
    })
}

/// The queues of every routed team (agents: of their own teams), with the
/// live expected wait per channel.
pub async fn queues(st: &AppState, viewer: &Viewer) -> Result<Vec<TeamQueue>> {
    let mut c = st.db.pool().acquire().await?;
    let teams = crate::agents::service::list_teams(st, viewer).await?;
    let names: HashMap<i64, (String, Vec<i64>)> = teams
        .into_iter()
        .map(|t| (t.id, (t.name, t.member_ids)))
        .collect();
    let mut out = Vec::new();
    for team_id in repo::routed_teams(&mut c).await? {
        let Some((name, members)) = names.get(&team_id) else {
            continue;
        };
        if !viewer.sees_all() && !viewer.user_id.is_some_and(|u| members.contains(&u)) {
            continue;
        }
        out.push(team_queue(&mut c, st, team_id, name.clone(), None).await?);
    }
    Ok(out)
}

/// The queue a new conversation of this inbox and channel would join, with
/// its expected wait and whether to offer a follow-up instead (for the chat
/// widget); `None` when the inbox is not routed.
pub async fn queue_estimate(
    st: &AppState,
    inbox_id: i64,
    channel: &str,
) -> Result<Option<TeamQueue>> {
    let channel = crate::conversations::status::Channel::parse("channel", channel)?.to_string();
    let mut c = st.db.pool().acquire().await?;
    let Some(rule) = repo::rule(&mut c, inbox_id).await? else {
        return Ok(None);
    };
    let team = crate::agents::service::get_team(st, rule.team_id).await?;
    Ok(Some(
        team_queue(&mut c, st, team.id, team.name, Some(&channel)).await?,
    ))
}

/// Transfers per agent and per team in `[from, to)` (ms). Admins and
/// supervisors.
pub async fn transfer_report(
    st: &AppState,
    viewer: &Viewer,
    from: i64,
    to: i64,
) -> Result<TransferReport> {
    viewer.require_supervisor("only admins and supervisors may do this")?;
    if from >= to {
        return Err(Error::invalid("from", "`from` must be before `to`"));
    }
    let mut c = st.db.pool().acquire().await?;
    let users: HashMap<i64, String> = crate::agents::service::list_users(st, viewer)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let teams: HashMap<i64, String> = crate::agents::service::list_teams(st, viewer)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    // user -> (received, transferred, system_reassigned)
    let mut per_agent: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    for (user, n) in repo::received_by_agent(&mut c, from, to).await? {
        per_agent.entry(user).or_default().0 += n;
    }
    for (user, kind, by, n) in repo::lost_by_agent(&mut c, from, to).await? {
        let e = per_agent.entry(user).or_default();
        match (kind.as_str(), by.as_str()) {
            ("transferred", _) => e.1 += n,
            ("unassigned", "system") => e.2 += n,
            _ => {}
        }
    }
    let agents = per_agent
        .into_iter()
        .map(
            |(user_id, (received, transferred, system_reassigned))| AgentTransfers {
                user_id,
                name: users.get(&user_id).cloned().unwrap_or_default(),
                received,
                transferred,
                transfer_rate: rate(transferred, received),
                system_reassigned,
            },
        )
        .collect();
    let teams_out = repo::team_transfers(&mut c, from, to)
        .await?
        .into_iter()
        .map(
            |(team_id, conversations, transferred_conversations, transfers)| TeamTransfers {
                team_id,
                name: teams.get(&team_id).cloned().unwrap_or_default(),
                conversations,
                transferred_conversations,
                transfers,
                transfer_rate: rate(transferred_conversations, conversations),
            },
        )
        .collect();
    Ok(TransferReport {
        from: rfc3339(from),
        to: rfc3339(to),
        agents,
        teams: teams_out,
        categories: repo::transfer_categories(&mut c, from, to)
            .await?
            .into_iter()
            .collect(),
    })
}
