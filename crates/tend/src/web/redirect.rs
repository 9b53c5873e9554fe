//! Redirects: the only place a `Location` is made, and the one check for
//! targets that come from the request (`next` after sign-in, `back` after
//! the header's presence form or a bulk change).
//!
//! A target from the request must be a path on this site. Browsers are
//! lenient: they drop tabs and newlines inside URLs (`/\t/evil.example` is
//! `//evil.example`, another host), read `\` as `/`, and some servers
//! decode `%2F`. So a target is refused when it, or its percent-decoded
//! form, holds a control character or a backslash or starts with `//`; and
//! what is left is resolved the way a browser does (WHATWG URL parsing,
//! the `url` crate) against a stand-in origin, which it must not leave.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The stand-in origin that targets are resolved against.
const BASE: &str = "http://tend.invalid/";

/// `next` if it is a path on this site, else `/`. The answer is in the
/// form a browser would resolve it to (non-ASCII percent-encoded).
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_site_path)
        .unwrap_or_else(|| "/".to_string())
}

fn same_site_path(next: &str) -> Option<String> {
    if !next.starts_with('/') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(next).decode_utf8_lossy();
    for form in [next, &*decoded] {
        if form.starts_with("//") || form.chars().any(|c| c.is_control() || c == '\\') {
            return None;
        }
    }
    let base = url::Url::parse(BASE).ok()?;
    let target = base.join(next).ok()?;
    if target.origin() != base.origin() {
        return None;
    }
    let mut out = target.path().to_string();
    if let Some(q) = target.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = target.fragment() {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// 303 to `to`, a target built by the server (already checked with
/// [`safe_next`] where it came from the request). Never fails: bytes that
/// cannot stand in a header are percent-encoded.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location(to))]).into_response()
}

/// 308 to `to` (built by the server): what was here lives there for good,
/// e.g. a merged conversation's page.
pub fn permanent(to: &str) -> Response {
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, location(to))],
    )
        .into_response()
}

fn location(to: &str) -> HeaderValue {
    let mut out = String::with_capacity(to.len());
    for b in to.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&out).unwrap_or_else(|_| HeaderValue::from_static("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        for (given, want) in [
            ("/", "/"),
            ("/c/12", "/c/12"),
            ("/?view=mine&sort=waiting", "/?view=mine&sort=waiting"),
            ("/c/12#m3", "/c/12#m3"),
            ("/search?q=caf%C3%A9", "/search?q=caf%C3%A9"),
            ("/search?q=café", "/search?q=caf%C3%A9"),
            ("/a/../c/1", "/c/1"),
        ] {
            assert_eq!(safe_next(Some(given)), want, "{given:?}");
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for bad in [
            "//evil.example",
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:%20x=1",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
            " /c/1",
            "/c/1\u{0085}",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn a_redirect_never_fails() {
        let r = see_other("/admin/x\r\ny");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[header::LOCATION], "/admin/x%0D%0Ay");
        let r = see_other("/c/1#m2");
        assert_eq!(r.headers()[header::LOCATION], "/c/1#m2");
    }
}
