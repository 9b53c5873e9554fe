//! Inbound email, whatever door it came through (SMTP, IMAP, webhook): raw
//! RFC 5322 bytes in, one outcome out. Every message ends stored as a
//! conversation message, or in the mail log with its reason and raw bytes:
//! nothing is dropped silently.

use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use crate::Result;
use crate::agents::model::EmailAddress;
use crate::attachments::{clean_content_type, clean_filename};
use crate::conversations::inbound::{InboundEmail, Threaded, record_email};
use crate::conversations::service::AttachmentMeta;
use crate::state::AppState;

use super::repo::{self, MailLogEntry};

pub use super::hold::HoldReason;
pub use super::outcome::{IngestOutcome, Outcome, Source};

/// Messages one sender may send in [`RATE_WINDOW_MS`] before the rest is
/// quarantined (stops mail loops with other robots).
const RATE_LIMIT: i64 = super::hold::SENDER_LIMIT;
/// The rate-limit window.
const RATE_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Ingests one raw message for `inbox_id`.
pub async fn ingest(
    st: &AppState,
    inbox_id: i64,
    raw: &[u8],
    source: Source,
) -> Result<IngestOutcome> {
    ingest_from(st, inbox_id, raw, source, None).await
}

/// Ingests one raw message for `inbox_id` that `client` delivered to the
/// SMTP receiver (which SPF checks); `None` for the other doors.
#[tracing::instrument(skip_all, fields(inbox_id = inbox_id, source = ?source, bytes = raw.len()))]
pub async fn ingest_from(
    st: &AppState,
    inbox_id: i64,
    raw: &[u8],
    source: Source,
    client: Option<&super::auth::SmtpClient>,
) -> Result<IngestOutcome> {
    let size = raw.len() as i64;
    let retry = source == Source::Retry;
    // The raw bytes are kept whatever happens next: small messages in the
    // database, in the transaction that records the outcome; larger ones as
    // a file, durably written before that transaction.
    let raw_sha256 = crate::attachments::digest(raw);
    let raw_inline: Option<Arc<[u8]>> = if raw.len() <= crate::attachments::INLINE_MAX {
        Some(Arc::from(raw))
    } else {
        // On a retry the file is already there; `put` keeps it as it is.
        st.files().put(raw).await?;
        None
    };
    let limit = st.config.max_attachment_bytes;
    if raw.len() > limit {
        let reason = too_large_reason(raw.len() as u64, limit);
        return log(
            st,
            retry,
            inbox_id,
            Outcome::Quarantined,
            reason,
            None,
            None,
            None,
            &raw_sha256,
            raw_inline.clone(),
            size,
        )
        .await;
    }
    let parsed = match tend_mail::parse(raw) {
        Ok(p) => p,
        Err(e) => {
            let reason = HoldReason::Unreadable {
                detail: e.to_string(),
            }
            .to_string();
            return log(
                st,
                retry,
                inbox_id,
                Outcome::Quarantined,
                reason,
                None,
                None,
                None,
                &raw_sha256,
                raw_inline.clone(),
                size,
            )
            .await;
        }
    };
    // Without a Message-ID the bytes themselves identify the message, so a
    // re-delivery is still recognised as a duplicate.
    let message_id = parsed
        .message_id
        .clone()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "{}@no-message-id.tend.invalid",
                hex::encode(&Sha256::digest(raw)[..16])
            )
        });
    let subject = parsed.subject.clone();
    let sender = parsed.from.as_ref().map(|m| m.address.to_lowercase());
    let logged = |outcome, reason: String| {
        let (message_id, sender, subject) = (message_id.clone(), sender.clone(), subject.clone());
        let (raw_sha256, raw_inline) = (raw_sha256.clone(), raw_inline.clone());
        async move {
            log(
                st,
                retry,
                inbox_id,
                outcome,
                reason,
                Some(&message_id),
                sender.as_deref(),
                Some(&subject),
                &raw_sha256,
                raw_inline,
                size,
            )
            .await
        }
    };

    // Machine mail (bounces, reports, list notices, autoresponders, cloud
    // services' JSON events) never reaches a conversation. A report about
    // a message we sent is matched to it; the mail log records a reason
    // code, never a sentence.
    if let Some(kind) = parsed.classification.kind() {
        let matched = match &parsed.bounce {
            Some(bounce) => match_outbound(st, bounce).await?,
            None => None,
        };
        let reason = HoldReason::Machine {
            kind,
            matched: matched.is_some(),
        }
        .to_string();
        return logged(Outcome::Ignored, reason).await;
    }
    let Some(from) = sender
        .as_deref()
        .and_then(|a| EmailAddress::parse("from", a).ok())
    else {
        return logged(Outcome::Quarantined, HoldReason::NoFrom.to_string()).await;
    };
    // Our own addresses, the sender's recent mail and whether this
    // Message-ID is stored already.
    let (own, seen) = {
        let mut c = st.db.pool().acquire().await?;
        let own = crate::inboxes::service::is_own_address_in(&mut c, from.as_str()).await?;
        let seen = crate::conversations::inbound::mail_facts_in(
            &mut c,
            from.as_str(),
            st.clock.now_ms() - RATE_WINDOW_MS,
            &message_id,
            inbox_id,
        )
        .await?;
        (own, seen)
    };
    if own {
        // Our own mail coming back (a forwarding loop): a code like the
        // machine-mail reasons above.
        return logged(Outcome::Ignored, HoldReason::OwnAddress.to_string()).await;
    }
    if !retry && seen.recent >= RATE_LIMIT {
        return logged(
            Outcome::Quarantined,
            HoldReason::SenderLimit {
                sender: from.as_str().to_string(),
            }
            .to_string(),
        )
        .await;
    }
    if seen.stored > 0 {
        // The conversation is named only when it is of this inbox.
        return Ok(finish(Threaded::Duplicate(seen.stored_in), source));
    }
    // Lookups run on this message's own time: other mail goes on meanwhile.
    let auth = st.mail_auth().check(raw, from.as_str(), client).await;

    let mut attachments = Vec::with_capacity(parsed.attachments.len());
    let mut blobs: Vec<crate::attachments::Blob> = Vec::new();
    if let Some(raw) = &raw_inline {
        blobs.push((raw_sha256.clone(), raw.clone()));
    }
    for a in &parsed.attachments {
        // Small files go into the database with the message, like the raw
        // mail; the rest are written (and synced) as files first.
        let sha256 = if a.bytes.len() <= crate::attachments::INLINE_MAX {
            let sha = crate::attachments::digest(&a.bytes);
            if !blobs.iter().any(|(s, _)| *s == sha) {
                blobs.push((sha.clone(), Arc::from(&a.bytes[..])));
            }
            sha
        } else {
            st.files().put(&a.bytes).await?
        };
        let fallback = if a.message.is_some() {
            "forwarded.eml"
        } else {
            "attachment"
        };
        attachments.push(AttachmentMeta {
            sha256,
            size: a.bytes.len() as i64,
            content_type: clean_content_type(Some(&a.content_type)),
            filename: clean_filename(a.filename.as_deref().unwrap_or(fallback)),
            inline: a.inline,
            content_id: a.content_id.clone(),
        });
    }
    let keys = tend_mail::thread_keys(&parsed);
    let (new_text, _quoted) = tend_mail::split_reply(&parsed.text);
    let reply_text =
        (new_text.trim() != parsed.text.trim() && !new_text.trim().is_empty()).then_some(new_text);
    let language =
        crate::conversations::language_of(None, reply_text.as_deref().unwrap_or(&parsed.text));
    let cc = parsed.cc.iter().map(|m| m.address.to_lowercase()).collect();
    let mail = InboundEmail {
        inbox_id,
        message_id,
        in_reply_to: keys.in_reply_to,
        references: keys.references,
        subject_token: keys.subject_token.and_then(|t| i64::try_from(t).ok()),
        subject: parsed.subject.clone(),
        from,
        from_name: parsed
            .from
            .as_ref()
            .and_then(|m| m.name.clone())
            .filter(|n| !n.trim().is_empty()),
        cc,
        text: parsed.text.clone(),
        reply_text,
        html: parsed.html.clone(),
        attachments,
        raw_sha256,
        blobs,
        language,
        notes: parsed.notes.clone(),
        auth,
    };
    let names_inline_images = parsed.html.as_deref().is_some_and(|h| {
        let inline: Vec<(&str, i64)> = parsed
            .attachments
            .iter()
            .filter_map(|a| a.content_id.as_deref().map(|c| (c, 0)))
            .collect();
        crate::html::mentions_inline_image(h, &inline)
    });
    let message_id = mail.message_id.clone();
    // No automatic answer to a From address that DMARC says was forged.
    let forged = mail.auth.as_ref().is_some_and(|a| a.dmarc_failed());
    let threaded = record_email(st, mail).await?;
    // Inline images point at the stored files once they have ids (also for
    // a duplicate, in case a crash came between its commit and this).
    if names_inline_images {
        crate::conversations::inbound::link_inline_images(st, &message_id).await?;
    }
    if let Threaded::Created(id) | Threaded::Refused(id, _) = threaded
        && !forged
    {
        let ack =
            crate::inboxes::service::get_inbox(st, &crate::agents::Viewer::system(), inbox_id)
                .await
                .map(|i| i.ack_enabled)
                .unwrap_or(false);
        // The message is stored; a failed acknowledgement must not undo that.
        if ack && let Err(e) = super::ack::acknowledge(st, id).await {
            tracing::warn!(conversation = id, error = %e, "acknowledgement not sent");
        }
    }
    Ok(finish(threaded, source))
}

/// The answer for a message that reached the conversations, counted.
fn finish(threaded: Threaded, source: Source) -> IngestOutcome {
    let outcome = match threaded {
        Threaded::Created(id) => IngestOutcome {
            outcome: Outcome::Created,
            conversation_id: Some(id),
            reason: None,
        },
        Threaded::Refused(id, r) => IngestOutcome {
            outcome: Outcome::Created,
            conversation_id: Some(id),
            reason: Some(format!(
                "a new conversation: {}{}",
                r.reason.describe(),
                r.named.map(|n| format!(" (#{n})")).unwrap_or_default()
            )),
        },
        Threaded::Appended(id) | Threaded::Side(id) => IngestOutcome {
            outcome: Outcome::Appended,
            conversation_id: Some(id),
            reason: None,
        },
        Threaded::Duplicate(id) => IngestOutcome {
            outcome: Outcome::Duplicate,
            conversation_id: id,
            reason: Some("this Message-ID was already stored".into()),
        },
    };
    tracing::debug!(?source, outcome = outcome.outcome.as_str(), "inbound email");
    metrics::counter!("tend_inbound_email_total", "outcome" => outcome.outcome.as_str())
        .increment(1);
    outcome
}

/// Finds the outbound message a bounce (or a cloud service's bounce event)
/// is about, and marks its delivery failed when the report says the
/// failure is permanent (a delay warning changes nothing). Returns the
/// message's id when the report concerns one of ours.
async fn match_outbound(st: &AppState, bounce: &tend_mail::BounceInfo) -> Result<Option<i64>> {
    let Some(original) = bounce.original_message_id.as_deref() else {
        return Ok(None);
    };
    let row = {
        let mut c = st.db.pool().acquire().await?;
        repo::outbox_by_smtp_id(&mut c, original).await?
    };
    let Some(message_id) = row.and_then(|r| r.message_id) else {
        return Ok(None);
    };
    if !bounce.is_permanent_failure() {
        return Ok(Some(message_id));
    }
    let diagnostic = bounce
        .recipients
        .iter()
        .find_map(|r| r.diagnostic.clone().or_else(|| r.status.clone()))
        .unwrap_or_else(|| "the recipient's server returned the message".into());
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                crate::conversations::service::set_delivery_in(
                    c,
                    message_id,
                    crate::vocab::DeliveryStatus::Failed,
                    Some(&diagnostic),
                    now,
                )
                .await
            })
        })
        .await?;
    Ok(Some(message_id))
}

/// Why a message over the size limit was held (one wording for every door).
pub fn too_large_reason(size: u64, limit: usize) -> String {
    HoldReason::TooLarge {
        size,
        limit: limit as u64,
    }
    .to_string()
}

/// Records a held message in the mail log (with its raw bytes), unless it
/// is a `retry`, whose caller records the outcome on the retried entry.
#[expect(clippy::too_many_arguments, reason = "one row of the mail log")]
async fn log(
    st: &AppState,
    retry: bool,
    inbox_id: i64,
    outcome: Outcome,
    reason: String,
    message_id: Option<&str>,
    sender: Option<&str>,
    subject: Option<&str>,
    raw_sha256: &str,
    raw_inline: Option<Arc<[u8]>>,
    size: i64,
) -> Result<IngestOutcome> {
    metrics::counter!("tend_inbound_email_total", "outcome" => outcome.as_str()).increment(1);
    if retry {
        tracing::info!(outcome = outcome.as_str(), reason = %reason, "retried email held again");
        return Ok(IngestOutcome {
            outcome,
            conversation_id: None,
            reason: Some(reason),
        });
    }
    let now = st.clock.now_ms();
    let entry_outcome = if outcome == Outcome::Quarantined {
        "quarantined"
    } else {
        "ignored"
    };
    let (r, m, s, sub, sha) = (
        reason.clone(),
        message_id.map(str::to_string),
        sender.map(str::to_string),
        subject.map(|s| s.chars().take(998).collect::<String>()),
        raw_sha256.to_string(),
    );
    st.db
        .write(move |c| {
            Box::pin(async move {
                if let Some(raw) = raw_inline {
                    crate::attachments::put_blobs_in(c, &[(sha.clone(), raw)]).await?;
                }
                repo::insert_mail_log(
                    c,
                    &MailLogEntry {
                        inbox_id: Some(inbox_id),
                        outcome: entry_outcome,
                        reason: &r,
                        message_id: m.as_deref(),
                        sender: s.as_deref(),
                        subject: sub.as_deref(),
                        raw_sha256: Some(&sha),
                        size,
                    },
                    now,
                )
                .await
            })
        })
        .await?;
    tracing::info!(outcome = outcome.as_str(), reason = %reason, "inbound email not turned into a message");
    Ok(IngestOutcome {
        outcome,
        conversation_id: None,
        reason: Some(reason),
    })
}
