//! The conversation page's service-level panel: which policy applies and
//! why (in the agent's language), what it counts on, and each clock with
//! its due time in the agent's time zone and its paused periods.

use super::labels;
use super::session::Agent;
use crate::Result;
use crate::conversations::Conversation;
use crate::state::AppState;

/// The service-level panel of a conversation page.
pub struct SlaPanel {
    /// The policy's name.
    pub policy: String,
    /// Why it applies, in the agent's language.
    pub why: Vec<String>,
    /// What the targets count: business hours of which calendar, or every
    /// minute.
    pub counts: String,
    /// The clocks, open ones first.
    pub clocks: Vec<ClockLine>,
}

/// One clock on the panel.
pub struct ClockLine {
    pub metric: String,
    /// `running`, `paused`, `fulfilled`, `cancelled` (the CSS hook).
    pub state: &'static str,
    pub state_label: String,
    pub breached: bool,
    pub target: String,
    /// The due time in the agent's time zone (empty when paused or stopped).
    pub due: String,
    pub used: String,
    /// Paused periods, in the agent's time zone.
    pub pauses: Vec<String>,
}

/// The panel for a conversation, if a policy applies or clocks ran.
pub async fn sla_panel(st: &AppState, a: &Agent, conv: &Conversation) -> Result<Option<SlaPanel>> {
    let e = crate::conversations::service::explain_sla(st, &a.viewer, conv.id).await?;
    if e.policy.is_none() && e.clocks.is_empty() {
        return Ok(None);
    }
    let tr = &a.tr;
    let why = match &e.policy {
        None => Vec::new(),
        Some(p) => {
            let m = &p.matches;
            let mut why = Vec::new();
            if m.inbox_ids.is_some() {
                let inbox = crate::inboxes::service::visible_inboxes(st, &a.viewer)
                    .await?
                    .into_iter()
                    .find(|i| i.id == conv.inbox_id)
                    .map_or_else(|| format!("#{}", conv.inbox_id), |i| i.name);
                why.push(tr.s("sla-why-inbox", "name", inbox));
            }
            if m.channels.is_some() {
                why.push(tr.s("sla-why-channel", "name", labels::channel(tr, conv.channel)));
            }
            if m.priorities.is_some() {
                why.push(tr.s(
                    "sla-why-priority",
                    "name",
                    labels::priority(tr, conv.priority),
                ));
            }
            if let Some(tags) = &m.tags {
                let hit: Vec<&str> = conv
                    .tags
                    .iter()
                    .filter(|t| tags.iter().any(|w| w.eq_ignore_ascii_case(t)))
                    .map(String::as_str)
                    .collect();
                why.push(tr.s("sla-why-tags", "name", hit.join(", ")));
            }
            if why.is_empty() {
                why.push(tr.t("sla-why-all"));
            }
            why
        }
    };
    let counts = match (&e.calendar_name, &e.calendar_timezone) {
        (Some(n), Some(tz)) => tr.args(
            "sla-counts-business",
            &[("name", n.clone().into()), ("tz", tz.clone().into())],
        ),
        _ => tr.t("sla-counts-wall"),
    };
    let mut clocks: Vec<ClockLine> = e
        .clocks
        .iter()
        .rev()
        .take(12)
        .map(|k| ClockLine {
            metric: tr.t(labels::metric_key(k.metric)),
            state: k.state,
            state_label: tr.t(match k.state {
                "running" => "sla-state-running",
                "paused" => "sla-state-paused",
                "fulfilled" => "sla-state-fulfilled",
                _ => "sla-state-cancelled",
            }),
            breached: k.breached_at.is_some(),
            target: tr.duration(k.target_minutes * 60_000),
            due: k
                .due
                .as_deref()
                .and_then(crate::time::parse_ms)
                .map(|d| a.tr.datetime(d, &a.tz))
                .unwrap_or_default(),
            used: tr.duration(k.used_secs * 1000),
            pauses: k
                .pauses
                .iter()
                .map(|(from, to)| {
                    let from = crate::time::parse_ms(from)
                        .map_or_else(String::new, |f| a.tr.datetime(f, &a.tz));
                    let to = to
                        .as_deref()
                        .and_then(crate::time::parse_ms)
                        .map_or_else(|| "…".to_string(), |t| a.tr.datetime(t, &a.tz));
                    format!("{from} – {to}")
                })
                .collect(),
        })
        .collect();
    // Open clocks first, each group newest first.
    clocks.sort_by_key(|k| !matches!(k.state, "running" | "paused"));
    Ok(Some(SlaPanel {
        policy: e
            .policy
            .map(|p| p.name)
            .unwrap_or_else(|| tr.t("sla-no-policy")),
        why,
        counts,
        clocks,
    }))
}
