//! The knowledge base and the public help centre: categories, articles
//! with a translation per language (Markdown, rendered and sanitised when
//! saved), which translations are outdated, revisions to restore, the
//! catalogue and word index each node keeps in memory, and the help
//! centre's pages, search, sitemap, votes and suggestions.
//!
//! - `model`: the API's types, the checks, the outdated rule (pure);
//! - `fallback`: which translation a page in a language shows (pure);
//! - `index`: the in-memory catalogue and word index (pure);
//! - `repo`: the `kb_*` tables;
//! - `service`: writing and reading articles and categories, revisions;
//! - `public`: what the help centre reads (catalogue sync, search, votes);
//! - `api`: `/api/v1/kb/…` for the desk (admins and supervisors write,
//!   everyone signed in reads, drafts included);
//! - `pages`, `render`: `/help/{lang}/…`, public, without JavaScript;
//! - `feeds`: `/help/sitemap.xml`, `/help/api/suggest` and
//!   `/help/api/deflection`;
//! - `deflection`, `deflection_repo`: suggestions shown, opened and sent
//!   anyway, and their report;
//! - `desk`: the knowledge base for agents at work (the composer's
//!   article search, a draft from a conversation, unhelpful articles);
//! - `history`: what changed in the source since an outdated translation
//!   was written (a line diff from the revisions);
//! - `images`, `theme`, `media_repo`: pictures uploaded for articles,
//!   served at `/help/images/…`, and the help centre's look (name, logo,
//!   colours) with its style sheet `/help/theme.css`.

pub mod api;
pub mod deflection;
mod deflection_repo;
pub mod desk;
pub mod fallback;
mod feeds;
pub mod history;
pub mod images;
pub mod index;
mod media_repo;
pub mod model;
pub mod pages;
pub mod public;
mod render;
mod repo;
pub mod service;
pub mod theme;

use crate::ratelimit::RateLimiter;
use crate::state::AppState;

pub use model::{Article, ArticleInput, Category, CategoryInput, Revision, Translation};
pub use render::language_name;

/// This node's knowledge-base state: the catalogue and its word index,
/// how far it has caught up, and the help centre's rate limit.
#[derive(Debug)]
pub struct KbState {
    index: std::sync::RwLock<index::Index>,
    /// The database's `(count, latest changed_at)` the index matches.
    synced: std::sync::Mutex<Option<(i64, i64)>>,
    /// When that was last compared with the database, and how many
    /// times this node wrote articles (see [`KbState::touched`]).
    checked: std::sync::Mutex<Checked>,
    /// One catch-up at a time.
    syncing: tokio::sync::Mutex<()>,
    /// Public searches, suggestions and votes per client address.
    pub per_ip: RateLimiter,
    /// Deflection visits started per client address.
    pub new_visits: RateLimiter,
}

/// Public reads (searches, suggestions) and votes one client address may
/// make per minute: enough for suggestions while typing.
const PUBLIC_PER_MINUTE: usize = 120;

impl KbState {
    /// An empty catalogue (filled at its first use).
    pub fn new() -> Self {
        KbState {
            index: std::sync::RwLock::default(),
            synced: std::sync::Mutex::new(None),
            checked: std::sync::Mutex::new(Checked::default()),
            syncing: tokio::sync::Mutex::new(()),
            per_ip: RateLimiter::new(PUBLIC_PER_MINUTE, 60_000),
            new_visits: RateLimiter::new(deflection::NEW_VISITS_PER_HOUR, 3_600_000),
        }
    }
}

/// How long the catalogue is taken as current without asking the
/// database: what another node changed shows here within this. This
/// node's own writes show at once ([`KbState::touched`]).
pub const FRESH: std::time::Duration = std::time::Duration::from_secs(1);

/// When the catalogue was last compared with the database.
#[derive(Debug, Default)]
struct Checked {
    /// The moment the last comparison started (`None`: compare at the
    /// next read).
    at: Option<std::time::Instant>,
    /// This node's writes so far.
    writes: u64,
}

/// A comparison with the database about to start: [`KbState::compared`]
/// records it once done.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Comparing {
    at: std::time::Instant,
    writes: u64,
}

impl KbState {
    fn checked(&self) -> std::sync::MutexGuard<'_, Checked> {
        self.checked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// This node changed articles: the next read compares with the
    /// database (call it after the commit).
    pub fn touched(&self) {
        let mut c = self.checked();
        c.writes += 1;
        c.at = None;
    }

    /// `None` when the catalogue was compared with the database less than
    /// [`FRESH`] ago and this node wrote nothing since; else the
    /// comparison to make.
    pub(crate) fn comparing(&self) -> Option<Comparing> {
        let c = self.checked();
        let now = std::time::Instant::now();
        if c.at.is_some_and(|at| now.duration_since(at) < FRESH) {
            return None;
        }
        Some(Comparing {
            at: now,
            writes: c.writes,
        })
    }

    /// The comparison is done and the catalogue current as of its start
    /// (unless this node wrote meanwhile).
    pub(crate) fn compared(&self, done: Comparing) {
        let mut c = self.checked();
        if c.writes == done.writes && c.at.is_none_or(|at| at < done.at) {
            c.at = Some(done.at);
        }
    }
}

impl Default for KbState {
    fn default() -> Self {
        Self::new()
    }
}

impl AppState {
    /// The knowledge base's state on this node.
    pub fn kb(&self) -> &KbState {
        self.slots.get()
    }
}
