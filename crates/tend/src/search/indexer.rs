//! The indexer: follows the `events` table in id order with its own cursor,
//! and writes what changed into this node's index.
//!
//! - **Atomic cursor.** The cursor is stored in the payload of the tantivy
//!   commit that holds the documents it accounts for. After a crash the
//!   index and the cursor are both at the last commit, so indexing resumes
//!   there: nothing is missed. Replaying is harmless: a changed
//!   conversation is deleted and re-added whole, a new message is deleted
//!   by id and re-added, so nothing is ever there twice.
//! - **Fast.** It wakes on the in-process bus after each commit (and polls
//!   once a second for writes made by other nodes), so a new message is
//!   searchable well within a second.
//! - **No gap is skipped blindly.** On PostgreSQL an event id is taken when
//!   the row is inserted, not when it commits, so id 11 can become visible
//!   before id 10. Events past a gap are indexed at once, but the cursor
//!   stops at the gap until the missing id appears or [`GAP_GRACE`] has
//!   passed (a rolled-back transaction leaves a permanent gap). Even then,
//!   the id stays on a watch list, re-checked for [`WATCH_FOR_MS`], so a
//!   very slow transaction is still indexed when it finally commits.
//!   SQLite's single writer never leaves gaps.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use tend_search::{ANALYZER_VERSION, ConversationDoc, SearchIndex, SearchWriter};

use crate::conversations::export::{self, CopyChange, LoggedEvent};
use crate::state::AppState;

mod doc;
use doc::to_doc;

/// Events read per step.
const BATCH: i64 = 1000;
/// Conversations per page when rebuilding.
const REBUILD_PAGE: i64 = 500;
/// A build commits its progress after this many conversations (or
/// [`BUILD_COMMIT_AFTER`], whichever comes first), so that a stop or a
/// crash loses at most that much work, and the writer's memory is handed
/// back to the segment files.
pub const BUILD_COMMIT_CONVERSATIONS: u64 = 5_000;
/// … or after this long.
const BUILD_COMMIT_AFTER: Duration = Duration::from_secs(10);
/// While the log is behind (a step reads a full batch), steps commit at
/// most this often: a commit per 1,000 events cost more than the
/// documents once each conversation brings several events.
const CATCH_UP_COMMIT_AFTER: Duration = Duration::from_secs(1);
/// How long a gap in the event ids may stay open before it is taken for
/// a rolled-back transaction.
pub const GAP_GRACE: Duration = Duration::from_secs(3);
/// How long a gap that was passed is still re-checked.
pub const WATCH_FOR_MS: i64 = 10 * 60 * 1000;
/// Most ids on the watch list (the oldest are dropped first).
const MAX_WATCH: usize = 10_000;
/// How far below the newest event a rebuild looks for transactions still
/// in flight.
const REBUILD_GAP_WINDOW: i64 = 10_000;

/// What is stored with every commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Checkpoint {
    /// [`ANALYZER_VERSION`] the documents were made with.
    analyzer: u32,
    /// Every event with an id up to this one is indexed, or was missing
    /// long enough to be on `watch`.
    cursor: i64,
    /// (event id, re-check until ms): ids the cursor passed while missing.
    watch: Vec<(i64, i64)>,
    /// A build from the database in progress: `cursor` and `watch` are
    /// the log's position when it started, and the events after it are
    /// replayed once every conversation is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    build: Option<Build>,
}

/// How far a build from the database got (committed with the documents).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Build {
    /// Every conversation with an id up to this one is in.
    pub after: i64,
    /// Conversations indexed so far.
    pub conversations: u64,
    /// Messages indexed so far.
    pub messages: u64,
}

/// Follows the event log into the index. One per node; it holds the
/// index writer (a lock file) for as long as it lives.
pub struct Indexer {
    st: AppState,
    index: SearchIndex,
    writer: Arc<Mutex<SearchWriter>>,
    /// `None` until the index has been built from the database.
    checkpoint: Option<Checkpoint>,
    /// Ids above the cursor already indexed (past a gap).
    done_above: BTreeSet<i64>,
    /// Missing ids above the cursor, with when they were first missed.
    gaps: HashMap<i64, Instant>,
    last_watch_check: Option<Instant>,
    /// Whether the last [`Indexer::step`] committed anything.
    committed: bool,
    /// When the writer last committed.
    last_commit: Instant,
    /// Whether steps indexed something that is not committed yet.
    dirty: bool,
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, Default)]
pub struct RebuildStats {
    /// Conversations indexed by this run.
    pub conversations: u64,
    /// Messages indexed by this run.
    pub messages: u64,
    /// Where an earlier, interrupted build had got to (this run went on
    /// from there), if anywhere.
    pub resumed: Option<Build>,
}

impl Indexer {
    /// Opens this node's index for writing. Fails while another process
    /// (a `tend reindex`, or another `tend serve` on the same data
    /// directory) holds it.
    pub async fn open(st: &AppState, threads: usize, heap_bytes: usize) -> anyhow::Result<Indexer> {
        let search = st.search().clone();
        // The writer's threads (tokenising, merging) are started from a
        // thread of low CPU priority and inherit it: requests come first.
        let (index, writer) = tokio::task::spawn_blocking(move || {
            std::thread::spawn(move || {
                crate::tasks::lower_this_thread_priority();
                let index = search.open()?;
                let writer = index.writer(threads, heap_bytes)?;
                Ok::<_, tend_search::Error>((index, writer))
            })
            .join()
            .map_err(|_| anyhow::anyhow!("opening the search index panicked"))
        })
        .await
        .context("opening the search index")???;
        let checkpoint = index
            .payload()?
            .and_then(|p| serde_json::from_str::<Checkpoint>(&p).ok())
            .filter(|c| c.analyzer == ANALYZER_VERSION);
        if let Some(c) = checkpoint.as_ref().filter(|c| c.build.is_none()) {
            st.search().set_indexed_up_to(c.cursor);
        }
        Ok(Indexer {
            st: st.clone(),
            index,
            writer: Arc::new(Mutex::new(writer)),
            checkpoint,
            done_above: BTreeSet::new(),
            gaps: HashMap::new(),
            last_watch_check: None,
            committed: false,
            last_commit: Instant::now(),
            dirty: false,
        })
    }

    /// Whether the index must first be built from the database (new, made
    /// by another version of the analyser, or a build was interrupted).
    pub fn needs_rebuild(&self) -> bool {
        self.checkpoint.as_ref().is_none_or(|c| c.build.is_some())
    }

    /// How far an interrupted build had got, if one was.
    pub fn interrupted_build(&self) -> Option<Build> {
        self.checkpoint.as_ref().and_then(|c| c.build)
    }

    /// The event id up to which everything is indexed.
    pub fn cursor(&self) -> i64 {
        self.checkpoint.as_ref().map_or(0, |c| c.cursor)
    }

    /// Builds the whole index from the database, in pages of conversations,
    /// committing its progress every [`BUILD_COMMIT_CONVERSATIONS`]
    /// conversations (or [`BUILD_COMMIT_AFTER`]): a build that was stopped
    /// or killed goes on from its last commit. Searches see the
    /// conversations built so far. `progress(done, total)` counts
    /// conversations, those of an earlier run included. Stops (keeping
    /// what was committed) when `stop` becomes true; then
    /// [`Indexer::needs_rebuild`] still answers true.
    pub async fn rebuild(
        &mut self,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
        stop: Option<&crate::tasks::Shutdown>,
    ) -> anyhow::Result<RebuildStats> {
        let st = self.st.clone();
        let resumed = self.interrupted_build();
        let mut cp = match (resumed, self.checkpoint.clone()) {
            (Some(_), Some(cp)) => cp,
            _ => {
                // Read the log position first: whatever commits later is
                // either above it, or (PostgreSQL) missing from the window
                // below it now.
                let last = export::last_event_id(&st).await?;
                let floor = (last - REBUILD_GAP_WINDOW).max(0);
                let present: BTreeSet<i64> = export::event_ids_between(&st, floor, last)
                    .await?
                    .into_iter()
                    .collect();
                let until = st.clock.now_ms() + WATCH_FOR_MS;
                let watch: Vec<(i64, i64)> = (floor + 1..=last)
                    .filter(|id| !present.contains(id))
                    .map(|id| (id, until))
                    .rev()
                    .take(MAX_WATCH)
                    .collect();
                self.with_writer(|w| w.delete_all()).await?;
                Checkpoint {
                    analyzer: ANALYZER_VERSION,
                    cursor: last,
                    watch,
                    build: Some(Build::default()),
                }
            }
        };
        let mut build = cp.build.unwrap_or_default();
        let total = u64::try_from(export::count_conversations(&st).await?).unwrap_or(0);
        let mut stats = RebuildStats {
            resumed,
            ..RebuildStats::default()
        };
        let mut since_commit = 0;
        progress(build.conversations, total.max(build.conversations));
        loop {
            if stop.is_some_and(crate::tasks::Shutdown::is_stopping) {
                self.with_writer(|w| w.rollback()).await?;
                anyhow::bail!(
                    "stopped building the search index after conversation {} (it goes on from there)",
                    build.after
                );
            }
            let ids = export::conversation_ids_after(&st, build.after, REBUILD_PAGE).await?;
            let Some(&last_id) = ids.last() else { break };
            let docs: Vec<ConversationDoc> = export::conversations(&st, &ids)
                .await?
                .into_iter()
                .map(to_doc)
                .collect();
            let conversations = docs.len() as u64;
            let messages = docs.iter().map(|d| d.messages.len() as u64).sum::<u64>();
            self.with_writer(move |w| {
                for d in &docs {
                    w.replace_conversation(d)?;
                }
                Ok(())
            })
            .await?;
            build.after = last_id;
            build.conversations += conversations;
            build.messages += messages;
            stats.conversations += conversations;
            stats.messages += messages;
            since_commit += conversations;
            if since_commit >= BUILD_COMMIT_CONVERSATIONS
                || self.last_commit.elapsed() >= BUILD_COMMIT_AFTER
            {
                cp.build = Some(build);
                self.commit(&cp).await?;
                self.checkpoint = Some(cp.clone());
                since_commit = 0;
            }
            progress(build.conversations, total.max(build.conversations));
        }
        cp.build = None;
        self.commit(&cp).await?;
        self.checkpoint = Some(cp);
        self.done_above.clear();
        self.gaps.clear();
        metrics::counter!("tend_search_indexed_messages_total").increment(stats.messages);
        Ok(stats)
    }

    /// Indexes the next events of the log and commits. Answers whether
    /// more are waiting.
    pub async fn step(&mut self) -> anyhow::Result<bool> {
        let Some(mut cp) = self.checkpoint.clone() else {
            anyhow::bail!("the search index must be rebuilt first");
        };
        let st = self.st.clone();
        let now = Instant::now();
        let now_ms = st.clock.now_ms();
        let frontier = self
            .done_above
            .last()
            .copied()
            .unwrap_or(cp.cursor)
            .max(cp.cursor);
        let new = export::events_after(&st, frontier, BATCH).await?;
        let more = new.len() as i64 == BATCH;

        // Gaps above the cursor that have been filled since.
        let gap_ids: Vec<i64> = self.gaps.keys().copied().collect();
        let filled = export::events_by_id(&st, &gap_ids).await?;

        // Ids the cursor passed while missing: re-checked once a second.
        let watch_before = cp.watch.len();
        cp.watch.retain(|&(_, until)| until > now_ms);
        let mut late = Vec::new();
        if !cp.watch.is_empty()
            && self
                .last_watch_check
                .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1))
        {
            self.last_watch_check = Some(now);
            let ids: Vec<i64> = cp.watch.iter().map(|w| w.0).collect();
            late = export::events_by_id(&st, &ids).await?;
            cp.watch.retain(|w| !late.iter().any(|e| e.id == w.0));
        }
        let mut changed = cp.watch.len() != watch_before;

        // Index everything that appeared.
        let todo: Vec<&LoggedEvent> = new.iter().chain(&filled).chain(&late).collect();
        if !todo.is_empty() {
            let messages = self.index_events(&todo).await?;
            metrics::counter!("tend_search_indexed_messages_total").increment(messages);
            changed = true;
        }

        // Move the cursor over what is now known.
        let mut previous = frontier;
        for e in &new {
            for gap in previous + 1..e.id {
                self.gaps.entry(gap).or_insert(now);
            }
            self.done_above.insert(e.id);
            previous = e.id;
        }
        for e in &filled {
            self.gaps.remove(&e.id);
            self.done_above.insert(e.id);
        }
        loop {
            let next = cp.cursor + 1;
            if self.done_above.remove(&next) {
                cp.cursor = next;
            } else if self
                .gaps
                .get(&next)
                .is_some_and(|first| now.duration_since(*first) >= GAP_GRACE)
            {
                self.gaps.remove(&next);
                cp.watch.push((next, now_ms + WATCH_FOR_MS));
                cp.cursor = next;
            } else {
                break;
            }
        }
        if cp.watch.len() > MAX_WATCH {
            let excess = cp.watch.len() - MAX_WATCH;
            cp.watch.drain(..excess);
        }
        changed |= self.checkpoint.as_ref().map(|c| c.cursor) != Some(cp.cursor);

        // Behind, commits wait for the next step (up to
        // CATCH_UP_COMMIT_AFTER): what is not committed yet is redone
        // after a crash, from the last committed cursor.
        let changed = changed || self.dirty;
        let defer = more && self.last_commit.elapsed() < CATCH_UP_COMMIT_AFTER;
        self.committed = changed && !defer;
        self.dirty = changed && defer;
        if self.committed {
            self.commit(&cp).await?;
        }
        self.checkpoint = Some(cp);
        Ok(more)
    }

    /// Whether the last step committed (found something to do).
    pub fn committed_last_step(&self) -> bool {
        self.committed
    }

    /// Whether the cursor waits on a gap (so the next step should come soon).
    pub fn waits_on_gap(&self) -> bool {
        !self.gaps.is_empty()
    }

    /// Writes the documents for these events; returns how many messages.
    async fn index_events(&self, events: &[&LoggedEvent]) -> anyhow::Result<u64> {
        let whole: BTreeSet<i64> = events
            .iter()
            .filter(|e| e.copy_change() == CopyChange::Whole)
            .map(|e| e.conversation_id)
            .collect();
        let message_ids: BTreeSet<i64> = events
            .iter()
            .filter(|e| !whole.contains(&e.conversation_id))
            .filter_map(|e| match e.copy_change() {
                CopyChange::Message(m) => Some(m),
                CopyChange::Whole | CopyChange::SideMessage(_) | CopyChange::Nothing => None,
            })
            .collect();
        let side_ids: BTreeSet<i64> = events
            .iter()
            .filter(|e| !whole.contains(&e.conversation_id))
            .filter_map(|e| match e.copy_change() {
                CopyChange::SideMessage(m) => Some(m),
                CopyChange::Whole | CopyChange::Message(_) | CopyChange::Nothing => None,
            })
            .collect();
        let whole: Vec<i64> = whole.into_iter().collect();
        let message_ids: Vec<i64> = message_ids.into_iter().collect();
        let replaced: Vec<ConversationDoc> = export::conversations(&self.st, &whole)
            .await?
            .into_iter()
            .map(to_doc)
            .collect();
        let side_ids: Vec<i64> = side_ids.into_iter().collect();
        let mut added: Vec<ConversationDoc> = export::messages(&self.st, &message_ids)
            .await?
            .into_iter()
            .map(to_doc)
            .collect();
        added.extend(
            export::side_messages(&self.st, &side_ids)
                .await?
                .into_iter()
                .map(to_doc),
        );
        let count = replaced
            .iter()
            .chain(&added)
            .map(|d| d.messages.len() as u64)
            .sum();
        self.with_writer(move |w| {
            for id in &whole {
                // Gone from the database (or about to be re-added below).
                if !replaced.iter().any(|d| d.id == *id) {
                    w.delete_conversation(*id);
                }
            }
            for d in &replaced {
                w.replace_conversation(d)?;
            }
            for d in &added {
                w.upsert_messages(d)?;
            }
            Ok(())
        })
        .await?;
        Ok(count)
    }

    /// Commits the documents written so far with `cp` as the payload, and
    /// makes them searchable.
    async fn commit(&mut self, cp: &Checkpoint) -> anyhow::Result<()> {
        let payload = serde_json::to_string(cp)?;
        let index = self.index.clone();
        self.with_writer(move |w| {
            w.commit(&payload)?;
            index.reload()
        })
        .await?;
        self.last_commit = Instant::now();
        if cp.build.is_none() {
            self.st.search().set_indexed_up_to(cp.cursor);
            metrics::gauge!("tend_search_indexed_event_id").set(cp.cursor as f64);
        }
        Ok(())
    }

    /// Runs `f` on the writer off the async threads (tantivy blocks).
    async fn with_writer<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut SearchWriter) -> tend_search::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let writer = Arc::clone(&self.writer);
        let out = tokio::task::spawn_blocking(move || {
            let mut w = writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut w)
        })
        .await
        .context("search index writer")??;
        Ok(out)
    }

    /// Releases the writer (and its lock file).
    pub async fn close(self) -> anyhow::Result<()> {
        let Indexer { writer, .. } = self;
        tokio::task::spawn_blocking(move || drop(writer))
            .await
            .context("closing the search index writer")
    }
}
