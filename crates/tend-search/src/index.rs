//! The index on disk: opening it, writing conversations into it, and
//! committing together with the caller's cursor (the commit payload), so
//! that the documents and the position in the event log they reflect are
//! never out of step.

use std::path::Path;

use tantivy::directory::MmapDirectory;
use tantivy::query::{AllQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term,
};

use crate::schema::{self, Fields};
use crate::tokenizer::{TOKENIZER_NAME, TendTokenizer};
use crate::{Error, Result};

/// Message text beyond this many bytes is neither indexed nor stored.
/// What a customer writes comes first; what follows in a long mail is
/// quoted history (indexed with the earlier message), signatures, pasted
/// logs and forwarded archives. Indexing is the largest CPU cost of taking
/// in mail (word segmentation of every byte), so a bounded prefix keeps a
/// 120 KB mail as cheap as a 16 KB one; 16 KB is some 2,500 English words
/// or 5,000 Japanese characters.
const MAX_TEXT_BYTES: usize = 16_000;

/// A conversation as the index sees it, with the messages to (re)index.
#[derive(Debug, Clone, Default)]
pub struct ConversationDoc {
    /// Conversation id.
    pub id: i64,
    /// Its inbox.
    pub inbox_id: i64,
    /// Subject.
    pub subject: String,
    /// `new`, `open`, `pending`, `solved` or `closed`.
    pub status: String,
    /// Owner.
    pub assignee_id: Option<i64>,
    /// Tags (lowercase).
    pub tags: Vec<String>,
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The customer's addresses.
    pub customer_emails: Vec<String>,
    /// Messages and notes.
    pub messages: Vec<MessageDoc>,
}

/// A message or internal note.
#[derive(Debug, Clone, Default)]
pub struct MessageDoc {
    /// Message id.
    pub id: i64,
    /// Plain text.
    pub text: String,
    /// An internal note (agents only).
    pub internal: bool,
    /// Attachment file names.
    pub attachments: Vec<String>,
    /// When it was written, ms since the epoch.
    pub created_at: i64,
    /// A side conversation's mail (with a third party): `id` is then a
    /// side mail's id, and it is searched like an internal note (agents
    /// only, never by customers).
    pub side: bool,
}

impl MessageDoc {
    /// Its key in the `message_id` field: side mails have ids of their
    /// own, kept apart from the messages' as negative numbers.
    pub fn key(&self) -> i64 {
        if self.side { -self.id } else { self.id }
    }
}

/// An open index: searching, and handing out its one writer.
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index written
    /// with another schema (an older Tend) is deleted and recreated empty;
    /// the caller notices the missing cursor and rebuilds it.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = schema::build();
        let mmap = MmapDirectory::open(dir)?;
        let existing = if Index::exists(&mmap).map_err(tantivy::TantivyError::from)? {
            match Index::open(mmap.clone()) {
                Ok(index) if index.schema() == schema => Some(index),
                _ => {
                    wipe(dir)?;
                    None
                }
            }
        } else {
            None
        };
        let index = match existing {
            Some(index) => index,
            None => Index::create(MmapDirectory::open(dir)?, schema, IndexSettings::default())?,
        };
        Self::from_index(index, fields)
    }

    /// An index in memory (tests, benchmarks).
    pub fn open_in_ram() -> Result<SearchIndex> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<SearchIndex> {
        index.tokenizers().register(
            TOKENIZER_NAME,
            TextAnalyzer::from(TendTokenizer::for_index()),
        );
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    /// The one writer of this index. `threads` indexing threads share
    /// `heap_bytes` of buffer (at least 15 MB each). Fails with
    /// [`Error::Locked`] while another process writes the index.
    pub fn writer(&self, threads: usize, heap_bytes: usize) -> Result<SearchWriter> {
        let threads = threads.max(1);
        let heap = heap_bytes.max(threads * 16_000_000);
        let writer = match self.index.writer_with_num_threads(threads, heap) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(_, _)) => return Err(Error::Locked),
            Err(e) => return Err(e.into()),
        };
        Ok(SearchWriter {
            writer,
            fields: self.fields,
        })
    }

    /// The payload of the last commit: the caller's cursor.
    pub fn payload(&self) -> Result<Option<String>> {
        Ok(self.index.load_metas()?.payload)
    }

    /// Makes the last commit visible to searches.
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// How many documents are searchable.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// How many documents hold message `message_id` (0 or 1 in a healthy
    /// index; used to check that replays never index anything twice).
    pub fn count_message(&self, message_id: i64) -> Result<usize> {
        let q = TermQuery::new(
            Term::from_field_i64(self.fields.message_id, message_id),
            IndexRecordOption::Basic,
        );
        Ok(self
            .reader
            .searcher()
            .search(&q, &tantivy::collector::Count)?)
    }

    /// Every message id in the index, with repeats (for consistency checks).
    pub fn all_message_ids(&self) -> Result<Vec<i64>> {
        let searcher = self.reader.searcher();
        let addrs = searcher.search(&AllQuery, &tantivy::collector::DocSetCollector)?;
        let mut out = Vec::with_capacity(addrs.len());
        for a in addrs {
            let doc: TantivyDocument = searcher.doc(a)?;
            if let Some(id) = crate::search::first_i64(&doc, self.fields.message_id) {
                out.push(id);
            }
        }
        out.sort_unstable();
        Ok(out)
    }
}

/// Deletes the files of an index that cannot be opened with this schema.
fn wipe(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// The writer: changes are invisible until [`SearchWriter::commit`], and
/// lost (harmlessly) if the process dies before it.
pub struct SearchWriter {
    writer: IndexWriter,
    fields: Fields,
}

impl std::fmt::Debug for SearchWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchWriter").finish_non_exhaustive()
    }
}

impl SearchWriter {
    /// Replaces everything indexed for the conversation with `c` and all of
    /// its messages (after a change of status, owner, tags, customer…).
    pub fn replace_conversation(&mut self, c: &ConversationDoc) -> Result<()> {
        self.delete_conversation(c.id);
        for m in &c.messages {
            self.writer.add_document(self.document(c, m))?;
        }
        Ok(())
    }

    /// Indexes the messages of `c` (only those given), replacing earlier
    /// versions of them. Replaying the same message twice leaves one copy.
    pub fn upsert_messages(&mut self, c: &ConversationDoc) -> Result<()> {
        for m in &c.messages {
            self.writer
                .delete_term(Term::from_field_i64(self.fields.message_id, m.key()));
            self.writer.add_document(self.document(c, m))?;
        }
        Ok(())
    }

    /// Removes a conversation and its messages.
    pub fn delete_conversation(&mut self, conversation_id: i64) {
        self.writer.delete_term(Term::from_field_i64(
            self.fields.conversation_id,
            conversation_id,
        ));
    }

    /// Removes everything (before a rebuild).
    pub fn delete_all(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes every change since the last commit durable, together with
    /// `payload` (the caller's cursor), atomically.
    pub fn commit(&mut self, payload: &str) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(payload);
        prepared.commit()?;
        Ok(())
    }

    /// Drops every change since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        Ok(())
    }

    /// Waits for background merges to finish (before exiting).
    pub fn finish(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    fn document(&self, c: &ConversationDoc, m: &MessageDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.kind, "message");
        d.add_i64(f.conversation_id, c.id);
        d.add_i64(f.message_id, m.key());
        d.add_i64(f.inbox_id, c.inbox_id);
        d.add_text(f.status, &c.status);
        d.add_i64(f.assignee_id, c.assignee_id.unwrap_or(0));
        for t in &c.tags {
            d.add_text(f.tags, t);
        }
        let mut customer = c.customer_name.clone().unwrap_or_default();
        for e in &c.customer_emails {
            let e = e.to_lowercase();
            if let Some((_, domain)) = e.rsplit_once('@') {
                d.add_text(f.from, domain);
            }
            d.add_text(f.from, &e);
            customer.push(' ');
            customer.push_str(&e);
        }
        d.add_i64(f.created_at, m.created_at);
        d.add_bool(f.internal, m.internal || m.side);
        let body = truncate(&m.text, MAX_TEXT_BYTES);
        d.add_text(f.all, &c.subject);
        d.add_text(f.all, body);
        d.add_text(f.all, customer.trim());
        d.add_text(f.subject, &c.subject);
        d.add_text(f.body, body);
        d.add_text(f.customer, customer.trim());
        for a in &m.attachments {
            d.add_text(f.all, a);
            d.add_text(f.attachments, a);
        }
        d
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a
/// character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
