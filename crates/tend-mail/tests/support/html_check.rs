//! The whole HTML path from raw mail to stored HTML, and the checks on
//! what is stored. Shared by the property tests and the cargo-fuzz target
//! (`fuzz/fuzz_targets/html_path.rs`), so it needs nothing but tend-mail.

/// The whole HTML path of an inbound mail, as Tend runs it: parse (which
/// sanitises), then, once the attachments are stored, the sanitiser again
/// linking `cid:` images to their attachment ids (here 1, 2, … in order).
/// `None` when the mail has no HTML.
pub fn stored_html(raw: &[u8]) -> Option<String> {
    let m = tend_mail::parse(raw).ok()?;
    let html = m.html?;
    let inline: Vec<(&str, i64)> = m
        .attachments
        .iter()
        .zip(1..)
        .filter_map(|(a, id)| a.content_id.as_deref().map(|c| (c, id)))
        .collect();
    let names_cid = html.to_ascii_lowercase().contains("cid:");
    Some(if names_cid && !inline.is_empty() {
        tend_mail::sanitize_html_linking(&html, &inline)
    } else {
        html
    })
}

/// One start tag of serialised HTML: its name and attributes (values as
/// written, entities still encoded).
#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

/// The start tags of `html`, read the way a browser's tokenizer would for
/// HTML that html5ever serialised (and for injected attributes in HTML
/// that was edited after it).
pub fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if b.get(i) == Some(&b'!') {
            i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            continue;
        }
        if b.get(i) == Some(&b'/') || !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let mut tag = Tag {
            name: html[start..i].to_ascii_lowercase(),
            attrs: Vec::new(),
        };
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let name = html[name_start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                        value = html[i + 1..end].to_string();
                        i = end + 1;
                    }
                    _ => {
                        let vs = i;
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                        value = html[vs..i].to_string();
                    }
                }
            }
            tag.attrs.push((name, value));
        }
        out.push(tag);
    }
    out
}

/// Decodes the character references a serialiser leaves in attribute
/// values (and the numeric ones an attacker might use).
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => '&',
                "quot" => '"',
                "lt" => '<',
                "gt" => '>',
                "nbsp" => '\u{a0}',
                "colon" => ':',
                "tab" => '\t',
                "newline" => '\n',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
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

const ACTIVE_TAGS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "base",
    "meta",
    "link",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "noembed",
    "title",
];

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data-tend-src",
    "background",
    "poster",
    "cite",
    "longdesc",
    "data",
    "srcset",
    "ping",
];

/// What is stored must be inert: no active elements, no event handlers,
/// no script URLs, and only the image sources Tend itself makes.
pub fn check_inert(html: &str) -> Result<(), String> {
    if html.to_ascii_lowercase().contains("<script") {
        return Err(format!("<script in {html}"));
    }
    for tag in tags(html) {
        if ACTIVE_TAGS.contains(&tag.name.as_str()) {
            return Err(format!("<{}> in {html}", tag.name));
        }
        for (name, value) in &tag.attrs {
            if name.starts_with("on") || matches!(name.as_str(), "srcdoc" | "formaction") {
                return Err(format!("attribute {name} in {html}"));
            }
            let value = decode(value);
            if URL_ATTRS.contains(&name.as_str()) {
                let squashed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .flat_map(char::to_lowercase)
                    .collect();
                for scheme in ["javascript:", "vbscript:", "data:", "livescript:"] {
                    if squashed.starts_with(scheme) {
                        return Err(format!("{name}={value:?} in {html}"));
                    }
                }
            }
            if tag.name == "img" && name == "src" {
                let ok = value
                    .get(..4)
                    .is_some_and(|s| s.eq_ignore_ascii_case("cid:"))
                    || value
                        .strip_prefix(tend_mail::INLINE_URL_PREFIX)
                        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
                if !ok {
                    return Err(format!("img src={value:?} in {html}"));
                }
            }
            if name == "style" {
                let v = value.to_ascii_lowercase();
                if v.contains("expression(") || v.contains("url(") || v.contains("javascript:") {
                    return Err(format!("style={value:?} in {html}"));
                }
            }
        }
    }
    Ok(())
}

/// Checks a stored HTML body: inert, and a fixed point of the sanitiser.
pub fn check_stored(stored: &str) -> Result<(), String> {
    check_inert(stored)?;
    let again = tend_mail::sanitize_html(stored);
    if again != stored {
        return Err(format!(
            "not a fixed point:\n stored {stored:?}\n again  {again:?}"
        ));
    }
    Ok(())
}
