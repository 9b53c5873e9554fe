//! Tend's search: an embedded tantivy index of conversations that finds
//! words in Japanese, Korean, Latvian, Catalan, English and the rest without
//! a search server and without dictionaries.
//!
//! - [`tokenizer`]: ICU4X word segmentation, CJK bigrams, lowercasing,
//!   accent folding and apostrophe splitting, shared by indexing and
//!   querying.
//! - [`query`]: the search box syntax (words, phrases, exclusions,
//!   filters); malformed input is searched literally, never an error.
//! - [`SearchIndex`] / [`SearchWriter`]: the index on disk, one document
//!   per message with its conversation's state copied on; commits carry
//!   the caller's cursor so that documents and cursor move together.
//! - [`SearchIndex::search`]: ranked, access-restricted, one hit per
//!   conversation, with highlighted snippets.
//! - [`SearchIndex::similar`]: conversations like a conversation (a
//!   More-Like-This query), for proposing problems and finding trends.

mod index;
pub mod query;
mod schema;
mod search;
mod similar;
pub mod tokenizer;

use std::path::{Path, PathBuf};

pub use index::{ConversationDoc, MessageDoc, SearchIndex, SearchWriter};
pub use query::{Assignee, Filter, SearchQuery, parse};
pub use search::{Hit, SearchOptions};
pub use similar::{SimilarHit, SimilarOptions};

/// Bumped whenever the tokenizer or the documents change in a way that
/// makes an existing index wrong; the indexer rebuilds on a mismatch.
/// 2: side conversations' mails are indexed (an index of 1 lacks them).
pub const ANALYZER_VERSION: u32 = 2;

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process holds the index writer.
    #[error(
        "the search index is being written by another Tend process (a running `tend serve` or `tend reindex`); stop it first"
    )]
    Locked,
    /// A file could not be read or written.
    #[error("search index file {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index directory could not be opened.
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
}

impl Error {
    fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
