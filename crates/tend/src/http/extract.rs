//! Extractors shared by every API: bearer authentication, JSON and query
//! parsing whose errors name the offending field, and cursor pagination.

use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::limits::DRAIN_CAP;
use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth(pub Viewer);

impl FromRequestParts<AppState> for Auth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        // Reads (GET/HEAD) also accept the web session, so that the agent
        // UI can show attachments, inline images and raw mail. Writes need
        // a bearer token: the session cookie alone never changes state here.
        let value = match bearer {
            Some(v) => v,
            None => {
                let safe = matches!(
                    parts.method,
                    axum::http::Method::GET | axum::http::Method::HEAD
                );
                let secret = crate::web::session::cookie_value(&parts.headers)
                    .filter(|_| safe)
                    .ok_or(Error::Unauthorized)?;
                return crate::web::session::lookup(st, &secret, &parts.headers)
                    .await?
                    .map(|a| Auth(a.viewer))
                    .ok_or(Error::Unauthorized);
            }
        };
        let (scheme, token) = value.split_once(' ').ok_or(Error::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Error::Unauthorized);
        }
        crate::agents::service::authenticate(st, token.trim())
            .await?
            .map(Auth)
            .ok_or(Error::Unauthorized)
    }
}

/// A JSON body, limited to the configured size, whose errors follow the
/// CONTRACT: 415 without a JSON content type, 413 when too large, 422 naming
/// the field (or the line and column of a syntax error).
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, st: &AppState) -> Result<Self> {
        let is_json = is_json_media(&media_type(&req));
        if !is_json {
            return Err(Error::UnsupportedMediaType("application/json"));
        }
        let limit = st.config.max_json_body_bytes;
        let bytes = read_body(req, limit).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The request's media type, lowercased, without parameters ("" when absent).
pub fn media_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON (`application/json` or `application/*+json`).
pub fn is_json_media(m: &str) -> bool {
    m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
}

/// Reads a whole body, refusing more than `limit` bytes (answered as 413
/// after draining the rest, up to [`DRAIN_CAP`]). The route's class limit
/// (`http::limits`) applies first; this is for a handler's own smaller one.
pub async fn read_body(req: Request, limit: usize) -> Result<axum::body::Bytes> {
    use futures_util::StreamExt as _;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_CAP.max(limit)) {
        return Err(Error::PayloadTooLarge(limit));
    }
    let mut stream = req.into_body().into_data_stream();
    let mut buf = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|e| Error::invalid("body", format!("the body could not be read: {e}")))?;
        total += chunk.len();
        if total <= limit {
            buf.extend_from_slice(&chunk);
        } else if total > DRAIN_CAP.max(limit) {
            break;
        }
    }
    if total > limit {
        return Err(Error::PayloadTooLarge(limit));
    }
    Ok(buf.into())
}

/// Parses JSON with errors that name the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                let message = inner.to_string();
                Err(Error::InvalidJson {
                    message: message
                        .split(" at line ")
                        .next()
                        .unwrap_or(&message)
                        .to_string(),
                    line: inner.line(),
                    column: inner.column(),
                })
            } else {
                let msg = inner.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                // serde reports unknown and missing fields at their parent.
                let named = ["unknown field `", "missing field `"]
                    .iter()
                    .find_map(|p| msg.strip_prefix(p))
                    .and_then(|rest| rest.split('`').next());
                let field = match (named, path.as_str()) {
                    (Some(n), ".") => n.to_string(),
                    (Some(n), p) => format!("{p}.{n}"),
                    (None, ".") => "body".to_string(),
                    (None, p) => p.to_string(),
                };
                Err(Error::invalid(field, msg))
            }
        }
    }
}

/// Query parameters; parse failures are 422 naming the parameter.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| {
                let text = e.body_text();
                let field = text
                    .split('`')
                    .nth(1)
                    .map(str::to_string)
                    .unwrap_or_else(|| "query".into());
                Error::invalid(field, text)
            })
    }
}

/// A path parameter; one that cannot be parsed names nothing, so 404.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|_| Error::NotFound("resource"))
    }
}

/// `limit` and `cursor` of every list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    /// The validated page size.
    pub fn limit(&self) -> Result<i64> {
        match self.limit.as_deref() {
            None | Some("") => Ok(50),
            Some(s) => match s.parse::<i64>() {
                Ok(n) if (1..=200).contains(&n) => Ok(n),
                _ => Err(Error::invalid(
                    "limit",
                    format!("limit must be a whole number from 1 to 200, got {s:?}"),
                )),
            },
        }
    }

    /// The validated cursor (an id).
    pub fn cursor(&self) -> Result<Option<i64>> {
        match self.cursor.as_deref() {
            None | Some("") => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .map(Some)
                .ok_or_else(|| Error::invalid("cursor", "the cursor is not one this API gave out")),
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page whose cursor is the id of its last item when more follow.
    pub fn new(items: Vec<T>, more: bool, id_of: impl Fn(&T) -> i64) -> Page<T> {
        let next_cursor = if more {
            items.last().map(|i| id_of(i).to_string())
        } else {
            None
        };
        Page { items, next_cursor }
    }
}

/// Whether a `format` query parameter asks for CSV (`csv`) rather than
/// JSON (absent, empty or `json`); anything else is a 422.
pub fn wants_csv(format: Option<&str>) -> Result<bool> {
    match format {
        None | Some("" | "json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(Error::invalid(
            "format",
            format!("unknown format {other:?}; use csv or json"),
        )),
    }
}

/// The answer of a report that is CSV or JSON (`wants_csv`): `to_csv` of
/// the same value, so both say the same.
pub fn csv_or_json<T: serde::Serialize>(
    csv: bool,
    value: T,
    to_csv: impl FnOnce(&T) -> String,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if csv {
        (
            [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            to_csv(&value),
        )
            .into_response()
    } else {
        axum::Json(value).into_response()
    }
}

/// Parses an optional numeric query parameter.
pub fn parse_id(field: &str, v: Option<&str>) -> Result<Option<i64>> {
    match v {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Error::invalid(field, format!("{field} must be a number, got {s:?}"))),
    }
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
