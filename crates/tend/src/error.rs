//! The one error type of the crate, and how it becomes an HTTP answer in the
//! format of `docs/CONTRACT.md`: `{"error": {"code", "message", "details"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Result with Tend's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a use case, with a stable `code` a client
/// or the UI can translate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the caller may not see it (indistinguishable
    /// on purpose).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// No credentials, or bad ones.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// Authenticated, but the role does not allow this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Input that fails validation; `field` names the offending field.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The request conflicts with the current state.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Value,
    },
    /// The body is not in a format this endpoint reads.
    #[error("send the body as {0}")]
    UnsupportedMediaType(&'static str),
    /// The body is larger than the endpoint accepts.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// The body is not valid JSON.
    #[error("the body is not valid JSON: {message}")]
    InvalidJson {
        message: String,
        line: usize,
        column: usize,
    },
    /// Too many requests.
    #[error("too many requests; slow down and retry later")]
    RateLimited,
    /// A database failure; logged, answered as a bare 500.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Any other internal failure; logged, answered as a bare 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// Shorthand for a validation error on one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for a conflict.
    pub fn conflict(code: &'static str, message: impl Into<String>, details: Value) -> Self {
        Error::Conflict {
            code,
            message: message.into(),
            details,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::InvalidJson { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Error::Database(e) if unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether the database could not be reached (down, restarting, no
    /// connection free within the acquire timeout): try again shortly.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Database(e) if unavailable(e))
    }

    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not_found",
            Error::Unauthorized => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::Invalid { .. } => "invalid_input",
            Error::Conflict { code, .. } => code,
            Error::UnsupportedMediaType(_) => "unsupported_media_type",
            Error::PayloadTooLarge(_) => "payload_too_large",
            Error::InvalidJson { .. } => "invalid_json",
            Error::RateLimited => "rate_limited",
            Error::Database(e) if unavailable(e) => "unavailable",
            Error::Database(_) | Error::Internal(_) => "internal",
        }
    }
}

/// Seconds a client should wait after a 503 before trying again.
pub const RETRY_AFTER_SECS: u64 = 2;

/// Whether a database error means the database cannot be reached now
/// rather than that the statement is wrong: the pool found no connection
/// within its acquire timeout, the connection broke, or PostgreSQL says it
/// is shutting down or starting (SQLSTATE class 08, 57P01–57P03).
fn unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|c| {
            c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// Builds the CONTRACT error body.
pub fn error_body(code: &str, message: &str, details: Value) -> Value {
    json!({"error": {"code": code, "message": message, "details": details}})
}

/// Turns a status, code and message into a CONTRACT-shaped response.
pub fn error_response(status: StatusCode, code: &str, message: &str, details: Value) -> Response {
    (status, axum::Json(error_body(code, message, details))).into_response()
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let (message, details) = match &self {
            Error::Database(e) if unavailable(e) => {
                tracing::warn!(error = %e, "the database is unavailable; answered 503");
                let body = error_body(
                    self.code(),
                    "the database is unavailable; try again shortly",
                    json!({}),
                );
                return (
                    status,
                    [(
                        axum::http::header::RETRY_AFTER,
                        RETRY_AFTER_SECS.to_string(),
                    )],
                    axum::Json(body),
                )
                    .into_response();
            }
            Error::Database(e) => {
                tracing::error!(error = %e, "database error");
                ("internal error; see the server log".to_string(), json!({}))
            }
            Error::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                ("internal error; see the server log".to_string(), json!({}))
            }
            Error::Invalid { field, message } => (message.clone(), json!({ "field": field })),
            Error::Conflict {
                details, message, ..
            } => (message.clone(), details.clone()),
            Error::PayloadTooLarge(limit) => (self.to_string(), json!({ "limit": limit })),
            Error::InvalidJson { line, column, .. } => (
                self.to_string(),
                json!({ "field": "body", "line": line, "column": column }),
            ),
            other => (other.to_string(), json!({})),
        };
        let mut resp = error_response(status, self.code(), &message, details);
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}
