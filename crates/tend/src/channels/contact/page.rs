//! The contact form's pages: the form, the thank-you page and the pages
//! for a refusal, rendered with askama (everything escaped) in the
//! visitor's language, and the headers that decide who may frame them.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::form::{FieldError, Submission};
use crate::channels::phone::model::CallbackWindow;
use crate::web::i18n::{LOCALES_SUPPORTED, Tr, locale_name};

/// How the page is shown: language, framing, and the inbox it belongs to.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Translator.
    pub tr: Tr,
    /// Inside another site's iframe: no page chrome.
    pub embed: bool,
    /// The inbox given in the address, if any.
    pub inbox: Option<String>,
    /// `frame-ancestors` sources beyond `'self'` (embedded pages only).
    pub ancestors: Vec<String>,
    /// The help centre's look (`kb::theme`).
    pub theme: crate::kb::theme::Theme,
}

/// A link to the form in another language.
#[derive(Debug, Clone)]
pub struct LangLink {
    /// The language's name in itself.
    pub name: &'static str,
    /// Code, for `hreflang`.
    pub code: &'static str,
    /// Address.
    pub href: String,
    /// The page's own language.
    pub current: bool,
}

impl Frame {
    /// `/help/contact` with this frame's inbox, language and embedding.
    pub fn form_url(&self, lang: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(i) = &self.inbox {
            q.append_pair("inbox", i);
        }
        q.append_pair("lang", lang);
        if self.embed {
            q.append_pair("embed", "1");
        }
        format!("/help/contact?{}", q.finish())
    }

    /// The language links (not shown when embedded: the host site has its own).
    pub fn languages(&self) -> Vec<LangLink> {
        if self.embed {
            return vec![];
        }
        LOCALES_SUPPORTED
            .iter()
            .map(|code| LangLink {
                name: locale_name(code),
                code,
                href: self.form_url(code),
                current: *code == self.tr.code(),
            })
            .collect()
    }

    /// `aria-current` value for a language link.
    pub fn current(&self, link: &LangLink) -> &'static str {
        if link.current { "page" } else { "false" }
    }
}

/// What the visitor typed, to show again.
#[derive(Debug, Clone, Default)]
pub struct Values {
    name: String,
    email: String,
    subject: String,
    message: String,
    had_files: bool,
    /// The visit token of the page's suggestions, kept across a re-shown form.
    deflection_token: String,
}

impl From<&Submission> for Values {
    fn from(s: &Submission) -> Self {
        Values {
            name: s.name.clone(),
            email: s.email.clone(),
            subject: s.subject.clone(),
            message: s.message.clone(),
            had_files: !s.files.is_empty() || s.files_too_large || s.too_many_files,
            deflection_token: s
                .deflection_token
                .as_deref()
                .and_then(crate::kb::deflection::VisitToken::parse)
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "help/contact.html")]
struct ContactPage<'a> {
    f: &'a Frame,
    title: String,
    action: String,
    inbox_id: i64,
    v: &'a Values,
    errors: &'a [FieldError],
    max_mb: usize,
    honeypot: &'static str,
    /// The phone queue's wait is long: "we call you back", with the time
    /// windows to choose from (value, words).
    callback: Option<Vec<(&'static str, String)>>,
}

impl ContactPage<'_> {
    /// The message for a field's error, if it has one.
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| match e.count {
                Some(n) => self.f.tr.n(e.key, i64::try_from(n).unwrap_or(i64::MAX)),
                None => self.f.tr.t(e.key),
            })
    }
}

#[derive(Template)]
#[template(path = "help/message.html")]
struct MessagePage<'a> {
    f: &'a Frame,
    title: String,
    /// `thanks`, `not-found`, `forbidden`… for tests and styling.
    outcome: &'static str,
    text: String,
    reference: Option<String>,
    back: Option<(String, String)>,
}

/// The form, empty or shown again with the visitor's input and errors.
pub fn form(
    f: &Frame,
    status: StatusCode,
    inbox_id: i64,
    v: &Values,
    errors: &[FieldError],
    max_bytes: usize,
    offer_callback: bool,
) -> Response {
    let lang = f.tr.code();
    let callback = offer_callback.then(|| {
        CallbackWindow::ALL
            .into_iter()
            .map(|w| (w.as_str(), f.tr.t(window_key(w))))
            .collect()
    });
    render(
        f,
        status,
        &ContactPage {
            f,
            title: f.tr.t("contact-title"),
            action: f.form_url(lang),
            inbox_id,
            v,
            errors,
            max_mb: max_bytes / 1_000_000,
            honeypot: super::form::HONEYPOT,
            callback,
        },
    )
}

/// The words of a callback's time window (the widget's, `widget.ftl`).
fn window_key(w: CallbackWindow) -> &'static str {
    match w {
        CallbackWindow::TodayMorning => "widget-callback-today-morning",
        CallbackWindow::TodayAfternoon => "widget-callback-today-afternoon",
        CallbackWindow::TomorrowMorning => "widget-callback-tomorrow-morning",
        CallbackWindow::TomorrowAfternoon => "widget-callback-tomorrow-afternoon",
    }
}

/// The thank-you page; `reference` is the conversation number (none for a
/// submission that was dropped as spam: it looks the same otherwise).
pub fn thanks(f: &Frame, email: &str, reference: Option<i64>) -> Response {
    render(
        f,
        StatusCode::OK,
        &MessagePage {
            f,
            title: f.tr.t("contact-thanks-title"),
            outcome: "thanks",
            text: f.tr.s("contact-thanks", "to", email),
            reference: reference.map(|id| f.tr.s("contact-thanks-reference", "id", id)),
            back: Some((f.form_url(f.tr.code()), f.tr.t("contact-thanks-again"))),
        },
    )
}

/// Why a submission was refused, as a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such inbox.
    NotFound,
    /// `Origin` not allowed for the inbox.
    Forbidden,
    /// Too many submissions from this address.
    RateLimited,
    /// Far over the size limit (limit in MB).
    TooLarge(usize),
    /// The body could not be read.
    BadRequest,
    /// Our fault.
    Internal,
}

/// The page for a refusal.
pub fn refusal(f: &Frame, r: Refusal) -> Response {
    let tr = &f.tr;
    let (status, outcome, title, text) = match r {
        Refusal::NotFound => (
            StatusCode::NOT_FOUND,
            "not-found",
            "contact-not-found-title",
            tr.t("contact-not-found"),
        ),
        Refusal::Forbidden => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "contact-forbidden-title",
            tr.t("contact-forbidden"),
        ),
        Refusal::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "contact-rate-limited-title",
            tr.t("contact-rate-limited"),
        ),
        Refusal::TooLarge(mb) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "contact-too-large-title",
            tr.n("contact-too-large", i64::try_from(mb).unwrap_or(i64::MAX)),
        ),
        Refusal::BadRequest => (
            StatusCode::BAD_REQUEST,
            "bad-request",
            "contact-bad-request-title",
            tr.t("contact-bad-request"),
        ),
        Refusal::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            "contact-error-title",
            tr.t("contact-error"),
        ),
    };
    // A form that does not exist has nothing to go back to.
    let back = (r != Refusal::NotFound).then(|| (f.form_url(tr.code()), tr.t("contact-back")));
    let mut resp = render(
        f,
        status,
        &MessagePage {
            f,
            title: tr.t(title),
            outcome,
            text,
            reference: None,
            back,
        },
    );
    if r == Refusal::RateLimited {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    }
    resp
}

fn render<T: Template>(f: &Frame, status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => secure(f, (status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "rendering a contact page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; please try again later",
            )
                .into_response()
        }
    }
}

/// The content security policy: Tend's own script (the suggestions; the
/// form works without it), stylesheet and requests, forms only to Tend,
/// and framing by Tend itself plus, when embedded, the inbox's allowed
/// origins.
pub fn csp(f: &Frame) -> String {
    let mut ancestors = String::from("'self'");
    if f.embed {
        for o in &f.ancestors {
            // Origins are normalised when saved; anything else is dropped
            // rather than spliced into the header.
            let safe = o == "*"
                || o.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".:/-[]".contains(c));
            if safe && !o.is_empty() {
                ancestors.push(' ');
                ancestors.push_str(o);
            }
        }
    }
    format!(
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
         img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )
}

/// The UI's headers (nosniff, referrer policy, no-store) with this page's
/// own CSP and framing.
fn secure(f: &Frame, resp: Response) -> Response {
    let mut resp = crate::web::pages::secure(resp);
    let h = resp.headers_mut();
    match HeaderValue::from_str(&csp(f)) {
        Ok(v) => h.insert(header::CONTENT_SECURITY_POLICY, v),
        // Never fall back to the UI's policy, which allows its script.
        Err(_) => h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'self'"),
        ),
    };
    if f.embed {
        h.remove(header::X_FRAME_OPTIONS);
    } else {
        h.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(embed: bool) -> Frame {
        Frame {
            tr: Tr::new("ja"),
            embed,
            inbox: Some("3".into()),
            ancestors: vec![
                "https://shop.example".into(),
                "https://x.example; script-src *".into(),
            ],
            theme: crate::kb::theme::Theme::default(),
        }
    }

    #[test]
    fn only_an_embedded_page_may_be_framed_by_other_sites() {
        let plain = csp(&frame(false));
        assert!(plain.ends_with("frame-ancestors 'self'"), "{plain}");
        let embedded = csp(&frame(true));
        assert!(
            embedded.ends_with("frame-ancestors 'self' https://shop.example"),
            "{embedded}"
        );
    }

    #[test]
    fn links_keep_the_inbox_and_the_embedding() {
        assert_eq!(
            frame(true).form_url("ko"),
            "/help/contact?inbox=3&lang=ko&embed=1"
        );
        let f = frame(false);
        let langs = f.languages();
        assert_eq!(langs.len(), 5);
        assert!(langs.iter().any(|l| l.current && l.code == "ja"));
        assert!(frame(true).languages().is_empty());
    }
}
