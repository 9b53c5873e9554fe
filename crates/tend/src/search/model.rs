//! What a search answers.

use serde::Serialize;
use utoipa::ToSchema;

/// One search result: a conversation and the message in it that matched best.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    /// The conversation.
    pub conversation_id: i64,
    /// The message (or internal note) that matched best.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<i64>,
    /// The mail of one of its side conversations (with a third party)
    /// that matched best, instead of a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side_message_id: Option<i64>,
    /// A short extract, HTML-escaped, with the matching words in `<mark>…</mark>`.
    pub snippet: String,
    /// Relevance (BM25); higher is better. 0 when the query holds only
    /// filters, whose results come newest first.
    pub score: f32,
}

impl From<tend_search::Hit> for SearchHit {
    fn from(h: tend_search::Hit) -> Self {
        SearchHit {
            conversation_id: h.conversation_id,
            message_id: h.message_id,
            side_message_id: h.side_message_id,
            snippet: h.snippet,
            score: h.score,
        }
    }
}
