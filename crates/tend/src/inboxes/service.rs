//! Use cases for inboxes.

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::agents::model::{EmailAddress, parse_name};
use crate::app::AppState;
use crate::db::is_unique_violation;
use crate::{Error, Result};

use super::model::{ImapAfter, Inbox, InboxKind, check_imap_after, parse_imap_url, parse_move_to};
use super::repo;

/// An inbox to create.
#[derive(Debug, Clone)]
pub struct NewInbox {
    /// Channel.
    pub kind: InboxKind,
    /// Display name; defaults to the address or the kind.
    pub name: Option<String>,
    /// Email address (required for email inboxes).
    pub address: Option<String>,
    /// IMAP mailbox to poll.
    pub imap_url: Option<String>,
    /// Acknowledge new email conversations.
    pub ack_enabled: bool,
    /// What to do to a mailbox message once it is stored.
    pub imap_after: ImapAfter,
    /// The folder for [`ImapAfter::Move`].
    pub imap_move_to: Option<String>,
}

/// Changes to an inbox; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct InboxChanges {
    /// Display name.
    pub name: Option<String>,
    /// Address (email inboxes need one; another inbox may not use it).
    pub address: Option<String>,
    /// IMAP URL; `Some(None)` stops polling.
    pub imap_url: Option<Option<String>>,
    /// Acknowledge new email conversations.
    pub ack_enabled: Option<bool>,
    /// What to do to a mailbox message once it is stored.
    pub imap_after: Option<ImapAfter>,
    /// The folder for [`ImapAfter::Move`]; `Some(None)` clears it.
    pub imap_move_to: Option<Option<String>>,
}

/// Changes an inbox. Admins only. Channels pick changes up without a restart.
pub async fn update_inbox(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    ch: InboxChanges,
) -> Result<Inbox> {
    viewer.require_admin()?;
    let name = ch
        .name
        .as_deref()
        .map(|n| parse_name("name", n, 200))
        .transpose()?;
    let imap_url = match ch.imap_url {
        None => None,
        Some(None) => Some(None),
        Some(Some(u)) => Some(Some(parse_imap_url(&u)?)),
    };
    let address = ch
        .address
        .as_deref()
        .map(|a| EmailAddress::parse("address", a).map(|e| e.as_str().to_string()))
        .transpose()?;
    let ack = ch.ack_enabled;
    let after = ch.imap_after;
    let move_to = match ch.imap_move_to {
        None => None,
        Some(None) => Some(None),
        Some(Some(f)) => Some(Some(parse_move_to(&f)?)),
    };
    st.db
        .write(move |c| {
            Box::pin(async move {
                let inbox = inbox_in(c, id).await?;
                if imap_url.as_ref().is_some_and(Option::is_some) && inbox.kind != InboxKind::Email
                {
                    return Err(Error::invalid(
                        "imap_url",
                        "only email inboxes can poll IMAP",
                    ));
                }
                if after.is_some_and(|a| a != ImapAfter::Leave) && inbox.kind != InboxKind::Email {
                    return Err(Error::invalid(
                        "imap_after",
                        "only email inboxes read an IMAP mailbox",
                    ));
                }
                // The setting as it will be, checked as a whole (a PATCH may
                // change any one of the three).
                let url = match &imap_url {
                    Some(u) => u.clone(),
                    None => inbox.imap_url.clone(),
                };
                let folder = match &move_to {
                    Some(f) => f.clone(),
                    None => inbox.imap_move_to.clone(),
                };
                check_imap_after(
                    after.unwrap_or(inbox.imap_after),
                    folder.as_deref(),
                    url.as_deref(),
                )?;
                if after.is_some() || move_to.is_some() {
                    repo::set_imap_after(c, id, after, move_to.as_ref().map(|f| f.as_deref()))
                        .await?;
                }
                repo::update(
                    c,
                    id,
                    name.as_deref(),
                    imap_url.as_ref().map(|u| u.as_deref()),
                    ack,
                )
                .await?;
                if let Some(a) = address.as_deref() {
                    repo::set_address(c, id, a).await.map_err(|e| match e {
                        Error::Database(d) if is_unique_violation(&d) => {
                            Error::invalid("address", "another inbox already uses this address")
                        }
                        other => other,
                    })?;
                }
                inbox_in(c, id).await
            })
        })
        .await
}

/// Creates an inbox. Admins only.
pub async fn create_inbox(st: &AppState, viewer: &Viewer, new: NewInbox) -> Result<Inbox> {
    viewer.require_admin()?;
    let address = match (&new.kind, new.address.as_deref()) {
        (InboxKind::Email, None) => {
            return Err(Error::invalid("address", "an email inbox needs an address"));
        }
        (_, Some(a)) => Some(EmailAddress::parse("address", a)?.as_str().to_string()),
        (_, None) => None,
    };
    let imap_url = new.imap_url.as_deref().map(parse_imap_url).transpose()?;
    if imap_url.is_some() && new.kind != InboxKind::Email {
        return Err(Error::invalid(
            "imap_url",
            "only email inboxes can poll IMAP",
        ));
    }
    let move_to = new.imap_move_to.as_deref().map(parse_move_to).transpose()?;
    let after = new.imap_after;
    if after != ImapAfter::Leave && new.kind != InboxKind::Email {
        return Err(Error::invalid(
            "imap_after",
            "only email inboxes read an IMAP mailbox",
        ));
    }
    check_imap_after(after, move_to.as_deref(), imap_url.as_deref())?;
    let name = match new.name.as_deref() {
        Some(n) => parse_name("name", n, 200)?,
        None => address
            .clone()
            .unwrap_or_else(|| new.kind.as_str().to_string()),
    };
    let now = st.clock.now_ms();
    let kind = new.kind;
    let ack_enabled = new.ack_enabled;
    st.db
        .write(move |c| {
            Box::pin(async move {
                let id = repo::insert(
                    c,
                    kind,
                    &name,
                    address.as_deref(),
                    imap_url.as_deref(),
                    false,
                    now,
                )
                .await
                .map_err(|e| match e {
                    Error::Database(d) if is_unique_violation(&d) => {
                        Error::invalid("address", "another inbox already uses this address")
                    }
                    other => other,
                })?;
                if ack_enabled {
                    repo::update(c, id, None, None, Some(true)).await?;
                }
                if after != ImapAfter::Leave || move_to.is_some() {
                    repo::set_imap_after(c, id, Some(after), Some(move_to.as_deref())).await?;
                }
                inbox_in(c, id).await
            })
        })
        .await
}

/// All inboxes. Admins only (the list reveals channel settings).
pub async fn list_inboxes(st: &AppState, viewer: &Viewer) -> Result<Vec<Inbox>> {
    viewer.require_admin()?;
    let mut c = st.db.pool().acquire().await?;
    repo::list(&mut c).await
}

/// The inboxes the viewer may work (every inbox for admins and
/// supervisors), for the UI's navigation.
pub async fn visible_inboxes(st: &AppState, viewer: &Viewer) -> Result<Vec<Inbox>> {
    let mut c = st.db.pool().acquire().await?;
    let all = repo::list(&mut c).await?;
    Ok(match viewer.visible_inboxes(&mut c).await? {
        None => all,
        Some(ids) => all.into_iter().filter(|i| ids.contains(&i.id)).collect(),
    })
}

/// One inbox. Admins only.
pub async fn get_inbox(st: &AppState, viewer: &Viewer, id: i64) -> Result<Inbox> {
    viewer.require_admin()?;
    let cache = st.caches.as_ref().map(|c| &c.inboxes);
    if let Some(inbox) = cache.and_then(|c| c.get(&id)) {
        return Ok(inbox);
    }
    let epoch = cache.map(|c| c.epoch());
    let mut c = st.db.pool().acquire().await?;
    let inbox = inbox_in(&mut c, id).await?;
    if let (Some(cache), Some(epoch)) = (cache, epoch) {
        cache.put(id, inbox.clone(), epoch);
    }
    Ok(inbox)
}

/// One inbox, inside another use case's transaction.
pub(crate) async fn inbox_in(c: &mut AnyConnection, id: i64) -> Result<Inbox> {
    repo::get(c, id).await?.ok_or(Error::NotFound("inbox"))
}

/// Creates the default inbox on first start; a no-op afterwards.
pub async fn ensure_default_inbox(st: &AppState) -> Result<i64> {
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                match repo::default_id(c).await? {
                    Some(id) => Ok(id),
                    None => repo::insert(c, InboxKind::Api, "Default", None, None, true, now).await,
                }
            })
        })
        .await
}

/// The email inbox that receives mail for `address` (case-insensitive).
pub async fn email_inbox_by_address(st: &AppState, address: &str) -> Result<Option<i64>> {
    let address = address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_lowercase();
    let cache = st.caches.as_ref().map(|c| &c.inbox_by_address);
    if let Some(id) = cache.and_then(|c| c.get(&address)) {
        return Ok(Some(id));
    }
    let epoch = cache.map(|c| c.epoch());
    let mut c = st.db.pool().acquire().await?;
    let found = repo::email_inbox_id_by_address(&mut c, &address).await?;
    // Only what exists is kept: an inbox made by `tend admin create-inbox`
    // (another process) is found on the next look-up.
    if let (Some(cache), Some(epoch), Some(id)) = (cache, epoch, found) {
        cache.put(address, id, epoch);
    }
    Ok(found)
}

/// Email inboxes that poll IMAP, with their (secret-bearing) URLs. Internal
/// to the IMAP watcher; never shown.
pub async fn imap_inboxes(st: &AppState) -> Result<Vec<(i64, String)>> {
    let mut c = st.db.pool().acquire().await?;
    repo::imap_inboxes(&mut c).await
}

/// What the IMAP watcher does to a message of this inbox once it is
/// committed, read at the start of each fetch pass so a change applies
/// without restarting the watcher. `Move` comes with its folder.
pub async fn imap_after(st: &AppState, inbox_id: i64) -> Result<(ImapAfter, Option<String>)> {
    let mut c = st.db.pool().acquire().await?;
    let (after, move_to) = repo::imap_after(&mut c, inbox_id)
        .await?
        .ok_or(Error::NotFound("inbox"))?;
    Ok((ImapAfter::parse(&after).unwrap_or_default(), move_to))
}

/// The first email inbox (where webhook mail goes without an inbox id).
pub async fn first_email_inbox(st: &AppState) -> Result<Option<i64>> {
    let mut c = st.db.pool().acquire().await?;
    repo::first_email_inbox(&mut c).await
}
