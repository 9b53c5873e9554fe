//! Reading conversations, their messages and their timeline, under the
//! viewer's access.

use super::model::{Attachment, Conversation, Counts, ListFilter, Message};
use super::repo::{self, ConvRow};
use super::status::Status;
use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};
use sqlx::AnyConnection;

/// One conversation the viewer may see.
#[tracing::instrument(level = "debug", skip_all, fields(conversation_id = id, user_id = ?viewer.user_id))]
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Conversation> {
    let mut c = st.db.pool().acquire().await?;
    let mut conv = repo::get(&mut c, viewer, id)
        .await?
        .map(ConvRow::into_conversation)
        .ok_or(Error::NotFound("conversation"))?;
    with_sla(&mut c, std::slice::from_mut(&mut conv)).await?;
    Ok(conv)
}

/// A conversation the viewer may see, inside another use case's
/// transaction (without its service levels).
pub async fn get_in(c: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<Conversation> {
    repo::get(c, viewer, id)
        .await?
        .map(ConvRow::into_conversation)
        .ok_or(Error::NotFound("conversation"))
}

/// Fills in the conversations' service levels.
async fn with_sla(c: &mut AnyConnection, convs: &mut [Conversation]) -> Result<()> {
    let ids: Vec<i64> = convs.iter().map(|v| v.id).collect();
    let mut found = crate::sla::service::summaries_in(c, &ids).await?;
    for v in convs {
        v.sla = found.remove(&v.id);
    }
    Ok(())
}

/// Conversations the viewer may see, in the filter's order from its
/// cursor; returns one page and whether more follow (in the direction it
/// was read: before the cursor for [`PageAt::Before`](super::model::PageAt)).
pub async fn list(
    st: &AppState,
    viewer: &Viewer,
    mut filter: ListFilter,
) -> Result<(Vec<Conversation>, bool)> {
    let limit = filter.limit;
    filter.limit = limit + 1;
    let mut c = st.db.pool().acquire().await?;
    let mut rows = repo::list(&mut c, viewer, &filter).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if matches!(filter.at, super::model::PageAt::Before(_)) {
        // Read backwards from the cursor: back in the list's order.
        rows.reverse();
    }
    let mut convs: Vec<Conversation> = rows.into_iter().map(ConvRow::into_conversation).collect();
    with_sla(&mut c, &mut convs).await?;
    Ok((convs, more))
}

/// The start of each conversation's newest message that is not a note
/// (id → text), for list previews. Only ids the caller has listed under
/// the viewer's access are asked for.
pub async fn previews(
    st: &AppState,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::previews(&mut c, ids).await?.into_iter().collect())
}

/// Live chats waiting for an answer that the viewer may see, the longest
/// waiting first.
pub async fn chats_waiting(
    st: &AppState,
    viewer: &Viewer,
    limit: i64,
) -> Result<Vec<Conversation>> {
    let mut c = st.db.pool().acquire().await?;
    let rows = repo::chats_waiting(&mut c, viewer, limit).await?;
    let mut convs: Vec<Conversation> = rows.into_iter().map(ConvRow::into_conversation).collect();
    with_sla(&mut c, &mut convs).await?;
    Ok(convs)
}

/// How far ahead "Breaching soon" counts deadlines: an hour.
pub const BREACHING_SOON_MS: i64 = 3_600_000;

/// Per-view counts under the viewer's access.
pub async fn counts(st: &AppState, viewer: &Viewer) -> Result<Counts> {
    let mut c = st.db.pool().acquire().await?;
    repo::counts(&mut c, viewer, st.clock.now_ms() + BREACHING_SOON_MS).await
}

/// `(inbox, team, count)` of the conversations a view lists, per inbox
/// and team, under the viewer's access.
pub async fn view_counts_by_place(
    st: &AppState,
    viewer: &Viewer,
    view: super::views::InboxView,
) -> Result<Vec<(i64, Option<i64>, i64)>> {
    let mut c = st.db.pool().acquire().await?;
    repo::counts_by_place(&mut c, viewer, view.statuses()).await
}

/// Messages of a conversation the viewer may see, oldest first.
pub async fn messages(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    after: Option<i64>,
    limit: i64,
) -> Result<(Vec<Message>, bool)> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let mut items = repo::messages(&mut c, id, None, after, limit + 1).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok((items, more))
}

/// The newest part of a conversation, for reading it: its newest
/// `messages` messages and the events since the first of them (at most
/// [`TAIL_EVENTS`]), oldest first.
#[derive(Debug, Clone)]
pub struct Tail {
    /// Messages and notes, oldest first.
    pub messages: Vec<Message>,
    /// Events, oldest first.
    pub events: Vec<super::Event>,
    /// Earlier messages exist that are not in this tail.
    pub earlier: bool,
}

/// Most events a [`Tail`] holds.
pub const TAIL_EVENTS: i64 = 4000;

/// The newest part of a conversation the viewer may see (see [`Tail`]).
#[tracing::instrument(level = "debug", skip_all, fields(conversation_id = id, user_id = ?viewer.user_id))]
pub async fn tail(st: &AppState, viewer: &Viewer, id: i64, messages: i64) -> Result<Tail> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let mut items = repo::newest_messages(&mut c, id, messages + 1).await?;
    let earlier = items.len() as i64 > messages;
    if earlier {
        items.remove(0);
    }
    let since = match (earlier, items.first()) {
        (true, Some(m)) => crate::time::parse_ms(&m.created_at).unwrap_or(0),
        _ => 0,
    };
    let events = repo::newest_events(&mut c, id, since, TAIL_EVENTS).await?;
    Ok(Tail {
        messages: items,
        events,
        earlier,
    })
}

/// The timeline of a conversation the viewer may see, oldest first.
pub async fn events(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    after: Option<i64>,
    limit: i64,
) -> Result<(Vec<super::Event>, bool)> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let mut items = repo::events(&mut c, id, after, limit + 1).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok((items, more))
}

/// The original .eml of an email message (its attachment-store digest).
pub async fn raw_message(
    st: &AppState,
    viewer: &Viewer,
    conversation_id: i64,
    message_id: i64,
) -> Result<String> {
    let mut c = st.db.pool().acquire().await?;
    repo::raw_of_message(&mut c, viewer, conversation_id, message_id)
        .await?
        .ok_or(Error::NotFound("message"))
}

/// A stored file's metadata, if the viewer may see its conversation.
pub async fn attachment(st: &AppState, viewer: &Viewer, id: i64) -> Result<Attachment> {
    let mut c = st.db.pool().acquire().await?;
    repo::attachment(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("attachment"))
}

/// A customer's conversations the viewer may see, newest first (the
/// customer page's history), inside the caller's connection.
pub async fn history_of_customer_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<crate::customers::model::HistoryItem>> {
    repo::history_of_customer(c, viewer, customer_id, limit).await
}

/// (all conversations, conversations the viewer may see) of a customer.
pub async fn totals_of_customer_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    customer_id: i64,
) -> Result<(i64, i64)> {
    repo::totals_of_customer(c, viewer, customer_id).await
}

/// A conversation's status, inside the caller's connection (the caller has
/// checked access: a chat visitor's own conversation).
pub async fn status_in(c: &mut AnyConnection, id: i64) -> Result<Status> {
    repo::status_of(c, id).await
}

/// The data of an event, for a caller that has checked access to its
/// conversation (the live stream's alerts).
pub async fn event_data(st: &AppState, event_id: i64) -> Result<serde_json::Value> {
    let mut c = st.db.pool().acquire().await?;
    repo::event_data(&mut c, event_id).await
}

/// Conversations whose customer has waited since before `before` without
/// a public reply, per channel and inbox the viewer may see: `(channel,
/// inbox id, count, the longest wait's start)`.
pub async fn unanswered(
    st: &AppState,
    viewer: &Viewer,
    before: i64,
) -> Result<Vec<(super::status::Channel, i64, i64, i64)>> {
    let mut c = st.db.pool().acquire().await?;
    repo::unanswered(&mut c, viewer, before)
        .await?
        .into_iter()
        .map(|(ch, inbox, n, since)| Ok((super::status::Channel::from_db(&ch)?, inbox, n, since)))
        .collect()
}
