//! A Telegram inbox's settings (`PATCH /inboxes/{id}` `{"telegram": …}`):
//! the bot's token and the webhook's secret (both write-only, stored
//! sealed), the Bot API server (Telegram's, or a self-hosted one) and how
//! updates are read (long polling or the webhook). `channels::telegram`
//! reads them through [`super::ChannelInbox`].

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::model::InboxKind;
use super::telegram_repo as repo;
use crate::secrets::Purpose;
use crate::state::AppState;
use crate::vocab::closed_set;
use crate::{Error, Result};

/// The Bot API server unless an inbox names another.
pub const DEFAULT_API_BASE: &str = "https://api.telegram.org";

/// The longest bot token accepted.
const MAX_TOKEN_CHARS: usize = 200;
/// The longest webhook secret Telegram takes (`secret_token`).
const MAX_WEBHOOK_SECRET_CHARS: usize = 256;

closed_set! {
    /// How a Telegram inbox reads its bot's updates.
    pub enum TelegramMode ("mode") {
        /// Tend asks the Bot API for them (`getUpdates`), from one node at
        /// a time; nothing needs to reach Tend from outside.
        Polling = "polling",
        /// Telegram posts them to `POST /api/v1/channels/{inbox_id}/telegram`.
        Webhook = "webhook",
    }
}

/// A Telegram inbox's settings, as shown (secrets never are).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TelegramSettings {
    /// The Bot API server (`https://api.telegram.org` unless set).
    pub api_base: String,
    /// `polling` (the default) or `webhook`.
    pub mode: TelegramMode,
    /// Whether the bot's token is set.
    pub has_bot_token: bool,
    /// Whether the webhook's secret token is set.
    pub has_webhook_secret: bool,
}

/// What the channel needs of a Telegram inbox.
#[derive(Debug, Clone)]
pub struct TelegramChannel {
    /// The bot's token, sealed (`Purpose::BotToken`).
    pub sealed_token: Option<String>,
    /// The Bot API server, without a trailing `/`.
    pub api_base: String,
    /// How updates are read.
    pub mode: TelegramMode,
    /// The webhook's secret token, sealed (`Purpose::ChannelSecret`).
    pub sealed_webhook_secret: Option<String>,
}

impl TelegramChannel {
    /// The settings of an inbox that has none stored yet.
    pub fn unset() -> TelegramChannel {
        TelegramChannel {
            sealed_token: None,
            api_base: DEFAULT_API_BASE.to_string(),
            mode: TelegramMode::Polling,
            sealed_webhook_secret: None,
        }
    }

    /// As shown.
    pub fn shown(&self) -> TelegramSettings {
        TelegramSettings {
            api_base: self.api_base.clone(),
            mode: self.mode,
            has_bot_token: self.sealed_token.is_some(),
            has_webhook_secret: self.sealed_webhook_secret.is_some(),
        }
    }
}

/// `PATCH /inboxes/{id}` `{"telegram": …}`; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TelegramInput {
    /// The bot's token from @BotFather (`123456:ABC-…`). Write-only, stored
    /// sealed; `null` removes it (the inbox then neither reads nor sends).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub bot_token: Option<Option<String>>,
    /// The Bot API server: `https://api.telegram.org` (the default), or a
    /// self-hosted one; `http://` or `https://`.
    #[schema(max_length = 2000)]
    pub api_base: Option<String>,
    /// `polling` or `webhook`.
    #[schema(value_type = Option<TelegramMode>)]
    pub mode: Option<String>,
    /// The secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` with
    /// each webhook call (`secret_token` of `setWebhook`): 1 to 256 of
    /// `A-Z a-z 0-9 _ -`. Write-only, stored sealed; `null` removes it
    /// (webhook calls are then refused).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 256)]
    pub webhook_secret: Option<Option<String>>,
}

/// Checked changes, secrets sealed.
#[derive(Debug, Clone, Default)]
pub struct TelegramChanges {
    pub(super) sealed_token: Option<Option<String>>,
    pub(super) api_base: Option<String>,
    pub(super) mode: Option<TelegramMode>,
    pub(super) sealed_webhook_secret: Option<Option<String>>,
}

/// Checks a bot token: `<bot id>:<key>` as @BotFather gives it (it goes
/// into the Bot API's URLs, so nothing else is taken).
pub fn check_token(token: &str) -> Result<String> {
    let t = token.trim();
    let ok = t.chars().count() <= MAX_TOKEN_CHARS
        && t.split_once(':').is_some_and(|(id, key)| {
            !id.is_empty()
                && id.chars().all(|c| c.is_ascii_digit())
                && !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if ok {
        Ok(t.to_string())
    } else {
        Err(Error::invalid(
            "telegram.bot_token",
            "a bot token looks like 123456789:AAE-… (the bot's id, a colon, then letters, digits, _ and -), as @BotFather gives it",
        ))
    }
}

/// Checks a webhook secret token the way Telegram does.
pub fn check_webhook_secret(secret: &str) -> Result<String> {
    let n = secret.chars().count();
    let ok = (1..=MAX_WEBHOOK_SECRET_CHARS).contains(&n)
        && secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(secret.to_string())
    } else {
        Err(Error::invalid(
            "telegram.webhook_secret",
            format!(
                "the webhook secret must have 1 to {MAX_WEBHOOK_SECRET_CHARS} of A-Z, a-z, 0-9, _ and - (Telegram's secret_token)"
            ),
        ))
    }
}

/// Checks the input and seals its secrets.
pub fn check(st: &AppState, input: TelegramInput) -> Result<TelegramChanges> {
    let sealed_token = match input.bot_token {
        Some(Some(t)) => Some(Some(
            st.secrets().seal(Purpose::BotToken, &check_token(&t)?),
        )),
        other => other.map(|_| None),
    };
    let api_base = input
        .api_base
        .map(|u| {
            crate::webhooks::model::check_url_of("telegram.api_base", &u)
                .map(|u| u.trim_end_matches('/').to_string())
        })
        .transpose()?;
    let mode = input
        .mode
        .map(|m| TelegramMode::parse("telegram.mode", m.trim()))
        .transpose()?;
    let sealed_webhook_secret = match input.webhook_secret {
        Some(Some(s)) => Some(Some(
            st.secrets()
                .seal(Purpose::ChannelSecret, &check_webhook_secret(&s)?),
        )),
        other => other.map(|_| None),
    };
    Ok(TelegramChanges {
        sealed_token,
        api_base,
        mode,
        sealed_webhook_secret,
    })
}

/// Applies checked changes to inbox `id` of kind `kind`, inside the
/// caller's transaction. A new token or server clears the inbox's failing
/// state; switching to polling starts from the bot's pending updates.
pub(crate) async fn apply_in(
    c: &mut AnyConnection,
    id: i64,
    kind: InboxKind,
    ch: &TelegramChanges,
    now: i64,
) -> Result<()> {
    if kind != InboxKind::Telegram {
        return Err(Error::invalid(
            "telegram",
            "only inboxes of kind telegram take Telegram settings",
        ));
    }
    repo::ensure(c, id).await?;
    let webhook_since = ch.mode.map(|m| match m {
        TelegramMode::Polling => None,
        TelegramMode::Webhook => Some(now),
    });
    repo::update(
        c,
        id,
        ch.sealed_token.as_ref().map(|t| t.as_deref()),
        ch.api_base.as_deref(),
        webhook_since,
        ch.sealed_webhook_secret.as_ref().map(|s| s.as_deref()),
    )
    .await?;
    if ch.sealed_token.is_some() || ch.api_base.is_some() {
        super::channel_repo::set_failing(c, id, None).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_secrets_are_checked() {
        assert!(check_token("123456:AAE-x_y9").is_ok());
        assert!(check_token(" 1:a ").is_ok());
        for bad in ["", "abc", "12:", ":abc", "12:a/b", "12:a?b", "x1:ab"] {
            assert!(check_token(bad).is_err(), "{bad}");
        }
        assert!(check_webhook_secret("s3cret_-X").is_ok());
        assert!(check_webhook_secret("").is_err());
        assert!(check_webhook_secret("with space").is_err());
        assert!(check_webhook_secret(&"a".repeat(257)).is_err());
    }
}
