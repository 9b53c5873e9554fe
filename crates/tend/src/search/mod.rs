//! Search: the node's own tantivy index under `$TEND_DATA_DIR/search/`, fed
//! from the conversation event log by [`indexer`], and
//! `GET /api/v1/search` ([`api`], [`service`]). Tokenising, the query
//! syntax and ranking live in the `tend-search` crate.
//!
//! The index is a projection: it can always be thrown away and rebuilt
//! from the database (`tend reindex`). Each node keeps its own, fed from
//! the same ordered log, so nothing about it is shared between nodes.

pub mod api;
pub mod indexer;
pub mod model;
pub mod service;
mod task;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tend_search::SearchIndex;
use tokio::sync::watch;

pub use model::SearchHit;
pub use task::{catch_up, reindex, run as run_indexer};

impl crate::state::AppState {
    /// This node's search index.
    pub fn search(&self) -> &Search {
        self.slots.get()
    }
}

/// The search index of this node, shared by the indexer and the API.
/// Cheap to clone; opening the index is deferred until first use, so
/// commands that never search (`tend admin …`) do not touch it.
#[derive(Clone)]
pub struct Search {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    index: Mutex<Option<SearchIndex>>,
    /// Every event up to this id is searchable.
    indexed: watch::Sender<i64>,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("dir", &self.inner.dir)
            .field("indexed_up_to", &self.indexed_up_to())
            .finish()
    }
}

impl Search {
    /// The index under `data_dir/search/` (nothing is opened yet).
    pub fn new(data_dir: &Path) -> Search {
        Search {
            inner: Arc::new(Inner {
                dir: data_dir.join("search"),
                index: Mutex::new(None),
                indexed: watch::channel(0).0,
            }),
        }
    }

    /// Where the index lives.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The index, opened (and created) on first use.
    pub(crate) fn open(&self) -> tend_search::Result<SearchIndex> {
        let mut slot = self
            .inner
            .index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(index) = &*slot {
            return Ok(index.clone());
        }
        let index = SearchIndex::open(&self.inner.dir)?;
        *slot = Some(index.clone());
        Ok(index)
    }

    /// Lets go of the open index (its reader and the files it maps): the
    /// next use opens it afresh. After a build, whose writer and merges
    /// touched every segment, this hands the mapped pages back.
    pub(crate) fn forget(&self) {
        self.inner
            .index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }

    /// The index if one exists on disk (searching never creates it).
    pub(crate) fn existing(&self) -> tend_search::Result<Option<SearchIndex>> {
        let opened = self
            .inner
            .index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if opened.is_some() {
            return Ok(opened);
        }
        if !self.inner.dir.join("meta.json").exists() {
            return Ok(None);
        }
        self.open().map(Some)
    }

    /// Every event with an id up to this one is searchable on this node.
    pub fn indexed_up_to(&self) -> i64 {
        *self.inner.indexed.borrow()
    }

    pub(crate) fn set_indexed_up_to(&self, event_id: i64) {
        self.inner.indexed.send_replace(event_id);
    }

    /// Waits until every event up to `event_id` is searchable, or `timeout`
    /// passes; answers whether it got there.
    pub async fn wait_indexed(&self, event_id: i64, timeout: Duration) -> bool {
        let mut rx = self.inner.indexed.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|v| *v >= event_id))
            .await
            .is_ok_and(|r| r.is_ok())
    }
}
