//! The bus across nodes (PostgreSQL): each node announces on its own bus
//! (`AppState::bus`) the events that other nodes commit, so that their
//! chat visitors, live inboxes and search index follow every node's
//! writes, not only their own.
//!
//! - **Woken, not polling.** A trigger on `events` notifies the channel
//!   [`CHANNEL`] at each commit that appends events (migration
//!   `postgres/0021_event_notify.sql`), carrying only the highest new id.
//!   [`follow`] listens on one connection of its own and reads the new
//!   events [`GATHER`] after a notification (one read for a burst). It also reads once every [`POLL`] in any case: the
//!   event log is the source of truth and polling the safety net.
//! - **Nothing missed.** The follower keeps a cursor in the log and looks
//!   back [`LOOK_BACK`] ids each time, because an identity id is taken at
//!   insert, not at commit: id 11 can appear before id 10. A lost
//!   listening connection is opened again, and the read that follows it
//!   covers whatever was committed meanwhile.
//! - **Nothing doubled.** Each event id is announced on a node's bus once
//!   (`state::Announced`), by whichever sees it first: the node that wrote
//!   it (right after its commit) or this follower.
//!
//! On SQLite there is one node, and its own bus carries every event.

use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::state::{AppState, BusEvent};
use crate::tasks::Shutdown;
use crate::vocab::EventKind;

/// The notification channel (see the migration).
pub const CHANNEL: &str = "tend_events";
/// Reads of the log without a notification, the safety net.
pub const POLL: Duration = Duration::from_secs(1);
/// How far below the newest event seen each read looks again for events
/// committed late.
pub const LOOK_BACK: i64 = 1000;
/// Events read at most per read.
const BATCH: i64 = 5000;
/// After a notification, the follower waits this long before it reads, so
/// that one read covers the commits of that moment: under a burst of
/// commits it reads the log at most some 100 times a second, not once per
/// commit (each read takes a pooled connection that requests also need).
pub const GATHER: Duration = Duration::from_millis(10);
/// The pause before the listening connection is opened again after it
/// failed to open.
const RECONNECT: Duration = Duration::from_secs(1);
/// The `application_name` of the listening connection, so that an
/// operator (and the tests) can find it in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "tend-bus";

/// Announces other nodes' events on this node's bus, until the shutdown
/// (a task of `crate::tasks`, on PostgreSQL only).
pub async fn follow(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    st.announced.track();
    let mut cursor = last_event_id(&st).await?;
    // What was there before this node started is not news: mark the
    // window the first read looks back over as announced.
    for (id, ..) in read_after(&st, cursor - LOOK_BACK).await? {
        st.announced.first_time(id);
        cursor = cursor.max(id);
    }
    let mut listener: Option<PgListener> = None;
    let mut next_connect = tokio::time::Instant::now();
    // Whether the last attempt to listen failed (warned once, not on every
    // retry during an outage).
    let mut failing = false;
    loop {
        if listener.is_none() && tokio::time::Instant::now() >= next_connect {
            match listen(&st).await {
                Ok(l) => {
                    tracing::info!("listening for other nodes' events");
                    metrics::gauge!("tend_bus_listening").set(1.0);
                    listener = Some(l);
                    failing = false;
                }
                Err(e) => {
                    if !failing {
                        tracing::warn!(error = %e, "cannot listen for other nodes' events; reading the log every second, and trying again every second");
                    }
                    failing = true;
                    next_connect = tokio::time::Instant::now() + RECONNECT;
                }
            }
            // Whatever was committed while nobody listened.
            cursor = announce_new(&st, cursor).await;
        }
        let woken = async {
            match listener.as_mut() {
                Some(l) => Some(l.try_recv().await),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = woken => match r {
                Some(Ok(Some(_))) => {
                    // One read for the commits of the next moment.
                    tokio::time::sleep(GATHER).await;
                    if let Some(l) = listener.as_mut() {
                        while l.next_buffered().is_some() {}
                    }
                }
                // The connection was lost and opened again: read below.
                Some(Ok(None)) => {
                    tracing::info!("the connection listening for other nodes' events was lost and opened again");
                    metrics::counter!("tend_bus_listener_reconnects_total").increment(1);
                }
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "listening for other nodes' events failed; opening it again");
                    metrics::gauge!("tend_bus_listening").set(0.0);
                    metrics::counter!("tend_bus_listener_reconnects_total").increment(1);
                    listener = None;
                }
                None => {}
            },
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.stopped() => return Ok(()),
        }
        cursor = announce_new(&st, cursor).await;
    }
}

/// A listening connection of its own, on [`CHANNEL`].
async fn listen(st: &AppState) -> anyhow::Result<PgListener> {
    let url = &st.config.database_url;
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut l =
        PgListener::connect(&format!("{url}{sep}application_name={APPLICATION_NAME}")).await?;
    l.listen(CHANNEL).await?;
    Ok(l)
}

/// Reads the log after `cursor - LOOK_BACK` and announces each event this
/// node's bus has not carried yet. Answers the new cursor (the highest id
/// seen; unchanged when the read fails, so the next one covers it).
async fn announce_new(st: &AppState, mut cursor: i64) -> i64 {
    loop {
        let rows = match read_after(st, cursor - LOOK_BACK).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "reading other nodes' events");
                return cursor;
            }
        };
        let more = rows.len() as i64 == BATCH;
        cursor = announce(st, rows, cursor);
        if !more {
            return cursor;
        }
    }
}

/// Announces the events of `rows` not announced yet; answers the highest
/// id seen.
fn announce(st: &AppState, rows: Vec<(i64, i64, i64, String)>, cursor: i64) -> i64 {
    let top = rows.last().map_or(cursor, |r| r.0.max(cursor));
    let mut announced = Vec::new();
    for (event_id, conversation_id, inbox_id, kind) in rows {
        // A kind this version does not know (a newer node wrote it): its
        // listeners have nothing to do with it.
        let Ok(kind) = EventKind::parse("kind", &kind) else {
            continue;
        };
        announced.push(BusEvent {
            event_id,
            conversation_id,
            inbox_id,
            kind,
            posted: None,
            remote: true,
        });
    }
    let n = st.publish(announced);
    if n > 0 {
        metrics::counter!("tend_bus_followed_events_total").increment(n as u64);
    }
    top
}

async fn last_event_id(st: &AppState) -> crate::Result<i64> {
    let (id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(st.db.pool())
        .await?;
    Ok(id)
}

/// Events with an id above `after`: (id, conversation, its inbox, kind).
async fn read_after(st: &AppState, after: i64) -> crate::Result<Vec<(i64, i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.conversation_id, c.inbox_id, e.kind FROM events e \
         JOIN conversations c ON c.id = e.conversation_id \
         WHERE e.id > $1 ORDER BY e.id LIMIT $2",
    )
    .bind(after)
    .bind(BATCH)
    .fetch_all(st.db.pool())
    .await?)
}

/// The ids a pass of a follower that writes what it derives reads next,
/// `(after, up_to]`, from its cursor and the log's head: at most `batch`
/// new ids and, on PostgreSQL, [`LOOK_BACK`] ids below the cursor again
/// (an id is taken at insert, not at commit). `None`: nothing to read
/// (on PostgreSQL a pass the bus woke looks back even then).
pub fn window(cursor: i64, head: i64, batch: i64, pg: bool, woken: bool) -> Option<(i64, i64)> {
    if head <= cursor && !(pg && woken) {
        return None;
    }
    let up_to = head.min(cursor + batch).max(cursor);
    let after = if pg {
        (cursor - LOOK_BACK).max(0)
    } else {
        cursor
    };
    Some((after, up_to))
}

/// How a follower of the event log that writes what it derives (the
/// reports projection, customer health) paces its passes.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Under load, a pass starts at most this long after the previous one,
    /// so that one pass covers the commits of that moment.
    pub gather: Duration,
    /// A pass this often when the bus is quiet (the safety net).
    pub poll: Duration,
}

/// Runs `pass` (answering whether more waits) after every write announced
/// on this node's bus, paced by `pace`, until the shutdown. `pass` is told
/// whether the bus woke it (on PostgreSQL also at the start: events may
/// have been committed late below its cursor). `what` names the follower
/// in the log line of a failed pass, which is retried at the next wake.
pub async fn paced<F, Fut>(
    st: &AppState,
    stop: &Shutdown,
    pace: Pace,
    what: &'static str,
    mut pass: F,
) -> anyhow::Result<()>
where
    F: FnMut(bool) -> Fut,
    Fut: std::future::Future<Output = crate::Result<bool>>,
{
    use tokio::sync::broadcast::error::{RecvError, TryRecvError};
    let mut bus = st.bus.subscribe();
    let mut woken = st.db.backend() == crate::db::Backend::Postgres;
    loop {
        let started = tokio::time::Instant::now();
        match pass(woken).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "{what} could not follow the event log; retrying");
            }
        }
        woken = tokio::select! {
            r = bus.recv() => {
                if matches!(r, Err(RecvError::Closed)) {
                    tokio::time::sleep(pace.poll).await;
                }
                tokio::time::sleep_until(started + pace.gather).await;
                // One pass for everything announced meanwhile.
                while let Ok(_) | Err(TryRecvError::Lagged(_)) = bus.try_recv() {}
                true
            }
            () = tokio::time::sleep(pace.poll) => false,
            () = stop.stopped() => return Ok(()),
        };
    }
}
