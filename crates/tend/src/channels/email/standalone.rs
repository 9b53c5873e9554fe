//! Automatic mail about no conversation (a portal sign-in link): composed
//! from the desk's sending address and queued with no inbox, so no
//! inbox's hourly cap counts it; its sender limits it.

use sqlx::AnyConnection;

use super::outbound::message_id_domain;
use super::repo::{self, NewOutbound};
use crate::agents::Viewer;
use crate::state::AppState;
use crate::vocab::MailKind;
use crate::{Error, Result};

/// A composed mail that belongs to no conversation (a portal sign-in
/// link), waiting to be queued.
#[derive(Debug, Clone)]
pub struct StandaloneMail {
    /// Its Message-ID.
    pub message_id: String,
    /// The raw bytes in the attachment store.
    pub raw_sha256: String,
    /// Envelope recipient.
    pub rcpt: String,
    /// Envelope sender.
    pub mail_from: String,
}

/// Composes an automatic mail about no conversation to `to`, from
/// `mail_from`, else the default inbox's address, else the first inbox
/// with one. `None` when Tend has no address to send from.
pub async fn prepare_standalone(
    st: &AppState,
    to: &str,
    to_name: Option<&str>,
    subject: &str,
    text: &str,
) -> Result<Option<StandaloneMail>> {
    let inboxes = crate::inboxes::service::list_inboxes(st, &Viewer::system()).await?;
    let sender = inboxes
        .iter()
        .filter(|i| i.address.is_some())
        .min_by_key(|i| (!i.is_default, i.id));
    let Some(mail_from) = st
        .config
        .mail_from
        .clone()
        .or_else(|| sender.and_then(|i| i.address.clone()))
    else {
        return Ok(None);
    };
    let domain = message_id_domain(&mail_from);
    let draft = tend_mail::ReplyDraft {
        from: tend_mail::Mailbox {
            name: sender.map(|i| i.name.clone()),
            address: mail_from.clone(),
        },
        reply_to: mail_from.clone(),
        to: vec![tend_mail::Mailbox {
            name: to_name.map(str::to_string),
            address: to.to_string(),
        }],
        subject: subject.to_string(),
        text: text.to_string(),
        auto_submitted: true,
        message_id_domain: domain,
        date: Some(st.clock.now_ms() / 1000),
        ..Default::default()
    };
    let composed = tend_mail::compose_standalone(&draft)
        .map_err(|e| Error::Internal(anyhow::anyhow!("composing the mail: {e}")))?;
    let raw_sha256 = st.files().put(&composed.raw).await?;
    Ok(Some(StandaloneMail {
        message_id: composed.message_id,
        raw_sha256,
        rcpt: to.to_string(),
        mail_from,
    }))
}

/// Queues a mail of [`prepare_standalone`] inside the caller's transaction.
/// It names no inbox, so no inbox's hourly cap counts or holds it: its
/// sender limits it (the portal, per address and per client).
pub async fn enqueue_standalone_in(
    c: &mut AnyConnection,
    mail: &StandaloneMail,
    kind: MailKind,
    now: i64,
) -> Result<i64> {
    repo::insert_outbox(
        c,
        &NewOutbound {
            message_id: None,
            conversation_id: None,
            inbox_id: None,
            kind,
            mail_from: mail.mail_from.clone(),
            rcpt: vec![mail.rcpt.clone()],
            raw_sha256: mail.raw_sha256.clone(),
            smtp_message_id: mail.message_id.clone(),
            held_reason: None,
        },
        now,
    )
    .await
}
