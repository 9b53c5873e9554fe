//! Moving conversations when two customer records are merged. The customer
//! service owns the merge; this part keeps the conversation rule that every
//! change appends its event (`customer_changed`) in the same transaction.

use serde_json::json;
use sqlx::AnyConnection;

use crate::Result;
use crate::agents::Viewer;
use crate::state::BusEvent;
use crate::vocab::EventKind;

use super::repo;
use super::service::{Timeline, actor_of};

/// Moves every conversation of customer `from` to customer `to`, inside
/// the caller's transaction, with one `customer_changed` event each
/// (`data.merge` is true). Returns the events, to publish after commit.
pub(crate) async fn move_customer_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    from: i64,
    to: i64,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let actor = actor_of(viewer);
    let mut added = Vec::new();
    for (id, inbox_id) in repo::of_customer(c, from).await? {
        let mut tl = Timeline::new(id, inbox_id, now);
        tl.add(
            c,
            EventKind::CustomerChanged,
            &actor,
            json!({"from": from, "to": to, "merge": true}),
        )
        .await?;
        repo::set_customer(c, id, to, now).await?;
        added.append(&mut tl.added);
    }
    Ok(added)
}
