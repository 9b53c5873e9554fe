//! Proactive outreach from the radar: starting one through the
//! conversations' create and reply paths, and a customer's outreaches.

use super::model::{Outcome, Outreach, OutreachInput};
use super::repo;
use super::service::of_customer_in;
use crate::agents::Viewer;
use crate::automation::LocalizedText;
use crate::conversations::model::{ConversationPatch, NewMessage};
use crate::conversations::service::{NewOutbound, Sender};
use crate::state::AppState;
use crate::templates::{Localized, Vars};
use crate::time::rfc3339;
use crate::vocab::Channel;
use crate::{Error, Result};

/// The tag of outreach conversations.
pub const OUTREACH_TAG: &str = "outreach";

fn outreach_of(r: repo::OutreachRow) -> Outreach {
    Outreach {
        id: r.id,
        customer_id: r.customer_id,
        conversation_id: r.conversation_id,
        assignee_id: r.assignee_id,
        score: r.score,
        outcome: r.outcome,
        created_at: rfc3339(r.created_at),
    }
}

/// A customer's outreaches, newest first; supervisors and admins.
pub async fn outreaches(st: &AppState, viewer: &Viewer, customer_id: i64) -> Result<Vec<Outreach>> {
    viewer.require_supervisor("only admins and supervisors may see outreach")?;
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::outreaches_of_customer(&mut c, customer_id)
        .await?
        .into_iter()
        .map(outreach_of)
        .collect())
}

/// Starts proactive outreach: a new conversation with the customer, from
/// the desk (`conversations::service::create_outbound`, the create path),
/// tagged `outreach`, in the customer's language, owned by the agent
/// chosen, whose first message is the template rendered in that language
/// and sent as the supervisor's reply (`add_message`, the reply path).
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, customer_id = customer_id))]
pub async fn start_outreach(
    st: &AppState,
    viewer: &Viewer,
    customer_id: i64,
    input: OutreachInput,
) -> Result<Outreach> {
    viewer.require_supervisor("only admins and supervisors may start outreach")?;
    let customer = crate::customers::service::get(st, viewer, customer_id).await?;
    let Some(email) = customer.emails.first().cloned() else {
        return Err(Error::invalid(
            "customer_id",
            "this customer has no address to write to",
        ));
    };
    let message: LocalizedText = match (input.message, input.macro_id) {
        (Some(m), None) => m,
        (None, Some(id)) => {
            let m = crate::macros::service::get(st, viewer, id).await?;
            LocalizedText {
                text: m.text,
                translations: m.translations,
            }
        }
        _ => {
            return Err(Error::invalid(
                "message",
                "give the message as a template (message) or a macro (macro_id), one of them",
            ));
        }
    };
    let body = Localized::parse("message", &message)?;
    let subject = Localized::parse("subject", &input.subject)?;
    let language = customer.language.clone();
    let mut c = st.db.pool().acquire().await?;
    let health = of_customer_in(&mut c, customer_id).await?;
    let inbox_id = match input.inbox_id {
        Some(i) => i,
        None => repo::inbox_of(&mut c, customer_id)
            .await?
            .unwrap_or(st.default_inbox),
    };
    // The owner must be able to work the inbox (checked again by the
    // update, but before anything is written).
    let owner = crate::agents::service::user_in(&mut c, input.assignee_id)
        .await
        .map_err(|_| Error::invalid("assignee_id", "there is no such user"))?;
    if !crate::agents::service::may_work_inbox(&mut c, &owner, inbox_id).await? {
        return Err(Error::invalid(
            "assignee_id",
            format!("{} may not work inbox {inbox_id}", owner.name),
        ));
    }
    drop(c);
    let before = Vars {
        customer_name: customer.name.clone(),
        customer_email: Some(email.clone()),
        ..Vars::default()
    };
    let subject = subject.pick(language.as_deref()).render(&before);
    let conv = crate::conversations::service::create_outbound(
        st,
        viewer,
        NewOutbound {
            inbox_id: Some(inbox_id),
            email,
            subject,
            channel: Channel::Email,
            tags: vec![OUTREACH_TAG.to_string()],
            language: language.clone(),
        },
    )
    .await?;
    let vars = {
        let mut c = st.db.pool().acquire().await?;
        crate::conversations::service::template_vars_in(&mut c, conv.id, Some(owner.id)).await?
    };
    let text = body.pick(language.as_deref()).render(&vars);
    crate::conversations::service::add_message(
        st,
        viewer,
        conv.id,
        NewMessage {
            text: Some(text),
            ..NewMessage::default()
        },
        Sender::Out,
        Vec::new(),
    )
    .await?;
    crate::conversations::service::update(
        st,
        viewer,
        conv.id,
        ConversationPatch {
            assignee_id: Some(Some(owner.id)),
            status: Some("pending".to_string()),
            ..ConversationPatch::default()
        },
    )
    .await?;
    let now = st.clock.now_ms();
    let score = health.map_or(100, |h| h.score);
    let (conversation_id, by) = (conv.id, viewer.user_id);
    let id = st
        .db
        .write(move |c| {
            Box::pin(async move {
                repo::insert_outreach(c, customer_id, conversation_id, owner.id, by, score, now)
                    .await
            })
        })
        .await?;
    Ok(Outreach {
        id,
        customer_id,
        conversation_id,
        assignee_id: owner.id,
        score,
        outcome: Outcome::Pending,
        created_at: rfc3339(now),
    })
}
