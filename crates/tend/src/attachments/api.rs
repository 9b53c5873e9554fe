//! `GET /api/v1/attachments/{id}`: safe download of a stored file.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiPath, Auth};
use crate::state::AppState;

/// The attachment routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(download_attachment))
}

/// Types a browser would run or render actively; served as opaque bytes.
const ACTIVE_TYPES: [&str; 7] = [
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
];

/// Download a file attached to a message of a conversation the caller may see.
#[utoipa::path(get, path = "/attachments/{id}", tag = "attachments",
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such attachment, or not visible"),
    ))]
async fn download_attachment(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    let meta = crate::conversations::service::attachment(&st, &auth.0, id).await?;
    let bytes = super::load(&st, &meta.sha256).await?;
    Ok(download(bytes, &meta.filename, &meta.content_type))
}

/// A stored file as a download: never rendered on our origin (types that
/// could run script become `application/octet-stream`, the response is
/// sandboxed and not sniffed), with its name in `Content-Disposition`.
pub fn download(bytes: Vec<u8>, filename: &str, content_type: &str) -> Response {
    let content_type = if ACTIVE_TYPES.contains(&content_type) {
        "application/octet-stream"
    } else {
        content_type
    };
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    resp
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_is_ascii_safe_and_keeps_the_unicode_name() {
        assert_eq!(
            content_disposition("見積 1.pdf"),
            "attachment; filename=\"__ 1.pdf\"; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%201.pdf"
        );
        assert!(!content_disposition("a\"b\r\n.txt").contains('\r'));
    }
}
