//! The webhooks' use cases: subscriptions and their delivery log (admins),
//! and [`enqueue_in`] for an automation's webhook action.

use sqlx::AnyConnection;

use super::model::{Delivery, Webhook, WebhookInput};
use super::repo;
use crate::agents::Viewer;
use crate::http::{Page, PageParams};
use crate::secrets::Purpose;
use crate::state::AppState;
use crate::vocab::EventKind;
use crate::{Error, Result};

/// Where an automation's webhook action posts.
#[derive(Debug, Clone)]
pub struct Target {
    /// An `http://` or `https://` URL.
    pub url: String,
    /// Signs the delivery when given. Pass it sealed
    /// (`st.secrets().seal(Purpose::WebhookSecret, …)`): it is stored as
    /// given until delivered, and a plaintext one would sit in the
    /// database in the clear.
    pub secret: Option<String>,
}

/// The event an automation's webhook action posts.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The event's id in the log.
    pub event_id: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// Its kind.
    pub kind: EventKind,
    /// Its data.
    pub data: serde_json::Value,
    /// When it was committed (ms).
    pub created_at_ms: i64,
}

/// Queues one delivery of `ev` to `to`, inside the caller's transaction
/// (an automation's webhook action): it is kept only if the change that
/// fired it is, and the sender posts it after the commit, in order with
/// the other deliveries to the same URL about the same conversation, and
/// retried like a subscription's. Unsigned without a secret. The sender
/// is woken by the commit's events (the follower wakes it after each
/// pass).
pub async fn enqueue_in(c: &mut AnyConnection, to: &Target, ev: &Outgoing, now: i64) -> Result<()> {
    let url = super::model::check_url(&to.url)?;
    repo::insert_adhoc(
        c,
        &repo::Adhoc {
            url: &url,
            secret: to.secret.as_deref(),
            event_id: ev.event_id,
            conversation_id: ev.conversation_id,
            kind: ev.kind,
            data: ev.data.to_string(),
            event_created_at: ev.created_at_ms,
        },
        now,
    )
    .await
}

/// The delivery queued with [`enqueue_in`] for event `event_id`, as the
/// log shows it (a remedy shows its own).
pub async fn adhoc_delivery_in(c: &mut AnyConnection, event_id: i64) -> Result<Option<Delivery>> {
    repo::adhoc_delivery(c, event_id)
        .await?
        .map(repo::DeliveryRow::into_delivery)
        .transpose()
}

/// A new subscription; events committed from now on are delivered to
/// it. Admins.
pub async fn create(st: &AppState, viewer: &Viewer, input: WebhookInput) -> Result<Webhook> {
    viewer.require_admin()?;
    let s = input.validate()?;
    let sealed = st.secrets().seal(Purpose::WebhookSecret, &s.secret);
    let now = st.clock.now_ms();
    let by = viewer.user_id;
    let row = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let id = repo::insert_webhook(c, &s.url, &s.events, &sealed, by, now).await?;
                repo::get_webhook(c, id)
                    .await?
                    .ok_or(Error::NotFound("webhook"))
            })
        })
        .await?;
    tracing::info!(webhook = row.id, url = %row.url, "an admin subscribed a webhook");
    Ok(row.into_webhook())
}

/// The subscriptions, oldest first. Admins.
pub async fn list(st: &AppState, viewer: &Viewer, page: &PageParams) -> Result<Page<Webhook>> {
    viewer.require_admin()?;
    let limit = page.limit()?;
    let mut c = st.db.pool().acquire().await?;
    let mut rows = repo::list_webhooks(&mut c, page.cursor()?, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok(Page::new(
        rows.into_iter()
            .map(repo::WebhookRow::into_webhook)
            .collect(),
        more,
        |w| w.id,
    ))
}

/// One subscription. Admins.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Webhook> {
    viewer.require_admin()?;
    let mut c = st.db.pool().acquire().await?;
    repo::get_webhook(&mut c, id)
        .await?
        .map(repo::WebhookRow::into_webhook)
        .ok_or(Error::NotFound("webhook"))
}

/// Removes a subscription, its queued deliveries and its log. Admins.
pub async fn delete(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    viewer.require_admin()?;
    let gone = st
        .db
        .write(move |c| Box::pin(async move { repo::delete_webhook(c, id).await }))
        .await?;
    if !gone {
        return Err(Error::NotFound("webhook"));
    }
    tracing::info!(webhook = id, "an admin removed a webhook");
    Ok(())
}

/// A subscription's delivery log, newest first. Admins.
pub async fn deliveries(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    page: &PageParams,
) -> Result<Page<Delivery>> {
    viewer.require_admin()?;
    let limit = page.limit()?;
    let mut c = st.db.pool().acquire().await?;
    if repo::get_webhook(&mut c, id).await?.is_none() {
        return Err(Error::NotFound("webhook"));
    }
    let mut rows = repo::deliveries(&mut c, id, page.cursor()?, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let items = rows
        .into_iter()
        .map(repo::DeliveryRow::into_delivery)
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::new(items, more, |d| d.id))
}

/// Queues a delivery again, delivered or not, for an attempt at once
/// (after the conversation's earlier undelivered events). Admins.
pub async fn redeliver(
    st: &AppState,
    viewer: &Viewer,
    webhook_id: i64,
    id: i64,
) -> Result<Delivery> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    let row = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if !repo::redeliver(c, webhook_id, id, now).await? {
                    return Err(Error::NotFound("delivery"));
                }
                repo::delivery(c, webhook_id, id)
                    .await?
                    .ok_or(Error::NotFound("delivery"))
            })
        })
        .await?;
    tracing::info!(
        webhook = webhook_id,
        delivery = id,
        "an admin redelivers a webhook delivery"
    );
    wake(st);
    row.into_delivery()
}

/// Wakes this node's sender: something may be due now (a test that moved
/// its clock past a backoff, a redelivery).
pub fn wake(st: &AppState) {
    st.webhooks().wake.notify_one();
}
