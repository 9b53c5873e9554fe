//! Inline images of a draft: the pictures an agent pasted, dropped or
//! picked into the reply they are typing, kept on the server with the
//! draft (the composer's script uploads each one as it comes, and a
//! refused reply keeps those it carried). The text names each as
//! `![name](cid:ID)`; so the text shown again — after a 422, after "Undo
//! send" (the reply's inline images come back), or on another device —
//! still shows its pictures, and sending it sends them. Seen only by
//! their agent; gone once a message is sent on the conversation.

use std::collections::HashSet;

use super::repo::{self, DraftImageRow};
use crate::agents::Viewer;
use crate::attachments::Upload;
use crate::state::AppState;
use crate::{Error, Result};

/// A picture waiting in an agent's draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftImage {
    /// The ID the text shows it by (`cid:ID`).
    pub content_id: String,
    /// The file name it came with.
    pub filename: String,
    /// Its type, as its bytes say (PNG, JPEG, GIF or WebP).
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
}

impl From<DraftImageRow> for DraftImage {
    fn from(r: DraftImageRow) -> Self {
        DraftImage {
            content_id: r.content_id,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
        }
    }
}

fn owner(viewer: &Viewer) -> Result<i64> {
    viewer.user_id.ok_or(Error::Forbidden(
        "drafts belong to a user; use a user's token",
    ))
}

/// The IDs that `text` shows as `cid:ID`.
pub fn shown_ids(text: &str) -> HashSet<String> {
    text.split("cid:")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "._@-".contains(*c))
                .collect::<String>()
        })
        .filter(|id| !id.is_empty())
        .collect()
}

/// Keeps the inline images among `uploads` with the viewer's draft on
/// conversation `id` (each checked as a reply's inline image is: a plain
/// ID and a picture by its bytes). Files without an ID are left alone.
pub async fn keep(st: &AppState, viewer: &Viewer, id: i64, uploads: &[Upload]) -> Result<()> {
    let uid = owner(viewer)?;
    let mut inline: Vec<Upload> = uploads
        .iter()
        .filter(|u| u.content_id.is_some())
        .cloned()
        .collect();
    if inline.is_empty() {
        return Ok(());
    }
    super::formatted::check_inline(&mut inline)?;
    super::reading::get(st, viewer, id).await?;
    let mut rows = Vec::with_capacity(inline.len());
    for u in inline {
        let sha256 = st.files().put(&u.bytes).await?;
        rows.push(DraftImageRow {
            content_id: u.content_id.unwrap_or_default(),
            sha256,
            size: i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
            content_type: u.content_type,
            filename: u.filename,
        });
    }
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                for r in &rows {
                    repo::save_draft_image(c, uid, id, r, now).await?;
                }
                Ok(())
            })
        })
        .await
}

/// The viewer's draft images on conversation `id`.
pub async fn mine(st: &AppState, viewer: &Viewer, id: i64) -> Result<Vec<DraftImage>> {
    let uid = owner(viewer)?;
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::draft_images(&mut c, uid, id)
        .await?
        .into_iter()
        .map(DraftImage::from)
        .collect())
}

/// One of the viewer's draft images on conversation `id`, with its bytes.
pub async fn get(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    content_id: &str,
) -> Result<(DraftImage, Vec<u8>)> {
    let uid = owner(viewer)?;
    super::reading::get(st, viewer, id).await?;
    let mut c = st.db.pool().acquire().await?;
    let row = repo::draft_images(&mut c, uid, id)
        .await?
        .into_iter()
        .find(|r| r.content_id == content_id)
        .ok_or(Error::NotFound("image"))?;
    drop(c);
    let bytes = crate::attachments::load(st, &row.sha256).await?;
    Ok((row.into(), bytes))
}

/// Before a reply of the viewer's is sent: each image its `text` shows
/// that came without its file (a page shown again, another device, an
/// undone send) is taken from the viewer's draft images.
pub async fn fill(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    text: &str,
    uploads: &mut Vec<Upload>,
) -> Result<()> {
    let Some(uid) = viewer.user_id else {
        return Ok(());
    };
    let mut wanted = shown_ids(text);
    for u in uploads.iter() {
        if let Some(cid) = &u.content_id {
            wanted.remove(cid);
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let mut c = st.db.pool().acquire().await?;
    let rows = repo::draft_images(&mut c, uid, id).await?;
    drop(c);
    for r in rows.into_iter().filter(|r| wanted.contains(&r.content_id)) {
        let bytes = crate::attachments::load(st, &r.sha256).await?;
        uploads.push(Upload {
            filename: r.filename,
            content_type: r.content_type,
            bytes,
            content_id: Some(r.content_id),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ids_a_text_shows() {
        let ids = shown_ids("a ![x.png](cid:one@tend) b ![y](cid:two.3-x) cid: and cid:(");
        let mut v: Vec<_> = ids.into_iter().collect();
        v.sort();
        assert_eq!(v, ["one@tend", "two.3-x"]);
    }
}
