//! The mails of side conversations (`conversations::side`): from the
//! inbox's address to third parties, with their own Message-IDs, threaded
//! only under the side conversation's earlier mails. No `[#id]` token and
//! none of the customer's Message-IDs go to the third party: their answers
//! thread back by the side mails' Message-IDs alone.

use crate::agents::Viewer;
use crate::conversations::Conversation;
use crate::conversations::delivery::Outgoing;
use crate::{Error, Result};

use super::outbound::{PreparedMail, message_id_domain, reply_address};
use crate::conversations::service::AttachmentMeta;
use crate::state::AppState;

/// Composes `out` (an [`Outgoing::Side`]) and stores it; `None` when the
/// inbox has no address and no `mail_from` is configured.
pub(super) async fn prepare(
    st: &AppState,
    conv: &Conversation,
    out: Outgoing<'_>,
) -> Result<Option<PreparedMail>> {
    let Outgoing::Side {
        to,
        subject,
        text,
        files,
        in_reply_to,
        references,
    } = out
    else {
        return Ok(None);
    };
    let inbox = crate::inboxes::service::get_inbox(st, &Viewer::system(), conv.inbox_id).await?;
    let Some(inbox_address) = reply_address(st, &inbox) else {
        return Ok(None);
    };
    let mail_from = st
        .config
        .mail_from
        .clone()
        .unwrap_or_else(|| inbox_address.clone());
    let draft = tend_mail::ReplyDraft {
        from: tend_mail::Mailbox {
            name: Some(inbox.name.clone()),
            address: mail_from.clone(),
        },
        reply_to: inbox_address,
        to: to
            .iter()
            .map(|a| tend_mail::Mailbox {
                name: None,
                address: a.clone(),
            })
            .collect(),
        subject: subject.to_string(),
        text: text.to_string(),
        attachments: load_files(st, files).await?,
        in_reply_to: in_reply_to.map(str::to_string),
        references: references.to_vec(),
        message_id_domain: message_id_domain(&mail_from),
        date: Some(st.clock.now_ms() / 1000),
        ..Default::default()
    };
    let composed = tend_mail::compose_standalone(&draft)
        .map_err(|e| Error::Internal(anyhow::anyhow!("composing the mail: {e}")))?;
    let raw_sha256 = st.files().put(&composed.raw).await?;
    Ok(Some(PreparedMail {
        message_id: composed.message_id,
        raw_sha256,
        rcpt: to.to_vec(),
        mail_from,
        inbox_id: conv.inbox_id,
        automatic: false,
        default_cap: st.config.mail_limits.auto_mail_per_hour,
    }))
}

/// The bytes of stored files, as a mail attaches them (replies and side
/// mails).
pub(super) async fn load_files(
    st: &AppState,
    files: &[AttachmentMeta],
) -> Result<Vec<tend_mail::OutboundAttachment>> {
    let mut attachments = Vec::with_capacity(files.len());
    for f in files {
        attachments.push(tend_mail::OutboundAttachment {
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            bytes: crate::attachments::load(st, &f.sha256).await?,
            content_id: f.content_id.clone(),
        });
    }
    Ok(attachments)
}
