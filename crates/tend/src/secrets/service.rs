//! The secrets module's use cases: named secrets made on first use, and the
//! start-up work (the key check, then sealing plaintext left by versions
//! that stored secrets in the clear).

use anyhow::Context as _;

use crate::config::ConfigError;
use crate::state::AppState;
use crate::{Error, Result};

use super::{Purpose, is_sealed, repo};

/// The row that proves the key opens what the database holds.
const KEY_CHECK: &str = "key_check";
const KEY_CHECK_TEXT: &str = "tend secret key check v1";

/// The named random secret (e.g. the survey link key), made on first use
/// and shared by every node; stored sealed.
pub async fn app_secret(st: &AppState, name: &'static str) -> Result<String> {
    {
        let mut c = st.db.pool().acquire().await?;
        if let Some(v) = repo::get(&mut c, name).await? {
            return st.secrets().open(Purpose::AppSecret, &v);
        }
    }
    let fresh = st.secrets().seal(
        Purpose::AppSecret,
        &crate::agents::service::random_token(""),
    );
    let now = st.clock.now_ms();
    let stored = st
        .db
        .write(move |c| {
            Box::pin(async move {
                repo::insert(c, name, &fresh, now).await?;
                repo::get(c, name)
                    .await?
                    .ok_or_else(|| Error::Internal(anyhow::anyhow!("the secret {name} vanished")))
            })
        })
        .await?;
    st.secrets().open(Purpose::AppSecret, &stored)
}

/// Checks that the key opens the database's sealed values (a missing or
/// replaced key file, or nodes with different keys, would otherwise break
/// IMAP, chat identities and survey links one by one), then seals every
/// stored secret that is still plaintext.
pub async fn at_start(st: &AppState) -> anyhow::Result<()> {
    check_key(st).await?;
    let mut sealed = seal_table(st).await.context("sealing the secrets table")?;
    sealed += crate::inboxes::service::seal_plaintext_secrets(st)
        .await
        .context("sealing the inboxes' secrets")?;
    if sealed > 0 {
        // The plaintext's old page images must not outlive it in the WAL.
        st.db.truncate_wal().await?;
        tracing::info!(
            sealed,
            "sealed stored secrets that were kept in plaintext by an older version"
        );
    }
    Ok(())
}

async fn check_key(st: &AppState) -> anyhow::Result<()> {
    let stored = {
        let mut c = st.db.pool().acquire().await?;
        repo::get(&mut c, KEY_CHECK).await?
    };
    let stored = match stored {
        Some(v) => v,
        None => {
            let v = st.secrets().seal(Purpose::KeyCheck, KEY_CHECK_TEXT);
            let now = st.clock.now_ms();
            st.db
                .write(move |c| {
                    Box::pin(async move {
                        repo::insert(c, KEY_CHECK, &v, now).await?;
                        repo::get(c, KEY_CHECK).await
                    })
                })
                .await?
                .unwrap_or_default()
        }
    };
    match st.secrets().open(Purpose::KeyCheck, &stored) {
        Ok(t) if t == KEY_CHECK_TEXT => Ok(()),
        _ => Err(ConfigError(format!(
            "the secret key does not open the secrets stored in this database: it is not the key \
             they were sealed with. Restore the data directory's {} from a backup, or set \
             TEND_SECRET_KEY to the key used before (every node of one database needs the same key)",
            super::KEY_FILE
        ))
        .into()),
    }
}

async fn seal_table(st: &AppState) -> Result<usize> {
    let rows = {
        let mut c = st.db.pool().acquire().await?;
        repo::all(&mut c).await?
    };
    let plain: Vec<(String, String, String)> = rows
        .into_iter()
        .filter(|(name, value)| name != KEY_CHECK && !is_sealed(value))
        .map(|(name, value)| {
            let sealed = st.secrets().seal(Purpose::AppSecret, &value);
            (name, value, sealed)
        })
        .collect();
    let n = plain.len();
    if n > 0 {
        st.db
            .write(move |c| {
                Box::pin(async move {
                    crate::db::zero_replaced_bytes(c, true).await?;
                    for (name, was, sealed) in &plain {
                        repo::replace(c, name, was, sealed).await?;
                    }
                    crate::db::zero_replaced_bytes(c, false).await
                })
            })
            .await?;
    }
    Ok(n)
}
