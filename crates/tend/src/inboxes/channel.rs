//! What the channel API needs of an inbox, read on every inbound message
//! and delivery (kept with the inbox caches), and its failing state.

use sqlx::AnyConnection;

use super::model::ChannelInbox;
use super::repo;
use crate::Result;
use crate::state::AppState;

/// What the channel API needs of inbox `id` (`None`: no such inbox), read
/// on every inbound message and delivery, so kept while the inboxes do
/// not change (SQLite).
pub async fn channel_inbox(st: &AppState, id: i64) -> Result<Option<ChannelInbox>> {
    let cache = st.inbox_caches().map(|c| &c.channels);
    if let Some(inbox) = cache.and_then(|c| c.get(&id)) {
        return Ok(Some(inbox));
    }
    let epoch = cache.map(|c| c.epoch());
    let mut c = st.db.pool().acquire().await?;
    let inbox = repo::channel(&mut c, id).await?;
    if let (Some(cache), Some(epoch), Some(inbox)) = (cache, epoch, &inbox) {
        cache.put(id, inbox.clone(), epoch);
    }
    Ok(inbox)
}

/// Marks a channel inbox failing (its outbound URL refuses Tend's
/// credentials) since `since`, or no longer (`None`), inside the caller's
/// transaction. Answers whether that changed anything.
pub async fn set_failing_in(
    c: &mut AnyConnection,
    id: i64,
    failing: Option<(i64, &str)>,
) -> Result<bool> {
    repo::set_failing(c, id, failing).await
}
