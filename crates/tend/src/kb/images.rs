//! Images of the knowledge base: pictures uploaded for articles (and the
//! help centre's logo), kept in the attachment store and served to
//! everyone at a stable address, `/help/images/<sha256>.<ext>`, which
//! never changes its bytes (so browsers may keep it for a year).
//!
//! Only PNG, JPEG, GIF and WebP are taken, judged from the bytes and never
//! from the file's name or the type the browser claims: an HTML page named
//! `.png` or an SVG (which may carry script) is refused with a reason.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::agents::Viewer;
use crate::attachments::Upload;
use crate::state::AppState;
use crate::{Error, Result};

use super::media_repo::{self, ImageRow};

/// The largest image, in bytes.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// The kinds of picture Tend takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF.
    Gif,
    /// WebP.
    Webp,
}

impl ImageKind {
    /// Every kind, for the ones the address may name.
    pub const ALL: [ImageKind; 4] = [
        ImageKind::Png,
        ImageKind::Jpeg,
        ImageKind::Gif,
        ImageKind::Webp,
    ];

    /// Its media type.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::Webp => "image/webp",
        }
    }

    /// The extension of its address.
    pub fn ext(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Webp => "webp",
        }
    }

    /// The kind of picture these bytes are, from their signature.
    pub fn sniff(b: &[u8]) -> Option<ImageKind> {
        if b.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
            Some(ImageKind::Webp)
        } else {
            None
        }
    }

    /// The kind of a recorded media type.
    pub fn from_content_type(ct: &str) -> Option<ImageKind> {
        ImageKind::ALL.into_iter().find(|k| k.content_type() == ct)
    }
}

/// An image as stored: where the help centre serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The file's digest.
    pub sha256: String,
    /// Its kind.
    pub kind: ImageKind,
    /// The name it was uploaded with (cleaned).
    pub filename: String,
    /// Its stable public address (a path on this site).
    pub url: String,
}

/// The public address of an image.
pub fn url_of(sha256: &str, kind: ImageKind) -> String {
    format!("{}{sha256}.{}", crate::html::PUBLIC_IMAGES, kind.ext())
}

/// Checks an uploaded file: a picture Tend takes, not too large. The
/// reason names what is wrong and what to do.
pub fn check(u: &Upload) -> Result<ImageKind> {
    if u.bytes.is_empty() {
        return Err(Error::invalid(
            "image",
            "the file is empty; choose a picture",
        ));
    }
    if u.bytes.len() > MAX_IMAGE_BYTES {
        return Err(Error::invalid(
            "image",
            format!(
                "{} is larger than {} MB; make the picture smaller",
                u.filename,
                MAX_IMAGE_BYTES / (1024 * 1024)
            ),
        ));
    }
    ImageKind::sniff(&u.bytes).ok_or_else(|| {
        let head = String::from_utf8_lossy(&u.bytes[..u.bytes.len().min(512)]).to_lowercase();
        let what = if head.contains("<svg") {
            "an SVG drawing (which can carry script)"
        } else if head.trim_start().starts_with('<') {
            "an HTML or XML document"
        } else {
            "not a picture Tend recognises"
        };
        Error::invalid(
            "image",
            format!(
                "{} is {what}, whatever its name says; upload a PNG, JPEG, GIF or WebP picture",
                u.filename
            ),
        )
    })
}

/// Stores a checked picture and records it; answers where it is served.
/// Callers check who may upload.
pub(super) async fn store(st: &AppState, uploaded_by: Option<i64>, u: Upload) -> Result<Image> {
    let kind = check(&u)?;
    let sha256 = st.files().put(&u.bytes).await?;
    let row = ImageRow {
        sha256: sha256.clone(),
        content_type: kind.content_type().to_string(),
        filename: u.filename.clone(),
        size: i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
    };
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move { media_repo::insert_image(c, &row, uploaded_by, now).await })
        })
        .await?;
    Ok(Image {
        url: url_of(&sha256, kind),
        sha256,
        kind,
        filename: u.filename,
    })
}

/// Uploads a picture for articles (those who write the knowledge base).
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn upload(st: &AppState, viewer: &Viewer, u: Upload) -> Result<Image> {
    super::service::require_writer(viewer)?;
    store(st, viewer.user_id, u).await
}

/// The image recorded under a digest, if any.
pub(super) async fn find(st: &AppState, sha256: &str) -> Result<Option<Image>> {
    let mut c = st.db.pool().acquire().await?;
    let row = media_repo::image(&mut c, sha256).await?;
    Ok(row.and_then(|r| {
        let kind = ImageKind::from_content_type(&r.content_type)?;
        Some(Image {
            url: url_of(&r.sha256, kind),
            sha256: r.sha256,
            kind,
            filename: r.filename,
        })
    }))
}

/// `GET /help/images/{sha256}.{ext}`: a picture of the knowledge base, for
/// everyone, cached for a year (the address names the bytes).
pub(super) async fn serve(State(st): State<AppState>, Path(name): Path<String>) -> Response {
    let Some((sha, ext)) = name.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let image = match find(&st, sha).await {
        Ok(Some(i)) if i.kind.ext() == ext => i,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return super::pages::internal(&e),
    };
    let bytes = match crate::attachments::load(&st, &image.sha256).await {
        Ok(b) => b,
        Err(e) => return super::pages::internal(&e),
    };
    let mut resp = immutable(bytes, image.kind.content_type());
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    resp
}

/// A public answer whose address names its content (a digest, a save's
/// number): its type, not sniffed, kept by browsers for a year.
pub(super) fn immutable(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(name: &str, bytes: &[u8]) -> Upload {
        Upload {
            content_id: None,
            filename: name.into(),
            content_type: "image/png".into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn pictures_are_judged_by_their_bytes() {
        assert_eq!(
            check(&up("a.bin", b"\x89PNG\r\n\x1a\n....")).ok(),
            Some(ImageKind::Png)
        );
        assert_eq!(
            check(&up("a", &[0xFF, 0xD8, 0xFF, 0xE0])).ok(),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(check(&up("a", b"GIF89a..")).ok(), Some(ImageKind::Gif));
        assert_eq!(
            check(&up("a", b"RIFF\0\0\0\0WEBPVP8 ")).ok(),
            Some(ImageKind::Webp)
        );
        let why = |e: Error| e.to_string();
        let html = check(&up("cat.png", b"<!doctype html><script>alert(1)</script>"));
        assert!(why(html.unwrap_err()).contains("HTML"));
        let svg = check(&up(
            "logo.png",
            b"<?xml version=\"1.0\"?><svg onload=\"x()\">",
        ));
        assert!(why(svg.unwrap_err()).contains("SVG"));
        assert!(check(&up("e.png", b"")).is_err());
        let big = vec![0x89; MAX_IMAGE_BYTES + 1];
        assert!(why(check(&up("big.png", &big)).unwrap_err()).contains("MB"));
    }
}
