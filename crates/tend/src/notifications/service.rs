//! Notifications' use cases: an agent's list, reading, the unread count
//! and the preferences. Notifications are made by the follower
//! (`follower.rs`), never by the write paths.

use std::collections::BTreeMap;

use super::model::{
    Delivery, Notification, NotificationKind, Preferences, PreferencesInput, Unread,
};
use super::repo;
use crate::agents::Viewer;
use crate::http::Page;
use crate::state::AppState;
use crate::{Error, Result};

/// The signed-in user of `viewer` (the system has no notifications).
fn me(viewer: &Viewer) -> Result<i64> {
    viewer
        .user_id
        .ok_or(Error::Forbidden("notifications belong to a user"))
}

/// A user's notifications, newest first, by pages (`before`: the
/// `next_cursor` of the previous page).
pub async fn list(
    st: &AppState,
    viewer: &Viewer,
    unread_only: bool,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<Notification>> {
    let uid = me(viewer)?;
    let mut c = st.db.pool().acquire().await?;
    let mut rows = repo::list(&mut c, viewer, uid, unread_only, before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let items: Vec<Notification> = rows.into_iter().map(repo::Row::into_notification).collect();
    Ok(Page::new(items, more, |n| n.id))
}

/// The number of unread notifications of user `user_id` (the bell).
pub async fn unread(st: &AppState, user_id: i64) -> Result<i64> {
    let mut c = st.db.pool().acquire().await?;
    repo::unread(&mut c, user_id).await
}

/// [`unread`] on the caller's connection (every page's header, read with
/// the session).
pub async fn unread_in(c: &mut sqlx::AnyConnection, user_id: i64) -> Result<i64> {
    repo::unread(c, user_id).await
}

/// Marks one notification read; 404 when it is not the viewer's.
pub async fn mark_read(st: &AppState, viewer: &Viewer, id: i64) -> Result<Unread> {
    let uid = me(viewer)?;
    let now = st.clock.now_ms();
    let found = st
        .db
        .write(move |c| Box::pin(async move { repo::mark_read(c, uid, id, now).await }))
        .await?;
    if !found {
        return Err(Error::NotFound("notification"));
    }
    Ok(Unread {
        unread: unread(st, uid).await?,
    })
}

/// Marks all of the viewer's notifications read (only those about
/// `conversation_id` when given: opening a conversation reads them).
pub async fn mark_all_read(
    st: &AppState,
    viewer: &Viewer,
    conversation_id: Option<i64>,
) -> Result<Unread> {
    let uid = me(viewer)?;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move { repo::mark_all_read(c, uid, conversation_id, now).await })
        })
        .await?;
    Ok(Unread {
        unread: unread(st, uid).await?,
    })
}

/// What a user chose, every kind named (defaults for kinds not chosen).
pub async fn preferences(st: &AppState, viewer: &Viewer) -> Result<Preferences> {
    let uid = me(viewer)?;
    let mut c = st.db.pool().acquire().await?;
    let chosen = repo::deliveries(&mut c, &[uid]).await?;
    let mut kinds: BTreeMap<NotificationKind, Delivery> = NotificationKind::ALL
        .iter()
        .map(|k| (*k, Delivery::DEFAULT))
        .collect();
    for (_, k, d) in chosen {
        kinds.insert(k, d);
    }
    let sound = repo::sound(&mut c, uid).await?.unwrap_or(false);
    Ok(Preferences { kinds, sound })
}

/// Changes a user's preferences: each kind given (an unknown kind is a
/// 422 naming it), and the sound when given.
pub async fn set_preferences(
    st: &AppState,
    viewer: &Viewer,
    input: PreferencesInput,
) -> Result<Preferences> {
    let uid = me(viewer)?;
    let mut kinds = Vec::new();
    for (name, d) in input.kinds {
        kinds.push((NotificationKind::parse(&format!("kinds.{name}"), &name)?, d));
    }
    let sound = input.sound;
    st.db
        .write(move |c| {
            Box::pin(async move {
                for (k, d) in &kinds {
                    repo::put_delivery(c, uid, *k, *d).await?;
                }
                if let Some(on) = sound {
                    repo::put_sound(c, uid, on).await?;
                }
                Ok(())
            })
        })
        .await?;
    preferences(st, viewer).await
}

/// Where each of these users wants each kind: `(user, kind)` → delivery,
/// defaults included.
pub(super) async fn deliveries_of(
    c: &mut sqlx::AnyConnection,
    users: &[i64],
) -> Result<impl Fn(i64, NotificationKind) -> Delivery + use<>> {
    let chosen: std::collections::HashMap<(i64, NotificationKind), Delivery> =
        repo::deliveries(c, users)
            .await?
            .into_iter()
            .map(|(u, k, d)| ((u, k), d))
            .collect();
    Ok(move |u, k| chosen.get(&(u, k)).copied().unwrap_or(Delivery::DEFAULT))
}

/// The conversation of the viewer's notification `id` (404 when not theirs
/// or no longer visible).
pub async fn conversation_of(st: &AppState, viewer: &Viewer, id: i64) -> Result<i64> {
    let uid = me(viewer)?;
    let mut c = st.db.pool().acquire().await?;
    repo::list(&mut c, viewer, uid, false, Some(id + 1), 1)
        .await?
        .into_iter()
        .map(repo::Row::into_notification)
        .find(|n| n.id == id)
        .map(|n| n.conversation_id)
        .ok_or(Error::NotFound("notification"))
}

/// User `user_id`'s notification `id`, as the list shows it.
pub async fn get_one(st: &AppState, user_id: i64, id: i64) -> Result<Option<Notification>> {
    let mut c = st.db.pool().acquire().await?;
    let viewer = Viewer::system();
    Ok(repo::list(&mut c, &viewer, user_id, false, Some(id + 1), 1)
        .await?
        .into_iter()
        .map(repo::Row::into_notification)
        .find(|n| n.id == id))
}

/// Whether user `user_id` wants the tone for waiting chats.
pub async fn sound_of(st: &AppState, user_id: i64) -> Result<bool> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::sound(&mut c, user_id).await?.unwrap_or(false))
}
