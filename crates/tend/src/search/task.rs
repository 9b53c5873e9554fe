//! Running the indexer: in the background of `tend serve` (woken by the
//! bus after each commit, polling once a second for other nodes' writes),
//! and once in the foreground for `tend reindex`.

use std::time::{Duration, Instant};

use super::indexer::Indexer;
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
/// Indexing buffer of the live indexer.
const LIVE_HEAP_BYTES: usize = 32_000_000;

/// The indexer of this node, until the shutdown (a task of
/// `crate::tasks`): a step in progress finishes (uncommitted work is
/// dropped and redone at the next start), then the index is released.
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let mut bus = st.bus.subscribe();
    let mut warned = false;
    let mut indexer = loop {
        match Indexer::open(&st, 1, LIVE_HEAP_BYTES).await {
            Ok(i) => break i,
            Err(e) => {
                if !warned {
                    tracing::warn!(error = %format!("{e:#}"), "search indexing is paused; retrying every 5 s");
                    warned = true;
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = stop.stopped() => return Ok(()),
                }
            }
        }
    };
    loop {
        let started = Instant::now();
        let result = if indexer.needs_rebuild() {
            tracing::info!("building the search index from the database");
            indexer.rebuild(&|_, _| {}, Some(&stop)).await.map(|s| {
                tracing::info!(
                    conversations = s.conversations,
                    messages = s.messages,
                    "search index built"
                );
                false
            })
        } else {
            indexer.step().await
        };
        if stop.is_stopping() {
            break;
        }
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
        tokio::select! {
            r = bus.recv() => {
                if r.is_ok() {
                    // Take the whole burst in one step.
                    while bus.try_recv().is_ok() {}
                }
            }
            _ = tokio::time::sleep(wait) => {}
            _ = stop.stopped() => break,
        }
    }
    if let Err(e) = indexer.close().await {
        tracing::warn!(error = %format!("{e:#}"), "closing the search index");
    }
    Ok(())
}

/// `tend reindex`: rebuilds this node's index from the database, with a
/// progress bar. Refuses while `tend serve` runs on the same data directory.
pub async fn reindex(st: AppState) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut indexer = Indexer::open(&st, threads, 64_000_000 * threads).await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} conversations ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    let started = Instant::now();
    let progress_bar = bar.clone();
    let stats = indexer
        .rebuild(
            &move |done, total| {
                progress_bar.set_length(total);
                progress_bar.set_position(done);
            },
            None,
        )
        .await?;
    bar.finish_and_clear();
    indexer.close().await?;
    st.db.close().await;
    eprintln!(
        "tend: search index rebuilt: {} conversations, {} messages in {:.1}s ({})",
        stats.conversations,
        stats.messages,
        started.elapsed().as_secs_f64(),
        st.search().dir().display()
    );
    Ok(())
}
