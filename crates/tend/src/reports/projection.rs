//! The projection: the report buckets, kept up to date from the event log.
//!
//! A pass reads the events after its cursor (at most [`BATCH`]), takes the
//! conversations they belong to, measures each whole conversation again
//! ([`super::metrics::measure`]), compares with what it stored for it
//! last time, and adds the difference to the buckets; the stored
//! measurements and the cursor move in the same transaction. A pass is
//! therefore idempotent: replaying events, a restart, or a conversation
//! measured twice changes nothing. On PostgreSQL an id is taken at insert,
//! not at commit, so each pass also measures again the conversations of
//! the `bus::LOOK_BACK` ids below the cursor (`bus::window`) (that costs reads, never a
//! double count).
//!
//! A measurement that completes later (an answer days after the message)
//! lands in the hour it completed, so old hours do not change except when
//! a conversation's attribution changes (its tags, its language).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use sqlx::AnyConnection;
use tend_calendar::Calendar;

use super::histogram::bin_of;
use super::metrics::measure;
use super::model::Dimension;
use super::repo::{self, BucketKey, Stored};
use crate::Result;
use crate::conversations::history;
use crate::db::{Backend, is_postgres};
use crate::sla::clock::Time;
use crate::state::AppState;
use crate::tasks::Shutdown;

/// Events read per pass.
pub const BATCH: i64 = 500;
/// The task reads the log this often when the bus is quiet.
pub const POLL: Duration = Duration::from_secs(1);
/// Under load, a pass starts at most this long after the previous one,
/// so that one pass (one write on the single writer) covers the commits
/// of that moment rather than one each; a quiet desk's change is measured
/// at once.
pub const GATHER: Duration = Duration::from_millis(50);
/// Conversations per transaction of a rebuild.
const REBUILD_PAGE: i64 = 200;
/// Milliseconds per bucket.
pub const HOUR_MS: i64 = 3_600_000;

/// One pass; answers whether more events wait. Nothing is written while
/// the log has nothing new (a quiet desk costs one read a second).
pub async fn pass(st: &AppState, woken: bool) -> Result<bool> {
    let pg = st.db.backend() == Backend::Postgres;
    if !(pg && woken) {
        let mut c = st.db.pool().acquire().await?;
        if history::last_event_id_in(&mut c).await? <= repo::cursor(&mut c).await? {
            return Ok(false);
        }
    }
    st.db
        .write(move |c| Box::pin(async move { pass_in(c, woken).await }))
        .await
}

async fn pass_in(c: &mut AnyConnection, woken: bool) -> Result<bool> {
    let cursor = repo::lock_cursor(c).await?;
    let head = history::last_event_id_in(c).await?;
    let pg = is_postgres(c);
    let Some((lo, hi)) = crate::bus::window(cursor, head, BATCH, pg, woken) else {
        return Ok(false);
    };
    let ids = history::touched_between_in(c, lo, hi).await?;
    measure_in(c, &ids).await?;
    repo::set_cursor(c, hi).await?;
    Ok(hi < head)
}

/// Measures these conversations again and stores the difference.
async fn measure_in(c: &mut AnyConnection, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let calendars: BTreeMap<i64, Calendar> = crate::calendars::service::all_in(c)
        .await?
        .into_iter()
        .collect();
    let inbox_calendar: HashMap<i64, i64> = crate::inboxes::service::calendars_in(c)
        .await?
        .into_iter()
        .collect();
    let time_of = |inbox: i64| {
        inbox_calendar
            .get(&inbox)
            .and_then(|k| calendars.get(k))
            .map_or(Time::Wall, Time::Business)
    };
    let mut new: BTreeMap<i64, Vec<Stored>> = BTreeMap::new();
    for h in history::histories_in(c, ids).await? {
        let facts = measure(&h, &time_of);
        new.insert(
            h.conversation_id,
            facts
                .into_iter()
                .map(|fact| Stored {
                    conversation_id: h.conversation_id,
                    fact,
                    language: h.language.clone(),
                    tags: h.tags.clone(),
                })
                .collect(),
        );
    }
    let mut old: BTreeMap<i64, Vec<Stored>> = BTreeMap::new();
    for s in repo::facts_of(c, ids).await? {
        old.entry(s.conversation_id).or_default().push(s);
    }
    let mut deltas: HashMap<BucketKey, (i64, i64)> = HashMap::new();
    let mut changed = Vec::new();
    let mut rows: Vec<&Stored> = Vec::new();
    let none = Vec::new();
    for id in ids {
        let mut was: Vec<&Stored> = old.get(id).unwrap_or(&none).iter().collect();
        let mut now: Vec<&Stored> = new.get(id).unwrap_or(&none).iter().collect();
        let order = |s: &&Stored| (s.fact.metric.as_str(), s.fact.seq);
        was.sort_by_key(order);
        now.sort_by_key(order);
        if was == now {
            continue;
        }
        changed.push(*id);
        for s in &was {
            contribute(&mut deltas, s, -1);
        }
        for s in &now {
            contribute(&mut deltas, s, 1);
        }
        rows.extend(now);
    }
    repo::replace_facts(c, &changed, &rows).await?;
    let mut deltas: Vec<(&BucketKey, (i64, i64))> = deltas
        .iter()
        .filter(|(_, d)| **d != (0, 0))
        .map(|(k, d)| (k, *d))
        .collect();
    // In key order, so concurrent writers (PostgreSQL) lock rows alike.
    deltas.sort_by(|a, b| a.0.cmp(b.0));
    repo::add_to_buckets(c, &deltas).await?;
    Ok(())
}

/// The groups a stored measurement counts in, per dimension.
fn groups(s: &Stored, d: Dimension) -> Vec<String> {
    let f = &s.fact;
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    match d {
        Dimension::Agent => vec![id(f.agent_id)],
        Dimension::Team => vec![id(f.team_id)],
        Dimension::Inbox => vec![f.inbox_id.to_string()],
        Dimension::Channel => vec![f.channel.as_str().to_string()],
        Dimension::Language => vec![s.language.clone().unwrap_or_default()],
        Dimension::Tag if s.tags.is_empty() => vec![String::new()],
        Dimension::Tag => s.tags.clone(),
    }
}

/// The metric names a measurement is summed under: its metric, and for a
/// service level also `sla_attainment:<target>`.
pub fn metric_keys(s: &super::metrics::Fact) -> Vec<String> {
    let mut keys = vec![s.metric.as_str().to_string()];
    if !s.detail.is_empty() {
        keys.push(format!("{}:{}", s.metric.as_str(), s.detail));
    }
    keys
}

fn contribute(deltas: &mut HashMap<BucketKey, (i64, i64)>, s: &Stored, sign: i64) {
    let f = &s.fact;
    let hour = f.at.div_euclid(HOUR_MS);
    let mut values = vec![(0, f.value)];
    if let Some(b) = f.business {
        values.push((1, b));
    }
    for metric in metric_keys(f) {
        for d in Dimension::ALL {
            for grp in groups(s, *d) {
                for (business, v) in &values {
                    let key = (
                        metric.clone(),
                        d.as_str(),
                        *business,
                        grp.clone(),
                        hour,
                        bin_of(*v),
                    );
                    let e = deltas.entry(key).or_default();
                    e.0 += sign;
                    e.1 += sign * v;
                }
            }
        }
    }
}

/// Passes until the log is read to its end (the CLI, and tests instead of
/// waiting for the task).
pub async fn catch_up(st: &AppState) -> Result<()> {
    while pass(st, true).await? {}
    Ok(())
}

/// Forgets every report figure and measures every conversation again,
/// calling `progress` with the number measured so far; events written
/// meanwhile are followed as usual.
pub async fn rebuild(st: &AppState, progress: impl Fn(u64)) -> Result<()> {
    st.db
        .write(|c| {
            Box::pin(async move {
                repo::lock_cursor(c).await?;
                let head = history::last_event_id_in(c).await?;
                repo::reset(c, head).await
            })
        })
        .await?;
    let mut after = 0;
    let mut done = 0;
    let scoring = crate::health::service::Scoring::of(st);
    loop {
        let ids = {
            let mut c = st.db.pool().acquire().await?;
            history::conversation_ids_after_in(&mut c, after, REBUILD_PAGE).await?
        };
        let Some(&last) = ids.last() else {
            break;
        };
        let n = ids.len() as u64;
        let scoring = scoring.clone();
        st.db
            .write(move |c| {
                Box::pin(async move {
                    repo::lock_cursor(c).await?;
                    measure_in(c, &ids).await?;
                    crate::health::service::refresh_in(c, &ids, &scoring).await
                })
            })
            .await?;
        after = last;
        done += n;
        progress(done);
    }
    catch_up(st).await
}

/// How many conversations a rebuild measures.
pub async fn conversations(st: &AppState) -> Result<u64> {
    let mut c = st.db.pool().acquire().await?;
    Ok(u64::try_from(history::count_in(&mut c).await?).unwrap_or(0))
}

/// The projection's cursor.
pub async fn cursor(st: &AppState) -> Result<i64> {
    let mut c = st.db.pool().acquire().await?;
    repo::cursor(&mut c).await
}

/// The task (of `crate::tasks`): a pass after every write announced on the
/// bus (at most every [`GATHER`]), and every [`POLL`] when it is quiet.
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let pace = crate::bus::Pace {
        gather: GATHER,
        poll: POLL,
    };
    crate::bus::paced(&st, &stop, pace, "the reports projection", |woken| {
        pass(&st, woken)
    })
    .await
}
