//! Conversation use cases. Each change runs in one transaction that also
//! appends its events; events are published on the bus after the commit.
//!
//! Creation is here; the patch (one field after another against the
//! locked row, for agents and rules) is `patch.rs`; messages are
//! `reply.rs`, mail `inbound.rs`, service levels `service_levels.rs`.

use serde_json::json;
use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::agents::model::{EmailAddress, parse_name};
use crate::customers::model::parse_language;
use crate::state::{AppState, BusEvent};
use crate::{Error, Result};

pub use super::inbound::set_delivery_in;
use super::model::{Conversation, NewConversation};
pub use super::patch::update;
pub(super) use super::patch::update_as_in;
pub use super::reading::*;
pub use super::reply::{Sender, add_message, add_message_held};
pub use super::repo::AttachmentMeta;
use super::repo::{self, ConvRow, EventActor, NewMessageRow, NewRow};
pub use super::service_levels::{explain_sla, raise_priority_in, sla_subject_in};
use super::status::{Channel, Priority, Status};
pub(crate) use super::templating::template_vars_in;
pub(super) use super::timeline::{Timeline, actor_of};
use super::validate::{parse_body, parse_subject, parse_tags};
use crate::sla::SlaSummary;
use crate::vocab::{ActorKind, Direction, EventKind};

/// Creates a conversation with its first (customer) message.
pub async fn create(
    st: &AppState,
    viewer: &Viewer,
    input: NewConversation,
) -> Result<Conversation> {
    create_with_files(st, viewer, input, Vec::new()).await
}

/// [`create`] with files on the first message (the contact form). The
/// files must already be in the attachment store (`st.files().put`), so that
/// a committed row always has its file.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, inbox_id = ?input.inbox_id))]
pub async fn create_with_files(
    st: &AppState,
    viewer: &Viewer,
    input: NewConversation,
    files: Vec<AttachmentMeta>,
) -> Result<Conversation> {
    let subject = parse_subject(&input.subject)?;
    let email = EmailAddress::parse("customer.email", &input.customer.email)?;
    let name = input
        .customer
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| parse_name("customer.name", n, 200))
        .transpose()?;
    let (text, html) = parse_body(
        "message.text",
        input.message.text.as_deref(),
        input.message.html.as_deref(),
    )?;
    let channel = Channel::parse("channel", input.channel.as_deref().unwrap_or("api"))?;
    let priority = input
        .priority
        .as_deref()
        .map(|p| Priority::parse("priority", p))
        .transpose()?
        .unwrap_or(Priority::Normal);
    let tags = parse_tags(input.tags.as_deref().unwrap_or_default())?;
    let language = input
        .language
        .as_deref()
        .map(|l| parse_language("language", l))
        .transpose()?;
    // Stored on the conversation (the inbox's language filter, routing by
    // language): the one given, else detected, outside the write.
    let detected = match &language {
        Some(_) => None,
        None => super::validate::language_of(None, &text),
    };
    // The rules' text conditions read the analysed message: analysed here,
    // off the single writer.
    let analysed = crate::automation::service::text_wanted()
        .then(|| crate::automation::engine::Text::new(&text));
    let new = NewInput {
        analysed,
        viewer: viewer.clone(),
        inbox_id: input.inbox_id,
        default_inbox: st.default_inbox,
        email,
        name,
        subject,
        text,
        html,
        channel,
        priority,
        tags,
        language,
        detected,
        files,
        desk: false,
        now: st.clock.now_ms(),
    };
    let (id, created, sla, events) = st.db.write(move |c| Box::pin(create_in(c, new))).await?;
    metrics::counter!("tend_conversations_created_total").increment(1);
    metrics::counter!("tend_messages_created_total").increment(1);
    st.publish(events);
    match created {
        Some(row) => Ok(Conversation {
            sla,
            ..row.into_conversation()
        }),
        // The creator gets what they created even if their teams cannot see its inbox.
        None => get(st, &Viewer::system(), id).await,
    }
}

/// A new conversation, validated, as the write takes it.
struct NewInput {
    viewer: Viewer,
    inbox_id: Option<i64>,
    default_inbox: i64,
    email: EmailAddress,
    name: Option<String>,
    subject: String,
    text: String,
    html: Option<String>,
    channel: Channel,
    priority: Priority,
    tags: Vec<String>,
    language: Option<String>,
    detected: Option<String>,
    files: Vec<AttachmentMeta>,
    /// The message analysed for the rules, when they look at text.
    analysed: Option<crate::automation::engine::Text>,
    /// The desk opens it ([`create_outbound`]): no customer message, no
    /// service-level clocks, no routing.
    desk: bool,
    now: i64,
}

/// A conversation the desk starts with a customer (proactive outreach):
/// its first message is the desk's reply, added after it
/// (`add_message`).
#[derive(Debug, Clone)]
pub struct NewOutbound {
    /// The inbox it is written from (the default inbox when absent).
    pub inbox_id: Option<i64>,
    /// The customer's address.
    pub email: String,
    /// Subject.
    pub subject: String,
    /// Channel (what carries the desk's messages: `email`).
    pub channel: Channel,
    /// Tags.
    pub tags: Vec<String>,
    /// Language (BCP 47).
    pub language: Option<String>,
}

/// Opens a conversation the desk starts (the same write as [`create`],
/// without a customer message): the conversation row and its `created`
/// event. Its first message is then a reply (`add_message`).
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, inbox_id = ?input.inbox_id))]
pub async fn create_outbound(
    st: &AppState,
    viewer: &Viewer,
    input: NewOutbound,
) -> Result<Conversation> {
    let subject = parse_subject(&input.subject)?;
    let email = EmailAddress::parse("customer.email", &input.email)?;
    let tags = parse_tags(&input.tags)?;
    let language = input
        .language
        .as_deref()
        .map(|l| parse_language("language", l))
        .transpose()?;
    let new = NewInput {
        analysed: None,
        viewer: viewer.clone(),
        inbox_id: input.inbox_id,
        default_inbox: st.default_inbox,
        email,
        name: None,
        subject,
        text: String::new(),
        html: None,
        channel: input.channel,
        priority: Priority::Normal,
        tags,
        language,
        detected: None,
        files: Vec::new(),
        desk: true,
        now: st.clock.now_ms(),
    };
    let (id, _, _, events) = st.db.write(move |c| Box::pin(create_in(c, new))).await?;
    metrics::counter!("tend_conversations_created_total").increment(1);
    st.publish(events);
    get(st, &Viewer::system(), id).await
}

/// The write of [`create_with_files`]: the inbox the creator may use, the
/// customer, the conversation with its first message and files, the
/// `created` and `message_added` events, routing and service levels.
/// Returns the id, the row when it is known without reading it back, its
/// service levels and the events.
async fn create_in(
    c: &mut AnyConnection,
    n: NewInput,
) -> Result<(i64, Option<ConvRow>, Option<SlaSummary>, Vec<BusEvent>)> {
    let NewInput {
        viewer,
        inbox_id,
        default_inbox,
        email,
        name,
        subject,
        text,
        html,
        channel,
        priority,
        tags,
        language,
        detected,
        files,
        analysed,
        desk,
        now,
    } = n;
    let inbox_id = match inbox_id {
        Some(i) => {
            if !viewer.sees_inbox(c, i).await? {
                return Err(Error::invalid(
                    "inbox_id",
                    format!("there is no inbox {i} you may use"),
                ));
            }
            i
        }
        // Without `inbox_id`: the default inbox, but only for
        // callers who may see it. An agent whose teams were not
        // granted it must name one of their own inboxes; Tend
        // does not guess among them.
        None if viewer.sees_all() => default_inbox,
        None => {
            if !viewer.sees_inbox(c, default_inbox).await? {
                return Err(Error::invalid(
                    "inbox_id",
                    "you may not use the default inbox; name one of your inboxes in inbox_id",
                ));
            }
            default_inbox
        }
    };
    let (customer_id, known) = crate::customers::service::find_or_create_in(
        c,
        &email,
        name.as_deref(),
        language.as_deref().or(detected.as_deref()),
        now,
    )
    .await?;
    let row = NewRow {
        inbox_id,
        customer_id,
        subject: &subject,
        priority,
        channel,
        tags: &tags,
        language: language.as_deref().or(detected.as_deref()),
        customer_email: Some(email.as_str()),
        now,
    };
    let id = repo::insert(c, &row).await?;
    if desk {
        let mut tl = Timeline::new(id, inbox_id, now);
        tl.add(
            c,
            EventKind::Created,
            &actor_of(&viewer),
            row.created_data(None, None),
        )
        .await?;
        return Ok((id, None, None, tl.added));
    }
    // Its service-level clocks go in with the first message (one round
    // trip on SQLite); routing below changes no status, so they hold.
    let sla = crate::sla::service::plan_opening_in(
        c,
        crate::sla::model::Subject {
            inbox_id,
            channel,
            priority,
            tags: &tags,
        },
        Status::New,
        now,
    )
    .await?;
    let mut tl = Timeline::new(id, inbox_id, now);
    let mid = tl
        .open_with(
            c,
            &NewMessageRow {
                conversation_id: id,
                direction: Direction::In,
                internal: false,
                author_kind: ActorKind::Customer,
                author_id: Some(customer_id),
                author_name: name.as_deref(),
                author_email: Some(email.as_str()),
                text: &text,
                html: html.as_deref(),
                message_id: None,
                delivery_status: None,
                now,
                email: Default::default(),
            },
            (&actor_of(&viewer), row.created_data(None, None)),
            (
                &EventActor::customer(customer_id),
                json!({"direction": "in", "attachments": files.len()}),
            ),
            &sla,
        )
        .await?;
    for f in &files {
        repo::insert_attachment(c, mid, f, now).await?;
    }
    let routed = super::ownership::route_created_in(c, &mut tl, id, inbox_id, now).await?;
    let before_rules = tl.added.len();
    // The rules see what was just written without reading it again.
    let added = tl
        .added
        .iter()
        .find(|e| e.kind == EventKind::MessageAdded)
        .map(|e| e.event_id);
    let sight = || {
        let seen = match (&routed, &known) {
            (Some(r), _) => Some(r.clone()),
            (None, Some(k)) => Some(ConvRow::inserted(id, &row, k.clone())),
            (None, None) => None,
        };
        seen.map_or_else(Default::default, |r| {
            super::sight::Sight::known(r, added, &text, analysed)
        })
    };
    let settled = super::automate::react_seeing_in(c, &mut tl, 0, sight, now).await?;
    let mut sla = sla.summary;
    // The answer, as `get` would read it after the commit: from
    // what was just written (the routed row when routing changed
    // it; the row as the rules left it when they changed only its
    // plain fields), or read after the commit when the customer's
    // details are not known here or a rule wrote more.
    let created = match (routed, known) {
        _ if tl.added.len() > before_rules => settled.map(|s| {
            if let Some(moved) = s.sla {
                sla = moved;
            }
            s.row
        }),
        (Some(row), _) => Some(row),
        (None, Some(k)) => Some(ConvRow::inserted(id, &row, k)),
        (None, None) => None,
    };
    Ok((id, created, sla, tl.added))
}

/// Checks tags as a rule or a macro names them.
pub fn check_tags(tags: &[String]) -> Result<()> {
    parse_tags(tags).map(|_| ())
}

pub use super::automate::check_template;
pub(crate) use super::automate::fire_time_rule_in;
pub use super::automate_read::{
    DryRun, Explained, RuleCheck, dry_run, explain_automations, send_automatic_reply,
};

/// Conversations not closed, after `after_id` by id, with the moment a
/// time rule counts from (`None` where it has not happened), for the
/// timers of a rule just enabled.
pub async fn moments_in(
    c: &mut AnyConnection,
    since: crate::automation::Since,
    after_id: i64,
    limit: i64,
) -> Result<Vec<(i64, Option<i64>)>> {
    repo::moments(c, since, after_id, limit).await
}

/// Applies the side effects of entering `to` on the row.
pub(super) fn enter_status(row: &mut ConvRow, to: Status, now: i64) {
    let from = row.status();
    if from.is_reopen(to) {
        row.reopen_count += 1;
    }
    match to {
        Status::Solved => {
            row.solved_at = Some(now);
            row.waiting_since = None;
        }
        Status::Closed => {
            row.closed_at = Some(now);
            row.waiting_since = None;
        }
        Status::Pending => row.waiting_since = None,
        Status::New | Status::Open => {}
    }
    row.status = to;
}
