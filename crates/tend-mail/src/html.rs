//! HTML bodies: sanitising (ammonia), blocking remote images and linking
//! inline (`cid:`) images, all inside the one sanitiser pass.
//!
//! Sanitise last: every rewrite of a message's HTML happens inside
//! ammonia's attribute filter, whose output ammonia serialises and escapes
//! itself. Nothing here edits the sanitised string afterwards except one
//! constant rename (see [`sanitize_html`]), and what is stored is a fixed
//! point of [`sanitize_html`]: sanitising it again changes nothing.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Attribute that holds a blocked remote image URL. The agent UI offers
/// "show images" by moving it back to `src`.
pub const BLOCKED_SRC_ATTR: &str = "data-tend-src";

/// Where Tend serves an inline image once its attachment is stored:
/// `/api/v1/attachments/{id}`. The only relative URL the sanitiser keeps,
/// and only as an image source.
pub const INLINE_URL_PREFIX: &str = "/api/v1/attachments/";

/// Scheme we rewrite blocked `src` values to inside ammonia; the attribute
/// filter runs after ammonia's URL-scheme check, and its output is renamed
/// to [`BLOCKED_SRC_ATTR`] on the serialised HTML.
const BLOCKED_MARKER: &str = "tend-blocked-remote-image:";

/// What the attribute filter needs to know about the current call. The
/// filter is a `'static` closure of one shared builder, so per-call data
/// reaches it through the thread that runs `clean` (ammonia calls the
/// filter synchronously, on that thread).
#[derive(Default)]
struct Pass {
    /// Content-ID → stored attachment id, for [`sanitize_html_linking`].
    inline: Vec<(String, i64)>,
    /// A remote image source was turned into the blocked marker.
    blocked: bool,
}

thread_local! {
    static PASS: RefCell<Pass> = RefCell::new(Pass::default());
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            // `cid:` for inline images; everything else keeps ammonia's
            // default list, which has neither `javascript:` nor `data:`.
            .add_url_schemes(["cid"])
            // Mail has no base URL: a relative link can only mislead. The
            // one exception is a stored inline image (see `img_src`).
            .url_relative(ammonia::UrlRelative::Custom(Box::new(keep_inline_url)))
            .add_generic_attributes(["style"])
            .filter_style_properties(HashSet::from([
                "color",
                "background-color",
                "font-family",
                "font-size",
                "font-style",
                "font-weight",
                "text-align",
                "text-decoration",
                "line-height",
                "vertical-align",
                "white-space",
                "margin",
                "margin-left",
                "margin-right",
                "margin-top",
                "margin-bottom",
                "padding",
                "padding-left",
                "padding-right",
                "padding-top",
                "padding-bottom",
                "border",
                "border-collapse",
                "width",
                "height",
            ]))
            .add_tag_attributes("td", ["bgcolor", "valign", "nowrap"])
            .add_tag_attributes("table", ["bgcolor", "cellpadding", "cellspacing", "border"])
            .add_tag_attributes("font", ["color", "face", "size"])
            .add_tag_attributes("img", [BLOCKED_SRC_ATTR])
            .add_tags(["font", "center"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("img", "src") => img_src(value),
                ("img", BLOCKED_SRC_ATTR) => is_remote(value).then_some(Cow::Borrowed(value)),
                // An attachment URL is only ever an inline image's source.
                (_, "href" | "src") if is_inline_url(value) => None,
                (_, "style") => (!is_active_style(value)).then_some(Cow::Borrowed(value)),
                _ => Some(Cow::Borrowed(value)),
            });
        builder
    })
}

/// An image's source after the scheme check: an inline image of this
/// message becomes its attachment URL, a stored one stays, a remote one is
/// blocked, anything else (`mailto:`, `ftp:` …) is dropped.
fn img_src(value: &str) -> Option<Cow<'_, str>> {
    if let Some(cid) = value.get(..4).filter(|s| s.eq_ignore_ascii_case("cid:")) {
        let wanted = percent_decode(&value[cid.len()..]);
        let wanted = wanted.trim().trim_start_matches('<').trim_end_matches('>');
        let id = PASS.with(|p| {
            let p = p.borrow();
            p.inline
                .iter()
                .find(|(c, _)| c == wanted)
                .or_else(|| {
                    p.inline
                        .iter()
                        .find(|(c, _)| c.eq_ignore_ascii_case(wanted))
                })
                .map(|(_, id)| *id)
        });
        return Some(match id {
            Some(id) => Cow::Owned(format!("{INLINE_URL_PREFIX}{id}")),
            None => Cow::Borrowed(value),
        });
    }
    if is_inline_url(value) {
        return Some(Cow::Borrowed(value));
    }
    if is_remote(value) {
        PASS.with(|p| p.borrow_mut().blocked = true);
        return Some(Cow::Owned(format!("{BLOCKED_MARKER}{value}")));
    }
    None
}

/// The relative-URL policy: only stored inline images.
fn keep_inline_url(url: &str) -> Option<Cow<'_, str>> {
    is_inline_url(url).then_some(Cow::Borrowed(url))
}

/// Style values that load or run something in some browser: URLs, IE's
/// `expression()` and `behavior`, Firefox's old `-moz-binding`. The whole
/// attribute goes (CSS escapes and comments are taken out before looking).
fn is_active_style(value: &str) -> bool {
    let squashed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\\' | '/' | '*'))
        .flat_map(char::to_lowercase)
        .collect();
    [
        "url(",
        "expression(",
        "javascript:",
        "vbscript:",
        "behavior",
        "binding",
        "@import",
        "image-set(",
    ]
    .iter()
    .any(|bad| squashed.contains(bad))
}

/// `/api/v1/attachments/` followed by digits only.
fn is_inline_url(url: &str) -> bool {
    url.strip_prefix(INLINE_URL_PREFIX).is_some_and(|id| {
        !id.is_empty() && id.len() <= 19 && id.bytes().all(|b| b.is_ascii_digit())
    })
}

fn is_remote(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sanitises inbound HTML so it is safe to show to agents: removes scripts,
/// style sheets, event handlers, forms, iframes and `javascript:`/`data:`
/// URLs; keeps `cid:` inline images (and stored ones, see
/// [`sanitize_html_linking`]); and blocks remote images by moving their
/// URL to the `data-tend-src` attribute.
///
/// Sanitising the result again returns it unchanged.
pub fn sanitize_html(html: &str) -> String {
    clean(html, Vec::new())
}

/// [`sanitize_html`], pointing every `cid:` image whose Content-ID is in
/// `inline` at its stored attachment ([`INLINE_URL_PREFIX`] and the id).
/// The link is made inside the sanitiser, so a hostile Content-ID or
/// filename can only ever be compared, never inserted: the URL it yields
/// is made of digits. Run it on the sanitised HTML once the attachments
/// have their ids.
pub fn sanitize_html_linking(html: &str, inline: &[(&str, i64)]) -> String {
    clean(
        html,
        inline
            .iter()
            .map(|(cid, id)| {
                let cid = cid.trim().trim_start_matches('<').trim_end_matches('>');
                (cid.to_string(), *id)
            })
            .collect(),
    )
}

/// Sanitising passes before giving up on markup that never settles.
const MAX_PASSES: usize = 4;

/// Sanitises until the result is a fixed point. One pass is not always
/// one: the HTML parser rebuilds some trees differently the second time
/// (`<dd><table><dd>` nests, then does not), so the result is sanitised
/// again until nothing changes. Markup that never settles is dropped; the
/// message keeps its plain text.
fn clean(html: &str, inline: Vec<(String, i64)>) -> String {
    PASS.with(|p| {
        *p.borrow_mut() = Pass {
            inline,
            ..Pass::default()
        }
    });
    let mut current = clean_once(html);
    let mut settled = false;
    for _ in 1..MAX_PASSES {
        let again = clean_once(&current);
        if again == current {
            settled = true;
            break;
        }
        current = again;
    }
    PASS.with(|p| p.borrow_mut().inline.clear());
    if settled { current } else { String::new() }
}

/// One pass of the sanitiser.
fn clean_once(html: &str) -> String {
    PASS.with(|p| p.borrow_mut().blocked = false);
    let mut out = sanitizer().clean(html).to_string();
    if PASS.with(|p| p.borrow().blocked) {
        // The one edit after ammonia: a constant for a constant. Ammonia
        // escapes `"` inside attribute values, so the needle (which holds
        // one) matches only where the filter put the marker, or in text,
        // where swapping these characters changes no markup. (An image
        // that also brought a `data-tend-src` of its own now has it twice;
        // the next pass keeps the first, as a browser would.)
        out = out.replace(
            &format!(" src=\"{BLOCKED_MARKER}"),
            &format!(" {BLOCKED_SRC_ATTR}=\""),
        );
    }
    // A parser drops a byte-order mark at the start of its input, so one
    // left at the start of the output (after a dropped tag) would not
    // survive sanitising again. Removing a character from text at the
    // start cannot make markup.
    if out.starts_with('\u{feff}') {
        out = out.trim_start_matches('\u{feff}').to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_active_content() {
        let html = r#"<p onclick="x()">Hi<script>alert(1)</script></p>
<form action="https://evil.example/"><input name=a></form>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert(1)">j</a><a href="https://ok.example/">ok</a>
<img src="data:image/png;base64,AAAA"><style>p{}</style>"#;
        let clean = sanitize_html(html);
        for bad in [
            "script",
            "onclick",
            "form",
            "input",
            "iframe",
            "javascript",
            "data:",
            "style",
        ] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(
            clean.contains(r#"<a href="https://ok.example/" rel="noopener noreferrer">ok</a>"#)
        );
    }

    #[test]
    fn blocks_remote_images_and_keeps_cid() {
        let clean = sanitize_html(
            r#"<img src="https://track.example/p.gif?a=1&amp;b=2" alt="x"><img src="cid:logo@x">"#,
        );
        assert_eq!(
            clean,
            r#"<img data-tend-src="https://track.example/p.gif?a=1&amp;b=2" alt="x"><img src="cid:logo@x">"#
        );
        assert_eq!(sanitize_html(&clean), clean, "a fixed point");
    }

    #[test]
    fn links_inline_images_inside_the_sanitiser() {
        let html = r#"<img src="cid:logo%40x"> <img src="cid:other"><img src="cid:LOGO@X">"#;
        let out = sanitize_html_linking(html, &[("<logo@x>", 7)]);
        assert_eq!(
            out,
            r#"<img src="/api/v1/attachments/7"> <img src="cid:other"><img src="/api/v1/attachments/7">"#
        );
        assert_eq!(sanitize_html(&out), out, "a fixed point");
    }

    #[test]
    fn a_hostile_content_id_cannot_reach_the_markup() {
        // The old post-sanitiser replace of `"cid:{id}"` let this id close
        // the attribute and add an event handler.
        let html = r#"<span title="cid:x">"" onmouseover="alert(1)" y="</span><img src="cid:x&quot;&gt;&quot;">"#;
        let once = sanitize_html(html);
        let out = sanitize_html_linking(&once, &[(r#"x">""#, 5)]);
        // The quotes stay text: the span keeps its one attribute.
        assert!(
            out.starts_with(r#"<span title="cid:x">"" onmouseover="#),
            "{out}"
        );
        assert!(
            out.contains(r#"<img src="/api/v1/attachments/5">"#),
            "{out}"
        );
        assert_eq!(sanitize_html(&out), out);
    }

    #[test]
    fn attachment_urls_are_only_image_sources() {
        let out = sanitize_html(
            r#"<a href="/api/v1/attachments/5">a</a><img src="/api/v1/attachments/5"><img src="/api/v1/attachments/5x"><img src="//evil.example/x">"#,
        );
        assert_eq!(
            out,
            r#"<a rel="noopener noreferrer">a</a><img src="/api/v1/attachments/5"><img><img>"#
        );
    }

    #[test]
    fn a_forged_blocked_attribute_stays_a_fixed_point() {
        let html = r#"<img src="https://a.example/1" data-tend-src="https://b.example/2"><img data-tend-src="javascript:alert(1)">"#;
        let out = sanitize_html(html);
        assert_eq!(sanitize_html(&out), out);
        assert!(!out.contains("javascript"), "{out}");
    }
}
