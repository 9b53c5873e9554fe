//! The conversation page's customer sidebar: who they are, their local
//! time, and their other conversations.

use super::i18n::local_time;
use super::labels;
use super::session::Agent;
use super::timeline_items::ms;
use crate::Result;
use crate::state::AppState;

/// The customer sidebar.
pub struct Side {
    pub id: i64,
    pub name: String,
    pub emails: Vec<String>,
    pub language: String,
    pub organization: String,
    pub local_time: String,
    pub first_seen: String,
    pub contacts: i64,
    pub history: Vec<(i64, String, &'static str, String)>,
}

/// The sidebar of conversation `id`, whose customer is `customer_id`.
pub async fn side(st: &AppState, a: &Agent, customer_id: i64, id: i64, now: i64) -> Result<Side> {
    let tr = &a.tr;
    let customer = crate::customers::service::get(st, &a.viewer, customer_id).await?;
    Ok(Side {
        id: customer.id,
        name: customer.name.clone().unwrap_or_default(),
        emails: customer.emails.clone(),
        // Named in the agent's language ("日本語"), not its code.
        language: customer
            .language
            .as_deref()
            .map(|code| super::pickers::language_name(tr, code))
            .unwrap_or_default(),
        organization: customer
            .organization
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        local_time: customer
            .timezone
            .as_deref()
            .and_then(|tz| local_time(now, tz))
            .unwrap_or_default(),
        first_seen: a.tr.datetime(ms(&customer.first_seen_at), &a.tz),
        contacts: customer.conversation_count,
        history: customer
            .conversations
            .unwrap_or_default()
            .into_iter()
            .filter(|h| h.id != id)
            .take(50)
            .map(|h| {
                let label = labels::status(tr, h.status);
                (h.id, h.subject, h.status.as_str(), label)
            })
            .collect(),
    })
}
