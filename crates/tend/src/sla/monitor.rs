//! Every channel answered: the conversations whose customer has waited
//! past `unanswered_after_minutes` without a public reply, per channel and
//! inbox, with how many agents who may answer them are online; when none
//! is, it says so rather than leave them queueing in silence. Shown at
//! `/monitor`, answered by `GET /api/v1/monitor/unanswered`, and kept in
//! the gauges `tend_unanswered_conversations{channel, inbox}` and
//! `tend_unanswered_nobody_online{channel, inbox}` by the `unanswered`
//! task.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;

use crate::Result;
use crate::agents::Viewer;
use crate::state::AppState;
use crate::tasks::Shutdown;
use crate::time::rfc3339;
use crate::vocab::Channel;

/// One channel of one inbox with unanswered customers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unanswered {
    /// The channel.
    pub channel: Channel,
    /// The inbox.
    pub inbox_id: i64,
    /// Its name.
    pub inbox_name: String,
    /// Conversations waiting past the threshold.
    pub count: i64,
    /// When the longest wait began, RFC 3339.
    pub waiting_since: String,
    /// How long that is, in seconds.
    pub longest_wait_secs: i64,
    /// Agents online who may answer (the inbox's teams, admins and
    /// supervisors).
    pub agents_online: i64,
    /// Nobody who may answer is online.
    pub nobody_online: bool,
}

/// The monitor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Monitor {
    /// The threshold, in minutes.
    pub after_minutes: i64,
    /// Channels of inboxes with customers waiting past it, the longest
    /// wait first.
    pub items: Vec<Unanswered>,
}

/// What is unanswered in the inboxes the viewer may see.
pub async fn unanswered(st: &AppState, viewer: &Viewer) -> Result<Monitor> {
    let now = st.clock.now_ms();
    let after = i64::try_from(st.config.unanswered_after.as_millis()).unwrap_or(i64::MAX);
    let rows = crate::conversations::service::unanswered(st, viewer, now - after).await?;
    let (online, names) = {
        let mut c = st.db.pool().acquire().await?;
        let online: HashMap<i64, i64> = crate::routing::service::online_per_inbox_in(&mut c)
            .await?
            .into_iter()
            .collect();
        let names: HashMap<i64, String> = crate::inboxes::service::names_in(&mut c)
            .await?
            .into_iter()
            .collect();
        (online, names)
    };
    let everywhere = online.get(&0).copied().unwrap_or(0);
    let mut items: Vec<Unanswered> = rows
        .into_iter()
        .map(|(channel, inbox_id, count, since)| {
            let agents_online = online.get(&inbox_id).copied().unwrap_or(0) + everywhere;
            Unanswered {
                channel,
                inbox_id,
                inbox_name: names.get(&inbox_id).cloned().unwrap_or_default(),
                count,
                waiting_since: rfc3339(since),
                longest_wait_secs: (now - since) / 1000,
                agents_online,
                nobody_online: agents_online == 0,
            }
        })
        .collect();
    items.sort_by_key(|u| std::cmp::Reverse(u.longest_wait_secs));
    Ok(Monitor {
        after_minutes: after / 60_000,
        items,
    })
}

/// How often the gauges are refreshed.
const EVERY: Duration = Duration::from_secs(30);

/// Sets the gauges from the monitor; `shown` holds what the last call
/// showed (reset to zero once it is answered).
pub async fn publish_gauges(st: &AppState, shown: &mut HashSet<(Channel, i64)>) -> Result<()> {
    let m = unanswered(st, &Viewer::system()).await?;
    let mut now_shown = HashSet::new();
    for u in &m.items {
        let labels = [
            ("channel", u.channel.as_str().to_string()),
            ("inbox", u.inbox_id.to_string()),
        ];
        metrics::gauge!("tend_unanswered_conversations", &labels).set(u.count as f64);
        metrics::gauge!("tend_unanswered_nobody_online", &labels).set(if u.nobody_online {
            1.0
        } else {
            0.0
        });
        now_shown.insert((u.channel, u.inbox_id));
    }
    // What was unanswered and no longer is reads zero.
    for (channel, inbox) in shown.difference(&now_shown) {
        let labels = [
            ("channel", channel.as_str().to_string()),
            ("inbox", inbox.to_string()),
        ];
        metrics::gauge!("tend_unanswered_conversations", &labels).set(0.0);
        metrics::gauge!("tend_unanswered_nobody_online", &labels).set(0.0);
    }
    *shown = now_shown;
    Ok(())
}

/// Keeps the gauges current (a task of `crate::tasks`).
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    let mut shown = HashSet::new();
    loop {
        if let Err(e) = publish_gauges(&st, &mut shown).await {
            tracing::warn!(error = %e, "the unanswered monitor could not read");
        }
        tokio::select! {
            () = tokio::time::sleep(EVERY) => {}
            () = shutdown.stopped() => return Ok(()),
        }
    }
}
