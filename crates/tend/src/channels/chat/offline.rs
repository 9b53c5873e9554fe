//! The offline form: a visitor's message when nobody can chat becomes an
//! `email` conversation in the chat inbox, answered by mail.

use serde::Deserialize;

use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

use super::service::{MAX_TEXT_CHARS, chat_inbox, clean_opt};

/// `POST /chat/{inbox}/offline`: a message when nobody can chat; it becomes
/// an email conversation answered by mail.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineInput {
    /// Name.
    pub name: Option<String>,
    /// Address (required: the answer goes there).
    pub email: String,
    /// The message.
    pub text: String,
    /// Widget language.
    pub language: Option<String>,
}

/// Creates the email conversation of an offline message.
pub async fn offline(st: &AppState, inbox_id: i64, input: OfflineInput, ip: &str) -> Result<i64> {
    chat_inbox(st, inbox_id).await?;
    let text = input.text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            "text",
            format!("a message is at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if !st
        .public()
        .per_ip
        .hit(&format!("chat:{ip}"), st.clock.now_ms())
    {
        return Err(Error::RateLimited);
    }
    let subject: String = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("Chat")
        .chars()
        .take(80)
        .collect();
    let conv = crate::conversations::service::create(
        st,
        &Viewer::system(),
        crate::conversations::model::NewConversation {
            subject,
            customer: crate::conversations::model::NewCustomer {
                email: input.email,
                name: input.name.filter(|n| !n.trim().is_empty()),
            },
            message: crate::conversations::model::NewBody {
                text: Some(text.to_string()),
                html: None,
            },
            channel: Some("email".into()),
            inbox_id: Some(inbox_id),
            priority: None,
            tags: Some(vec!["chat-offline".into()]),
            language: clean_opt(input.language.as_deref())
                .and_then(crate::surveys::model::supported_locale)
                .map(str::to_string),
        },
    )
    .await?;
    Ok(conv.id)
}
