//! The index schema: one document per message (and later per knowledge-base
//! article, told apart by `kind`). The conversation's subject, customer and
//! filterable state are copied onto each of its messages, so that a query
//! can combine words from the subject and the body, and filters need no join.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::tokenizer::TOKENIZER_NAME;

/// The fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `message` (later also `article`).
    pub kind: Field,
    /// Conversation id (i64).
    pub conversation_id: Field,
    /// Message id (i64).
    pub message_id: Field,
    /// Inbox id (i64), for access control.
    pub inbox_id: Field,
    /// Conversation status (raw string).
    pub status: Field,
    /// Owner's user id; 0 when unassigned (i64).
    pub assignee_id: Field,
    /// Conversation tags (raw strings).
    pub tags: Field,
    /// Customer addresses and their domains (raw, lowercased).
    pub from: Field,
    /// When the message was written, ms since the epoch (i64).
    pub created_at: Field,
    /// An internal note, which customers never see.
    pub internal: Field,
    /// Every searchable text of the message in one indexed field: the
    /// conversation's subject, the message text, the customer's name and
    /// addresses, the attachment file names (in that order; tantivy leaves a
    /// position gap between values, so a phrase does not run from one into
    /// the next). Words and phrases are matched here: one posting list per
    /// term instead of a union over four fields, which made Japanese and
    /// Korean queries (phrases of bigrams) four times slower at 5M
    /// messages. Not stored.
    pub all: Field,
    /// Conversation subject (stored, for snippets).
    pub subject: Field,
    /// Message text (stored, for snippets).
    pub body: Field,
    /// Customer name and addresses (indexed for `from:` names, and stored).
    pub customer: Field,
    /// Attachment file names (stored, for snippets).
    pub attachments: Field,
}

impl Fields {
    /// The stored texts a snippet is taken from, best first.
    pub fn snippet_fields(&self) -> [Field; 4] {
        [self.body, self.subject, self.customer, self.attachments]
    }
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let stored = TextOptions::default().set_stored();
    let fields = Fields {
        kind: b.add_text_field("kind", STRING | STORED),
        conversation_id: b.add_i64_field("conversation_id", INDEXED | STORED | FAST),
        message_id: b.add_i64_field("message_id", INDEXED | STORED),
        inbox_id: b.add_i64_field("inbox_id", INDEXED),
        status: b.add_text_field("status", STRING),
        assignee_id: b.add_i64_field("assignee_id", INDEXED),
        tags: b.add_text_field("tags", STRING),
        from: b.add_text_field("from", STRING),
        created_at: b.add_i64_field("created_at", INDEXED | FAST),
        internal: b.add_bool_field("internal", INDEXED),
        all: b.add_text_field("all", indexed.clone()),
        subject: b.add_text_field("subject", stored.clone()),
        body: b.add_text_field("body", stored.clone()),
        customer: b.add_text_field("customer", indexed.set_stored()),
        attachments: b.add_text_field("attachments", stored),
    };
    (b.build(), fields)
}
