//! The outbox for admins: what is queued, sent, failed or held (automatic
//! mail over its inbox's hourly cap), and the release of held mail. The
//! handlers are in [`super::outbox_api`].

use serde::Serialize;
use utoipa::ToSchema;

use crate::agents::Viewer;
use crate::state::AppState;
use crate::vocab::{DeliveryStatus, MailKind};
use crate::{Error, Result};

use super::repo::{self, OutboxListRow};

/// A mail in the outbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxItem {
    /// Id.
    pub id: i64,
    /// `reply` (typed by an agent), or automatic: `ack`, `survey`,
    /// `transcript`.
    pub kind: MailKind,
    /// Where it is: `queued`, `held`, `sent` or `failed`.
    pub status: DeliveryStatus,
    /// Why it is held (over the inbox's automatic-mail cap).
    pub held_reason: Option<String>,
    /// The last delivery error.
    pub last_error: Option<String>,
    /// The conversation it belongs to.
    pub conversation_id: Option<i64>,
    /// The conversation message it carries, if any.
    pub message_id: Option<i64>,
    /// The inbox it is sent for.
    pub inbox_id: Option<i64>,
    /// Envelope recipients.
    pub rcpt: Vec<String>,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// RFC 3339.
    pub created_at: String,
    /// When the relay accepted it (RFC 3339).
    pub sent_at: Option<String>,
}

impl From<OutboxListRow> for OutboxItem {
    fn from(r: OutboxListRow) -> Self {
        OutboxItem {
            id: r.id,
            kind: r.kind,
            status: if r.held_reason.is_some() && r.status == DeliveryStatus::Queued {
                DeliveryStatus::Held
            } else {
                r.status
            },
            held_reason: r.held_reason,
            last_error: r.last_error,
            conversation_id: r.conversation_id,
            message_id: r.message_id,
            inbox_id: r.inbox_id,
            rcpt: serde_json::from_str(&r.rcpt).unwrap_or_default(),
            attempts: r.attempts,
            created_at: crate::time::rfc3339(r.created_at),
            sent_at: crate::time::rfc3339_opt(r.sent_at),
        }
    }
}

/// Which outbox rows to list.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    /// Only `held` mail, or only `queued`, `sent` or `failed` mail.
    pub status: Option<DeliveryStatus>,
    /// Only mail of this inbox.
    pub inbox_id: Option<i64>,
    /// Below this id.
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// Outbox rows, newest first, and whether more follow. Admins only.
pub async fn list(
    st: &AppState,
    viewer: &Viewer,
    f: OutboxFilter,
) -> Result<(Vec<OutboxItem>, bool)> {
    viewer.require_admin()?;
    let mut c = st.db.pool().acquire().await?;
    let mut rows = repo::list_outbox(&mut c, f.status, f.inbox_id, f.before, f.limit).await?;
    let more = rows.len() as i64 > f.limit;
    rows.truncate(f.limit.max(0) as usize);
    Ok((rows.into_iter().map(OutboxItem::from).collect(), more))
}

/// Sends held mail after all (it no longer counts against nor waits for
/// the cap). 409 when it is not held. Admins only.
pub async fn release(st: &AppState, viewer: &Viewer, id: i64) -> Result<OutboxItem> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    let row = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let row = repo::outbox_row(c, id)
                    .await?
                    .ok_or(Error::NotFound("outbox mail"))?;
                if !repo::release(c, id, now).await? {
                    return Err(Error::conflict(
                        "not_held",
                        "this mail is not held",
                        serde_json::json!({"outbox_id": id}),
                    ));
                }
                if let Some(m) = row.message_id {
                    crate::conversations::service::set_delivery_in(
                        c,
                        m,
                        DeliveryStatus::Queued,
                        None,
                        now,
                    )
                    .await?;
                }
                repo::outbox_row(c, id)
                    .await?
                    .ok_or(Error::NotFound("outbox mail"))
            })
        })
        .await?;
    st.outbox_wake.notify_one();
    tracing::info!(outbox = id, by = ?viewer.user_id, "held mail released");
    Ok(OutboxItem::from(row))
}
