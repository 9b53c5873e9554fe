//! HTML → plain text for HTML-only mail, and the character references
//! that matter in mail.

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
