//! HTML from outside (API bodies, email, chat) is sanitised here before it is
//! stored or shown: no scripts, event handlers, forms, frames, styles that
//! can load resources, or `javascript:`/`data:` links. Markdown (knowledge
//! base articles) is rendered here too, and sanitised last.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Escapes text for HTML (and SVG) text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`], appended to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
}

/// Sanitises untrusted HTML: the same rules as inbound mail (no scripts,
/// handlers, forms, frames or `javascript:`/`data:` URLs; remote images
/// blocked until the agent chooses to show them).
pub fn sanitize(html: &str) -> String {
    tend_mail::sanitize_html(html)
}

/// True when `html` may show one of the `inline` attachments (it names a
/// `cid:` URL and there are attachments with a Content-ID): a cheap test
/// before [`link_inline_images`].
pub fn mentions_inline_image(html: &str, inline: &[(&str, i64)]) -> bool {
    !inline.is_empty()
        && html
            .as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"cid:"))
}

/// Sanitises `html` again, pointing each `cid:` image whose Content-ID is
/// in `inline` at its stored attachment (`/api/v1/attachments/{id}`). The
/// rewrite happens inside the sanitiser, so what is stored is still a
/// fixed point of [`sanitize`] whatever the Content-IDs hold.
pub fn link_inline_images(html: &str, inline: &[(&str, i64)]) -> String {
    tend_mail::sanitize_html_linking(html, inline)
}

/// Where the help centre serves the pictures uploaded for articles (the
/// knowledge base's `images`): the one place besides `https:` an article's
/// image may come from.
pub const PUBLIC_IMAGES: &str = "/help/images/";

/// Whether an article's `<img src>` may stay: a picture uploaded to Tend
/// ([`PUBLIC_IMAGES`]) or one over HTTPS, exactly what the help centre's
/// content security policy loads.
fn article_image(src: &str) -> bool {
    let s = src.trim();
    // `<sha256>.<ext>`: nothing a browser could resolve elsewhere (`..`,
    // `%2e`, slashes).
    let own = s.strip_prefix(PUBLIC_IMAGES).is_some_and(|name| {
        !name.contains("..") && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
    });
    own || s
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
}

/// Markdown (CommonMark with tables, strikethrough and task lists) as HTML
/// for the help centre: rendered by pulldown-cmark, then sanitised by
/// ammonia's default rules (no scripts, handlers, styles, forms or frames;
/// only `http`, `https`, `mailto`… links, which get `rel="noopener
/// noreferrer"`). Unlike mail, relative links (to other articles) stay: an
/// article is written by the desk's own staff for the public. Images stay
/// when they are Tend's own uploads or over HTTPS ([`article_image`]); any
/// other source is dropped inside the sanitiser. Raw HTML in the Markdown
/// goes through the same sanitiser.
pub fn markdown(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(md, opts));
    SANITIZER
        .get_or_init(|| {
            let mut b = ammonia::Builder::default();
            b.attribute_filter(|element, attribute, value| {
                if element == "img" && attribute == "src" && !article_image(value) {
                    None
                } else {
                    Some(value.into())
                }
            });
            b
        })
        .clean(&raw)
        .to_string()
}

/// Plain text from HTML, for messages that came with HTML only.
pub fn to_text(html: &str) -> String {
    let mut b = ammonia::Builder::empty();
    b.clean_content_tags(HashSet::from(["script", "style", "head", "title"]));
    let spaced = html
        .replace("<br", "\n<br")
        .replace("</p>", "</p>\n")
        .replace("</div>", "</div>\n")
        .replace("</li>", "</li>\n")
        .replace("</tr>", "</tr>\n");
    let text = b.clean(&spaced).to_string();
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_defused() {
        let dirty = r#"<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">x</a>
            <iframe src="https://evil"></iframe><form action="/x"><input></form><img src="data:image/png;base64,AA"></p>"#;
        let clean = sanitize(dirty);
        for bad in [
            "script",
            "onclick",
            "javascript:",
            "iframe",
            "<form",
            "<input",
            "data:",
        ] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.contains("Hi"));
    }

    #[test]
    fn markdown_is_rendered_then_sanitised() {
        let out = markdown(
            "# Refunds\n\n**Bold** [next](/help/en/articles/2-next) <script>alert(1)</script>\n\n\
             <img src=x onerror=alert(1)> [x](javascript:alert(1))\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        );
        assert!(out.contains("<h1>Refunds</h1>"), "{out}");
        assert!(out.contains("<strong>Bold</strong>"), "{out}");
        assert!(out.contains("href=\"/help/en/articles/2-next\""), "{out}");
        assert!(out.contains("<table>"), "{out}");
        for bad in ["<script", "onerror", "javascript:"] {
            assert!(!out.contains(bad), "{bad} survived in {out}");
        }
    }

    #[test]
    fn articles_keep_only_tend_s_pictures_and_those_over_https() {
        let out = markdown(
            "![a](/help/images/ab.png) ![b](https://cdn.example/b.png) ![c](http://x.example/c.png) \
             ![d](/api/v1/attachments/3) ![e](/help/images/../../api/v1/attachments/3) \
             ![g](/help/images/%2e%2e/x) <img src=\"javascript:alert(1)\" alt=f>",
        );
        assert!(out.contains("src=\"/help/images/ab.png\""), "{out}");
        assert!(out.contains("src=\"https://cdn.example/b.png\""), "{out}");
        for gone in [
            "http://x.example",
            "/api/v1/attachments",
            "javascript:",
            "%2e",
        ] {
            assert!(!out.contains(gone), "{gone} survived in {out}");
        }
    }

    #[test]
    fn text_from_html_keeps_words_and_lines() {
        assert_eq!(
            to_text("<p>こんにちは &amp; 안녕</p><p>Línia 2<script>x</script></p>"),
            "こんにちは & 안녕\nLínia 2"
        );
    }
}
