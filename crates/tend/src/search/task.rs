//! Running the indexer: in the background of `tend serve` (woken by the
//! bus after each commit, polling once a second for other nodes' writes),
//! and once in the foreground for `tend reindex`.

use std::time::{Duration, Instant};

use super::indexer::{Indexer, RebuildStats};
use crate::state::AppState;
use crate::tasks::Shutdown;

/// Polling interval when the bus is quiet (writes from other nodes).
const POLL: Duration = Duration::from_secs(1);
/// Least time between the starts of two steps that found something, unless
/// a backlog is waiting. Each step ends in a tantivy commit (new segment
/// files, syncs, a reader reload); under load, one commit per burst of
/// writes cost more than the documents themselves. Pacing the steps lets
/// a commit carry everything written in the last half second, while a
/// change after a quiet spell is still indexed at once. A new event is
/// searchable within this pause plus the time to index it.
const MIN_STEP_INTERVAL: Duration = Duration::from_millis(500);
/// After this long with nothing to index, the live indexer lets go of its
/// writer (its buffer and threads) and of the mapped index files, and
/// opens them again at the next write: a quiet server gives back what an
/// ingest or a burst of searches took.
const RELEASE_AFTER: Duration = crate::db::IDLE;
/// While released, how often the log is looked at anyway (the bus wakes
/// the indexer for every write, this node's and, through the bus's own
/// polling, other nodes').
const RELEASED_POLL: Duration = Duration::from_secs(30);
/// Indexing buffer of the live indexer (at most half the configured
/// `search_memory_mb`).
const LIVE_HEAP_BYTES: usize = 32_000_000;
/// Least indexing buffer of one writer thread (tantivy's floor is 15 MB).
const MIN_THREAD_HEAP: usize = 16_000_000;

/// The writer's threads and buffer for a build under the configured memory
/// budget: half of it for the writer's buffers (at least 16 MB a thread),
/// the rest for the pages of conversations read from the database, the
/// segments being merged and the allocator's slack.
fn build_writer(st: &AppState) -> (usize, usize) {
    let heap = st.config.search_memory_bytes / 2;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let threads = (heap / MIN_THREAD_HEAP).clamp(1, cores);
    (threads, heap.max(threads * MIN_THREAD_HEAP))
}

/// Logs what a build did.
fn log_built(s: &RebuildStats) {
    tracing::info!(
        conversations = s.conversations,
        messages = s.messages,
        resumed_after = s.resumed.map(|b| b.after),
        "search index built"
    );
}

/// The indexer of this node, until the shutdown (a task of
/// `crate::tasks`): a step in progress finishes (uncommitted work is
/// dropped and redone at the next start), then the index is released.
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let mut bus = st.bus.subscribe();
    let Some(mut indexer) = open_live(&st, &stop).await else {
        return Ok(());
    };
    let mut last_work = Instant::now();
    loop {
        let started = Instant::now();
        let result = if indexer.needs_rebuild() {
            match indexer.interrupted_build() {
                Some(b) => tracing::info!(
                    after = b.after,
                    conversations = b.conversations,
                    "resuming the search index build"
                ),
                None => tracing::info!("building the search index from the database"),
            }
            match indexer.rebuild(&|_, _| {}, Some(&stop)).await {
                Ok(s) => {
                    log_built(&s);
                    // The build's writer and merges mapped every segment:
                    // start afresh, so those pages are not kept resident.
                    indexer.close().await?;
                    st.search().forget();
                    let Some(fresh) = open_live(&st, &stop).await else {
                        return Ok(());
                    };
                    indexer = fresh;
                    Ok(false)
                }
                Err(e) => Err(e),
            }
        } else {
            indexer.step().await
        };
        if stop.is_stopping() {
            break;
        }
        if matches!(result, Ok(true)) || indexer.committed_last_step() {
            last_work = Instant::now();
        }
        let quiet = matches!(result, Ok(false)) && !indexer.waits_on_gap();
        let wait = match result {
            Ok(true) => {
                tokio::task::yield_now().await;
                continue;
            }
            Ok(false) if indexer.waits_on_gap() => Duration::from_millis(200),
            Ok(false) => POLL,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "search indexing failed; retrying");
                POLL
            }
        };
        if indexer.committed_last_step() {
            // Let the next burst of writes gather (the bus keeps its wake-ups).
            tokio::select! {
                _ = tokio::time::sleep_until((started + MIN_STEP_INTERVAL).into()) => {}
                _ = stop.stopped() => break,
            }
        }
        let release = tokio::select! {
            r = bus.recv() => {
                if r.is_ok() {
                    // Take the whole burst in one step.
                    while bus.try_recv().is_ok() {}
                }
                false
            }
            _ = tokio::time::sleep(wait) => false,
            _ = tokio::time::sleep_until((last_work + RELEASE_AFTER).into()), if quiet => true,
            _ = stop.stopped() => break,
        };
        if release {
            indexer.close().await?;
            st.search().forget();
            tracing::debug!("search indexer idle: writer and index files released");
            tokio::select! {
                _ = bus.recv() => while bus.try_recv().is_ok() {},
                _ = tokio::time::sleep(RELEASED_POLL) => {}
                _ = stop.stopped() => return Ok(()),
            }
            let Some(fresh) = open_live(&st, &stop).await else {
                return Ok(());
            };
            indexer = fresh;
            last_work = Instant::now();
        }
    }
    if let Err(e) = indexer.close().await {
        tracing::warn!(error = %format!("{e:#}"), "closing the search index");
    }
    Ok(())
}

/// The live indexer, retried every 5 s while the index cannot be opened
/// (another process holds it); `None` once the shutdown came first.
async fn open_live(st: &AppState, stop: &Shutdown) -> Option<Indexer> {
    let mut warned = false;
    loop {
        let heap = LIVE_HEAP_BYTES.min(st.config.search_memory_bytes / 2);
        match Indexer::open(st, 1, heap).await {
            Ok(i) => return Some(i),
            Err(e) => {
                if !warned {
                    tracing::warn!(error = %format!("{e:#}"), "search indexing is paused; retrying every 5 s");
                    warned = true;
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = stop.stopped() => return None,
                }
            }
        }
    }
}

/// Builds (or goes on building) the index in the foreground with a
/// progress bar, under the configured memory budget.
async fn build_with_bar(indexer: &mut Indexer) -> anyhow::Result<RebuildStats> {
    let bar = crate::telemetry::progress_bar("conversations", 0);
    let progress_bar = bar.clone();
    let stats = indexer
        .rebuild(
            &move |done, total| {
                progress_bar.set_length(total);
                progress_bar.set_position(done);
            },
            None,
        )
        .await;
    bar.finish_and_clear();
    stats
}

fn report_built(st: &AppState, stats: &RebuildStats, started: Instant) {
    let resumed = stats.resumed.map_or(String::new(), |b| {
        format!(
            ", going on after conversation {} (an earlier build had done {})",
            b.after, b.conversations
        )
    });
    eprintln!(
        "tend: search index built: {} conversations, {} messages in {:.1}s{resumed} ({})",
        stats.conversations,
        stats.messages,
        started.elapsed().as_secs_f64(),
        st.search().dir().display()
    );
}

/// `tend reindex`: rebuilds this node's index from the database, with a
/// progress bar (or goes on with a build that was interrupted). Refuses
/// while `tend serve` runs on the same data directory.
pub async fn reindex(st: AppState) -> anyhow::Result<()> {
    let (threads, heap) = build_writer(&st);
    let mut indexer = Indexer::open(&st, threads, heap).await?;
    let started = Instant::now();
    let stats = build_with_bar(&mut indexer).await?;
    indexer.close().await?;
    st.db.close().await;
    report_built(&st, &stats, started);
    Ok(())
}

/// After `tend demo seed`: brings this node's index up to date with the
/// database in the foreground (a build when there is no index yet,
/// otherwise the new events), so that the first `tend serve` has nothing
/// heavy to do. While a server holds the index, leaves the work to it.
pub async fn catch_up(st: &AppState) -> anyhow::Result<()> {
    let (threads, heap) = build_writer(st);
    let mut indexer = match Indexer::open(st, threads, heap).await {
        Ok(i) => i,
        Err(e)
            if e.downcast_ref::<tend_search::Error>()
                .is_some_and(|e| matches!(e, tend_search::Error::Locked)) =>
        {
            eprintln!(
                "tend: a running server holds the search index; it indexes the new conversations itself"
            );
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let started = Instant::now();
    if indexer.needs_rebuild() {
        let stats = build_with_bar(&mut indexer).await?;
        report_built(st, &stats, started);
    } else {
        let last = crate::conversations::export::last_event_id(st).await?;
        let from = indexer.cursor();
        let bar = crate::telemetry::progress_bar("events", 0);
        bar.set_length(u64::try_from(last - from).unwrap_or(0));
        while indexer.step().await? {
            bar.set_position(u64::try_from(indexer.cursor() - from).unwrap_or(0));
        }
        bar.finish_and_clear();
        eprintln!(
            "tend: search index brought up to date: events {}…{} in {:.1}s",
            from + 1,
            last,
            started.elapsed().as_secs_f64()
        );
    }
    indexer.close().await
}
