//! The Bot API, as documented at <https://core.telegram.org/bots/api>:
//! `{api_base}/bot<token>/<method>` answering `{"ok", "result"}` or
//! `{"ok": false, "error_code", "description", "parameters":
//! {"retry_after"}}`, and files at `{api_base}/file/bot<token>/<path>`.
//! The base is the inbox's `api_base` (Telegram's, or a self-hosted Bot
//! API server). Errors never show the token (it is in every URL).

use std::time::Duration;

use serde_json::Value;

use crate::state::AppState;

/// How long a request other than a long poll may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A bot at a Bot API server.
#[derive(Clone)]
pub struct Bot {
    api_base: String,
    token: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bot")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// What the Bot API (or the way to it) answered instead of a result.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Its `error_code` (else the HTTP status), when it answered.
    pub code: Option<i64>,
    /// What went wrong, without the token.
    pub description: String,
    /// `parameters.retry_after`: seconds to wait (a 429).
    pub retry_after: Option<i64>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            Some(code) => write!(f, "the Bot API answered {code}: {}", self.description),
            None => write!(f, "{}", self.description),
        }
    }
}

impl ApiError {
    fn plain(description: String) -> ApiError {
        ApiError {
            code: None,
            description,
            retry_after: None,
        }
    }

    /// Whether the bot's token was refused (revoked, or never valid).
    pub fn revoked(&self) -> bool {
        self.code == Some(401)
    }

    /// Whether trying again later may work (no answer, a 5xx, a 429).
    pub fn transient(&self) -> bool {
        self.code.is_none_or(|c| c == 429 || c >= 500)
    }
}

fn redacted(e: reqwest::Error) -> ApiError {
    let what = if e.is_timeout() {
        "no answer in time"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    ApiError::plain(format!(
        "{what} ({})",
        e.without_url()
            .to_string()
            .chars()
            .take(200)
            .collect::<String>()
    ))
}

impl Bot {
    /// The bot with `token` at `api_base`.
    pub fn new(st: &AppState, api_base: &str, token: &str) -> Bot {
        Bot {
            api_base: api_base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            client: st.webhooks().client.clone(),
        }
    }

    fn url(&self, method: &str) -> String {
        format!("{}/bot{}/{method}", self.api_base, self.token)
    }

    async fn answer(resp: reqwest::Response) -> Result<Value, ApiError> {
        let status = resp.status();
        let body: Value = match resp.json().await {
            Ok(v) => v,
            Err(_) if !status.is_success() => {
                return Err(ApiError {
                    code: Some(i64::from(status.as_u16())),
                    description: status.canonical_reason().unwrap_or("no reason").to_string(),
                    retry_after: None,
                });
            }
            Err(e) => {
                return Err(ApiError::plain(format!(
                    "the Bot API's answer is not JSON: {}",
                    e.without_url()
                )));
            }
        };
        if status.is_success() && body["ok"] == Value::Bool(true) {
            return Ok(body["result"].clone());
        }
        Err(ApiError {
            code: body["error_code"]
                .as_i64()
                .or(Some(i64::from(status.as_u16()))),
            description: body["description"]
                .as_str()
                .unwrap_or("no description")
                .chars()
                .take(200)
                .collect(),
            retry_after: body["parameters"]["retry_after"].as_i64(),
        })
    }

    /// Calls `method` with a JSON body; answers its `result`.
    pub async fn call(
        &self,
        method: &str,
        params: &Value,
        timeout: Duration,
    ) -> Result<Value, ApiError> {
        let resp = self
            .client
            .post(self.url(method))
            .timeout(timeout)
            .json(params)
            .send()
            .await
            .map_err(redacted)?;
        Self::answer(resp).await
    }

    /// `getUpdates` from `offset`, waiting up to `wait` for one.
    pub async fn get_updates(&self, offset: i64, wait: Duration) -> Result<Vec<Value>, ApiError> {
        let params = serde_json::json!({"offset": offset, "timeout": wait.as_secs(), "limit": 100});
        let result = self.call("getUpdates", &params, wait + TIMEOUT).await?;
        match result {
            Value::Array(list) => Ok(list),
            _ => Err(ApiError::plain(
                "getUpdates answered something other than a list".into(),
            )),
        }
    }

    /// `deleteWebhook`: Telegram keeps updates for `getUpdates` again.
    pub async fn delete_webhook(&self) -> Result<(), ApiError> {
        self.call(
            "deleteWebhook",
            &serde_json::json!({"drop_pending_updates": false}),
            TIMEOUT,
        )
        .await
        .map(|_| ())
    }

    /// `setWebhook`: Telegram posts the bot's updates to `url`, with
    /// `secret` in `X-Telegram-Bot-Api-Secret-Token` when given.
    pub async fn set_webhook(&self, url: &str, secret: Option<&str>) -> Result<(), ApiError> {
        let mut params = serde_json::json!({"url": url, "drop_pending_updates": false});
        if let Some(s) = secret {
            params["secret_token"] = s.into();
        }
        self.call("setWebhook", &params, TIMEOUT).await.map(|_| ())
    }

    /// Fetches a file: `getFile`, then its bytes, at most `max` of them
    /// (`Ok(None)`: more than that).
    pub async fn fetch(&self, file_id: &str, max: u64) -> Result<Option<Vec<u8>>, ApiError> {
        let file = self
            .call(
                "getFile",
                &serde_json::json!({ "file_id": file_id }),
                TIMEOUT,
            )
            .await?;
        if file["file_size"].as_u64().is_some_and(|n| n > max) {
            return Ok(None);
        }
        let path = file["file_path"]
            .as_str()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| ApiError::plain("getFile gave no file_path".into()))?;
        let url = format!("{}/file/bot{}/{}", self.api_base, self.token, path);
        let mut resp = self
            .client
            .get(url)
            .timeout(TIMEOUT * 4)
            .send()
            .await
            .map_err(redacted)?;
        if !resp.status().is_success() {
            return Err(ApiError {
                code: Some(i64::from(resp.status().as_u16())),
                description: "the file download was refused".into(),
                retry_after: None,
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(redacted)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > max {
                return Ok(None);
            }
        }
        Ok(Some(bytes))
    }

    /// `sendMessage`.
    pub async fn send_message(&self, chat_id: &str, text: &str) -> Result<Value, ApiError> {
        let params = serde_json::json!({ "chat_id": chat_value(chat_id), "text": text });
        self.call("sendMessage", &params, TIMEOUT).await
    }

    /// `sendDocument`, the file uploaded as `multipart/form-data`.
    pub async fn send_document(
        &self,
        chat_id: &str,
        bytes: Vec<u8>,
        filename: &str,
        content_type: &str,
    ) -> Result<Value, ApiError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str(content_type)
            .map_err(|e| ApiError::plain(format!("bad content type: {e}")))?;
        let form = reqwest::multipart::Form::new()
            .text("chat_id", chat_id.to_string())
            .part("document", part);
        let resp = self
            .client
            .post(self.url("sendDocument"))
            .timeout(TIMEOUT * 4)
            .multipart(form)
            .send()
            .await
            .map_err(redacted)?;
        Self::answer(resp).await
    }
}

/// A chat id as the Bot API takes it: a number, or `@channelusername`.
fn chat_value(chat_id: &str) -> Value {
    chat_id
        .parse::<i64>()
        .map_or_else(|_| Value::String(chat_id.to_string()), Value::from)
}
