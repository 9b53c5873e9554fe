//! Agent replies on email conversations: composed (multipart/alternative,
//! UTF-8, threading headers, `[#id]` token, Reply-To the inbox) before the
//! transaction, then queued in the outbox in the same transaction as the
//! message, so a reply is never stored without its mail or sent twice.

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::app::AppState;
use crate::conversations::Conversation;
use crate::conversations::service::AttachmentMeta;
use crate::{Error, Result};

use super::repo::{self, NewOutbound};

/// A composed message waiting to be queued.
#[derive(Debug, Clone)]
pub struct PreparedMail {
    /// Its Message-ID (stored on the conversation message).
    pub message_id: String,
    /// The raw bytes in the attachment store.
    pub raw_sha256: String,
    /// Envelope recipients.
    pub rcpt: Vec<String>,
    /// Envelope sender.
    pub mail_from: String,
}

/// Composes a reply to the customer of an email conversation; `None` when
/// the conversation cannot be answered by mail (no inbox address or
/// customer address).
pub async fn prepare_reply(
    st: &AppState,
    conv: &Conversation,
    text: &str,
    html: Option<&str>,
    files: &[AttachmentMeta],
    auto_submitted: bool,
) -> Result<Option<PreparedMail>> {
    let inbox = crate::inboxes::service::get_inbox(st, &Viewer::system(), conv.inbox_id).await?;
    let (Some(inbox_address), Some(customer)) =
        (reply_address(st, &inbox), conv.customer.email.clone())
    else {
        return Ok(None);
    };
    let mut ids = {
        let mut c = st.db.pool().acquire().await?;
        crate::conversations::inbound::message_ids_in(&mut c, conv.id).await?
    };
    let in_reply_to = ids.pop();
    let mut attachments = Vec::with_capacity(files.len());
    for f in files {
        attachments.push(tend_mail::OutboundAttachment {
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            bytes: crate::attachments::load(st, &f.sha256).await?,
            content_id: f.content_id.clone(),
        });
    }
    let mail_from = st
        .config
        .mail_from
        .clone()
        .unwrap_or_else(|| inbox_address.clone());
    let domain = mail_from
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "tend.invalid".into());
    let draft = tend_mail::ReplyDraft {
        from: tend_mail::Mailbox {
            name: Some(inbox.name.clone()),
            address: mail_from.clone(),
        },
        reply_to: inbox_address,
        to: vec![tend_mail::Mailbox {
            name: conv.customer.name.clone(),
            address: customer.clone(),
        }],
        cc: vec![],
        subject: conv.subject.clone(),
        conversation_id: u64::try_from(conv.id).unwrap_or_default(),
        in_reply_to,
        references: ids,
        text: text.to_string(),
        html: html.map(str::to_string),
        attachments,
        auto_submitted,
        message_id_domain: domain,
        date: Some(st.clock.now_ms() / 1000),
    };
    let composed = tend_mail::compose_reply(&draft)
        .map_err(|e| Error::Internal(anyhow::anyhow!("composing the reply: {e}")))?;
    let raw_sha256 = st.files.put(&composed.raw).await?;
    Ok(Some(PreparedMail {
        message_id: composed.message_id,
        raw_sha256,
        rcpt: vec![customer],
        mail_from,
    }))
}

/// Queues a prepared mail for the conversation message `message_id`
/// (inside the caller's transaction).
pub async fn enqueue_in(
    c: &mut AnyConnection,
    mail: &PreparedMail,
    message_id: i64,
    conversation_id: i64,
    now: i64,
) -> Result<i64> {
    repo::insert_outbox(
        c,
        &NewOutbound {
            message_id: Some(message_id),
            conversation_id: Some(conversation_id),
            kind: "reply",
            mail_from: mail.mail_from.clone(),
            rcpt: mail.rcpt.clone(),
            raw_sha256: mail.raw_sha256.clone(),
            smtp_message_id: mail.message_id.clone(),
        },
        now,
    )
    .await
}

/// Where customers' answers to our mail go: the inbox's own address, else
/// `mail_from` (chat and web-form inboxes often have no address).
fn reply_address(st: &AppState, inbox: &crate::inboxes::Inbox) -> Option<String> {
    inbox
        .address
        .clone()
        .or_else(|| st.config.mail_from.clone())
}

/// Composes a satisfaction survey for the customer of an email conversation
/// (`None` when it cannot go by mail). It threads under the conversation
/// (References), so a reply to it lands in the conversation, and it is
/// marked auto-submitted so robots do not answer it.
pub async fn prepare_survey(
    st: &AppState,
    conv: &Conversation,
    subject: &str,
    text: &str,
) -> Result<Option<PreparedMail>> {
    let Some(customer) = conv.customer.email.clone() else {
        return Ok(None);
    };
    prepare_notice(st, conv, &customer, subject, text).await
}

/// Composes an automatic mail about a conversation (a survey, a chat
/// transcript) to `to`, threaded under the conversation and marked
/// auto-submitted. `None` when the inbox has no address and no
/// `mail_from` is configured.
pub async fn prepare_notice(
    st: &AppState,
    conv: &Conversation,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<Option<PreparedMail>> {
    let inbox = crate::inboxes::service::get_inbox(st, &Viewer::system(), conv.inbox_id).await?;
    let Some(inbox_address) = reply_address(st, &inbox) else {
        return Ok(None);
    };
    let customer = to.to_string();
    let references = {
        let mut c = st.db.pool().acquire().await?;
        crate::conversations::inbound::message_ids_in(&mut c, conv.id).await?
    };
    let mail_from = st
        .config
        .mail_from
        .clone()
        .unwrap_or_else(|| inbox_address.clone());
    let domain = mail_from
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "tend.invalid".into());
    let draft = tend_mail::ReplyDraft {
        from: tend_mail::Mailbox {
            name: Some(inbox.name.clone()),
            address: mail_from.clone(),
        },
        reply_to: inbox_address,
        to: vec![tend_mail::Mailbox {
            name: conv.customer.name.clone(),
            address: customer.clone(),
        }],
        subject: subject.to_string(),
        conversation_id: u64::try_from(conv.id).unwrap_or_default(),
        references,
        text: text.to_string(),
        auto_submitted: true,
        message_id_domain: domain,
        date: Some(st.clock.now_ms() / 1000),
        ..Default::default()
    };
    let composed = tend_mail::compose_reply(&draft)
        .map_err(|e| Error::Internal(anyhow::anyhow!("composing the mail: {e}")))?;
    let raw_sha256 = st.files.put(&composed.raw).await?;
    Ok(Some(PreparedMail {
        message_id: composed.message_id,
        raw_sha256,
        rcpt: vec![customer],
        mail_from,
    }))
}

/// Queues a prepared survey (inside the caller's transaction).
pub async fn enqueue_survey_in(
    c: &mut AnyConnection,
    mail: &PreparedMail,
    conversation_id: i64,
    now: i64,
) -> Result<i64> {
    enqueue_notice_in(c, mail, conversation_id, "survey", now).await
}

/// Queues a prepared automatic mail of `kind` (inside the caller's transaction).
pub async fn enqueue_notice_in(
    c: &mut AnyConnection,
    mail: &PreparedMail,
    conversation_id: i64,
    kind: &'static str,
    now: i64,
) -> Result<i64> {
    repo::insert_outbox(
        c,
        &NewOutbound {
            message_id: None,
            conversation_id: Some(conversation_id),
            kind,
            mail_from: mail.mail_from.clone(),
            rcpt: mail.rcpt.clone(),
            raw_sha256: mail.raw_sha256.clone(),
            smtp_message_id: mail.message_id.clone(),
        },
        now,
    )
    .await
}
