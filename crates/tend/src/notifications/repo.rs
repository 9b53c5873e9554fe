//! The only SQL of notifications: `notifications`,
//! `notification_preferences`, `notification_settings` and the follower's
//! `notification_cursor`.

use sqlx::{AnyConnection, FromRow};

use super::model::{Delivery, Notification, NotificationKind};
use super::rules::Planned;
use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::{rfc3339, rfc3339_opt};

/// A notification row with its conversation's subject and actor's name.
#[derive(Debug, FromRow)]
pub(super) struct Row {
    id: i64,
    #[sqlx(try_from = "String")]
    kind: NotificationKind,
    conversation_id: i64,
    subject: String,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    excerpt: String,
    read_at: Option<i64>,
    created_at: i64,
}

impl Row {
    pub(super) fn into_notification(self) -> Notification {
        Notification {
            id: self.id,
            kind: self.kind,
            conversation_id: self.conversation_id,
            subject: self.subject,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            excerpt: self.excerpt,
            read_at: rfc3339_opt(self.read_at),
            created_at: rfc3339(self.created_at),
        }
    }
}

/// Makes a notification unless the same one exists (`web`: shown in the
/// workspace); answers its id when it is new.
pub(super) async fn insert(
    c: &mut AnyConnection,
    p: &Planned,
    web: bool,
    now: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO notifications (user_id, kind, conversation_id, event_id, actor_id, excerpt, web, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (user_id, event_id, kind) DO NOTHING RETURNING id",
    )
    .bind(p.user_id)
    .bind(p.kind.as_str())
    .bind(p.conversation_id)
    .bind(p.event_id)
    .bind(p.actor_id)
    .bind(p.excerpt.as_str())
    .bind(i64::from(web))
    .bind(now)
    .fetch_optional(c)
    .await?)
}

/// A user's notifications, newest first, below id `before`, of the
/// conversations they may still see.
pub(super) async fn list(
    c: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    unread_only: bool,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Row>> {
    let mut sql = Sql::new(
        "SELECT n.id, n.kind, n.conversation_id, c.subject, n.actor_id, u.name AS actor_name, \
         n.excerpt, n.read_at, n.created_at FROM notifications n \
         JOIN conversations c ON c.id = n.conversation_id \
         LEFT JOIN users u ON u.id = n.actor_id WHERE n.web = 1 AND n.user_id = ",
    );
    sql.bind(user_id);
    if unread_only {
        sql.push(" AND n.read_at IS NULL");
    }
    if let Some(b) = before {
        sql.push(" AND n.id < ").bind(b);
    }
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" ORDER BY n.id DESC LIMIT ").bind(limit);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Marks one of the user's notifications read; answers whether it is theirs.
pub(super) async fn mark_read(
    c: &mut AnyConnection,
    user_id: i64,
    id: i64,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Marks every unread notification of the user read (of one conversation
/// when given); answers how many.
pub(super) async fn mark_all_read(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: Option<i64>,
    now: i64,
) -> Result<u64> {
    let mut sql = Sql::new("UPDATE notifications SET read_at = ");
    sql.bind(now)
        .push(" WHERE read_at IS NULL AND web = 1 AND user_id = ")
        .bind(user_id);
    if let Some(cid) = conversation_id {
        sql.push(" AND conversation_id = ").bind(cid);
    }
    Ok(sql.query().execute(c).await?.rows_affected())
}

/// How many of the user's notifications are unread.
pub(super) async fn unread(c: &mut AnyConnection, user_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL AND web = 1",
    )
    .bind(user_id)
    .fetch_one(c)
    .await?)
}

/// The choices of these users: `(user, kind, web, mail)`.
pub(super) async fn deliveries(
    c: &mut AnyConnection,
    user_ids: &[i64],
) -> Result<Vec<(i64, NotificationKind, Delivery)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql =
        Sql::new("SELECT user_id, kind, web, mail FROM notification_preferences WHERE user_id IN ");
    sql.bind_list(user_ids.iter().copied());
    let rows: Vec<(i64, String, i64, i64)> = sql.query_as().fetch_all(c).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, k, web, mail)| {
            let kind = NotificationKind::from_db(&k).ok()?;
            Some((
                u,
                kind,
                Delivery {
                    web: web != 0,
                    mail: mail != 0,
                },
            ))
        })
        .collect())
}

/// Sets where one kind goes for a user.
pub(super) async fn put_delivery(
    c: &mut AnyConnection,
    user_id: i64,
    kind: NotificationKind,
    d: Delivery,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_preferences (user_id, kind, web, mail) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, kind) DO UPDATE SET web = $3, mail = $4",
    )
    .bind(user_id)
    .bind(kind.as_str())
    .bind(i64::from(d.web))
    .bind(i64::from(d.mail))
    .execute(c)
    .await?;
    Ok(())
}

/// Whether the user wants a tone for waiting chats (`None`: not chosen).
pub(super) async fn sound(c: &mut AnyConnection, user_id: i64) -> Result<Option<bool>> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT sound FROM notification_settings WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(c)
            .await?;
    Ok(v.map(|s| s != 0))
}

/// Sets the tone for waiting chats.
pub(super) async fn put_sound(c: &mut AnyConnection, user_id: i64, on: bool) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_settings (user_id, sound) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET sound = $2",
    )
    .bind(user_id)
    .bind(i64::from(on))
    .execute(c)
    .await?;
    Ok(())
}

/// The follower's cursor, read outside a write.
pub(super) async fn cursor(c: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT event_id FROM notification_cursor WHERE id = 1")
            .fetch_one(c)
            .await?,
    )
}

/// The follower's cursor, locked for the write that moves it.
pub(super) async fn lock_cursor(c: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE notification_cursor SET event_id = event_id WHERE id = 1 RETURNING event_id",
    )
    .fetch_one(c)
    .await?)
}

/// Moves the follower's cursor.
pub(super) async fn set_cursor(c: &mut AnyConnection, event_id: i64) -> Result<()> {
    sqlx::query("UPDATE notification_cursor SET event_id = $1 WHERE id = 1")
        .bind(event_id)
        .execute(c)
        .await?;
    Ok(())
}
