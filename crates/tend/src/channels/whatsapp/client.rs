//! The WhatsApp Cloud API (the Graph API's shape), as Meta documents it:
//! `POST {api_base}/{phone_number_id}/messages` (answers `{"messages":
//! [{"id": "wamid.…"}]}`), `POST {api_base}/{phone_number_id}/media`
//! (multipart; answers `{"id"}`), `GET {api_base}/{media_id}` (answers
//! `{"url", "mime_type", "file_size"}`) and then that URL, every call
//! with the access token as a bearer token; errors are `{"error":
//! {"message", "type", "code", "error_subcode"}}`, code 190 for a token
//! that expired or was revoked. The base is the inbox's `api_base`.

use std::time::Duration;

use serde_json::Value;

use crate::state::AppState;

/// How long a request may take (uploads and downloads: four times that).
const TIMEOUT: Duration = Duration::from_secs(30);

/// A business phone number at the Cloud API.
#[derive(Clone)]
pub struct Graph {
    api_base: String,
    token: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// What the Graph API (or the way to it) answered instead of a result.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status, when it answered.
    pub status: Option<i64>,
    /// The Graph API's `error.code` (190: the token expired or was revoked).
    pub code: Option<i64>,
    /// What went wrong.
    pub description: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.status, self.code) {
            (Some(s), Some(c)) => write!(
                f,
                "the Graph API answered {s} (error {c}): {}",
                self.description
            ),
            (Some(s), None) => write!(f, "the Graph API answered {s}: {}", self.description),
            _ => write!(f, "{}", self.description),
        }
    }
}

impl ApiError {
    fn plain(description: String) -> ApiError {
        ApiError {
            status: None,
            code: None,
            description,
        }
    }

    /// Whether the access token was refused (expired, revoked, never valid).
    pub fn revoked(&self) -> bool {
        self.status == Some(401) || self.code == Some(190)
    }

    /// Whether trying again later may work (no answer, a 5xx, a 429, the
    /// Graph API's rate limits).
    pub fn transient(&self) -> bool {
        self.status.is_none_or(|c| c == 429 || c >= 500)
            || matches!(self.code, Some(4 | 80007 | 130429 | 131016))
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

impl Graph {
    /// The number's API at `api_base`, with the access token `token`.
    pub fn new(st: &AppState, api_base: &str, token: &str) -> Graph {
        Graph {
            api_base: api_base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            client: st.webhooks().client.clone(),
        }
    }

    async fn answer(resp: reqwest::Response) -> Result<Value, ApiError> {
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(body);
        }
        let e = &body["error"];
        Err(ApiError {
            status: Some(i64::from(status.as_u16())),
            code: e["code"].as_i64(),
            description: e["message"]
                .as_str()
                .or(status.canonical_reason())
                .unwrap_or("no reason")
                .chars()
                .take(200)
                .collect(),
        })
    }

    /// Sends a message (`body`: the Cloud API's message object without
    /// `messaging_product`); answers its WhatsApp id.
    pub async fn send(&self, phone_number_id: &str, mut body: Value) -> Result<String, ApiError> {
        body["messaging_product"] = Value::from("whatsapp");
        let resp = self
            .client
            .post(format!("{}/{phone_number_id}/messages", self.api_base))
            .bearer_auth(&self.token)
            .timeout(TIMEOUT)
            .json(&body)
            .send()
            .await
            .map_err(redacted)?;
        let v = Self::answer(resp).await?;
        v["messages"][0]["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ApiError::plain("the Cloud API's answer has no messages[0].id".into()))
    }

    /// Uploads a file for a message; answers its media id.
    pub async fn upload(
        &self,
        phone_number_id: &str,
        bytes: Vec<u8>,
        filename: &str,
        content_type: &str,
    ) -> Result<String, ApiError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str(content_type)
            .map_err(|e| ApiError::plain(format!("bad content type: {e}")))?;
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        let form = reqwest::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", essence.to_string())
            .part("file", part);
        let resp = self
            .client
            .post(format!("{}/{phone_number_id}/media", self.api_base))
            .bearer_auth(&self.token)
            .timeout(TIMEOUT * 4)
            .multipart(form)
            .send()
            .await
            .map_err(redacted)?;
        let v = Self::answer(resp).await?;
        v["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ApiError::plain("the media upload's answer has no id".into()))
    }

    /// Fetches a customer's file: its URL, then its bytes, at most `max`
    /// of them (`Ok(None)`: more than that).
    pub async fn fetch(&self, media_id: &str, max: u64) -> Result<Option<Vec<u8>>, ApiError> {
        let resp = self
            .client
            .get(format!("{}/{media_id}", self.api_base))
            .bearer_auth(&self.token)
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(redacted)?;
        let meta = Self::answer(resp).await?;
        if meta["file_size"].as_u64().is_some_and(|n| n > max) {
            return Ok(None);
        }
        let url = meta["url"]
            .as_str()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| ApiError::plain("the media's answer has no url".into()))?;
        let mut resp = self
            .client
            .get(url)
            .bearer_auth(&self.token)
            .timeout(TIMEOUT * 4)
            .send()
            .await
            .map_err(redacted)?;
        if !resp.status().is_success() {
            return Err(ApiError {
                status: Some(i64::from(resp.status().as_u16())),
                code: None,
                description: "the media download was refused".into(),
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
}
