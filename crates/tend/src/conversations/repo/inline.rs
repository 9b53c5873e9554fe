//! Stored HTML bodies (a message's, a side conversation's mail's) and the
//! inline images they may show: what `inbound::link_inline_images` reads
//! and writes once the files have ids.

use sqlx::AnyConnection;

use crate::Result;

/// A stored HTML body with the inline images it may show: its row id, the
/// HTML, and `(attachment id, Content-ID)` of each image.
pub(in crate::conversations) type InlineImages = (i64, String, Vec<(i64, String)>);

/// Which stored HTML body: a message's, or a side conversation's mail's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::conversations) enum HtmlBody {
    /// `messages.html`.
    Message,
    /// `side_messages.html`.
    SideMail,
}

/// Replaces the HTML of the `body` with row id `id` if it is still
/// `old`; whether it did.
pub(in crate::conversations) async fn replace_html(
    c: &mut AnyConnection,
    body: HtmlBody,
    id: i64,
    old: &str,
    new: &str,
) -> Result<bool> {
    let sql = match body {
        HtmlBody::Message => "UPDATE messages SET html = $1 WHERE id = $2 AND html = $3",
        HtmlBody::SideMail => "UPDATE side_messages SET html = $1 WHERE id = $2 AND html = $3",
    };
    let done = sqlx::query(sql)
        .bind(new)
        .bind(id)
        .bind(old)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An inbound message's id and HTML, with its attachments that have a
/// Content-ID as (attachment id, Content-ID); `None` without HTML.
pub(in crate::conversations) async fn inline_images(
    c: &mut AnyConnection,
    message_id: &str,
) -> Result<Option<InlineImages>> {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE message_id = $1 AND direction = 'in'")
            .bind(message_id)
            .fetch_optional(&mut *c)
            .await?;
    match id {
        Some(id) => inline_images_of(c, id).await,
        None => Ok(None),
    }
}

/// [`inline_images`] of the message with row id `id` (inbound or not).
pub(in crate::conversations) async fn inline_images_of(
    c: &mut AnyConnection,
    id: i64,
) -> Result<Option<InlineImages>> {
    let html: Option<Option<String>> =
        sqlx::query_scalar("SELECT html FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    let Some(Some(html)) = html else {
        return Ok(None);
    };
    let images: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, content_id FROM attachments WHERE message_id = $1 AND content_id IS NOT NULL \
         ORDER BY id",
    )
    .bind(id)
    .fetch_all(c)
    .await?;
    Ok(Some((id, html, images)))
}

/// A third party's side mail by Message-ID: its id and HTML, with its
/// files that have a Content-ID as (attachment id, Content-ID); `None`
/// without HTML (the side twin of `inline_images`).
pub(in crate::conversations) async fn side_inline_images(
    c: &mut AnyConnection,
    message_id: &str,
) -> Result<Option<InlineImages>> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT id, html FROM side_messages WHERE message_id = $1 AND direction = 'in'",
    )
    .bind(message_id)
    .fetch_optional(&mut *c)
    .await?;
    let Some((id, Some(html))) = row else {
        return Ok(None);
    };
    let images: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, content_id FROM attachments WHERE side_message_id = $1 \
         AND content_id IS NOT NULL ORDER BY id",
    )
    .bind(id)
    .fetch_all(c)
    .await?;
    Ok(Some((id, html, images)))
}
