//! The portal's pages, rendered with askama (everything escaped) in the
//! help centre's layout (`templates/help/base.html`), with the headers of
//! pages that hold a customer's conversations: no script, no caching, no
//! framing, and no referrer (a sign-in link's address is a credential).

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::channels::contact::page::LangLink;
use crate::web::i18n::{LOCALES_SUPPORTED, Tr, locale_name};

/// How a page is shown: its language and its own address (for the
/// language links).
#[derive(Debug, Clone)]
pub struct Frame {
    /// Translator.
    pub tr: Tr,
    /// Never embedded (the layout asks).
    pub embed: bool,
    /// The page's path, without query.
    pub path: String,
    /// The help centre's look (`kb::theme`).
    pub theme: crate::kb::theme::Theme,
}

impl Frame {
    /// A frame for the page at `path` in `tr`'s language, in the help
    /// centre's look.
    pub async fn new(st: &crate::state::AppState, tr: Tr, path: &str) -> Frame {
        Frame {
            tr,
            embed: false,
            path: path.to_string(),
            theme: crate::kb::theme::current(st).await,
        }
    }

    /// `path` in the page's language.
    pub fn here(&self, path: &str) -> String {
        format!("{path}?lang={}", self.tr.code())
    }

    /// The language links.
    pub fn languages(&self) -> Vec<LangLink> {
        LOCALES_SUPPORTED
            .iter()
            .map(|code| LangLink {
                name: locale_name(code),
                code,
                href: format!("{}?lang={code}", self.path),
                current: *code == self.tr.code(),
            })
            .collect()
    }

    /// `aria-current` value for a language link.
    pub fn current(&self, link: &LangLink) -> &'static str {
        if link.current { "page" } else { "false" }
    }
}

/// The sign-in form.
#[derive(Template)]
#[template(path = "help/portal_signin.html")]
pub struct SignInPage<'a> {
    pub f: &'a Frame,
    pub title: String,
    pub email: String,
    pub error: Option<String>,
}

/// A page with one message (the link is on its way, the link is spent…).
#[derive(Template)]
#[template(path = "help/message.html")]
pub struct NoticePage<'a> {
    pub f: &'a Frame,
    pub title: String,
    /// `link-sent`, `link-invalid`, `rate-limited`… for tests and styling.
    pub outcome: &'static str,
    pub text: String,
    pub reference: Option<String>,
    pub back: Option<(String, String)>,
}

/// What opening a sign-in link shows: one button that signs in.
#[derive(Template)]
#[template(path = "help/portal_open.html")]
pub struct OpenLinkPage<'a> {
    pub f: &'a Frame,
    pub title: String,
    pub action: String,
}

/// A conversation in the list.
pub struct Item {
    pub id: i64,
    pub href: String,
    pub subject: String,
    /// `new`, `open`… (for styling and tests).
    pub status: &'static str,
    pub status_label: String,
    pub updated: String,
}

/// The customer's conversations.
#[derive(Template)]
#[template(path = "help/portal_list.html")]
pub struct ListPage<'a> {
    pub f: &'a Frame,
    pub title: String,
    pub csrf: String,
    pub items: Vec<Item>,
}

/// A message as the customer sees it.
pub struct MessageView {
    pub id: i64,
    /// From the customer (`in`) or the desk (`out`).
    pub mine: bool,
    pub author: String,
    pub when: String,
    pub text: String,
    /// (href, name, size label).
    pub files: Vec<(String, String, String)>,
}

/// One conversation.
#[derive(Template)]
#[template(path = "help/portal_conversation.html")]
pub struct ConversationPage<'a> {
    pub f: &'a Frame,
    pub title: String,
    pub id: i64,
    pub status: &'static str,
    pub status_label: String,
    pub csrf: String,
    pub messages: Vec<MessageView>,
    pub may_reply: bool,
    pub may_confirm: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub max_mb: usize,
}

/// Renders a page with the portal's headers.
pub fn page<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => secure((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "rendering a portal page failed");
            secure(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; please try again later",
                )
                    .into_response(),
            )
        }
    }
}

/// The UI's headers (nosniff, no-store) with the portal's own policy.
pub fn secure(resp: Response) -> Response {
    let mut resp = crate::web::pages::secure(resp);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}
