//! The desk's messages to a channel API inbox: [`ApiCarrier`] composes a
//! public reply (an agent's, an automation's) before the write, checking
//! it against the channel's capabilities, and queues it in
//! `channel_outbox` inside the write; [`run`] posts what is queued to the
//! inbox's `outbound_url`, signed like webhooks, in order per
//! conversation, and retries with the jobs' backoff until the URL takes it
//! or the item is parked (`jobs::service::Pass`, job `channel_outbox`).
//!
//! Each message's delivery state is the message's `delivery_status`:
//! `queued` (with the last error while it is retried), `sent`, or `failed`
//! once parked. A 401 or 403 marks the inbox failing (shown on the inbox,
//! logged as an error) until the URL takes a message again or an admin
//! sets a new secret or URL.

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
/// through the channel API.
#[derive(Debug)]
pub struct ApiCarrier;

/// What [`ApiCarrier::prepare`] composed.
#[derive(Debug)]
struct Queued {
    inbox_id: i64,
    payload: String,
}

impl Carrier for ApiCarrier {
    fn prepare<'a>(
        &'a self,
        st: &'a AppState,
        conv: &'a Conversation,
        out: Outgoing<'a>,
    ) -> BoxFuture<'a, Result<Option<Prepared>>> {
        Box::pin(async move {
            let inbox = crate::inboxes::service::channel_inbox(st, conv.inbox_id).await?;
            let Some(inbox) = inbox.filter(|i| i.kind == InboxKind::Api) else {
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
            if inbox.outbound_url.is_none() {
                return Err(Error::invalid(
                    "text",
                    format!(
                        "inbox {} has no outbound_url, so this message could not be delivered; an admin sets one with PATCH /api/v1/inboxes/{}",
                        conv.inbox_id, conv.inbox_id
                    ),
                ));
            }
            let (kind, text, files, automatic) = match out {
                Outgoing::Reply {
                    text,
                    files,
                    automatic,
                    ..
                } => ("reply", text, files, automatic),
                Outgoing::Survey { text, .. } => ("survey", text, &[][..], true),
            };
            Capabilities::of(InboxKind::Api).check_outgoing(
                "api",
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

/// One attempt of one message: posted, then recorded.
async fn attempt(st: &AppState, d: Due) -> Result<()> {
    let (code, error) = match post(st, &d).await {
        Ok(code) => {
            let now = st.clock.now_ms();
            let (id, inbox_id, message_id) = (d.id, d.inbox_id, d.message_id);
            st.db
                .write(move |c| {
                    Box::pin(async move {
                        repo::sent(c, id, code, now).await?;
                        if let Some(mid) = message_id {
                            crate::conversations::inbound::set_delivery_in(
                                c,
                                mid,
                                DeliveryStatus::Sent,
                                None,
                                now,
                            )
                            .await?;
                        }
                        if crate::inboxes::service::set_failing_in(c, inbox_id, None).await? {
                            tracing::info!(
                                inbox_id,
                                "the channel's outbound URL accepts Tend's messages again"
                            );
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
    let error: String = error.chars().take(ERROR_CHARS).collect();
    let now = st.clock.now_ms();
    let refused = matches!(code, Some(401 | 403));
    let (id, inbox_id, message_id) = (d.id, d.inbox_id, d.message_id);
    let err = error.clone();
    let marked = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let attempts = repo::failed(c, id, code, &err).await?;
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
            "the channel's outbound URL refuses Tend's credentials; the inbox is marked failing until it accepts a message or an admin sets a new secret or URL"
        );
    }
    Err(Error::Internal(anyhow::anyhow!(error)))
}

/// Posts one message; answers the 2xx status code, or the status code (if
/// any) and what went wrong.
async fn post(st: &AppState, d: &Due) -> std::result::Result<i64, (Option<i64>, String)> {
    let inbox = crate::inboxes::service::channel_inbox(st, d.inbox_id)
        .await
        .map_err(|e| (None, e.to_string()))?
        .ok_or((None, "the inbox no longer exists".to_string()))?;
    let url = inbox.outbound_url.ok_or((
        None,
        "the inbox has no outbound_url; an admin sets one with PATCH /api/v1/inboxes/{id}"
            .to_string(),
    ))?;
    let mut body: OutboundBody =
        serde_json::from_str(&d.payload).map_err(|e| (None, format!("unreadable payload: {e}")))?;
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
        Ok(mut resp) => {
            let code = resp.status();
            // Only the start of the answer (for the error text).
            let mut text = Vec::new();
            while text.len() < 1024 {
                match resp.chunk().await {
                    Ok(Some(chunk)) => text.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            let text = String::from_utf8_lossy(&text);
            let text: String = text.trim().chars().take(200).collect();
            let why = if text.is_empty() {
                format!("answered {code}")
            } else {
                format!("answered {code}: {text}")
            };
            Err((Some(i64::from(code.as_u16())), why))
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
