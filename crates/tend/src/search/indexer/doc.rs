//! A conversation as exported from the database, as the search index's
//! document: what the indexer writes, in one place.

use tend_search::{ConversationDoc, MessageDoc};

use crate::conversations::export::ExportedConversation;

/// The index document of an exported conversation (its messages, notes
/// and side mails).
pub(super) fn to_doc(c: ExportedConversation) -> ConversationDoc {
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
                side: m.side,
            })
            .collect(),
    }
}
