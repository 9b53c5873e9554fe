//! What every page shares: the chrome (locale, CSRF token, who is signed
//! in), rendering with the security headers, and error pages.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::i18n::Tr;
use super::session::Agent;
use crate::Error;

/// Bumped when the assets change, so browsers fetch the new ones.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The frame around every signed-in page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Translator.
    pub tr: Tr,
    /// CSRF token for forms (empty before sign-in).
    pub csrf: String,
    /// Signed-in agent's name (empty before sign-in).
    pub me_name: String,
    /// Signed-in agent's id (0 before sign-in).
    pub me_id: i64,
    /// Whether the admin pages are offered.
    pub is_admin: bool,
    /// Whether the reports are offered (admins and supervisors).
    pub sees_reports: bool,
    /// Whether the knowledge-base editor is offered (`kb::service::may_write`).
    pub writes_kb: bool,
    /// The agent's presence for the router (`online`, `away`, `offline`).
    pub presence: &'static str,
    /// Where the header's presence form comes back to (empty: the inbox).
    pub here: String,
    /// Unread notifications (the bell).
    pub unread: i64,
    /// The `<title>`.
    pub title: String,
    /// Which navigation entry is current (`inbox`, `customers`, `stories`,
    /// `reports`, `search`, `admin`, `account`).
    pub section: &'static str,
    /// Asset version for cache busting.
    pub v: &'static str,
}

impl Chrome {
    /// The chrome of a signed-in page.
    pub fn agent(a: &Agent, title: String, section: &'static str) -> Chrome {
        Chrome {
            tr: a.tr.clone(),
            csrf: a.csrf.clone(),
            me_name: a.name.clone(),
            me_id: a.id,
            is_admin: a.is_admin(),
            sees_reports: a.viewer.sees_all(),
            writes_kb: crate::kb::service::may_write(&a.viewer),
            presence: a.presence.as_str(),
            here: a.here.clone(),
            unread: a.unread,
            title,
            section,
            v: ASSET_VERSION,
        }
    }

    /// The chrome of a page seen before sign-in.
    pub fn public(tr: &Tr, title: String) -> Chrome {
        Chrome {
            tr: tr.clone(),
            csrf: String::new(),
            me_name: String::new(),
            me_id: 0,
            is_admin: false,
            sees_reports: false,
            writes_kb: false,
            presence: "offline",
            here: String::new(),
            unread: 0,
            title,
            section: "",
            v: ASSET_VERSION,
        }
    }

    /// The presences an agent can choose, with their labels.
    pub fn presences(&self) -> Vec<(&'static str, String)> {
        ["online", "away", "offline"]
            .into_iter()
            .map(|p| (p, self.tr.t(&format!("presence-{p}"))))
            .collect()
    }

    /// `aria-current` for a navigation entry.
    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section {
            "page"
        } else {
            "false"
        }
    }
}

/// The security headers of every UI page: no framing, no sniffing, no
/// referrer to other sites, and a content security policy that allows
/// only Tend's own scripts, styles and images.
pub fn secure(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Renders a page with a status.
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => secure((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; see the server log",
            )
                .into_response()
        }
    }
}

/// Renders a page (200).
pub fn render<T: Template>(page: &T) -> Response {
    render_status(StatusCode::OK, page)
}

#[derive(Template)]
#[template(path = "web/message.html")]
struct MessagePage<'a> {
    c: Chrome,
    heading: &'a str,
    text: &'a str,
}

/// A page with a heading and one paragraph.
pub fn message_page(tr: &Tr, status: StatusCode, heading: &str, text: &str) -> Response {
    render_status(
        status,
        &MessagePage {
            c: Chrome::public(tr, heading.to_string()),
            heading,
            text,
        },
    )
}

/// The page for a failed request: what went wrong, in the agent's language
/// where it is one of ours, the validation message otherwise.
pub fn error_page(tr: &Tr, e: Error) -> Response {
    match e {
        Error::NotFound(_) => message_page(
            tr,
            StatusCode::NOT_FOUND,
            &tr.t("error-not-found-title"),
            &tr.t("error-not-found"),
        ),
        Error::Forbidden(_) => message_page(
            tr,
            StatusCode::FORBIDDEN,
            &tr.t("error-forbidden-title"),
            &tr.t("error-forbidden"),
        ),
        Error::Invalid { message, .. } | Error::Conflict { message, .. } => message_page(
            tr,
            StatusCode::UNPROCESSABLE_ENTITY,
            &tr.t("error-invalid-title"),
            super::form_errors::unmarked(&message),
        ),
        Error::PayloadTooLarge(_) => message_page(
            tr,
            StatusCode::PAYLOAD_TOO_LARGE,
            &tr.t("error-invalid-title"),
            &e.to_string(),
        ),
        Error::RateLimited => message_page(
            tr,
            StatusCode::TOO_MANY_REQUESTS,
            &tr.t("error-rate-limited-title"),
            &tr.t("error-rate-limited"),
        ),
        other => {
            tracing::error!(error = %other, "a page failed");
            message_page(
                tr,
                StatusCode::INTERNAL_SERVER_ERROR,
                &tr.t("error-internal-title"),
                &tr.t("error-internal"),
            )
        }
    }
}

/// 303 to a target built by the server (see `web::redirect`).
pub use super::redirect::see_other;
