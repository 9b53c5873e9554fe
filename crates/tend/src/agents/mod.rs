//! Agents: user accounts (admin, supervisor, agent), API tokens, teams and
//! the one access rule that decides which inboxes a user may see.

pub mod access;
pub mod api;
pub mod model;
pub mod password;
mod repo;
pub mod service;
pub mod sharing;

pub use access::Viewer;
pub use model::{Role, Team, User};

use crate::db::changes::{API_TOKENS, EpochCache};

/// API token hash → who it signs in (`None`: no such active token), kept
/// while the tokens table does not change; SQLite only (`db::changes`).
#[derive(Debug)]
pub struct TokenCache(Option<EpochCache<String, Option<Viewer>>>);

impl TokenCache {
    /// A cache, or none (`cached` false: each request reads the table).
    pub fn new(cached: bool) -> Self {
        TokenCache(cached.then(|| EpochCache::new(&API_TOKENS, 10_000)))
    }
}

impl crate::state::AppState {
    /// The token cache, where there is one.
    pub(crate) fn token_cache(&self) -> Option<&EpochCache<String, Option<Viewer>>> {
        self.slots.get::<TokenCache>().0.as_ref()
    }
}
