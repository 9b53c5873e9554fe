//! The values a template sees for one conversation ([`crate::templates::Vars`]):
//! its customer, the conversation itself, the agent who writes (a macro's
//! user; none for the automation), its inbox, its team and the remedy it
//! was given (`remedies::service::given_in`). Read inside the
//! caller's transaction, so a macro or a rule renders what it changes.

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::templates::Vars;
use crate::{Error, Result};

use super::repo;

/// The template values of conversation `conversation_id`, written by
/// `agent_id` (none: `agent.*` is absent). Does not check access: callers
/// check the conversation first. The conversation's language is its own,
/// else its customer's.
pub(crate) async fn template_vars_in(
    c: &mut AnyConnection,
    conversation_id: i64,
    agent_id: Option<i64>,
) -> Result<Vars> {
    let row = repo::get(c, &Viewer::system(), conversation_id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let agent = match agent_id {
        Some(id) => Some(crate::agents::service::user_in(c, id).await?),
        None => None,
    };
    let inbox = crate::inboxes::service::inbox_in(c, row.inbox_id).await?;
    let team = match row.team_id {
        Some(id) => match crate::agents::service::team_in(c, id).await {
            Ok(t) => Some(t),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let language = row.language().map(str::to_string);
    let remedy = crate::remedies::service::given_in(c, conversation_id).await?;
    let tr = crate::web::i18n::Tr::new(language.as_deref().unwrap_or("en"));
    Ok(Vars {
        remedy_amount: remedy
            .as_ref()
            .map(|(r, _)| crate::remedies::money::money(r.amount, &r.currency)),
        remedy_kind: remedy
            .as_ref()
            .map(|(r, name)| crate::web::labels::remedy_kind(&tr, &r.kind, name.as_deref())),
        remedy_note: remedy.map(|(r, _)| r.note),
        customer_name: row.customer_name,
        customer_email: row.customer_email,
        conversation_id: Some(row.id.to_string()),
        conversation_subject: Some(row.subject),
        conversation_status: Some(row.status.as_str().to_string()),
        conversation_priority: Some(row.priority.as_str().to_string()),
        conversation_channel: Some(row.channel.as_str().to_string()),
        conversation_language: language,
        agent_email: agent.as_ref().map(|a| a.email.clone()),
        agent_name: agent.map(|a| a.name),
        inbox_name: Some(inbox.name),
        team_name: team.map(|t| t.name),
    })
}
