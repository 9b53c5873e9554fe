//! Removes files that no row names: files of requests refused after they
//! were stored, of writes that failed or were abandoned, of rows deleted
//! later, and temporary files of writes that crashed.
//!
//! Files are stored *before* the transaction that names them commits, so
//! a file without a row may just be a write in flight. The sweep therefore
//! only looks at files whose modification time is older than [`GRACE`],
//! and storing a file that exists already makes it new again (the store
//! freshens it, see `write_durably`). For each old file that no row names,
//! the sweep renames it aside, looks at its time again, and puts it back
//! if a store freshened it meanwhile; only then is it removed. A store that
//! finds the file gone writes it again. So a file that a committed row
//! names is never lost, as long as a write commits within [`GRACE`] of
//! storing its files (they take milliseconds).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;

use crate::state::AppState;
use crate::tasks::Shutdown;

/// How old a file must be before the sweep may remove it.
pub const GRACE: Duration = Duration::from_secs(3600);

/// How often the server sweeps.
const EVERY: Duration = Duration::from_secs(3600);

/// Digests asked about in one query.
const CHUNK: usize = 200;

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Files that no row named, removed.
    pub removed: usize,
    /// Old files that rows name, kept.
    pub kept: usize,
    /// Leftover temporary files, removed.
    pub temporary: usize,
}

/// Sweeps once an hour, the first time a few minutes after start-up, until
/// the shutdown (a task of `crate::tasks`); a sweep in progress finishes
/// first.
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    let first = tokio::time::Instant::now() + Duration::from_secs(300);
    let mut every = tokio::time::interval_at(first, EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = shutdown.stopped() => return Ok(()),
        }
        let cutoff = SystemTime::now()
            .checked_sub(GRACE)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        match run_once(&st, cutoff).await {
            Ok(s) if s.removed > 0 || s.temporary > 0 => {
                tracing::info!(
                    removed = s.removed,
                    temporary = s.temporary,
                    kept = s.kept,
                    "removed attachment files that nothing names"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the attachment sweep failed"),
        }
    }
}

/// One sweep: removes the files last changed before `cutoff` that no row
/// names (and temporary files older than `cutoff`).
pub async fn run_once(st: &AppState, cutoff: SystemTime) -> anyhow::Result<Swept> {
    let root = st.files().root().to_path_buf();
    let dirs = tokio::task::spawn_blocking(move || leaf_dirs(&root))
        .await
        .context("listing the attachment store")??;
    let mut out = Swept::default();
    for dir in dirs {
        let (old, temporary) = tokio::task::spawn_blocking(move || scan(&dir, cutoff))
            .await
            .context("scanning the attachment store")??;
        out.temporary += temporary;
        for chunk in old.chunks(CHUNK) {
            let shas: Vec<String> = chunk.iter().map(|(s, _)| s.clone()).collect();
            let named = {
                let mut c = st.db.pool().acquire().await?;
                super::repo::named(&mut c, &shas).await?
            };
            let orphans: Vec<PathBuf> = chunk
                .iter()
                .filter(|(s, _)| !named.contains(s))
                .map(|(_, p)| p.clone())
                .collect();
            out.kept += chunk.len() - orphans.len();
            let removed = tokio::task::spawn_blocking(move || {
                let mut n = 0;
                for p in &orphans {
                    match remove_if_still_old(p, cutoff) {
                        Ok(true) => n += 1,
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(path = %p.display(), error = %e, "could not remove an unnamed attachment file")
                        }
                    }
                }
                n
            })
            .await
            .context("removing attachment files")?;
            out.removed += removed;
        }
    }
    Ok(out)
}

/// The `ab/cd` directories of the store (none when it does not exist yet).
fn leaf_dirs(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = vec![];
    let Ok(top) = std::fs::read_dir(root) else {
        return Ok(out);
    };
    for a in top.flatten() {
        if !a.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        for b in std::fs::read_dir(a.path())?.flatten() {
            if b.file_type().is_ok_and(|t| t.is_dir()) {
                out.push(b.path());
            }
        }
    }
    Ok(out)
}

/// The stored files in `dir` last changed before `cutoff`, as
/// `(sha256, path)`; removes temporary files older than `cutoff` (leftovers
/// of a crash) and answers how many.
fn scan(dir: &Path, cutoff: SystemTime) -> anyhow::Result<(Vec<(String, PathBuf)>, usize)> {
    let mut old = vec![];
    let mut temporary = 0;
    for e in std::fs::read_dir(dir)?.flatten() {
        let Some(name) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Ok(modified) = e.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        if modified >= cutoff {
            continue;
        }
        if name.starts_with('.') && (name.ends_with(".tmp") || name.ends_with(".swept")) {
            if std::fs::remove_file(e.path()).is_ok() {
                temporary += 1;
            }
        } else if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
            old.push((name, e.path()));
        }
    }
    Ok((old, temporary))
}

/// Removes `path` unless a store freshened it since it was found old:
/// renamed aside first, so that a store from now on writes a new file,
/// then its time looked at again (the store's link shares the file).
fn remove_if_still_old(path: &Path, cutoff: SystemTime) -> std::io::Result<bool> {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let aside = path.with_file_name(format!(".{name}.{}.{seq}.swept", std::process::id()));
    match std::fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    }
    if std::fs::metadata(&aside)?.modified()? >= cutoff {
        // Stored again meanwhile: a row is about to name it.
        std::fs::rename(&aside, path)?;
        return Ok(false);
    }
    std::fs::remove_file(&aside)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, by: Duration) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open")
            .set_modified(SystemTime::now() - by)
            .expect("set mtime");
    }

    #[tokio::test]
    async fn a_stored_file_that_is_stored_again_looks_new_and_survives_removal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = super::super::AttachmentStore::new(dir.path());
        let sha = store.put(b"invoice").await.expect("put");
        let path = store.path_of(&sha).expect("path");
        age(&path, Duration::from_secs(7200));
        let cutoff = SystemTime::now() - GRACE;
        assert!(std::fs::metadata(&path).unwrap().modified().unwrap() < cutoff);
        // Found old; then stored again before the sweep gets to it.
        store.put(b"invoice").await.expect("put again");
        assert!(!remove_if_still_old(&path, cutoff).expect("sweep"));
        assert_eq!(store.get(&sha).await.expect("kept"), b"invoice");
        // Old and not stored again: removed; storing it later writes it anew.
        age(&path, Duration::from_secs(7200));
        assert!(remove_if_still_old(&path, cutoff).expect("sweep"));
        assert!(store.get(&sha).await.is_err());
        store.put(b"invoice").await.expect("put after removal");
        assert_eq!(store.get(&sha).await.expect("back"), b"invoice");
        // Nothing is left beside it.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn old_temporary_files_are_removed_and_young_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old_tmp = dir.path().join(".abc.1.2.tmp");
        let young_tmp = dir.path().join(".abc.1.3.tmp");
        let other = dir.path().join("notes.txt");
        for p in [&old_tmp, &young_tmp, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        age(&old_tmp, Duration::from_secs(7200));
        age(&other, Duration::from_secs(7200));
        let (old, temporary) = scan(dir.path(), SystemTime::now() - GRACE).unwrap();
        assert_eq!(temporary, 1);
        assert!(old.is_empty(), "only digests are candidates: {old:?}");
        assert!(!old_tmp.exists() && young_tmp.exists() && other.exists());
    }
}
