//! Use cases for inboxes.

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::agents::model::{EmailAddress, parse_name};
use crate::db::is_unique_violation;
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{ImapAfter, Inbox, InboxKind, check_imap_after, parse_imap_url, parse_move_to};
use super::repo;

pub use super::channel::{channel_inbox, set_failing_in};

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
    /// The inbox's cap on automatic mail per hour; `Some(None)`: the default.
    pub auto_mail_per_hour: Option<Option<i64>>,
    /// The business calendar; `Some(None)` removes it.
    pub calendar_id: Option<Option<i64>>,
    /// Channel API inboxes: the signing secret, in plaintext (sealed
    /// before it is stored); `Some(None)` removes it.
    pub secret: Option<Option<String>>,
    /// Channel API inboxes: where the desk's messages are posted;
    /// `Some(None)` stops posting.
    pub outbound_url: Option<Option<String>>,
    /// Telegram inboxes: the bot's settings.
    pub telegram: Option<super::telegram::TelegramInput>,
    /// WhatsApp inboxes: the number's settings.
    pub whatsapp: Option<super::whatsapp::WhatsappInput>,
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
        Some(Some(u)) => {
            let u = parse_imap_url(&u)?;
            // The same URL again changes nothing (its sealed form would
            // differ, and a changed URL restarts reading the mailbox).
            let stored = {
                let mut c = st.db.pool().acquire().await?;
                repo::stored_imap_url(&mut c, id).await?
            };
            let same = stored
                .and_then(|s| st.secrets().open_url_password(&s).ok())
                .is_some_and(|s| url::Url::parse(&u).is_ok_and(|p| p.as_str() == s));
            if same {
                None
            } else {
                Some(Some(st.secrets().seal_url_password(&u)?))
            }
        }
    };
    let address = ch
        .address
        .as_deref()
        .map(|a| EmailAddress::parse("address", a).map(|e| e.as_str().to_string()))
        .transpose()?;
    let ack = ch.ack_enabled;
    let auto_cap = match ch.auto_mail_per_hour {
        Some(Some(n)) => Some(Some(super::model::check_auto_mail_cap(n)?)),
        other => other,
    };
    let after = ch.imap_after;
    let calendar = ch.calendar_id;
    let channel = super::channel::check(st, ch.secret, ch.outbound_url, ch.telegram, ch.whatsapp)?;
    let now = st.clock.now_ms();
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
                if let Some(cap) = auto_cap {
                    repo::set_auto_mail_cap(c, id, cap).await?;
                }
                super::channel::apply_in(c, id, inbox.kind, &channel, now).await?;
                if let Some(cal) = calendar {
                    set_calendar_in(c, id, cal, now).await?;
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

/// Gives an inbox a calendar (checked) and recounts the open service-level
/// clocks of its conversations on it (time used stays).
pub(crate) async fn set_calendar_in(
    c: &mut AnyConnection,
    id: i64,
    calendar_id: Option<i64>,
    now: i64,
) -> Result<Vec<crate::state::BusEvent>> {
    if let Some(k) = calendar_id
        && crate::calendars::service::name_in(c, k).await?.is_none()
    {
        return Err(Error::invalid(
            "calendar_id",
            format!("there is no calendar {k}"),
        ));
    }
    if inbox_in(c, id).await?.calendar_id == calendar_id {
        return Ok(Vec::new());
    }
    let old = crate::sla::service::setup_in(c).await?;
    repo::set_calendar(c, id, calendar_id).await?;
    crate::sla::service::recount_in(c, &old, crate::sla::repo::Using::Inbox, id, now).await
}

/// Each inbox that has a calendar: `(inbox id, calendar id)`.
pub(crate) async fn calendars_in(c: &mut AnyConnection) -> Result<Vec<(i64, i64)>> {
    repo::calendars(c).await
}

/// Every inbox's id and name.
pub(crate) async fn names_in(c: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    Ok(repo::list(c)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect())
}

/// Whether an inbox exists.
pub(crate) async fn exists_in(c: &mut AnyConnection, id: i64) -> Result<bool> {
    Ok(repo::get(c, id).await?.is_some())
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
    // Only the password's sealed form is stored.
    let sealed_url = imap_url
        .as_deref()
        .map(|u| st.secrets().seal_url_password(u))
        .transpose()?;
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
                    sealed_url.as_deref(),
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
    let cache = st.inbox_caches().map(|c| &c.by_id);
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
    let cache = st.inbox_caches().map(|c| &c.by_address);
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

/// Whether `address` (lower case) is one of the desk's own: mail from it
/// is our own coming back.
pub(crate) async fn is_own_address_in(c: &mut AnyConnection, address: &str) -> Result<bool> {
    repo::has_address(c, address).await
}

/// Email inboxes that poll IMAP, with their URLs, passwords opened.
/// Internal to the IMAP watcher; never shown. An inbox whose password does
/// not open (a wrong secret key) is left out, with an error in the log.
pub async fn imap_inboxes(st: &AppState) -> Result<Vec<(i64, String)>> {
    let stored = {
        let mut c = st.db.pool().acquire().await?;
        repo::imap_inboxes(&mut c).await?
    };
    Ok(stored
        .into_iter()
        .filter_map(|(id, url)| match st.secrets().open_url_password(&url) {
            Ok(u) => Some((id, u)),
            Err(e) => {
                tracing::error!(inbox = id, error = %e, "IMAP: the stored password does not open");
                None
            }
        })
        .collect())
}

/// How much automatic mail the inbox may send per hour (its own cap, else
/// `default`), inside the transaction that queues one; on PostgreSQL the
/// inbox row stays locked until it ends, so the count and the insert that
/// follow are not raced by another node.
pub(crate) async fn auto_mail_cap_in(c: &mut AnyConnection, id: i64, default: i64) -> Result<i64> {
    let own = repo::auto_mail_cap_for_update(c, id)
        .await?
        .ok_or(Error::NotFound("inbox"))?;
    Ok(own.unwrap_or(default))
}

/// Seals the inboxes' secrets still stored in plaintext (IMAP passwords,
/// chat identity secrets) at start; returns how many.
pub async fn seal_plaintext_secrets(st: &AppState) -> Result<usize> {
    use crate::secrets::{Purpose, is_sealed, url_password_is_plain};
    let (urls, identities) = {
        let mut c = st.db.pool().acquire().await?;
        repo::stored_secrets(&mut c).await?
    };
    let mut url_updates = Vec::new();
    for (id, url) in urls.into_iter().filter(|(_, u)| url_password_is_plain(u)) {
        let sealed = st.secrets().seal_url_password(&url)?;
        url_updates.push((id, url, sealed));
    }
    let identity_updates: Vec<(i64, String, String)> = identities
        .into_iter()
        .filter(|(_, s)| !is_sealed(s))
        .map(|(id, s)| {
            let sealed = st.secrets().seal(Purpose::ChatIdentity, &s);
            (id, s, sealed)
        })
        .collect();
    let n = url_updates.len() + identity_updates.len();
    if n > 0 {
        st.db
            .write(move |c| {
                Box::pin(async move {
                    // No copy of the plaintext may stay in the file's free space.
                    crate::db::zero_replaced_bytes(c, true).await?;
                    for (id, was, sealed) in &url_updates {
                        repo::reseal_imap_url(c, *id, was, sealed).await?;
                    }
                    for (id, was, sealed) in &identity_updates {
                        repo::reseal_identity_secret(c, *id, was, sealed).await?;
                    }
                    crate::db::zero_replaced_bytes(c, false).await
                })
            })
            .await?;
    }
    Ok(n)
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
