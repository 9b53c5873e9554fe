//! The help centre's pages as askama templates (`templates/help/kb_*.html`,
//! everything escaped except an article's body, which was sanitised when
//! saved), their headers, and the sitemap.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::channels::contact::page::LangLink;
use crate::web::i18n::{LOCALES_SUPPORTED, Tr, locale_name};

/// What every help-centre page has: language, title, links between
/// languages, the search box and the contact link.
pub(super) struct Chrome {
    pub tr: Tr,
    pub title: String,
    /// Absolute address of this page's canonical version.
    pub canonical: Option<String>,
    /// `hreflang` alternates: language and absolute address.
    pub alternates: Vec<(String, String)>,
    /// The language picker (this page in each language).
    pub langs: Vec<LangLink>,
    /// The search box's words.
    pub q: String,
    /// The company's look.
    pub theme: super::theme::Theme,
}

impl Chrome {
    /// A page in `lang` whose version in another language is at
    /// `path_in(lang)`.
    pub fn new(
        theme: super::theme::Theme,
        lang: &str,
        title: String,
        path_in: impl Fn(&str) -> String,
    ) -> Chrome {
        let tr = Tr::new(lang);
        let langs = LOCALES_SUPPORTED
            .iter()
            .map(|code| LangLink {
                name: locale_name(code),
                code,
                href: path_in(code),
                current: *code == tr.code(),
            })
            .collect();
        Chrome {
            tr,
            title,
            canonical: None,
            alternates: vec![],
            langs,
            q: String::new(),
            theme,
        }
    }

    /// The page's language.
    pub fn lang(&self) -> &'static str {
        self.tr.code()
    }

    /// `aria-current` of a language link.
    pub fn current(&self, l: &LangLink) -> &'static str {
        if l.current { "page" } else { "false" }
    }

    /// The contact form in the page's language.
    pub fn contact(&self) -> String {
        format!("/help/contact?lang={}", self.lang())
    }

    /// The customer portal in the page's language.
    pub fn portal(&self) -> String {
        format!("/help/portal?lang={}", self.lang())
    }
}

/// An article in a list.
pub(super) struct Item {
    pub href: String,
    pub title: String,
    /// Its language when it is not the page's (not yet translated).
    pub other_lang: Option<String>,
    pub snippet: String,
}

/// A group of articles under a heading.
pub(super) struct Section {
    pub title: String,
    pub href: Option<String>,
    pub items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "help/kb_list.html")]
pub(super) struct ListPage {
    pub c: Chrome,
    pub heading: String,
    pub sections: Vec<Section>,
    /// Said when there is nothing to list.
    pub empty: String,
}

impl ListPage {
    fn is_empty(&self) -> bool {
        self.sections.iter().all(|s| s.items.is_empty())
    }
}

#[derive(Template)]
#[template(path = "help/kb_article.html")]
pub(super) struct ArticlePage {
    pub c: Chrome,
    /// The language of the translation shown.
    pub shown: String,
    pub heading: String,
    /// Sanitised when saved.
    pub body: String,
    /// "Not yet translated…", when another language is shown.
    pub note: Option<String>,
    pub vote_action: String,
    pub voted: bool,
}

/// The name of a language for a note: its own name when Tend speaks it,
/// else its tag.
pub fn language_name(tag: &str) -> String {
    match crate::locale::supported(tag) {
        Some(l) if l == tag => locale_name(l).to_string(),
        _ => tag.to_string(),
    }
}

/// The content security policy of the help centre: Tend's own scripts only
/// (the chat widget, when `help_chat_inbox` offers one, and what it
/// connects to), Tend's own stylesheets (`help.css`, the theme's), images
/// from Tend (uploaded ones, `/help/images/…`) or over HTTPS (an
/// article's), forms only to Tend, framed only by Tend.
const CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
     img-src 'self' https:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

/// A page with the UI's headers (`web::pages::render_status`), then the
/// help centre's policy instead of the UI's.
pub(super) fn page<T: Template>(status: StatusCode, page: &T) -> Response {
    let mut resp = crate::web::pages::render_status(status, page);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    // Votes are then posted with `Origin: null` (see `surveys::pages`).
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// One `<url>` of a sitemap: its address, when it last changed and its
/// versions in other languages (itself included).
pub(super) struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
    pub alternates: Vec<(String, String)>,
}

/// The sitemap document.
pub(super) fn sitemap(urls: &[SitemapUrl]) -> Response {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for u in urls {
        out.push_str("<url><loc>");
        out.push_str(&xml(&u.loc));
        out.push_str("</loc>");
        if let Some(m) = &u.lastmod {
            out.push_str("<lastmod>");
            out.push_str(&xml(m));
            out.push_str("</lastmod>");
        }
        for (lang, href) in &u.alternates {
            out.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml(lang),
                xml(href)
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        out,
    )
        .into_response()
}
