//! The only SQL about conversations, messages, attachments and events:
//! the conversation rows here, messages and their files in [`messages`],
//! the event log in [`events`], the tag rows in [`tags`].

use serde_json::Value;
use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::{rfc3339, rfc3339_opt};

use super::model::{Conversation, Counts, CustomerSummary};
use super::status::{Channel, Priority, Status};

mod automation;
mod by_customer;
mod combine;
mod draft_images;
mod drafts;
mod events;
mod inline;
mod list;
mod lookups;
mod messages;
mod notable;
mod public;
mod side;
mod snooze;
mod tags;
mod undo;

pub(super) use automation::*;
pub(super) use by_customer::*;
pub(super) use combine::*;
pub(in crate::conversations) use draft_images::*;
pub(in crate::conversations) use drafts::*;
pub(super) use events::*;
pub(in crate::conversations) use inline::*;
pub(in crate::conversations) use list::{chats_waiting, list, previews};
pub use lookups::MailFacts;
pub(super) use lookups::*;
pub use messages::AttachmentMeta;
pub(super) use messages::*;
pub(super) use notable::*;
pub use public::PublicMessage;
pub(in crate::conversations) use public::{chats_of_inbox, public_file, public_messages};
pub(super) use side::*;
pub(super) use snooze::*;
pub(in crate::conversations) use tags::TagRows;
use tags::{insert_tags, write_with_tags};
pub(in crate::conversations) use undo::*;

/// The mutable state of a conversation row, loaded, changed by the service
/// and written back whole.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ConvRow {
    pub id: i64,
    pub subject: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub inbox_id: i64,
    pub customer_id: i64,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_language: Option<String>,
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
    pub tags: String,
    pub language: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
    pub solved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub waiting_since: Option<i64>,
    pub reopen_count: i64,
    pub transfer_count: i64,
    pub message_count: i64,
    /// Pending until then (ms), when the snooze job opens it again.
    pub snoozed_until: Option<i64>,
    /// Who snoozed it (the snooze's end notifies them when it has no owner).
    pub snoozed_by: Option<i64>,
    pub merged_into: Option<i64>,
}

impl ConvRow {
    /// The row [`insert`] has just written as `id`, as [`get`] would read it,
    /// given what the customer's record says (name, primary address,
    /// language).
    pub fn inserted(
        id: i64,
        r: &NewRow<'_>,
        customer: crate::customers::service::Known,
    ) -> ConvRow {
        ConvRow {
            id,
            subject: r.subject.to_string(),
            status: Status::New,
            priority: r.priority,
            channel: r.channel,
            inbox_id: r.inbox_id,
            customer_id: r.customer_id,
            customer_name: customer.name,
            customer_email: r.customer_email.map(str::to_string).or(customer.email),
            customer_language: customer.language,
            assignee_id: None,
            team_id: None,
            tags: serde_json::to_string(r.tags).unwrap_or_else(|_| "[]".into()),
            language: r.language.map(str::to_string),
            created_at: r.now,
            updated_at: r.now,
            first_response_at: None,
            solved_at: None,
            closed_at: None,
            waiting_since: Some(r.now),
            reopen_count: 0,
            transfer_count: 0,
            message_count: 1,
            snoozed_until: None,
            snoozed_by: None,
            merged_into: None,
        }
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// The language it is written in: its own, else its customer's.
    pub fn language(&self) -> Option<&str> {
        crate::conversations::model::spoken_language(
            self.language.as_deref(),
            self.customer_language.as_deref(),
        )
    }

    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }

    pub fn into_conversation(self) -> Conversation {
        let tags = self.tag_list();
        Conversation {
            id: self.id,
            status: self.status(),
            priority: self.priority,
            subject: self.subject,
            channel: self.channel,
            inbox_id: self.inbox_id,
            customer: CustomerSummary {
                id: self.customer_id,
                name: self.customer_name,
                email: self.customer_email,
                language: self.customer_language,
            },
            assignee_id: self.assignee_id,
            team_id: self.team_id,
            tags,
            language: self.language,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            first_response_at: rfc3339_opt(self.first_response_at),
            solved_at: rfc3339_opt(self.solved_at),
            closed_at: rfc3339_opt(self.closed_at),
            waiting_since: rfc3339_opt(self.waiting_since),
            reopen_count: self.reopen_count,
            transfer_count: self.transfer_count,
            message_count: self.message_count,
            snoozed_until: rfc3339_opt(self.snoozed_until),
            merged_into: self.merged_into,
            sla: None,
        }
    }
}

/// A conversation shows (and is answered at) the customer address it is
/// with, not the customer's primary one: seeing a conversation must not
/// reveal the customer's other addresses (`agents::access`). Rows without
/// one (chats that gave no address, demo data) fall back to the primary.
const CONV_SELECT: &str = "SELECT c.id, c.subject, c.status, c.priority, c.channel, c.inbox_id, \
     c.customer_id, cu.name AS customer_name, \
     COALESCE(c.customer_email, (SELECT ce.email FROM customer_emails ce WHERE ce.customer_id = c.customer_id \
      ORDER BY ce.is_primary DESC, ce.created_at LIMIT 1)) AS customer_email, \
     cu.language AS customer_language, c.assignee_id, c.team_id, c.tags, c.language, \
     c.created_at, c.updated_at, c.first_response_at, c.solved_at, c.closed_at, c.waiting_since, \
     c.reopen_count, c.transfer_count, c.message_count, c.merged_into, c.snoozed_until, c.snoozed_by \
     FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE 1=1";

/// The fields of a new conversation row.
pub(super) struct NewRow<'a> {
    pub inbox_id: i64,
    pub customer_id: i64,
    pub subject: &'a str,
    pub priority: Priority,
    pub channel: Channel,
    pub tags: &'a [String],
    pub language: Option<&'a str>,
    /// The customer's address that wrote in (or that the API named).
    pub customer_email: Option<&'a str>,
    pub now: i64,
}

impl NewRow<'_> {
    /// The data of the conversation's `created` event: what it was opened
    /// with, and the closed conversation it follows up (`follow_up_of`) or
    /// the one an email named but could not join (`linked_to`).
    pub fn created_data(&self, follow_up_of: Option<i64>, linked_to: Option<i64>) -> Value {
        serde_json::json!({
            "subject": self.subject, "channel": self.channel, "inbox_id": self.inbox_id,
            "customer_id": self.customer_id, "priority": self.priority, "tags": self.tags,
            "follow_up_of": follow_up_of, "linked_to": linked_to,
        })
    }
}

macro_rules! insert_conversation {
    () => {
        "INSERT INTO conversations (inbox_id, customer_id, subject, subject_fold, status, priority, \
         channel, tags, language, created_at, updated_at, waiting_since, message_count, customer_email) \
         VALUES ($1, $2, $3, $9, 'new', $4, $5, $6, $7, $8, $8, $8, 1, $10) RETURNING id"
    };
}

pub(super) async fn insert(c: &mut AnyConnection, r: &NewRow<'_>) -> Result<i64> {
    let tags = serde_json::to_string(r.tags).unwrap_or_else(|_| "[]".into());
    // SQLite: the row and its tags in one round trip to the worker thread
    // (the single writer's new row has the largest id).
    let with_tags = !crate::db::is_postgres(c) && !r.tags.is_empty();
    let sql = if with_tags {
        concat!(
            insert_conversation!(),
            "; INSERT INTO conversation_tags (conversation_id, tag) \
             SELECT (SELECT max(id) FROM conversations), value FROM json_each($6)"
        )
    } else {
        insert_conversation!()
    };
    let ids: Vec<i64> = sqlx::query_scalar(sql)
        .bind(r.inbox_id)
        .bind(r.customer_id)
        .bind(r.subject)
        .bind(r.priority.as_str())
        .bind(r.channel.as_str())
        .bind(tags)
        .bind(r.language)
        .bind(r.now)
        .bind(r.subject.to_lowercase())
        .bind(r.customer_email)
        // Every statement run to its end.
        .fetch_all(&mut *c)
        .await?;
    let id = ids
        .first()
        .copied()
        .ok_or_else(|| crate::Error::Internal(anyhow::anyhow!("the new conversation has no id")))?;
    if !with_tags {
        insert_tags(c, id, r.tags).await?;
    }
    Ok(id)
}

/// Writes back the mutable state of a conversation.
pub(super) async fn update(c: &mut AnyConnection, r: &ConvRow) -> Result<()> {
    update_with_tags(c, r, None).await
}

/// [`update`], and the tag rows its change touched.
pub(super) async fn update_with_tags(
    c: &mut AnyConnection,
    r: &ConvRow,
    tags: Option<&TagRows>,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE conversations SET status = ");
    sql.bind(r.status.as_str())
        .push(", priority = ")
        .bind(r.priority.as_str())
        .push(", assignee_id = ")
        .bind(r.assignee_id)
        .push(", team_id = ")
        .bind(r.team_id)
        .push(", tags = ")
        .bind(r.tags.as_str())
        .push(", language = ")
        .bind(r.language.clone())
        .push(", customer_id = ")
        .bind(r.customer_id)
        .push(", updated_at = ")
        .bind(r.updated_at)
        .push(", first_response_at = ")
        .bind(r.first_response_at)
        .push(", solved_at = ")
        .bind(r.solved_at)
        .push(", closed_at = ")
        .bind(r.closed_at)
        .push(", waiting_since = ")
        .bind(r.waiting_since)
        .push(", reopen_count = ")
        .bind(r.reopen_count)
        .push(", transfer_count = ")
        .bind(r.transfer_count)
        .push(", message_count = ")
        .bind(r.message_count)
        .push(", inbox_id = ")
        .bind(r.inbox_id)
        .push(", snoozed_until = ")
        .bind(r.snoozed_until)
        .push(", snoozed_by = ")
        .bind(r.snoozed_by)
        .push(" WHERE id = ")
        .bind(r.id);
    write_with_tags(c, sql, r.id, tags).await
}

/// Writes the plain fields of conversation `r` (priority, tags and
/// `updated_at`; what the rules change without a read, `plain.rs`) and
/// the tag rows the change touched. The row's other fields may be older
/// than the database's and are left alone.
pub(super) async fn update_plain(
    c: &mut AnyConnection,
    r: &ConvRow,
    tags: Option<&TagRows>,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE conversations SET priority = ");
    sql.bind(r.priority.as_str())
        .push(", tags = ")
        .bind(r.tags.as_str())
        .push(", updated_at = ")
        .bind(r.updated_at)
        .push(" WHERE id = ")
        .bind(r.id);
    write_with_tags(c, sql, r.id, tags).await
}

/// The customer address conversation `id` is with (after a change of customer).
pub(super) async fn set_customer_email(c: &mut AnyConnection, id: i64, email: &str) -> Result<()> {
    sqlx::query("UPDATE conversations SET customer_email = $1 WHERE id = $2")
        .bind(email)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// One conversation, if the viewer may see it.
pub(super) async fn get(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<ConvRow>> {
    let mut sql = Sql::new(CONV_SELECT);
    sql.push(" AND c.id = ").bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// One conversation, if the viewer may see it, locked for update until the
/// transaction ends (PostgreSQL; SQLite's single writer needs no lock).
pub(super) async fn get_for_update(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<ConvRow>> {
    let mut sql = Sql::new(CONV_SELECT);
    sql.push(" AND c.id = ").bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    if crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE OF c");
    }
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// Per-view counts under the viewer's access; "breaching soon" counts the
/// active conversations with a running deadline before `soon`.
pub(super) async fn counts(c: &mut AnyConnection, viewer: &Viewer, soon: i64) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT c.status, \
         SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END) AS unassigned, \
         SUM(CASE WHEN c.assignee_id = ",
    );
    sql.bind(viewer.user_id.unwrap_or(-1))
        .push(" THEN 1 ELSE 0 END) AS mine, COUNT(*) AS total FROM conversations c WHERE 1=1");
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" GROUP BY c.status");
    let rows: Vec<(String, i64, i64, i64)> = sql.query_as().fetch_all(&mut *c).await?;
    let mut out = Counts::default();
    for (status, unassigned, mine, total) in rows {
        let status = Status::from_db(&status).map_err(anyhow::Error::from)?;
        if status.is_active() {
            out.unassigned += unassigned;
            out.mine += mine;
        }
        match status {
            Status::New => out.new = total,
            Status::Open => out.open = total,
            Status::Pending => out.pending = total,
            Status::Solved => out.solved = total,
            Status::Closed => out.closed = total,
        }
    }
    let mut sql = Sql::new(
        "SELECT COUNT(DISTINCT k.conversation_id) FROM sla_clocks k \
         JOIN conversations c ON c.id = k.conversation_id \
         WHERE k.stopped_at IS NULL AND k.running_since IS NOT NULL AND k.due_at < ",
    );
    sql.bind(soon);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    let (n,): (i64,) = sql.query_as().fetch_one(c).await?;
    out.breaching_soon = n;
    Ok(out)
}

/// `(inbox, team, count)` of the conversations in `statuses`, under the
/// viewer's access.
pub(super) async fn counts_by_place(
    c: &mut AnyConnection,
    viewer: &Viewer,
    statuses: &[Status],
) -> Result<Vec<(i64, Option<i64>, i64)>> {
    let mut sql =
        Sql::new("SELECT c.inbox_id, c.team_id, COUNT(*) FROM conversations c WHERE c.status IN ");
    sql.bind_list(statuses.iter().map(|s| s.as_str()));
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" GROUP BY c.inbox_id, c.team_id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// A conversation's status (any viewer: the caller has checked access).
pub(super) async fn status_of(c: &mut AnyConnection, id: i64) -> Result<Status> {
    let status: String = sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *c)
        .await?;
    Ok(Status::from_db(&status).map_err(anyhow::Error::from)?)
}
