//! The portal's session cookie: `tend_portal`, apart from the agents'
//! `tend_session` (another name, path `/help`), `HttpOnly`,
//! `SameSite=Lax`, and `Secure` when the client's connection is https.
//! The cookie holds a random secret; the database keeps only its SHA-256.

use axum::http::{HeaderMap, HeaderValue};

use super::model::ABSOLUTE_MS;

/// The cookie's name.
pub const COOKIE: &str = "tend_portal";

/// The session secret from the request's cookies.
pub fn value(headers: &HeaderMap) -> Option<String> {
    crate::web::session::cookie_named(headers, COOKIE).filter(|v| !v.is_empty())
}

/// The `Set-Cookie` value for a new session (or, with `None`, one that
/// clears it). The browser keeps it up to the session's absolute end; the
/// server ends it sooner when it goes unused.
pub fn set(https: bool, secret: Option<&str>) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    let s = match secret {
        Some(v) => format!(
            "{COOKIE}={v}; Path=/help; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            ABSOLUTE_MS / 1000
        ),
        None => format!("{COOKIE}=; Path=/help; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&s)
        .unwrap_or_else(|_| HeaderValue::from_static("tend_portal=; Path=/help; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn the_cookie_is_the_portals_own() {
        let c = set(true, Some("p_abc"));
        let c = c.to_str().expect("ascii");
        assert!(
            c.starts_with("tend_portal=p_abc; Path=/help; HttpOnly; SameSite=Lax"),
            "{c}"
        );
        assert!(c.ends_with("; Secure"), "{c}");
        assert!(!set(false, None).to_str().expect("ascii").contains("Secure"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("tend_session=s_x; tend_portal=p_y"),
        );
        assert_eq!(value(&h).as_deref(), Some("p_y"));
    }
}
