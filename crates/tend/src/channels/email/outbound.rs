//! Agent replies on email conversations: composed (multipart/alternative,
//! UTF-8, threading headers, `[#id]` token, Reply-To the inbox) before the
//! transaction, then queued in the outbox in the same transaction as the
//! message, so a reply is never stored without its mail or sent twice.
//!
//! Every way into the outbox passes [`queue_in`], where automatic mail
//! (acknowledgements, surveys, transcripts: everything an agent did not
//! type) meets its inbox's hourly cap. Over the cap the mail is kept but
//! held, with the reason on the outbox row, a `mail_held` event on the
//! conversation and, for a message, its delivery status `held`; an admin
//! may release it (`POST /api/v1/outbox/{id}/release`). Tend cannot be
//! made to send unlimited mail to addresses strangers type in.

use futures_util::future::BoxFuture;
use serde_json::json;
use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::conversations::Conversation;
use crate::conversations::delivery::{Carrier, Outgoing, Prepared};
use crate::conversations::followup::{Cause, append_event_in};
use crate::conversations::service::AttachmentMeta;
use crate::state::{AppState, BusEvent};
use crate::vocab::{DeliveryStatus, EventKind, MailKind};
use crate::{Error, Result};

use super::repo::{self, NewOutbound};
pub use super::standalone::{StandaloneMail, enqueue_standalone_in, prepare_standalone};

/// The cap's window.
const HOUR_MS: i64 = 3_600_000;

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
    /// The conversation's inbox, whose cap automatic mail counts against.
    pub inbox_id: i64,
    /// Not typed by an agent (an acknowledgement, a survey, a transcript).
    pub automatic: bool,
    /// The cap when the inbox sets none (`auto_mail_per_hour`).
    pub default_cap: i64,
}

/// What became of a mail put in the outbox.
#[derive(Debug, Clone)]
pub struct Queued {
    /// Its outbox row.
    pub outbox_id: i64,
    /// Why it is held instead of sent (automatic mail over the inbox's
    /// hourly cap); `None`: it goes out.
    pub held: Option<String>,
    /// The `mail_held` event, to publish after the commit.
    pub events: Vec<BusEvent>,
}

/// Puts `mail` in the outbox inside the caller's transaction. Automatic
/// mail over its inbox's hourly cap is held, with the reason recorded on
/// the row and as a `mail_held` event on the conversation.
async fn queue_in(
    c: &mut AnyConnection,
    mail: &PreparedMail,
    kind: MailKind,
    message_id: Option<i64>,
    conversation_id: i64,
    now: i64,
) -> Result<Queued> {
    // Typed by an agent: a reply, or a side conversation's mail.
    let automatic = mail.automatic || !matches!(kind, MailKind::Reply | MailKind::Side);
    let kind = if automatic && kind == MailKind::Reply {
        MailKind::Ack
    } else {
        kind
    };
    let held = if automatic {
        let cap =
            crate::inboxes::service::auto_mail_cap_in(c, mail.inbox_id, mail.default_cap).await?;
        let sent = repo::automatic_since(c, mail.inbox_id, now - HOUR_MS).await?;
        (sent >= cap).then(|| {
            format!(
                "held: this inbox has sent its limit of {cap} automatic mails in the last hour \
                 (auto_mail_per_hour); an admin may release it"
            )
        })
    } else {
        None
    };
    let outbox_id = repo::insert_outbox(
        c,
        &NewOutbound {
            message_id,
            conversation_id: Some(conversation_id),
            inbox_id: Some(mail.inbox_id),
            kind,
            mail_from: mail.mail_from.clone(),
            rcpt: mail.rcpt.clone(),
            raw_sha256: mail.raw_sha256.clone(),
            smtp_message_id: mail.message_id.clone(),
            held_reason: held.clone(),
        },
        now,
    )
    .await?;
    let events = match &held {
        Some(reason) => {
            tracing::warn!(
                outbox = outbox_id,
                inbox = mail.inbox_id,
                kind = kind.as_str(),
                "automatic mail over the inbox's hourly cap; held"
            );
            metrics::counter!("tend_outbound_held_total", "kind" => kind.as_str()).increment(1);
            if let Some(m) = message_id {
                crate::conversations::service::set_delivery_in(
                    c,
                    m,
                    DeliveryStatus::Held,
                    Some(reason),
                    now,
                )
                .await?;
            }
            append_event_in(
                c,
                conversation_id,
                mail.inbox_id,
                EventKind::MailHeld,
                Cause::System,
                json!({"outbox_id": outbox_id, "kind": kind, "reason": reason}),
                now,
            )
            .await?
        }
        None => vec![],
    };
    Ok(Queued {
        outbox_id,
        held,
        events,
    })
}

/// A reply's text, files and copies, as [`prepare_reply`] takes them.
pub struct ReplyBody<'a> {
    /// Plain text.
    pub text: &'a str,
    /// Sanitised HTML.
    pub html: Option<&'a str>,
    /// Stored files.
    pub files: &'a [AttachmentMeta],
    /// Nobody typed it (an acknowledgement).
    pub auto_submitted: bool,
    /// Copied: in the `Cc` header and the envelope.
    pub cc: &'a [String],
    /// Blind-copied: only in the envelope, never in a header.
    pub bcc: &'a [String],
}

/// Composes a reply to the customer of an email conversation; `None` when
/// the conversation cannot be answered by mail (no inbox address or
/// customer address).
pub async fn prepare_reply(
    st: &AppState,
    conv: &Conversation,
    body: ReplyBody<'_>,
) -> Result<Option<PreparedMail>> {
    let Some(customer) = conv.customer.email.as_deref() else {
        return Ok(None);
    };
    let draft = tend_mail::ReplyDraft {
        subject: conv.subject.clone(),
        text: body.text.to_string(),
        html: body.html.map(str::to_string),
        attachments: super::side_mail::load_files(st, body.files).await?,
        auto_submitted: body.auto_submitted,
        cc: body
            .cc
            .iter()
            .map(|a| tend_mail::Mailbox {
                name: None,
                address: a.clone(),
            })
            .collect(),
        ..Default::default()
    };
    let mut mail = compose(st, conv, customer, draft, true).await?;
    if let Some(m) = &mut mail {
        // The envelope: the customer, then the copies (BCC only here).
        for a in body.cc.iter().chain(body.bcc) {
            if !m.rcpt.contains(a) {
                m.rcpt.push(a.clone());
            }
        }
    }
    Ok(mail)
}

/// Composes `body` (subject, text, files, auto-submitted) as a mail from
/// the conversation's inbox to `to`, threaded under the conversation
/// (References, and In-Reply-To its last message when `in_reply` is set),
/// and stores it. `None` when the inbox has no address and no `mail_from`
/// is configured.
async fn compose(
    st: &AppState,
    conv: &Conversation,
    to: &str,
    body: tend_mail::ReplyDraft,
    in_reply: bool,
) -> Result<Option<PreparedMail>> {
    let inbox = crate::inboxes::service::get_inbox(st, &Viewer::system(), conv.inbox_id).await?;
    let Some(inbox_address) = reply_address(st, &inbox) else {
        return Ok(None);
    };
    let mut references = {
        let mut c = st.db.pool().acquire().await?;
        crate::conversations::inbound::message_ids_in(&mut c, conv.id).await?
    };
    let in_reply_to = if in_reply { references.pop() } else { None };
    let mail_from = st
        .config
        .mail_from
        .clone()
        .unwrap_or_else(|| inbox_address.clone());
    let domain = message_id_domain(&mail_from);
    let automatic = body.auto_submitted;
    let draft = tend_mail::ReplyDraft {
        from: tend_mail::Mailbox {
            name: Some(inbox.name.clone()),
            address: mail_from.clone(),
        },
        reply_to: inbox_address,
        to: vec![tend_mail::Mailbox {
            name: conv.customer.name.clone(),
            address: to.to_string(),
        }],
        conversation_id: u64::try_from(conv.id).unwrap_or_default(),
        in_reply_to,
        references,
        message_id_domain: domain,
        date: Some(st.clock.now_ms() / 1000),
        ..body
    };
    let composed = tend_mail::compose_reply(&draft)
        .map_err(|e| Error::Internal(anyhow::anyhow!("composing the mail: {e}")))?;
    let raw_sha256 = st.files().put(&composed.raw).await?;
    Ok(Some(PreparedMail {
        message_id: composed.message_id,
        raw_sha256,
        rcpt: vec![to.to_string()],
        mail_from,
        inbox_id: conv.inbox_id,
        automatic,
        default_cap: st.config.mail_limits.auto_mail_per_hour,
    }))
}

/// The domain of the Message-IDs of mail from `mail_from`.
pub(super) fn message_id_domain(mail_from: &str) -> String {
    mail_from
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "tend.invalid".into())
}

/// Where customers' answers to our mail go: the inbox's own address, else
/// `mail_from` (chat and web-form inboxes often have no address).
pub(super) fn reply_address(st: &AppState, inbox: &crate::inboxes::Inbox) -> Option<String> {
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
    let body = tend_mail::ReplyDraft {
        subject: subject.to_string(),
        text: text.to_string(),
        auto_submitted: true,
        ..Default::default()
    };
    compose(st, conv, to, body, false).await
}

/// Queues a prepared automatic mail of `kind` (`survey`, `transcript`…)
/// inside the caller's transaction; it counts against the inbox's cap.
pub async fn enqueue_notice_in(
    c: &mut AnyConnection,
    mail: &PreparedMail,
    conversation_id: i64,
    kind: MailKind,
    now: i64,
) -> Result<Queued> {
    queue_in(c, mail, kind, None, conversation_id, now).await
}

/// The email channel as a [`Carrier`]: email and web-form conversations
/// (every channel whose customers are answered by mail) are answered here.
#[derive(Debug)]
pub struct MailCarrier;

/// A mail composed by [`MailCarrier`], with the outbox kind it goes as.
struct Composed {
    mail: PreparedMail,
    kind: MailKind,
}

impl Carrier for MailCarrier {
    fn prepare<'a>(
        &'a self,
        st: &'a AppState,
        conv: &'a Conversation,
        out: Outgoing<'a>,
    ) -> BoxFuture<'a, Result<Option<Prepared>>> {
        Box::pin(async move {
            let (mail, kind) = match out {
                Outgoing::Reply {
                    text,
                    html,
                    files,
                    automatic,
                    cc,
                    bcc,
                    template,
                } => {
                    if template.is_some() {
                        return Err(Error::invalid(
                            "template",
                            "mail has no message templates: write the reply instead",
                        ));
                    }
                    let body = ReplyBody {
                        text,
                        html,
                        files,
                        auto_submitted: automatic,
                        cc,
                        bcc,
                    };
                    (prepare_reply(st, conv, body).await?, MailKind::Reply)
                }
                Outgoing::Survey { subject, text, .. } => (
                    prepare_survey(st, conv, subject, text).await?,
                    MailKind::Survey,
                ),
                Outgoing::Side { .. } => (
                    super::side_mail::prepare(st, conv, out).await?,
                    MailKind::Side,
                ),
            };
            Ok(mail.map(|mail| Prepared::new(mail.message_id.clone(), Composed { mail, kind })))
        })
    }

    fn queue_in<'a>(
        &'a self,
        c: &'a mut AnyConnection,
        prepared: &'a Prepared,
        message_id: Option<i64>,
        conversation_id: i64,
        now: i64,
    ) -> BoxFuture<'a, Result<Vec<BusEvent>>> {
        Box::pin(async move {
            let composed: &Composed = prepared.payload()?;
            let kind = composed.kind;
            let queued =
                queue_in(c, &composed.mail, kind, message_id, conversation_id, now).await?;
            Ok(queued.events)
        })
    }

    fn wake(&self, st: &AppState) {
        st.outbox_wake.notify_one();
    }

    fn hold_in<'a>(
        &'a self,
        c: &'a mut AnyConnection,
        message_id: i64,
        until: i64,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(repo::hold_reply(c, message_id, until))
    }

    fn take_back_in<'a>(
        &'a self,
        c: &'a mut AnyConnection,
        message_id: i64,
        now: i64,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(repo::take_back_reply(c, message_id, now))
    }
}
