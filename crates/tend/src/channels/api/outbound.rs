//! The desk's messages to the messaging channels (channel API, Telegram and
//! WhatsApp inboxes): [`OutboxCarrier`] composes a public reply (an
//! agent's, an automation's) before the write, checking it against the
//! channel's capabilities, and queues it in `channel_outbox` inside the
//! write; [`run`] sends what is queued, in order per conversation, by the
//! inbox's kind (a channel API inbox's: posted to its `outbound_url`,
//! signed like webhooks; a Telegram inbox's: `channels::telegram::send`;
//! a WhatsApp inbox's: `channels::whatsapp::send`, and outside its reply
//! window only a template, `window`),
//! and retries with the jobs' backoff (and no sooner than a provider's
//! `retry_after`) until the channel takes it or the item is parked
//! (`jobs::service::Pass`, job `channel_outbox`).
//!
//! Each message's delivery state is the message's `delivery_status`:
//! `queued` (with the last error while it is retried), `sent`, or `failed`
//! once parked. A refused credential (the URL's 401 or 403, Telegram's
//! 401: a revoked token) marks the inbox failing (shown on the inbox,
//! logged as an error) until the channel takes a message again or an
//! admin changes the inbox's credentials.

use std::time::Duration;

use base64::Engine;
use futures_util::future::BoxFuture;
use sqlx::AnyConnection;

use super::model::{OutboundBody, OutboundFile, OutboundTo};
use super::repo::{self, Due};
use crate::channels::capabilities::Capabilities;
use crate::conversations::Conversation;
use crate::conversations::delivery::{Carrier, Outgoing, Prepared};
use crate::inboxes::InboxKind;
use crate::jobs::model::Job;
use crate::jobs::service::{MAX_ATTEMPTS, Pass};
use crate::secrets::Purpose;
use crate::state::{AppState, BusEvent};
use crate::tasks::Shutdown;
use crate::vocab::DeliveryStatus;
use crate::{Error, Result};

/// The sender looks for due messages at least this often.
pub const POLL: Duration = Duration::from_secs(1);
/// Messages posted per pass.
const BATCH: i64 = 64;
/// How long a leased message is left to its attempt.
const LEASE_MS: i64 = crate::webhooks::TIMEOUT.as_millis() as i64 + 5_000;
/// The longest error text kept.
const ERROR_CHARS: usize = 300;

/// The carrier of the desk's messages on conversations that arrived
/// through a messaging channel: inboxes of this kind (`api`, `telegram`).
#[derive(Debug)]
pub struct OutboxCarrier(pub InboxKind);

/// What [`OutboxCarrier::prepare`] composed.
#[derive(Debug)]
struct Queued {
    inbox_id: i64,
    payload: String,
}

impl Carrier for OutboxCarrier {
    fn prepare<'a>(
        &'a self,
        st: &'a AppState,
        conv: &'a Conversation,
        out: Outgoing<'a>,
    ) -> BoxFuture<'a, Result<Option<Prepared>>> {
        Box::pin(async move {
            let inbox = crate::inboxes::service::channel_inbox(st, conv.inbox_id).await?;
            let inbox_kind = self.0;
            let Some(inbox) = inbox.filter(|i| i.kind == inbox_kind) else {
                return Ok(None);
            };
            let sender = {
                let mut c = st.db.pool().acquire().await?;
                repo::latest_sender(&mut c, conv.id).await?
            };
            // Conversations made through the REST API in this inbox have no
            // one on the channel to answer.
            let Some((to, thread_id)) = sender else {
                return Ok(None);
            };
            let missing = match inbox_kind {
                InboxKind::Telegram => inbox
                    .telegram
                    .as_ref()
                    .is_none_or(|t| t.sealed_token.is_none())
                    .then_some("a bot token (telegram.bot_token)"),
                InboxKind::Whatsapp => inbox
                    .whatsapp
                    .as_ref()
                    .is_none_or(|w| w.sealed_token.is_none() || w.phone_number_id.is_none())
                    .then_some("an access token and phone number id (whatsapp.access_token, whatsapp.phone_number_id)"),
                InboxKind::Api | InboxKind::Email | InboxKind::Chat | InboxKind::Web => {
                    inbox.outbound_url.is_none().then_some("an outbound_url")
                }
            };
            if let Some(missing) = missing {
                return Err(Error::invalid(
                    "text",
                    format!(
                        "inbox {} has no {missing}, so this message could not be delivered; an admin sets it with PATCH /api/v1/inboxes/{}",
                        conv.inbox_id, conv.inbox_id
                    ),
                ));
            }
            let (kind, text, files, automatic, template, link) = match out {
                Outgoing::Reply {
                    text,
                    files,
                    automatic,
                    template,
                    ..
                } => ("reply", text, files, automatic, template, None),
                Outgoing::Survey { text, link, .. } => {
                    ("survey", text, &[][..], true, None, Some(link))
                }
                // A side conversation with a third party goes by mail.
                Outgoing::Side { .. } => return Ok(None),
            };
            let caps = Capabilities::of(inbox_kind);
            let mut template = match template {
                Some(t) => Some(super::window::registered(
                    &inbox,
                    inbox_kind,
                    t,
                    files.len(),
                )?),
                None => None,
            };
            if template.is_none() && caps.reply_window.is_some() {
                let last = super::inbound::last_arrival(st, conv.id).await?;
                if !caps.window_open(last, st.clock.now_ms()) {
                    // A survey goes as the inbox's survey template.
                    template = match link {
                        Some(link) => Some(super::window::survey_template(&inbox, link)?),
                        None => return Err(super::window::closed(inbox_kind, last)),
                    };
                }
            }
            caps.check_outgoing(
                inbox_kind.as_str(),
                text,
                files.iter().map(|f| {
                    (
                        f.filename.as_str(),
                        f.content_type.as_str(),
                        u64::try_from(f.size).unwrap_or(0),
                    )
                }),
                st.config.max_attachment_bytes as u64,
            )?;
            let id = crate::agents::service::random_token("tend-");
            let body = OutboundBody {
                id: id.clone(),
                kind: kind.to_string(),
                conversation_id: conv.id,
                thread_id,
                to: OutboundTo { id: to },
                text: text.to_string(),
                automatic,
                attachments: files
                    .iter()
                    .map(|f| OutboundFile {
                        filename: f.filename.clone(),
                        content_type: f.content_type.clone(),
                        size: f.size,
                        sha256: f.sha256.clone(),
                        content_base64: String::new(),
                    })
                    .collect(),
                template,
            };
            let payload = serde_json::to_string(&body).map_err(anyhow::Error::from)?;
            Ok(Some(Prepared::new(
                id,
                Queued {
                    inbox_id: conv.inbox_id,
                    payload,
                },
            )))
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
            let q: &Queued = prepared.payload()?;
            repo::queue(c, q.inbox_id, conversation_id, message_id, &q.payload, now).await?;
            Ok(Vec::new())
        })
    }

    fn wake(&self, st: &AppState) {
        super::wake(st);
    }
}

/// The sender, until the shutdown (a task of `crate::tasks`).
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    loop {
        let full = match send_once(&st).await {
            Ok(n) => n as i64 >= BATCH,
            Err(e) => {
                tracing::warn!(error = %e, "the channel sender could not read its queue; retrying");
                false
            }
        };
        if full {
            continue;
        }
        tokio::select! {
            () = st.channel_api().wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            () = stop.stopped() => return Ok(()),
        }
    }
}

/// One pass: leases the due messages and posts them, concurrently.
/// Answers how many it attempted.
pub async fn send_once(st: &AppState) -> Result<usize> {
    let now = st.clock.now_ms();
    let due = {
        let mut c = st.db.pool().acquire().await?;
        repo::due(&mut c, now, BATCH).await?
    };
    if due.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = due.iter().map(|d| d.id).collect();
    let until = now + LEASE_MS;
    let leased = st
        .db
        .write(move |c| {
            Box::pin(async move { crate::db::claim(c, repo::QUEUE, &ids, now, until).await })
        })
        .await?;
    let pass = Pass::start(st, Job::ChannelOutbox).await?;
    let attempts = due.into_iter().filter(|d| leased.contains(&d.id)).map(|d| {
        let pass = &pass;
        async move { pass.run(st, d.id, attempt(st, d)).await }
    });
    let n = futures_util::future::join_all(attempts).await.len();
    Ok(n)
}

/// Why an attempt failed.
#[derive(Debug)]
pub struct Failure {
    /// The provider's status code, if it answered.
    pub code: Option<i64>,
    /// What went wrong.
    pub error: String,
    /// The provider refused Tend's credentials (a revoked token): the
    /// inbox is marked failing.
    pub revoked: bool,
    /// Not again before this many ms (a provider's `retry_after`).
    pub retry_after_ms: Option<i64>,
    /// Parts of the message the provider took before it failed (they are
    /// not sent again).
    pub parts_sent: Option<i64>,
}

impl Failure {
    /// A failure without an answer (or with `code`), nothing more known.
    pub fn plain(code: Option<i64>, error: impl Into<String>) -> Failure {
        Failure {
            code,
            error: error.into(),
            revoked: false,
            retry_after_ms: None,
            parts_sent: None,
        }
    }
}

/// One attempt of one message: sent, then recorded.
async fn attempt(st: &AppState, d: Due) -> Result<()> {
    let failure = match send(st, &d).await {
        Ok(code) => {
            let now = st.clock.now_ms();
            let (id, inbox_id, message_id) = (d.id, d.inbox_id, d.message_id);
            st.db
                .write(move |c| {
                    Box::pin(async move {
                        repo::sent(c, id, code, now).await?;
                        if let Some(mid) = message_id {
                            crate::conversations::inbound::taken_in(c, mid, now).await?;
                        }
                        if crate::inboxes::service::set_failing_in(c, inbox_id, None).await? {
                            tracing::info!(inbox_id, "the channel accepts Tend's messages again");
                        }
                        Ok(())
                    })
                })
                .await?;
            metrics::counter!("tend_channel_outbound_total", "outcome" => "sent").increment(1);
            return Ok(());
        }
        Err(failure) => failure,
    };
    metrics::counter!("tend_channel_outbound_total", "outcome" => "failed").increment(1);
    let error: String = failure.error.chars().take(ERROR_CHARS).collect();
    let now = st.clock.now_ms();
    let refused = failure.revoked;
    let code = failure.code;
    let not_before = failure.retry_after_ms.map_or(0, |ms| now + ms.max(0));
    let parts_sent = failure.parts_sent;
    let (id, inbox_id, message_id) = (d.id, d.inbox_id, d.message_id);
    let err = error.clone();
    let marked = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let attempts = repo::failed(c, id, code, &err, not_before, parts_sent).await?;
                if let Some(mid) = message_id {
                    // Retried until parked: queued with its last error, then failed.
                    let status = if attempts >= MAX_ATTEMPTS {
                        DeliveryStatus::Failed
                    } else {
                        DeliveryStatus::Queued
                    };
                    crate::conversations::inbound::set_delivery_in(c, mid, status, Some(&err), now)
                        .await?;
                }
                if refused {
                    return crate::inboxes::service::set_failing_in(c, inbox_id, Some((now, &err)))
                        .await;
                }
                Ok(false)
            })
        })
        .await?;
    if marked {
        tracing::error!(
            inbox_id,
            error = %error,
            "the channel refuses Tend's credentials; the inbox is marked failing until it accepts a message or an admin changes its credentials"
        );
        crate::channels::alert::inbox_failing(st, inbox_id, &error).await;
    }
    Err(Error::Internal(anyhow::anyhow!(error)))
}

/// Sends one message by its inbox's kind; answers the provider's 2xx
/// status code.
async fn send(st: &AppState, d: &Due) -> std::result::Result<i64, Failure> {
    let inbox = crate::inboxes::service::channel_inbox(st, d.inbox_id)
        .await
        .map_err(|e| Failure::plain(None, e.to_string()))?
        .ok_or_else(|| Failure::plain(None, "the inbox no longer exists"))?;
    let body: OutboundBody = serde_json::from_str(&d.payload)
        .map_err(|e| Failure::plain(None, format!("unreadable payload: {e}")))?;
    match (&inbox.kind, &inbox.telegram, &inbox.whatsapp) {
        (InboxKind::Telegram, Some(tg), _) => {
            crate::channels::telegram::send(st, tg, &body, d.parts_sent).await
        }
        (InboxKind::Whatsapp, _, Some(wa)) => {
            crate::channels::whatsapp::send(st, d.inbox_id, wa, &body, d.parts_sent, d.message_id)
                .await
        }
        _ => post(st, &inbox, body)
            .await
            .map_err(|(code, error)| Failure {
                revoked: matches!(code, Some(401 | 403)),
                ..Failure::plain(code, error)
            }),
    }
}

/// Reads up to 1 KiB of a refusal's body, for the error text: "answered
/// <code>: <text>".
pub(crate) async fn refusal_text(mut resp: reqwest::Response) -> String {
    let code = resp.status();
    let mut text = Vec::new();
    while text.len() < 1024 {
        match resp.chunk().await {
            Ok(Some(chunk)) => text.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&text);
    let text: String = text.trim().chars().take(200).collect();
    if text.is_empty() {
        format!("answered {code}")
    } else {
        format!("answered {code}: {text}")
    }
}

/// Posts one message to a channel API inbox's URL; answers the 2xx status
/// code, or the status code (if any) and what went wrong.
async fn post(
    st: &AppState,
    inbox: &crate::inboxes::ChannelInbox,
    mut body: OutboundBody,
) -> std::result::Result<i64, (Option<i64>, String)> {
    let url = inbox.outbound_url.clone().ok_or((
        None,
        "the inbox has no outbound_url; an admin sets one with PATCH /api/v1/inboxes/{id}"
            .to_string(),
    ))?;
    for f in &mut body.attachments {
        let bytes = crate::attachments::load(st, &f.sha256).await.map_err(|e| {
            (
                None,
                format!("the file {:?} cannot be read: {e}", f.filename),
            )
        })?;
        f.content_base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    }
    let delivery = body.id.clone();
    let body = serde_json::to_vec(&body).map_err(|e| (None, e.to_string()))?;
    let mut req = st
        .webhooks()
        .client
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Tend-Delivery", delivery);
    if let Some(sealed) = &inbox.sealed_secret {
        let secret = st
            .secrets()
            .open(Purpose::ChannelSecret, sealed)
            .map_err(|e| (None, format!("the signing secret cannot be opened: {e}")))?;
        let t = st.clock.now_ms().div_euclid(1000);
        req = req.header(
            "Tend-Signature",
            crate::crypto::signature(&secret, t, &body),
        );
    }
    match req.body(body).send().await {
        Ok(resp) if resp.status().is_success() => Ok(i64::from(resp.status().as_u16())),
        Ok(resp) => {
            let code = i64::from(resp.status().as_u16());
            Err((Some(code), refusal_text(resp).await))
        }
        Err(e) => Err((
            None,
            if e.is_timeout() {
                format!("no answer within {} s", crate::webhooks::TIMEOUT.as_secs())
            } else {
                format!("could not post: {e}")
            },
        )),
    }
}
