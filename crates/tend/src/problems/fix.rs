//! Telling the customers of a fixed problem: one public reply on each
//! linked conversation still open, in its language (else the first text
//! given), sent on its own channel by the reply path
//! (`conversations::service::add_message`, as automatic replies and
//! outreach do), then the conversation is solved, so that the usual
//! satisfaction survey follows.
//!
//! Each linked conversation is claimed in the write that marks the
//! problem fixed (`problem_links.notified_at`), so it is told at most
//! once, however often the problem is marked fixed. A crash between the
//! claim and the reply loses that reply rather than sending it twice.

use crate::agents::{Role, Viewer};
use crate::automation::model::LocalizedText;
use crate::conversations::model::{ConversationPatch, NewMessage};
use crate::state::AppState;
use crate::vocab::Status;
use crate::{Error, Result};

/// Tells each claimed conversation; a failure on one is logged and does
/// not stop the others.
pub(super) async fn tell_all(st: &AppState, viewer: &Viewer, claimed: &[i64], m: &LocalizedText) {
    // The message is the problem's, sent in the name of who marked it
    // fixed, to every linked conversation, also in inboxes they do not
    // work (agents who could see them linked them).
    let sender = Viewer {
        role: if viewer.sees_all() {
            viewer.role
        } else {
            Role::Supervisor
        },
        ..viewer.clone()
    };
    for &id in claimed {
        if let Err(e) = tell(st, &sender, id, m).await {
            tracing::warn!(conversation_id = id, error = %e, "a problem's fix message was not sent");
        }
    }
    metrics::counter!("tend_problem_fix_messages_total").increment(claimed.len() as u64);
}

async fn tell(st: &AppState, sender: &Viewer, id: i64, m: &LocalizedText) -> Result<()> {
    let conv = crate::conversations::service::get(st, sender, id).await?;
    if !matches!(conv.status, Status::New | Status::Open | Status::Pending) {
        return Ok(());
    }
    let language = conv.language.clone().or(conv.customer.language.clone());
    let text = {
        let mut c = st.db.pool().acquire().await?;
        let vars =
            crate::conversations::service::template_vars_in(&mut c, id, sender.user_id).await?;
        crate::templates::Localized::parse("message", m)?
            .pick(language.as_deref())
            .render(&vars)
    };
    crate::conversations::service::add_message(
        st,
        sender,
        id,
        NewMessage {
            text: Some(text),
            ..Default::default()
        },
        crate::conversations::service::Sender::Out,
        Vec::new(),
    )
    .await?;
    crate::conversations::service::update(
        st,
        sender,
        id,
        ConversationPatch {
            status: Some(Status::Solved.as_str().to_string()),
            ..Default::default()
        },
    )
    .await
    .map(|_| ())
    .map_err(|e| match e {
        Error::Internal(e) => {
            Error::Internal(e.context("solving a conversation of a fixed problem"))
        }
        e => e,
    })
}
