//! Snooze: an agent puts a conversation aside as pending until a time.
//! The snooze job ([`wake_due`], task `snooze`) opens it again when the
//! time comes, for its owner; the notifications follower tells the owner
//! (or the agent who snoozed it, when it has no owner) from the
//! `unsnoozed` event. A snooze lasts only while the conversation is
//! pending (`Status::keeps_snooze`): whatever moves it out of pending
//! ends the snooze through [`end_in`], with its event.

use std::time::Duration;

use serde_json::json;
use sqlx::AnyConnection;

use super::model::Conversation;
use super::repo::{self, ConvRow, EventActor};
use super::service::enter_status;
use super::service_levels::{Was, Wrote, track_in};
use super::status::Status;
use super::timeline::{Timeline, actor_of};
use crate::agents::Viewer;
use crate::jobs::Job;
use crate::jobs::service::{Pass, ready_sql};
use crate::state::{AppState, BusEvent};
use crate::tasks::Shutdown;
use crate::time::rfc3339;
use crate::vocab::EventKind;
use crate::{Error, Result};

/// The furthest a snooze may reach.
pub const MAX_AHEAD_MS: i64 = 366 * 24 * 3_600_000;
/// The snooze job looks at least this often (snoozes set on other nodes).
pub const POLL: Duration = Duration::from_secs(5);
/// Conversations woken per batch.
const BATCH: i64 = 200;

/// Why a snooze ended (`unsnoozed`'s `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Its time came.
    Due,
    /// The customer wrote.
    CustomerReplied,
    /// An agent or a rule moved it out of pending.
    StatusChanged,
}

impl Ended {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ended::Due => "due",
            Ended::CustomerReplied => "customer_replied",
            Ended::StatusChanged => "status_changed",
        }
    }
}

/// Reads a snooze's end: an RFC 3339 instant, or a local date and time
/// (`2026-12-08T09:00`, what a `datetime-local` field sends) in `tz` (an
/// IANA name; UTC when none or unknown). A local time that a DST change
/// skips is taken as the instant after the gap.
pub fn parse_until(s: &str, tz: Option<&str>) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.as_millisecond());
    }
    let local: jiff::civil::DateTime = s.parse().ok()?;
    let zone = tz
        .and_then(|z| jiff::tz::TimeZone::get(z).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let z = local.to_zoned_datetime(zone).ok()?;
    Some(z.timestamp().as_millisecond())
}

/// Checks a snooze's end time at `now`: in the future, within a year.
pub fn check_until(until: i64, now: i64) -> Result<()> {
    if until <= now {
        return Err(Error::invalid("until", "the snooze must end in the future"));
    }
    if until > now + MAX_AHEAD_MS {
        return Err(Error::invalid(
            "until",
            "a snooze may last at most a year; pick an earlier time",
        ));
    }
    Ok(())
}

/// Snoozes conversation `id` until `until` (ms): it becomes pending (with
/// its `status_changed` event when it was not) and gets a `snoozed`
/// event. Snoozing a snoozed conversation moves its end.
#[tracing::instrument(skip_all, fields(conversation_id = id, user_id = ?viewer.user_id))]
pub async fn snooze(st: &AppState, viewer: &Viewer, id: i64, until: i64) -> Result<Conversation> {
    let now = st.clock.now_ms();
    check_until(until, now)?;
    let v = viewer.clone();
    let events = st
        .db
        .write(move |c| Box::pin(async move { snooze_in(c, &v, id, until, now).await }))
        .await?;
    st.publish(events);
    super::reading::get(st, viewer, id).await
}

async fn snooze_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    until: i64,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let mut row = repo::get_for_update(c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let from = row.status();
    if !from.may_snooze() {
        return Err(Error::conflict(
            "cannot_snooze",
            format!(
                "a {} conversation cannot be snoozed; reopen it first",
                from.as_str()
            ),
            json!({"field": "status", "status": from.as_str()}),
        ));
    }
    let actor = actor_of(viewer);
    let was = Was::of(&row);
    let mut tl = Timeline::new(id, row.inbox_id, now);
    if from != Status::Pending {
        enter_status(&mut row, Status::Pending, now);
        tl.add(
            c,
            EventKind::StatusChanged,
            &actor,
            json!({"from": from.as_str(), "to": "pending", "reason": "snoozed"}),
        )
        .await?;
    }
    row.snoozed_until = Some(until);
    row.snoozed_by = viewer.user_id;
    row.updated_at = now;
    tl.add(
        c,
        EventKind::Snoozed,
        &actor,
        json!({"until": rfc3339(until), "by": viewer.user_id}),
    )
    .await?;
    repo::update(c, &row).await?;
    track_in(c, &mut tl, Some(was), &row, Wrote::Nothing, now).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    Ok(tl.added)
}

/// Ends the snooze of `row` when its status no longer keeps one
/// (`Status::keeps_snooze`), with the `unsnoozed` event. Every change
/// that moves a conversation out of pending calls it after the move; the
/// caller writes the row.
pub(super) async fn end_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    row: &mut ConvRow,
    actor: &EventActor,
    why: Ended,
) -> Result<()> {
    let Some(until) = row.snoozed_until else {
        return Ok(());
    };
    if row.status().keeps_snooze() {
        return Ok(());
    }
    tl.add(
        c,
        EventKind::Unsnoozed,
        actor,
        json!({"until": rfc3339(until), "reason": why.as_str(), "by": row.snoozed_by,
               "owner": row.assignee_id}),
    )
    .await?;
    row.snoozed_until = None;
    row.snoozed_by = None;
    Ok(())
}

/// Opens every conversation whose snooze is due, each in its own
/// transaction (a failing one backs off and is parked, see `crate::jobs`).
/// Answers how many it woke.
pub async fn wake_due(st: &AppState) -> Result<usize> {
    let pass = Pass::start(st, Job::Snooze).await?;
    let mut woke = 0;
    loop {
        let now = st.clock.now_ms();
        let due = {
            let mut c = st.db.pool().acquire().await?;
            repo::snoozes_due(
                &mut c,
                now,
                BATCH,
                &ready_sql(Job::Snooze, "conversations.id", now),
            )
            .await?
        };
        let n = due.len();
        for id in due {
            let one = st.db.write(move |c| Box::pin(wake_in(c, id, now)));
            if let Some(events) = pass.run(st, id, one).await {
                woke += usize::from(!events.is_empty());
                st.publish(events);
            }
        }
        if n < BATCH as usize || pass.failures() >= n {
            break;
        }
    }
    if woke > 0 {
        metrics::counter!("tend_snoozes_ended_total").increment(woke as u64);
    }
    Ok(woke)
}

/// Wakes one conversation when its snooze is still due (another node, or
/// a customer's message, may have ended it meanwhile).
async fn wake_in(c: &mut AnyConnection, id: i64, now: i64) -> Result<Vec<BusEvent>> {
    let Some(mut row) = repo::get_for_update(c, &Viewer::system(), id).await? else {
        return Ok(Vec::new());
    };
    if row.snoozed_until.is_none_or(|at| at > now) {
        return Ok(Vec::new());
    }
    let was = Was::of(&row);
    let mut tl = Timeline::new(id, row.inbox_id, now);
    let from = row.status();
    if from == Status::Pending {
        enter_status(&mut row, Status::Open, now);
        tl.add(
            c,
            EventKind::StatusChanged,
            &EventActor::SYSTEM,
            json!({"from": "pending", "to": "open", "reason": "snooze_ended"}),
        )
        .await?;
    }
    end_in(c, &mut tl, &mut row, &EventActor::SYSTEM, Ended::Due).await?;
    if row.snoozed_until.is_some() {
        // Not pending, yet snoozed (written before this rule): just let go.
        row.snoozed_until = None;
        row.snoozed_by = None;
    }
    row.updated_at = now;
    repo::update(c, &row).await?;
    track_in(c, &mut tl, Some(was), &row, Wrote::Nothing, now).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    Ok(tl.added)
}

/// The snooze job (a task of `crate::tasks`): sleeps until the earliest
/// snooze ends, at most [`POLL`].
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    loop {
        let wait = match next_wait(&st).await {
            Ok(w) if w.is_zero() => match wake_due(&st).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => Duration::from_millis(200),
                Err(e) => {
                    tracing::warn!(error = %e, "the snooze job's pass failed; retrying");
                    POLL
                }
            },
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(error = %e, "the snooze job could not read the next snooze");
                POLL
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = stop.stopped() => return Ok(()),
        }
    }
}

async fn next_wait(st: &AppState) -> Result<Duration> {
    let mut c = st.db.pool().acquire().await?;
    let now = st.clock.now_ms();
    Ok(match repo::next_snooze_end(&mut c).await? {
        Some(at) if at <= now => Duration::ZERO,
        Some(at) => Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(POLL),
        None => POLL,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_is_read_in_the_agents_zone() {
        let utc = parse_until("2026-12-08T09:00:00Z", Some("Asia/Tokyo")).unwrap();
        assert_eq!(
            parse_until("2026-12-08T18:00", Some("Asia/Tokyo")),
            Some(utc)
        );
        assert_eq!(
            parse_until("2026-12-08T11:00", Some("Europe/Riga")),
            Some(utc)
        );
        assert_eq!(parse_until("2026-12-08T09:00", None), Some(utc));
        assert_eq!(
            parse_until("2026-12-08T09:00", Some("Mars/Base")),
            Some(utc)
        );
        assert_eq!(parse_until("tomorrow", None), None);
    }

    #[test]
    fn a_snooze_ends_in_the_future_within_a_year() {
        assert!(check_until(1_001, 1_000).is_ok());
        assert!(check_until(1_000, 1_000).is_err());
        assert!(check_until(1_000 + MAX_AHEAD_MS, 1_000).is_ok());
        let e = check_until(1_001 + MAX_AHEAD_MS, 1_000).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
    }
}
