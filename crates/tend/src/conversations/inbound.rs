//! Conversations fed by channels (email now; chat and forms later): a
//! customer message either joins the conversation it answers or starts a new
//! one, in one transaction with its events.

use serde_json::json;
use sqlx::AnyConnection;

pub use super::repo::MailFacts;

use crate::agents::Viewer;
use crate::agents::model::EmailAddress;
use crate::db::is_unique_violation;
use crate::state::AppState;
use crate::vocab::{ActorKind, DeliveryStatus, Direction, EventKind};
use crate::{Error, Result};

use super::model::MailAuth;
use super::repo::{
    self, AttachmentMeta, ConvRow, EmailExtras, EventActor, HtmlBody, InlineImages, NewMessageRow,
    NewRow,
};
use super::service::{Timeline, enter_status};
use super::service_levels::{Was, Wrote, track_in};
use super::status::{Channel, Priority, Status};
use super::threading::{Refusal, Thread};

/// A customer email, parsed and sanitised by the channel.
#[derive(Debug, Clone)]
pub struct InboundEmail {
    /// The inbox it arrived at.
    pub inbox_id: i64,
    /// Its Message-ID (without angle brackets).
    pub message_id: String,
    /// In-Reply-To.
    pub in_reply_to: Option<String>,
    /// References, newest first, without In-Reply-To
    /// (`tend_mail::thread_keys`).
    pub references: Vec<String>,
    /// Our `[#id]` token from the subject.
    pub subject_token: Option<i64>,
    /// Decoded subject.
    pub subject: String,
    /// Sender.
    pub from: EmailAddress,
    /// Sender's display name.
    pub from_name: Option<String>,
    /// CC'd addresses.
    pub cc: Vec<String>,
    /// Full text.
    pub text: String,
    /// The new text without quoted history and signature.
    pub reply_text: Option<String>,
    /// Sanitised HTML.
    pub html: Option<String>,
    /// Stored files.
    pub attachments: Vec<AttachmentMeta>,
    /// The original .eml's digest.
    pub raw_sha256: String,
    /// Bytes to keep in the database with the message: the raw mail and the
    /// attachments small enough for it (`attachments::INLINE_MAX`); the
    /// others are files in the attachment store already.
    pub blobs: Vec<crate::attachments::Blob>,
    /// Detected language.
    pub language: Option<String>,
    /// Decoding notes (unknown charsets…).
    pub notes: Vec<String>,
    /// Sender authentication, when it was checked.
    pub auth: Option<MailAuth>,
}

/// Where an inbound email went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threaded {
    /// A new conversation.
    Created(i64),
    /// A new conversation, because the message may not join the one its
    /// keys named (see [`super::threading`]).
    Refused(i64, Refusal),
    /// Added to this conversation.
    Appended(i64),
    /// This Message-ID was stored before.
    Duplicate(Option<i64>),
    /// A third party's answer on a side conversation of this conversation
    /// (see [`super::side`]): not a message of the conversation.
    Side(i64),
}

/// Records an inbound email: appended to its thread, or a new conversation.
///
/// A Message-ID already stored makes it a duplicate that changes nothing.
/// The write does not look for it first: the channel has just looked,
/// outside the write (`channels::email::ingest`), and a copy committed
/// since (the same mail through two doors at once) is caught by the unique
/// index on `messages.message_id`, whose violation undoes this write and is
/// answered as a duplicate. That keeps a statement per mail out of the
/// single SQLite writer's chain.
#[tracing::instrument(skip_all, fields(inbox_id = mail.inbox_id))]
pub async fn record_email(st: &AppState, mail: InboundEmail) -> Result<Threaded> {
    let now = st.clock.now_ms();
    let message_id = mail.message_id.clone();
    let inbox_id = mail.inbox_id;
    let written = st
        .db
        .write(move |c| Box::pin(async move { record_in(c, &mail, now).await }))
        .await;
    let (threaded, events) = match written {
        Ok(x) => x,
        // The same Message-ID committed by a concurrent delivery (its
        // conversation is named only when it is of this inbox).
        Err(Error::Database(d)) if is_unique_violation(&d) => {
            let mut c = st.db.pool().acquire().await?;
            if !repo::message_id_stored(&mut c, &message_id).await? {
                // Another uniqueness rule: a real error.
                return Err(Error::Database(d));
            }
            let conv = repo::conversation_of_message_id(&mut c, inbox_id, &message_id).await?;
            (Threaded::Duplicate(conv), vec![])
        }
        Err(e) => return Err(e),
    };
    if !events.is_empty() {
        metrics::counter!("tend_messages_created_total").increment(1);
    }
    if matches!(threaded, Threaded::Created(_) | Threaded::Refused(..)) {
        metrics::counter!("tend_conversations_created_total").increment(1);
    }
    st.publish(events);
    Ok(threaded)
}

async fn record_in(
    c: &mut AnyConnection,
    m: &InboundEmail,
    now: i64,
) -> Result<(Threaded, Vec<crate::state::BusEvent>)> {
    // A third party answering a side conversation is no customer: it
    // becomes neither a customer nor a message of the conversation.
    if let Some(side) = super::side::find_in(c, m).await? {
        crate::attachments::put_blobs_in(c, &m.blobs).await?;
        return super::side::record_reply_in(c, m, side, now).await;
    }
    let (customer_id, known) = crate::customers::service::find_or_create_in(
        c,
        &m.from,
        m.from_name.as_deref(),
        m.language.as_deref(),
        now,
    )
    .await?;
    let customer = EventActor::customer(customer_id);
    crate::attachments::put_blobs_in(c, &m.blobs).await?;
    let thread = super::threading::find(c, m).await?;
    let (existing, refused) = match thread {
        Thread::Join(id) => (repo::get_for_update(c, &Viewer::system(), id).await?, None),
        Thread::New => (None, None),
        Thread::Refused(r) => (None, Some(r)),
    };
    let (mut row, created) = match existing {
        Some(row) if row.status() != Status::Closed => (row, None),
        other => {
            // New conversation, or a follow-up of a closed one.
            let new = NewRow {
                inbox_id: m.inbox_id,
                customer_id,
                subject: if m.subject.trim().is_empty() {
                    "(no subject)"
                } else {
                    &m.subject
                },
                priority: Priority::Normal,
                channel: Channel::Email,
                tags: &[],
                language: m.language.as_deref(),
                customer_email: Some(m.from.as_str()),
                now,
            };
            let id = repo::insert(c, &new).await?;
            // The row as just written, without reading it back when the
            // customer's details are known (ours: nobody else can change it).
            let row = match known {
                Some(k) => ConvRow::inserted(id, &new, k),
                None => repo::get_for_update(c, &Viewer::system(), id)
                    .await?
                    .ok_or(Error::NotFound("conversation"))?,
            };
            let data = new.created_data(other.map(|r| r.id), refused.and_then(|r| r.named));
            (row, Some(data))
        }
    };
    let id = row.id;
    let mut tl = Timeline::new(id, row.inbox_id, now);
    let cc = (!m.cc.is_empty()).then(|| serde_json::to_string(&m.cc).unwrap_or_default());
    let notes = (!m.notes.is_empty()).then(|| m.notes.join("\n"));
    let message = NewMessageRow {
        conversation_id: id,
        direction: Direction::In,
        internal: false,
        author_kind: ActorKind::Customer,
        author_id: Some(customer_id),
        author_name: m.from_name.as_deref(),
        author_email: Some(m.from.as_str()),
        text: &m.text,
        html: m.html.as_deref(),
        message_id: Some(&m.message_id),
        delivery_status: None,
        now,
        email: EmailExtras {
            cc: cc.as_deref(),
            raw_sha256: Some(&m.raw_sha256),
            reply_text: m.reply_text.as_deref(),
            notes: notes.as_deref(),
            auth: m.auth.as_ref(),
        },
    };
    // `message_added` gets `message_id` once the message has its id.
    let mut added =
        json!({"direction": "in", "attachments": m.attachments.len(), "channel": "email"});
    let is_new = created.is_some();
    match created {
        Some(data) if m.attachments.is_empty() && refused.is_none() => {
            // The clocks follow below, with every other way in.
            let sla = crate::sla::service::Opening::default();
            tl.open_with(c, &message, (&customer, data), (&customer, added), &sla)
                .await?;
        }
        created => {
            if let Some(data) = created {
                tl.add(c, EventKind::Created, &customer, data).await?;
            }
            if let Some(r) = refused {
                tl.add(
                c,
                EventKind::JoinRefused,
                &EventActor::SYSTEM,
                json!({"conversation_id": r.named, "via": r.via.as_str(), "reason": r.reason.as_str()}),
            )
            .await?;
            }
            let mid = repo::insert_message(c, &message).await?;
            // Inline images keep their `cid:` links here: they are pointed at
            // the stored files after the commit (`link_inline_images`), so the
            // sanitiser never runs on the writer.
            for f in &m.attachments {
                repo::insert_attachment(c, mid, f, now).await?;
            }
            added["message_id"] = json!(mid);
            tl.add(c, EventKind::MessageAdded, &customer, added).await?;
        }
    }
    let created = is_new;
    let before = row.clone();
    if !created {
        customer_wrote_in(c, &mut tl, &mut row, &customer, now).await?;
    }
    let routed_from = tl.added.len();
    super::ownership::settle_in(
        c,
        &mut tl,
        (!created).then_some(&before),
        &mut row,
        &customer,
        None,
        now,
    )
    .await?;
    if !created || tl.added.len() != routed_from {
        repo::update(c, &row).await?;
    }
    let was = (!created).then(|| Was::of(&before));
    track_in(c, &mut tl, was, &row, Wrote::Customer, now).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    let threaded = match (created, refused) {
        (true, Some(r)) => Threaded::Refused(id, r),
        (true, None) => Threaded::Created(id),
        (false, _) => Threaded::Appended(id),
    };
    Ok((threaded, tl.added))
}

/// A customer's new message on an existing conversation (any channel):
/// counts it, reopens a solved or pending conversation (with its
/// `status_changed` event), which ends a snooze, and marks the customer
/// waiting.
pub(super) async fn customer_wrote_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    row: &mut ConvRow,
    customer: &EventActor,
    now: i64,
) -> Result<()> {
    row.message_count += 1;
    let status = row.status();
    if matches!(status, Status::Solved | Status::Pending) {
        enter_status(row, Status::Open, now);
        tl.add(
            c,
            EventKind::StatusChanged,
            customer,
            json!({"from": status.as_str(), "to": "open"}),
        )
        .await?;
    }
    let ended = super::snooze::Ended::CustomerReplied;
    super::snooze::end_in(c, tl, row, customer, ended).await?;
    row.waiting_since.get_or_insert(now);
    row.updated_at = now;
    Ok(())
}

/// Records what a channel's provider reports of an outbound message it
/// took (WhatsApp's `sent`, `delivered`, `read`, `failed`), inside the
/// caller's transaction: the state only moves forward (reports arrive in
/// any order), and a failure after `read` is not believed. Answers
/// whether it changed.
pub async fn report_delivery_in(
    c: &mut AnyConnection,
    message_id: i64,
    status: DeliveryStatus,
    error: Option<&str>,
    now: i64,
) -> Result<bool> {
    let rank = |s: DeliveryStatus| match s {
        DeliveryStatus::Queued | DeliveryStatus::Held => 0,
        DeliveryStatus::Sent => 1,
        DeliveryStatus::Delivered => 2,
        DeliveryStatus::Read => 3,
        DeliveryStatus::Failed => 4,
    };
    let now_is = repo::delivery_of(c, message_id).await?;
    let moves = match now_is {
        None => false,
        Some(DeliveryStatus::Read) => false,
        Some(s) => rank(status) > rank(s),
    };
    if moves {
        set_delivery_in(c, message_id, status, error, now).await?;
    }
    Ok(moves)
}

/// Records that a channel took an outbound message (`sent`), inside the
/// caller's transaction, unless its provider already reported more
/// (`delivered` or `read` may arrive before the sender records the send).
pub async fn taken_in(c: &mut AnyConnection, message_id: i64, now: i64) -> Result<()> {
    match repo::delivery_of(c, message_id).await? {
        Some(DeliveryStatus::Delivered | DeliveryStatus::Read) => Ok(()),
        _ => set_delivery_in(c, message_id, DeliveryStatus::Sent, None, now).await,
    }
}

/// Records the delivery state of an outbound message (inside the caller's
/// transaction); a failure is also put on the conversation's timeline.
pub async fn set_delivery_in(
    c: &mut AnyConnection,
    message_id: i64,
    status: DeliveryStatus,
    error: Option<&str>,
    now: i64,
) -> Result<()> {
    let Some((conversation_id, _inbox)) = repo::set_delivery(c, message_id, status, error).await?
    else {
        return Ok(());
    };
    if status == DeliveryStatus::Failed {
        repo::insert_event(
            c,
            conversation_id,
            EventKind::DeliveryFailed,
            &EventActor::SYSTEM,
            &json!({"message_id": message_id, "error": error}),
            now,
        )
        .await?;
    }
    Ok(())
}

/// What the desk holds of `sender`'s mail before a new one from it is
/// ingested: how much arrived since `since`, and whether `message_id` is
/// stored (and in which conversation of `inbox_id`).
pub async fn mail_facts_in(
    c: &mut AnyConnection,
    sender: &str,
    since: i64,
    message_id: &str,
    inbox_id: i64,
) -> Result<MailFacts> {
    repo::mail_facts(c, sender, since, message_id, inbox_id).await
}

/// Whether any mail from `email` became a message (a customer message
/// with a stored original).
pub async fn mail_came_from_in(c: &mut AnyConnection, email: &str) -> Result<bool> {
    repo::mail_came_from(c, email).await
}

/// Message-IDs of a conversation, oldest first (References of a reply).
pub async fn message_ids_in(c: &mut AnyConnection, conversation_id: i64) -> Result<Vec<String>> {
    repo::message_ids_of(c, conversation_id).await
}

/// Points the `cid:` images of the stored inbound message `message_id` at
/// their stored attachments (`/api/v1/attachments/{id}`), once its
/// transaction has committed and the attachments have ids. The link is made
/// by the sanitiser itself, never by editing its output: a Content-ID is
/// the sender's text. The sanitiser runs here, before the write, and the
/// write changes the HTML only if it is still what was read. Returns
/// whether the HTML changed.
pub async fn link_inline_images(st: &AppState, message_id: &str) -> Result<bool> {
    // A third party's answer to a side conversation is linked alike.
    let found = {
        let mut c = st.db.pool().acquire().await?;
        match repo::inline_images(&mut c, message_id).await? {
            Some(found) => Some((HtmlBody::Message, found)),
            None => repo::side_inline_images(&mut c, message_id)
                .await?
                .map(|found| (HtmlBody::SideMail, found)),
        }
    };
    link_found(st, found).await
}

/// [`link_inline_images`] for the message with row id `id`: a reply or
/// note written with inline images (`super::formatted`), once its
/// transaction has committed.
pub(super) async fn link_inline_images_of(st: &AppState, id: i64) -> Result<bool> {
    let found = {
        let mut c = st.db.pool().acquire().await?;
        repo::inline_images_of(&mut c, id).await?
    };
    link_found(st, found.map(|f| (HtmlBody::Message, f))).await
}

/// The link itself: sanitised off the writer, then written only if the
/// HTML is still what was read.
async fn link_found(st: &AppState, found: Option<(HtmlBody, InlineImages)>) -> Result<bool> {
    let Some((body, (id, html, images))) = found else {
        return Ok(false);
    };
    let inline: Vec<(&str, i64)> = images
        .iter()
        .map(|(aid, cid)| (cid.as_str(), *aid))
        .collect();
    if !crate::html::mentions_inline_image(&html, &inline) {
        return Ok(false);
    }
    let linked = crate::html::link_inline_images(&html, &inline);
    if linked == html {
        return Ok(false);
    }
    st.db
        .write(move |c| {
            Box::pin(async move { repo::replace_html(c, body, id, &html, &linked).await })
        })
        .await
}
