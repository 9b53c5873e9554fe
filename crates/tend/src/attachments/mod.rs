//! Attachment files: stored once per content under
//! `$TEND_DATA_DIR/attachments/ab/cd/<sha256>`, written to a temporary file,
//! synced and renamed into place before the database row that points to them
//! is committed, so a crash never leaves a row without its file.
//!
//! Files from requests ([`Upload`]) are held in memory until the request is
//! authorised and valid, then stored ([`AttachmentStore::put_uploads`]).
//! A file that ends up named by no row (a request refused after all, a
//! write that failed, a row deleted) is removed by the sweep ([`sweep`]),
//! once it is old enough that no write in flight can still need it.

pub mod api;
mod repo;
pub mod sweep;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest as _, Sha256};
use sqlx::AnyConnection;

use crate::state::AppState;

/// The content-addressed file store.
#[derive(Debug, Clone)]
pub struct AttachmentStore {
    root: PathBuf,
}

impl AppState {
    /// Attachment files (and raw mail) on disk.
    pub fn files(&self) -> &AttachmentStore {
        self.slots.get()
    }
}

impl AttachmentStore {
    /// A store under `data_dir/attachments`.
    pub fn new(data_dir: &Path) -> Self {
        AttachmentStore {
            root: data_dir.join("attachments"),
        }
    }

    /// The directory the files are in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(
            self.root
                .join(&sha256[0..2])
                .join(&sha256[2..4])
                .join(sha256),
        )
    }

    /// Stores `bytes` durably; returns the hex SHA-256. Storing the same bytes
    /// twice keeps one file.
    pub async fn put(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let sha = digest(bytes);
        let path = self.path_of(&sha).context("bad digest")?;
        // One blocking task for the whole sequence (each `tokio::fs` call
        // would be a hop to the blocking pool and back).
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || write_durably(&path, &bytes))
            .await
            .context("storing a file")??;
        Ok(sha)
    }

    /// Stores files received in a request, once the request has been
    /// authorised: nothing of it reaches the disk before. Answers what the
    /// message rows record of them.
    pub async fn put_uploads(
        &self,
        uploads: Vec<Upload>,
    ) -> anyhow::Result<Vec<crate::conversations::service::AttachmentMeta>> {
        let mut out = Vec::with_capacity(uploads.len());
        for u in uploads {
            let sha256 = self.put(&u.bytes).await?;
            out.push(crate::conversations::service::AttachmentMeta {
                sha256,
                size: i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
                content_type: u.content_type,
                filename: u.filename,
                inline: u.content_id.is_some(),
                content_id: u.content_id,
            });
        }
        Ok(out)
    }

    /// Reads a stored file.
    pub async fn get(&self, sha256: &str) -> anyhow::Result<Vec<u8>> {
        let path = self.path_of(sha256).context("bad digest")?;
        tokio::fs::read(&path)
            .await
            .with_context(|| format!("reading attachment {}", path.display()))
    }
}

/// A file received in a request (a reply's attachment, a chat upload),
/// held in memory until the request is authorised. Name and type are
/// already cleaned ([`clean_filename`], [`clean_content_type`]).
#[derive(Debug, Clone)]
pub struct Upload {
    /// File name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Set for an image shown inside the message's HTML (`cid:`); such a
    /// file is stored as inline (see `conversations::formatted`).
    pub content_id: Option<String>,
}

/// Raw messages up to this size are kept in the database (`blobs`), larger
/// ones as files.
pub const INLINE_MAX: usize = 256 * 1024;

/// The hex SHA-256 of `bytes`, as the store names them.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Bytes kept in the database rather than as a file: `(sha256, bytes)`.
pub type Blob = (String, std::sync::Arc<[u8]>);

/// Keeps `blobs` in the database, inside the caller's transaction (so they
/// are committed with the rows that point to them); one statement.
pub async fn put_blobs_in(c: &mut AnyConnection, blobs: &[Blob]) -> crate::Result<()> {
    repo::insert_blobs(c, blobs).await
}

/// Drops the bytes kept in the database under `sha256` once no row names
/// them, inside the caller's transaction (after it deleted its own row).
/// A file in the store that nothing names goes with the next sweep.
pub async fn forget_in(c: &mut AnyConnection, sha256: &str) -> crate::Result<()> {
    if repo::named(c, &[sha256.to_string()]).await?.is_empty() {
        repo::delete_blob(c, sha256).await?;
    }
    Ok(())
}

/// Reads stored bytes by digest: from the database when they are kept
/// there, else from the file store.
pub async fn load(st: &AppState, sha256: &str) -> crate::Result<Vec<u8>> {
    let mut c = st.db.pool().acquire().await?;
    let row = repo::blob(&mut c, sha256).await?;
    drop(c);
    match row {
        Some(bytes) => Ok(bytes),
        None => Ok(st.files().get(sha256).await?),
    }
}

/// Writes `bytes` to `path` unless it exists: a temporary file, synced,
/// renamed into place, then the directory synced, so the file is complete
/// and durable before any row points to it.
///
/// A file that exists already is *freshened* instead: its modification
/// time becomes now, through a hard link under a temporary name that is
/// renamed back over the path. The sweep removes only files that are old
/// and named by no row; the new row that will name this file is not
/// committed yet, so the file must look new, and it must survive a sweep
/// that takes it away at this very moment (the link keeps it, the rename
/// puts it back). See [`sweep`].
fn write_durably(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().context("no parent dir")?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .context("bad file name")?;
    if path.exists() && freshen(path, &temp_path(dir, name)).is_ok() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = temp_path(dir, name);
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    f.write_all(bytes).context("writing attachment")?;
    f.sync_all().context("syncing attachment")?;
    drop(f);
    std::fs::rename(&tmp, path).context("moving attachment into place")?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A temporary name beside `name`, unique per write: two deliveries of the
/// same file at once must not share (and truncate) one temporary file. The
/// sweep removes leftovers (`.…tmp`) of writes that crashed.
fn temp_path(dir: &Path, name: &str) -> PathBuf {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{seq}.tmp", std::process::id()))
}

/// Makes an existing file at `path` look new (see [`write_durably`]): fails
/// when it is gone (the caller then writes it).
fn freshen(path: &Path, tmp: &Path) -> std::io::Result<()> {
    std::fs::hard_link(path, tmp)?;
    let touched = std::fs::File::options()
        .write(true)
        .open(tmp)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()));
    if let Err(e) = touched {
        let _ = std::fs::remove_file(tmp);
        return Err(e);
    }
    // The content is the same whatever is at `path` by now: replacing it is
    // safe. When `path` is still this very file the rename does nothing
    // (POSIX), and the extra name is removed.
    let renamed = std::fs::rename(tmp, path);
    let _ = std::fs::remove_file(tmp);
    renamed
}

/// A file name safe to show and to put in a header: no paths, no control
/// characters, bounded length.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    let cleaned: String = cleaned.chars().take(200).collect();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// A MIME type we are willing to record: `type/subtype`, else octet-stream.
pub fn clean_content_type(ct: Option<&str>) -> String {
    let ct = ct
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let valid = ct.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && ct.len() <= 127
            && ct
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/.+-_".contains(c))
    });
    if valid {
        ct
    } else {
        "application/octet-stream".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_by_content_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = AttachmentStore::new(dir.path());
        let a = s.put("請求書.pdf".as_bytes()).await.expect("put");
        let b = s.put("請求書.pdf".as_bytes()).await.expect("put again");
        assert_eq!(a, b);
        assert_eq!(s.get(&a).await.expect("get"), "請求書.pdf".as_bytes());
        assert!(s.get("../../etc/passwd").await.is_err());
    }

    #[test]
    fn filenames_and_types_are_cleaned() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\x\\見積書.xlsx"), "見積書.xlsx");
        assert_eq!(clean_filename("a\"<script>.txt"), "a__script_.txt");
        assert_eq!(clean_filename(""), "attachment");
        assert_eq!(clean_content_type(Some("Image/PNG; name=x")), "image/png");
        assert_eq!(
            clean_content_type(Some("text/html\r\nX: y")),
            "application/octet-stream"
        );
    }
}
