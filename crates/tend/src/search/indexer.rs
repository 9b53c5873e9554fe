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
use tend_search::{ANALYZER_VERSION, ConversationDoc, MessageDoc, SearchIndex, SearchWriter};

use crate::conversations::export::{self, CopyChange, ExportedConversation, LoggedEvent};
use crate::state::AppState;

/// Events read per step.
const BATCH: i64 = 1000;
/// Conversations per page when rebuilding.
const REBUILD_PAGE: i64 = 500;
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
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, Default)]
pub struct RebuildStats {
    /// Conversations indexed.
    pub conversations: u64,
    /// Messages indexed.
    pub messages: u64,
}

impl Indexer {
    /// Opens this node's index for writing. Fails while another process
    /// (a `tend reindex`, or another `tend serve` on the same data
    /// directory) holds it.
    pub async fn open(st: &AppState, threads: usize, heap_bytes: usize) -> anyhow::Result<Indexer> {
        let search = st.search().clone();
        let (index, writer) = tokio::task::spawn_blocking(move || {
            let index = search.open()?;
            let writer = index.writer(threads, heap_bytes)?;
            Ok::<_, tend_search::Error>((index, writer))
        })
        .await
        .context("opening the search index")??;
        let checkpoint = index
            .payload()?
            .and_then(|p| serde_json::from_str::<Checkpoint>(&p).ok())
            .filter(|c| c.analyzer == ANALYZER_VERSION);
        if let Some(c) = &checkpoint {
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
        })
    }

    /// Whether the index must first be built from the database (new, or
    /// made by another version of the analyser).
    pub fn needs_rebuild(&self) -> bool {
        self.checkpoint.is_none()
    }

    /// The event id up to which everything is indexed.
    pub fn cursor(&self) -> i64 {
        self.checkpoint.as_ref().map_or(0, |c| c.cursor)
    }

    /// Rebuilds the whole index from the database. Until it commits,
    /// searches still see the previous index. `progress(done, total)`
    /// counts conversations. Gives up (keeping the previous index) when
    /// `stop` becomes true.
    pub async fn rebuild(
        &mut self,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
        stop: Option<&crate::tasks::Shutdown>,
    ) -> anyhow::Result<RebuildStats> {
        let st = &self.st;
        // Read the log position first: whatever commits later is either
        // above it, or (PostgreSQL) missing from the window below it now.
        let last = export::last_event_id(st).await?;
        let floor = (last - REBUILD_GAP_WINDOW).max(0);
        let present: BTreeSet<i64> = export::event_ids_between(st, floor, last)
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
        let total = u64::try_from(export::count_conversations(st).await?).unwrap_or(0);
        self.with_writer(|w| w.delete_all()).await?;
        let mut stats = RebuildStats::default();
        let mut after = 0;
        progress(0, total);
        loop {
            if stop.is_some_and(crate::tasks::Shutdown::is_stopping) {
                self.with_writer(|w| w.rollback()).await?;
                anyhow::bail!("stopped before the search index was rebuilt");
            }
            let ids = export::conversation_ids_after(st, after, REBUILD_PAGE).await?;
            let Some(&last_id) = ids.last() else { break };
            after = last_id;
            let docs: Vec<ConversationDoc> = export::conversations(st, &ids)
                .await?
                .into_iter()
                .map(to_doc)
                .collect();
            stats.conversations += docs.len() as u64;
            stats.messages += docs.iter().map(|d| d.messages.len() as u64).sum::<u64>();
            self.with_writer(move |w| {
                for d in &docs {
                    w.replace_conversation(d)?;
                }
                Ok(())
            })
            .await?;
            progress(stats.conversations, total.max(stats.conversations));
        }
        let checkpoint = Checkpoint {
            analyzer: ANALYZER_VERSION,
            cursor: last,
            watch,
        };
        self.commit(&checkpoint).await?;
        self.checkpoint = Some(checkpoint);
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

        self.committed = changed;
        if changed {
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
                CopyChange::Whole | CopyChange::Nothing => None,
            })
            .collect();
        let whole: Vec<i64> = whole.into_iter().collect();
        let message_ids: Vec<i64> = message_ids.into_iter().collect();
        let replaced: Vec<ConversationDoc> = export::conversations(&self.st, &whole)
            .await?
            .into_iter()
            .map(to_doc)
            .collect();
        let added: Vec<ConversationDoc> = export::messages(&self.st, &message_ids)
            .await?
            .into_iter()
            .map(to_doc)
            .collect();
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
    async fn commit(&self, cp: &Checkpoint) -> anyhow::Result<()> {
        let payload = serde_json::to_string(cp)?;
        let index = self.index.clone();
        self.with_writer(move |w| {
            w.commit(&payload)?;
            index.reload()
        })
        .await?;
        self.st.search().set_indexed_up_to(cp.cursor);
        metrics::gauge!("tend_search_indexed_event_id").set(cp.cursor as f64);
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

fn to_doc(c: ExportedConversation) -> ConversationDoc {
    ConversationDoc {
        id: c.id,
        inbox_id: c.inbox_id,
        subject: c.subject,
        status: c.status.as_str().to_string(),
        assignee_id: c.assignee_id,
        tags: c.tags,
        customer_name: c.customer_name,
        customer_emails: c.customer_emails,
        messages: c
            .messages
            .into_iter()
            .map(|m| MessageDoc {
                id: m.id,
                text: m.text,
                internal: m.internal,
                attachments: m.attachments,
                created_at: m.created_at,
            })
            .collect(),
    }
}
