//! HTML bodies: sanitising (ammonia), blocking remote images, `cid:`
//! rewriting, and a plain-text rendering for HTML-only mail.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Attribute that holds a blocked remote image URL. The agent UI offers
/// "show images" by moving it back to `src`.
pub const BLOCKED_SRC_ATTR: &str = "data-tend-src";

/// Scheme we rewrite blocked `src` values to inside ammonia; the attribute
/// filter runs after ammonia's URL-scheme check, and its output is renamed
/// to [`BLOCKED_SRC_ATTR`] on the serialised HTML.
const BLOCKED_MARKER: &str = "tend-blocked-remote-image:";

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            // `cid:` for inline images; everything else keeps ammonia's
            // default list, which has neither `javascript:` nor `data:`.
            .add_url_schemes(["cid"])
            // Mail has no base URL: a relative link can only mislead.
            .url_relative(ammonia::UrlRelative::Deny)
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
            .add_tags(["font", "center"])
            .attribute_filter(|element, attribute, value| {
                if element == "img" && attribute == "src" && !is_cid(value) {
                    return Some(Cow::Owned(format!("{BLOCKED_MARKER}{value}")));
                }
                Some(Cow::Borrowed(value))
            });
        builder
    })
}

fn is_cid(url: &str) -> bool {
    url.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("cid:"))
}

/// Sanitises inbound HTML so it is safe to show to agents: removes scripts,
/// style sheets, event handlers, forms, iframes and `javascript:`/`data:`
/// URLs; keeps `cid:` inline images; and blocks remote images by moving
/// their URL to the `data-tend-src` attribute.
pub fn sanitize_html(html: &str) -> String {
    let clean = sanitizer().clean(html).to_string();
    // Attribute values are serialised with `"` escaped, so the marker can
    // only match at the start of a real attribute.
    clean.replace(
        &format!(" src=\"{BLOCKED_MARKER}"),
        &format!(" {BLOCKED_SRC_ATTR}=\""),
    )
}

/// Rewrites `src="cid:…"` in sanitised HTML to the URLs where the inline
/// attachments are served. `resolve` gets the Content-ID (without `cid:`,
/// percent-decoded) and returns the URL, or `None` to leave it as is.
pub fn rewrite_cid_urls(sanitized_html: &str, resolve: impl Fn(&str) -> Option<String>) -> String {
    const NEEDLE: &str = " src=\"cid:";
    let mut out = String::with_capacity(sanitized_html.len());
    let mut rest = sanitized_html;
    while let Some(start) = find_ascii_ci(rest, NEEDLE) {
        let value_start = start + NEEDLE.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let cid = unescape_attr(&rest[value_start..value_start + len]);
        let cid = percent_decode_str(&cid);
        out.push_str(&rest[..start]);
        match resolve(&cid) {
            Some(url) => {
                out.push_str(" src=\"");
                out.push_str(&escape_attr(&url));
                out.push('"');
            }
            None => out.push_str(&rest[start..value_start + len + 1]),
        }
        rest = &rest[value_start + len + 1..];
    }
    out.push_str(rest);
    out
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn unescape_attr(value: &str) -> String {
    decode_entities(value)
}

fn escape_attr(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn percent_decode_str(value: &str) -> String {
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

/// Renders HTML as plain text for HTML-only mail: block elements become
/// line breaks, `<blockquote>` becomes `> ` quoting (so quoted history can
/// be split off like in plain-text mail), entities are decoded, and
/// `<head>`, `<style>` and `<script>` are dropped.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut quote_depth = 0usize;
    let mut skip_depth = 0usize;
    let mut pending_space = false;
    let mut rest = html;

    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[1..end];
            rest = rest.get(end + 1..).unwrap_or_default();
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            match name.as_str() {
                "head" | "style" | "script" | "title" | "template" => {
                    if closing {
                        skip_depth = skip_depth.saturating_sub(1);
                    } else if !tag.ends_with('/') {
                        skip_depth += 1;
                    }
                }
                "br" => {
                    newline(&mut out, quote_depth, false);
                    pending_space = false;
                }
                "blockquote" => {
                    newline(&mut out, quote_depth, true);
                    if closing {
                        quote_depth = quote_depth.saturating_sub(1);
                    } else {
                        quote_depth += 1;
                    }
                    pending_space = false;
                }
                "p" | "div" | "li" | "tr" | "table" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4"
                | "h5" | "h6" | "hr" | "pre" | "section" | "article" | "header" | "footer"
                | "dl" | "dt" | "dd" => {
                    newline(&mut out, quote_depth, true);
                    pending_space = false;
                }
                "td" | "th" if !closing => pending_space = true,
                _ => {}
            }
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        let chunk = &rest[..next];
        rest = &rest[next..];
        if skip_depth > 0 {
            continue;
        }
        let text = decode_entities(chunk);
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                pending_space = true;
                continue;
            }
            if pending_space && !at_line_start(&out) {
                out.push(' ');
            }
            pending_space = false;
            if at_line_start(&out) {
                push_quote_prefix(&mut out, quote_depth);
            }
            out.push(if c == '\u{a0}' { ' ' } else { c });
        }
    }
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim_matches('\n').to_string()
}

fn at_line_start(out: &str) -> bool {
    out.is_empty() || out.ends_with('\n')
}

fn push_quote_prefix(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("> ");
    }
}

/// Ends the current line. `block` elements also leave an empty line, but
/// never more than one.
fn newline(out: &mut String, quote_depth: usize, block: bool) {
    if out.is_empty() {
        return;
    }
    if block {
        if !out.ends_with('\n') {
            out.push('\n');
        }
    } else {
        if at_line_start(out) {
            push_quote_prefix(out, quote_depth);
        }
        out.push('\n');
    }
}

/// Decodes the HTML character references that matter in mail.
pub(crate) fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Entity names are short; only look a few characters ahead.
        let semi = rest
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = semi.and_then(|semi| entity(&rest[1..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "euro" => '€',
        "middot" => '·',
        "bull" => '•',
        "shy" => '\u{ad}',
        _ => return None,
    })
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
    }

    #[test]
    fn rewrites_cid_references() {
        let html = r#"<img src="cid:logo%40x"> <img src="cid:other">"#;
        let out = rewrite_cid_urls(html, |cid| {
            (cid == "logo@x").then(|| "/api/v1/attachments/7?a=1&b=2".to_string())
        });
        assert_eq!(
            out,
            r#"<img src="/api/v1/attachments/7?a=1&amp;b=2"> <img src="cid:other">"#
        );
    }

    #[test]
    fn html_to_text_keeps_lines_and_quotes() {
        let html = "<html><head><title>t</title><style>x{}</style></head><body>\
            <div>Hello&nbsp;there,</div><div>Line&nbsp;2 &amp; more<br>next</div>\
            <div>On Mon, Ann wrote:</div><blockquote><p>old text</p></blockquote></body></html>";
        assert_eq!(
            html_to_text(html),
            "Hello there,\nLine 2 & more\nnext\nOn Mon, Ann wrote:\n> old text"
        );
    }
}
