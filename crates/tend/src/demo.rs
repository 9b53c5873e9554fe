//! `tend demo seed`: realistic multilingual demo data.

use crate::app::AppState;

/// Seeds `conversations` conversations.
pub async fn seed(_st: &AppState, _conversations: u64, _messages: u64) -> anyhow::Result<()> {
    anyhow::bail!("demo seed is not written yet")
}
