//! The only SQL about inboxes.

use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::time::rfc3339;

use super::model::{ImapAfter, Inbox, InboxKind, redact_url};

#[derive(FromRow)]
struct InboxRow {
    id: i64,
    kind: String,
    name: String,
    address: Option<String>,
    imap_url: Option<String>,
    is_default: i64,
    ack_enabled: i64,
    imap_after: String,
    imap_move_to: Option<String>,
    auto_mail_per_hour: Option<i64>,
    calendar_id: Option<i64>,
    outbound_url: Option<String>,
    has_secret: i64,
    failing_since: Option<i64>,
    failing_error: Option<String>,
    created_at: i64,
}

impl From<InboxRow> for Inbox {
    fn from(r: InboxRow) -> Inbox {
        Inbox {
            id: r.id,
            kind: InboxKind::parse(&r.kind).unwrap_or(InboxKind::Api),
            name: r.name,
            address: r.address,
            imap_url: r.imap_url.as_deref().map(redact_url),
            is_default: r.is_default != 0,
            ack_enabled: r.ack_enabled != 0,
            imap_after: ImapAfter::parse(&r.imap_after).unwrap_or_default(),
            imap_move_to: r.imap_move_to,
            auto_mail_per_hour: r.auto_mail_per_hour,
            calendar_id: r.calendar_id,
            outbound_url: r.outbound_url,
            has_secret: r.has_secret != 0,
            failing_since: r.failing_since.map(rfc3339),
            failing_error: r.failing_error,
            telegram: None,
            whatsapp: None,
            created_at: rfc3339(r.created_at),
        }
    }
}

const COLUMNS: &str = "SELECT id, kind, name, address, imap_url, is_default, ack_enabled, \
     imap_after, imap_move_to, auto_mail_per_hour, calendar_id, outbound_url, \
     CAST(CASE WHEN channel_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_secret, failing_since, \
     failing_error, created_at FROM inboxes";

pub(super) async fn insert(
    c: &mut AnyConnection,
    kind: InboxKind,
    name: &str,
    address: Option<&str>,
    imap_url: Option<&str>,
    is_default: bool,
    now: i64,
) -> Result<i64> {
    crate::db::changes::INBOXES.mark();
    Ok(sqlx::query_scalar(
        "INSERT INTO inboxes (kind, name, address, imap_url, is_default, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(name)
    .bind(address)
    .bind(imap_url)
    .bind(i64::from(is_default))
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub(super) async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<Inbox>> {
    let row: Option<InboxRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    let mut inbox: Vec<Inbox> = row.into_iter().map(Inbox::from).collect();
    super::telegram_repo::fill(c, &mut inbox).await?;
    super::whatsapp_repo::fill(c, &mut inbox).await?;
    Ok(inbox.pop())
}

pub(super) async fn default_id(c: &mut AnyConnection) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM inboxes WHERE is_default = 1 ORDER BY id LIMIT 1")
            .fetch_optional(c)
            .await?,
    )
}

pub(super) async fn list(c: &mut AnyConnection) -> Result<Vec<Inbox>> {
    let rows: Vec<InboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY id")))
        .fetch_all(&mut *c)
        .await?;
    let mut all: Vec<Inbox> = rows.into_iter().map(Inbox::from).collect();
    super::telegram_repo::fill(c, &mut all).await?;
    super::whatsapp_repo::fill(c, &mut all).await?;
    Ok(all)
}

pub(super) async fn email_inbox_id_by_address(
    c: &mut AnyConnection,
    address: &str,
) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM inboxes WHERE kind = 'email' AND address = $1")
            .bind(address)
            .fetch_optional(c)
            .await?,
    )
}

pub(super) async fn imap_inboxes(c: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, imap_url FROM inboxes WHERE kind = 'email' AND imap_url IS NOT NULL ORDER BY id")
        .fetch_all(c)
        .await?)
}

pub(super) async fn first_email_inbox(c: &mut AnyConnection) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM inboxes WHERE kind = 'email' ORDER BY id LIMIT 1")
            .fetch_optional(c)
            .await?,
    )
}

pub(super) async fn update(
    c: &mut AnyConnection,
    id: i64,
    name: Option<&str>,
    imap_url: Option<Option<&str>>,
    ack_enabled: Option<bool>,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    if let Some(u) = imap_url {
        // Another mailbox: its UIDs say nothing about the old one's (and two
        // mailboxes can share a UIDVALIDITY), so reading starts afresh;
        // mail read before is recognised as a duplicate by Message-ID.
        sqlx::query(
            "DELETE FROM imap_state WHERE inbox_id = $1 AND EXISTS (SELECT 1 FROM inboxes \
             WHERE id = $1 AND COALESCE(imap_url, '') <> COALESCE($2, ''))",
        )
        .bind(id)
        .bind(u)
        .execute(&mut *c)
        .await?;
    }
    let mut sql = crate::db::Sql::new("UPDATE inboxes SET id = id");
    if let Some(n) = name {
        sql.push(", name = ").bind(n);
    }
    if let Some(u) = imap_url {
        sql.push(", imap_url = ").bind(u.map(str::to_string));
    }
    if let Some(a) = ack_enabled {
        sql.push(", ack_enabled = ").bind(i64::from(a));
    }
    sql.push(" WHERE id = ").bind(id);
    sql.query().execute(c).await?;
    Ok(())
}

/// Stores what the IMAP watcher does after ingesting; `move_to` `None`
/// keeps the stored folder, `Some(None)` clears it.
pub(super) async fn set_imap_after(
    c: &mut AnyConnection,
    id: i64,
    after: Option<ImapAfter>,
    move_to: Option<Option<&str>>,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    let mut sql = crate::db::Sql::new("UPDATE inboxes SET id = id");
    if let Some(a) = after {
        sql.push(", imap_after = ").bind(a.as_str().to_string());
    }
    if let Some(m) = move_to {
        sql.push(", imap_move_to = ").bind(m.map(str::to_string));
    }
    sql.push(" WHERE id = ").bind(id);
    sql.query().execute(c).await?;
    Ok(())
}

/// The IMAP after-ingest setting of one inbox (`None`: no such inbox).
pub(super) async fn imap_after(
    c: &mut AnyConnection,
    id: i64,
) -> Result<Option<(String, Option<String>)>> {
    Ok(
        sqlx::query_as("SELECT imap_after, imap_move_to FROM inboxes WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?,
    )
}

pub(super) async fn set_address(c: &mut AnyConnection, id: i64, address: &str) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    sqlx::query("UPDATE inboxes SET address = $2 WHERE id = $1")
        .bind(id)
        .bind(address)
        .execute(c)
        .await?;
    Ok(())
}

/// An inbox's public-channel settings as stored (JSON text columns).
#[derive(Debug, Clone)]
pub(super) struct PublicRow {
    pub allowed_origins: String,
    pub require_name: bool,
    pub require_email: bool,
    pub identity_secret: Option<String>,
    pub max_wait_secs: i64,
}

/// `None`: no such inbox; `Some(None)`: the inbox has the defaults.
pub(super) async fn public_settings(
    c: &mut AnyConnection,
    inbox_id: i64,
) -> Result<Option<Option<PublicRow>>> {
    type Row = (
        i64,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT i.id, s.allowed_origins, s.require_name, s.require_email, s.identity_secret, \
         s.max_wait_secs FROM inboxes i \
         LEFT JOIN inbox_public_settings s ON s.inbox_id = i.id WHERE i.id = $1",
    )
    .bind(inbox_id)
    .fetch_optional(&mut *c)
    .await?;
    Ok(row.map(|(_, origins, name, email, secret, wait)| {
        origins.map(|allowed_origins| PublicRow {
            allowed_origins,
            require_name: name.unwrap_or(0) != 0,
            require_email: email.unwrap_or(0) != 0,
            identity_secret: secret,
            max_wait_secs: wait.unwrap_or(300),
        })
    }))
}

/// Creates or replaces an inbox's public-channel settings. (The column
/// `office_hours` is no longer written: office hours are the inbox's
/// calendar since migration 0018.)
pub(super) async fn save_public_settings(
    c: &mut AnyConnection,
    inbox_id: i64,
    r: &PublicRow,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO inbox_public_settings (inbox_id, allowed_origins, require_name, \
         require_email, identity_secret, max_wait_secs, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (inbox_id) DO UPDATE SET \
         allowed_origins = $2, require_name = $3, require_email = $4, \
         identity_secret = $5, max_wait_secs = $6, updated_at = $7",
    )
    .bind(inbox_id)
    .bind(&r.allowed_origins)
    .bind(i64::from(r.require_name))
    .bind(i64::from(r.require_email))
    .bind(r.identity_secret.as_deref())
    .bind(r.max_wait_secs)
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// An inbox's IMAP URL as stored (its password sealed), `None` without one.
pub(super) async fn stored_imap_url(c: &mut AnyConnection, id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT imap_url FROM inboxes WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
            .flatten(),
    )
}

/// Every stored secret of the inboxes: `(inbox, IMAP URL)` and `(inbox,
/// chat identity secret)` pairs, to seal what is still plaintext.
pub(super) async fn stored_secrets(
    c: &mut AnyConnection,
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>)> {
    let urls = sqlx::query_as("SELECT id, imap_url FROM inboxes WHERE imap_url IS NOT NULL")
        .fetch_all(&mut *c)
        .await?;
    let identities = sqlx::query_as(
        "SELECT inbox_id, identity_secret FROM inbox_public_settings WHERE identity_secret IS NOT NULL",
    )
    .fetch_all(&mut *c)
    .await?;
    Ok((urls, identities))
}

/// Replaces a stored IMAP URL by its sealed form, only while it is still
/// `was` (an admin may have changed it meanwhile).
pub(super) async fn reseal_imap_url(
    c: &mut AnyConnection,
    id: i64,
    was: &str,
    sealed: &str,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    sqlx::query("UPDATE inboxes SET imap_url = $1 WHERE id = $2 AND imap_url = $3")
        .bind(sealed)
        .bind(id)
        .bind(was)
        .execute(c)
        .await?;
    Ok(())
}

/// Replaces a stored chat identity secret by its sealed form, only while
/// it is still `was`.
pub(super) async fn reseal_identity_secret(
    c: &mut AnyConnection,
    inbox_id: i64,
    was: &str,
    sealed: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE inbox_public_settings SET identity_secret = $1 WHERE inbox_id = $2 AND identity_secret = $3",
    )
    .bind(sealed)
    .bind(inbox_id)
    .bind(was)
    .execute(c)
    .await?;
    Ok(())
}

/// Gives an inbox a calendar (`None`: none).
pub(super) async fn set_calendar(
    c: &mut AnyConnection,
    id: i64,
    calendar_id: Option<i64>,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    crate::db::changes::SERVICE_LEVELS.mark();
    sqlx::query("UPDATE inboxes SET calendar_id = $1 WHERE id = $2")
        .bind(calendar_id)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Each inbox that has a calendar: `(inbox id, calendar id)`.
pub(super) async fn calendars(c: &mut AnyConnection) -> Result<Vec<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT id, calendar_id FROM inboxes WHERE calendar_id IS NOT NULL")
            .fetch_all(c)
            .await?,
    )
}

/// Sets an inbox's own cap on automatic mail per hour (`None`: the default).
pub(super) async fn set_auto_mail_cap(
    c: &mut AnyConnection,
    id: i64,
    cap: Option<i64>,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    sqlx::query("UPDATE inboxes SET auto_mail_per_hour = $1 WHERE id = $2")
        .bind(cap)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// An inbox's own cap on automatic mail (`Some(None)`: none set; `None`: no
/// such inbox), its row locked until the transaction ends on PostgreSQL so
/// that concurrent automatic mails of one inbox are counted one at a time.
pub(super) async fn auto_mail_cap_for_update(
    c: &mut AnyConnection,
    id: i64,
) -> Result<Option<Option<i64>>> {
    let mut sql = crate::db::Sql::new("SELECT auto_mail_per_hour FROM inboxes WHERE id = ");
    sql.bind(id);
    if crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE");
    }
    let row: Option<(Option<i64>,)> = sql.query_as().fetch_optional(c).await?;
    Ok(row.map(|(cap,)| cap))
}

/// Whether an inbox of any kind has this address (lower case).
pub(super) async fn has_address(c: &mut AnyConnection, address: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inboxes WHERE address = $1")
        .bind(address)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}
