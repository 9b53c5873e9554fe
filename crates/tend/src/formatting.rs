//! The composer's formatting (issue 25, item 7): what an agent types with
//! the toolbar (a Markdown subset: bold, italic, lists, links, and inline
//! images named `cid:`) becomes a message's HTML and its plain text.
//!
//! - Raw HTML in the input is text: it is escaped, never passed through.
//! - A single line break is a line break (people do not write Markdown's
//!   soft breaks), so a reply looks as it was typed.
//! - Links keep only `http:`, `https:` and `mailto:` targets; any other
//!   target (`javascript:`, relative paths: mail has no base) leaves the
//!   words without the link. Images are only the reply's own inline
//!   images (`cid:` of an uploaded file); any other image becomes a link.
//! - The HTML is sanitised last, by the same sanitiser as every message.
//! - Text without any formatting stays plain text, exactly as typed: no
//!   HTML is made for it, so an unformatted reply is what it always was.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// A formatted message: its HTML (sanitised) and its plain-text rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatted {
    /// Plain text: lists as `- item` / `1. item`, links as `text <url>`,
    /// no Markdown markers.
    pub text: String,
    /// Sanitised HTML; `None` when the input has no formatting at all.
    pub html: Option<String>,
}

/// Renders `md` (the composer's Markdown) as HTML and plain text.
/// `inline` holds the Content-IDs of the message's inline images: only
/// `![…](cid:ID)` with such an ID stays an image.
pub fn render(md: &str, inline: &[&str]) -> Formatted {
    let md = md.replace("\r\n", "\n");
    let events = tame(Parser::new_ext(&md, Options::empty()), inline);
    let formatted = events.iter().any(|e| match e {
        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => false,
        Event::Start(_) | Event::End(_) | Event::Code(_) | Event::Rule => true,
        _ => false,
    });
    if !formatted {
        return Formatted {
            text: md.trim_end().to_string(),
            html: None,
        };
    }
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, events.iter().cloned());
    Formatted {
        text: plain(&events),
        html: Some(crate::html::sanitize(&raw)),
    }
}

/// The `cid:` of an image source, without the scheme.
fn cid_of(url: &str) -> Option<&str> {
    url.get(..4)
        .filter(|s| s.eq_ignore_ascii_case("cid:"))
        .map(|_| &url[4..])
}

/// Whether a link may keep its target.
fn safe_target(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
    ["http", "https", "mailto"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
}

/// What an image of the input became.
enum ImageAs {
    /// One of the message's inline images.
    Kept,
    /// A link to its source.
    Link,
    /// Only its words (a `cid:` the message does not carry, or a target
    /// that may not be linked).
    Words,
}

/// The parser's events with the rules above applied: raw HTML as text,
/// soft breaks as line breaks, links and images checked.
fn tame<'a>(events: impl Iterator<Item = Event<'a>>, inline: &[&str]) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut images: Vec<ImageAs> = Vec::new();
    let mut links: Vec<bool> = Vec::new();
    let mut html_lines = 0usize;
    for e in events {
        match e {
            Event::Start(Tag::HtmlBlock) => {
                html_lines = 0;
                out.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::HtmlBlock) => out.push(Event::End(TagEnd::Paragraph)),
            Event::Html(t) => {
                for line in t.split_terminator('\n') {
                    if html_lines > 0 {
                        out.push(Event::HardBreak);
                    }
                    html_lines += 1;
                    out.push(Event::Text(CowStr::from(line.to_string())));
                }
            }
            Event::InlineHtml(t) => out.push(Event::Text(t)),
            Event::SoftBreak => out.push(Event::HardBreak),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let keep = safe_target(&dest_url);
                links.push(keep);
                if keep {
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let became = match cid_of(&dest_url) {
                    Some(cid) if inline.contains(&cid) => ImageAs::Kept,
                    Some(_) => ImageAs::Words,
                    None if safe_target(&dest_url) => ImageAs::Link,
                    None => ImageAs::Words,
                };
                match became {
                    ImageAs::Kept => out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })),
                    ImageAs::Link => out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })),
                    ImageAs::Words => {}
                }
                images.push(became);
            }
            Event::End(TagEnd::Image) => match images.pop() {
                Some(ImageAs::Kept) => out.push(Event::End(TagEnd::Image)),
                Some(ImageAs::Link) => out.push(Event::End(TagEnd::Link)),
                Some(ImageAs::Words) | None => {}
            },
            other => out.push(other),
        }
    }
    out
}

/// One open block of the plain-text rendering that indents its lines.
enum Frame {
    /// A block quote: `> ` before each line.
    Quote,
    /// A list item: its continuation lines line up under its text.
    Item(usize),
}

/// The plain-text writer: line prefixes, list markers, blank lines.
#[derive(Default)]
struct Plain {
    out: String,
    frames: Vec<Frame>,
    /// The list marker waiting for the item's first line.
    marker: Option<String>,
    /// Each open list's next number (`None`: bullets).
    lists: Vec<Option<u64>>,
    at_line_start: bool,
    /// Link targets and image sources, with whether the words are an
    /// inline image's.
    targets: Vec<(String, usize, bool)>,
}

impl Plain {
    fn prefix(&self, upto: usize) -> String {
        self.frames[..upto]
            .iter()
            .map(|f| match f {
                Frame::Quote => "> ".to_string(),
                Frame::Item(w) => " ".repeat(*w),
            })
            .collect()
    }

    fn start_line(&mut self) {
        if !self.at_line_start {
            return;
        }
        self.at_line_start = false;
        if let Some(m) = self.marker.take() {
            let p = self.prefix(self.frames.len().saturating_sub(1));
            self.out.push_str(&p);
            self.out.push_str(&m);
        } else {
            let p = self.prefix(self.frames.len());
            self.out.push_str(&p);
        }
    }

    fn newline(&mut self) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.at_line_start = true;
    }

    fn write(&mut self, s: &str) {
        for (i, part) in s.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            if !part.is_empty() {
                self.start_line();
                self.out.push_str(part);
            }
        }
    }

    /// Before a block: its own line, after a blank one unless it opens
    /// a list item (whose marker waits) or follows nothing.
    fn block(&mut self, blank: bool) {
        if self.out.is_empty() || self.marker.is_some() {
            return;
        }
        if !self.at_line_start {
            self.newline();
        }
        if blank && !self.out.ends_with("\n\n") {
            self.newline();
        }
    }
}

/// The plain-text rendering of tamed events.
fn plain(events: &[Event<'_>]) -> String {
    let mut p = Plain {
        at_line_start: true,
        ..Plain::default()
    };
    for e in events {
        match e {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_) => {
                    p.block(true);
                }
                Tag::BlockQuote(_) => {
                    p.block(true);
                    p.frames.push(Frame::Quote);
                }
                Tag::List(start) => {
                    let nested = matches!(p.frames.last(), Some(Frame::Item(_)));
                    p.block(!nested);
                    p.lists.push(*start);
                }
                Tag::Item => {
                    p.block(false);
                    let marker = match p.lists.last_mut() {
                        Some(Some(n)) => {
                            let m = format!("{n}. ");
                            *n += 1;
                            m
                        }
                        _ => "- ".to_string(),
                    };
                    p.frames.push(Frame::Item(marker.chars().count()));
                    p.marker = Some(marker);
                }
                Tag::Link { dest_url, .. } => {
                    p.targets.push((dest_url.to_string(), p.out.len(), false));
                }
                Tag::Image { dest_url, .. } => {
                    p.write("[");
                    p.targets.push((dest_url.to_string(), p.out.len(), true));
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::BlockQuote(_) | TagEnd::Item => {
                    p.frames.pop();
                    p.marker = None;
                }
                TagEnd::List(_) => {
                    p.lists.pop();
                }
                TagEnd::Link => {
                    if let Some((url, from, _)) = p.targets.pop() {
                        let words = p.out.get(from..).unwrap_or_default().trim().to_string();
                        let bare = url.strip_prefix("mailto:").unwrap_or(&url);
                        if words != url && words != bare {
                            p.write(&format!(" <{url}>"));
                        }
                    }
                }
                TagEnd::Image => {
                    p.targets.pop();
                    p.write("]");
                }
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => p.write(t),
            Event::SoftBreak | Event::HardBreak => p.newline(),
            Event::Rule => {
                p.block(true);
                p.write("----");
            }
            _ => {}
        }
    }
    let lines: Vec<&str> = p.out.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, &[]).html.unwrap_or_default()
    }

    #[test]
    fn plain_text_stays_as_typed_without_html() {
        let typed = "Hello Kim,\r\nyour parcel left today.\r\n\r\nAT&amp;T 2*3";
        let f = render(typed, &[]);
        assert_eq!(f.html, None);
        assert_eq!(
            f.text,
            "Hello Kim,\nyour parcel left today.\n\nAT&amp;T 2*3"
        );
    }

    #[test]
    fn bold_italic_lists_and_links_become_html_and_readable_text() {
        let f = render(
            "Hi **Kim**, *thanks*.\nSteps:\n\n- open the box\n- check the [label](https://example.com/l)\n\n\
             1. one\n2. two\n   - inner\n\nMail <help@example.com> or [https://x.example](https://x.example)",
            &[],
        );
        let h = f.html.unwrap();
        for want in [
            "<strong>Kim</strong>",
            "<em>thanks</em>",
            "<br>",
            "<ul>",
            "<li>open the box</li>",
            "<ol>",
            "href=\"https://example.com/l\"",
        ] {
            assert!(h.contains(want), "{want} missing in {h}");
        }
        assert_eq!(
            f.text,
            "Hi Kim, thanks.\nSteps:\n\n- open the box\n- check the label <https://example.com/l>\n\n\
             1. one\n2. two\n   - inner\n\nMail help@example.com or https://x.example"
        );
        assert!(!f.text.contains("**"));
    }

    #[test]
    fn raw_html_is_escaped_and_hostile_links_lose_their_target() {
        let f = render(
            "**Hi** <script>alert(1)</script> <b onclick=x()>b</b>\n\n<div>block <img src=x onerror=alert(1)></div>\n\n\
             [click](javascript:alert(1)) [rel](/api/v1/attachments/3) ![x](javascript:alert(2))",
            &[],
        );
        let h = f.html.unwrap();
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{h}");
        assert!(h.contains("&lt;b onclick=x()&gt;"), "{h}");
        assert!(h.contains("&lt;div&gt;block"), "{h}");
        for bad in [
            "<script",
            "<b ",
            "<div",
            "<img",
            "javascript:",
            "href=\"/api",
        ] {
            assert!(!h.contains(bad), "{bad} survived in {h}");
        }
        assert!(f.text.contains("<script>alert(1)</script>"), "{}", f.text);
        assert!(f.text.contains("click rel x"), "{}", f.text);
        assert!(!f.text.contains("javascript:"), "{}", f.text);
    }

    #[test]
    fn only_the_message_s_own_inline_images_stay_images() {
        let f = render(
            "See ![box.png](cid:a1@tend) and ![gone](cid:zz) ![pic](https://example.com/p.png)",
            &["a1@tend"],
        );
        let h = f.html.unwrap();
        assert!(
            h.contains("<img src=\"cid:a1@tend\" alt=\"box.png\">"),
            "{h}"
        );
        assert!(!h.contains("cid:zz"), "{h}");
        assert!(h.contains("<a href=\"https://example.com/p.png\""), "{h}");
        assert_eq!(
            f.text,
            "See [box.png] and gone pic <https://example.com/p.png>"
        );
    }

    #[test]
    fn japanese_and_korean_survive() {
        let f = render("**ご注文**ありがとうございます。\n- 배송 *완료*", &[]);
        let h = f.html.unwrap();
        assert!(
            h.contains("<strong>ご注文</strong>ありがとうございます。"),
            "{h}"
        );
        assert!(h.contains("<em>완료</em>"), "{h}");
        assert_eq!(f.text, "ご注文ありがとうございます。\n\n- 배송 완료");
    }

    #[test]
    fn quotes_and_code_read_well() {
        let f = render("> quoted **line**\n> two\n\n`code` after", &[]);
        assert_eq!(f.text, "> quoted line\n> two\n\ncode after");
        assert!(html("`x<y`").contains("<code>x&lt;y</code>"));
    }
}
