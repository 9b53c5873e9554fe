//! Why a conversation has the service levels it has: the policy that
//! applies, which of its conditions fit, the calendar, and every clock
//! (`GET /conversations/{id}/sla` and the conversation page's panel).

use serde::Serialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::model::{Metric, Policy, Subject};
use super::repo;
use super::service::setup_in;
use crate::Result;
use crate::time::rfc3339;

/// One clock, as the conversation page explains it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockView {
    /// What it measures.
    pub metric: Metric,
    /// The n-th of its metric, from 0.
    pub round: i64,
    /// The policy that set the target (`null` once deleted).
    pub policy_id: Option<i64>,
    /// Minutes.
    pub target_minutes: i64,
    /// The calendar it counts on (`null`: every minute).
    pub calendar_id: Option<i64>,
    /// RFC 3339.
    pub started_at: String,
    /// Counted seconds used so far.
    pub used_secs: i64,
    /// RFC 3339, while running.
    pub due: Option<String>,
    /// RFC 3339.
    pub warned_at: Option<String>,
    /// RFC 3339.
    pub breached_at: Option<String>,
    /// `running`, `paused` or how it stopped.
    pub state: &'static str,
    /// RFC 3339.
    pub stopped_at: Option<String>,
    /// Paused periods `[from, to]` (`to` is `null` while paused).
    pub pauses: Vec<(String, Option<String>)>,
}

/// Why a conversation has the service levels it has.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Explanation {
    /// The policy that applies now, if any.
    pub policy: Option<Policy>,
    /// In words: which of the policy's conditions the conversation fits.
    pub reasons: Vec<String>,
    /// The calendar the targets count on (`null`: every minute).
    pub calendar_id: Option<i64>,
    /// Its name.
    pub calendar_name: Option<String>,
    /// Its time zone.
    pub calendar_timezone: Option<String>,
    /// Every clock, oldest first (earlier rounds are kept).
    pub clocks: Vec<ClockView>,
}

/// The explanation of a conversation's service levels (the caller has
/// checked that the viewer may see it).
pub async fn explain_in(
    c: &mut AnyConnection,
    conversation_id: i64,
    subject: Subject<'_>,
    now: i64,
) -> Result<Explanation> {
    let setup = setup_in(c).await?;
    let applies = setup.applies(subject);
    let clocks = repo::all_clocks(c, conversation_id).await?;
    let reasons = applies
        .map(|a| reasons(a.policy, subject))
        .unwrap_or_default();
    let calendar_id = applies.and_then(|a| a.calendar.map(|(id, _)| id));
    let named = match calendar_id {
        Some(id) => crate::calendars::service::name_in(c, id).await?,
        None => None,
    };
    let views = clocks
        .iter()
        .map(|k| {
            let time = setup.time(k.calendar_id);
            let used = k.consumed_ms
                + k.running_since
                    .map_or(0, |since| time.between(since, now.max(since)));
            ClockView {
                metric: k.metric,
                round: k.round,
                policy_id: k.policy_id,
                target_minutes: k.target_minutes,
                calendar_id: k.calendar_id,
                started_at: rfc3339(k.started_at),
                used_secs: used / 1000,
                due: k.due_at.filter(|_| k.is_open()).map(rfc3339),
                warned_at: k.warned_at.map(rfc3339),
                breached_at: k.breached_at.map(rfc3339),
                state: match (k.outcome, k.is_paused()) {
                    (Some(o), _) => o.as_str(),
                    (None, true) => "paused",
                    (None, false) => "running",
                },
                stopped_at: k.stopped_at.map(rfc3339),
                pauses: k
                    .pauses
                    .iter()
                    .map(|(a, b)| (rfc3339(*a), b.map(rfc3339)))
                    .collect(),
            }
        })
        .collect();
    Ok(Explanation {
        policy: applies.map(|a| a.policy.clone()),
        reasons,
        calendar_id,
        calendar_name: named.as_ref().map(|(n, _)| n.clone()),
        calendar_timezone: named.map(|(_, tz)| tz),
        clocks: views,
    })
}

/// The conditions of `p` the conversation fits, in words (English, for
/// the API; the page words them in the agent's language from the same
/// facts).
fn reasons(p: &Policy, s: Subject<'_>) -> Vec<String> {
    let m = &p.matches;
    let mut out = Vec::new();
    if m.inbox_ids.is_some() {
        out.push(format!("inbox {}", s.inbox_id));
    }
    if m.channels.is_some() {
        out.push(format!("channel {}", s.channel));
    }
    if m.priorities.is_some() {
        out.push(format!("priority {}", s.priority));
    }
    if let Some(tags) = &m.tags {
        let hit: Vec<&String> = s
            .tags
            .iter()
            .filter(|t| tags.iter().any(|w| w.eq_ignore_ascii_case(t)))
            .collect();
        out.push(format!(
            "tag {}",
            hit.iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if out.is_empty() {
        out.push("every conversation".into());
    }
    out
}
