//! HTML stays sanitised to the end (issue 17 §2.4): whatever a sender puts
//! in Content-IDs, file names (in MIME or inside winmail.dat) and markup,
//! the HTML Tend stores is inert and passes the sanitiser unchanged
//! (`sanitize(stored) == stored`).
//!
//! 256 cases per property by default; `PROPTEST_CASES=…` for more, and
//! `scripts/fuzz` runs the same properties for a time budget.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a property test reports failures by panicking"
)]

mod support;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use support::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn checked(stored: &str) -> Result<(), TestCaseError> {
    check_stored(stored).map_err(TestCaseError::fail)
}

/// The mail of one hostile-Content-ID case, in MIME parts or in a
/// winmail.dat.
fn hostile_mail(
    cids: &[(String, String, CidSpelling)],
    extra: &str,
    in_winmail: bool,
    brackets: bool,
) -> Vec<u8> {
    let named: Vec<(String, CidSpelling)> = cids.iter().map(|(c, _, s)| (c.clone(), *s)).collect();
    let html = html_naming(&named, extra);
    let parts: Vec<(String, String)> = cids
        .iter()
        .map(|(c, f, _)| {
            let header = if brackets && !in_winmail {
                format!("<{c}>")
            } else {
                c.clone()
            };
            (header, f.clone())
        })
        .collect();
    if in_winmail {
        related_mail(&html, &[], Some(&winmail(&parts)))
    } else {
        related_mail(&html, &parts, None)
    }
}

/// Markup from the parts sanitisers get wrong: active elements, foreign
/// content, raw-text elements, event handlers, script URLs hidden by
/// entities and white space, our own attribute and marker.
pub fn markup() -> impl Strategy<Value = String> {
    const TAGS: &[&str] = &[
        "p",
        "div",
        "span",
        "a",
        "img",
        "b",
        "table",
        "tr",
        "td",
        "tbody",
        "ul",
        "li",
        "blockquote",
        "pre",
        "font",
        "center",
        "br",
        "h1",
        "script",
        "style",
        "iframe",
        "svg",
        "math",
        "form",
        "input",
        "textarea",
        "select",
        "option",
        "noscript",
        "template",
        "title",
        "xmp",
        "plaintext",
        "object",
        "base",
        "meta",
        "body",
        "html",
        "head",
        "noembed",
        "mglyph",
        "annotation-xml",
        "foreignObject",
        "desc",
        "caption",
        "col",
        "details",
        "dl",
        "dd",
        "area",
        "map",
        "image",
        "listing",
        "frameset",
    ];
    const ATTRS: &[&str] = &[
        "src",
        "href",
        "onerror",
        "onclick",
        "style",
        "title",
        "alt",
        "data-tend-src",
        "srcdoc",
        "formaction",
        "xlink:href",
        "xmlns",
        "lang",
        "dir",
        "class",
        "width",
        "bgcolor",
        "background",
        "color",
        "face",
        "rel",
        "action",
        "colspan",
        "is",
    ];
    const VALUES: &[&str] = &[
        "https://e.example/x.png",
        "http://e.example/?a=1&b=2",
        "cid:a",
        "cid:a%22b",
        "/api/v1/attachments/7",
        "/api/v1/attachments/7x",
        "//evil.example/x",
        "javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "tend-blocked-remote-image:https://x",
        "vbscript:x",
        "color: red; background: url(javascript:x)",
        "width: expression(alert(1))",
        "x\" onerror=\"alert(1)",
    ];
    let attr = (
        prop::sample::select(ATTRS),
        prop_oneof![
            prop::sample::select(VALUES).prop_map(str::to_string),
            hostile()
        ],
        0..3u8,
    )
        .prop_map(|(name, value, quoting)| match quoting {
            0 => format!(" {name}=\"{value}\""),
            1 => format!(" {name}={}", value.replace([' ', '>'], "")),
            _ => format!(" {name}='{value}'"),
        });
    let token = prop_oneof![
        3 => (prop::sample::select(TAGS), prop::collection::vec(attr, 0..4))
            .prop_map(|(t, a)| format!("<{t}{}>", a.concat())),
        2 => prop::sample::select(TAGS).prop_map(|t| format!("</{t}>")),
        3 => hostile(),
        1 => hostile().prop_map(|h| format!("<!--{h}-->")),
        1 => hostile().prop_map(|h| format!("<![CDATA[{h}]]>")),
    ];
    prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        ..ProptestConfig::default()
    })]

    /// Content-IDs and file names, in MIME parts or in winmail.dat, named
    /// by the HTML in every spelling and context: what is stored is inert
    /// and a fixed point of the sanitiser.
    #[test]
    fn hostile_content_ids_and_filenames_never_reach_the_markup(
        cids in prop::collection::vec((hostile(), hostile(), spelling()), 1..4),
        extra in hostile(),
        in_winmail in any::<bool>(),
        brackets in any::<bool>(),
    ) {
        let raw = hostile_mail(&cids, &extra, in_winmail, brackets);
        let stored = stored_html(&raw).expect("the mail has HTML");
        checked(&stored)?;
    }

    /// Any markup: sanitised once, it is inert and stays as it is.
    #[test]
    fn sanitised_markup_is_inert_and_a_fixed_point(html in markup()) {
        checked(&tend_mail::sanitize_html(&html))?;
    }

    /// Linking inline images (the second pass at storage) keeps both.
    #[test]
    fn linked_markup_is_inert_and_a_fixed_point(
        html in markup(),
        cids in prop::collection::vec(hostile(), 0..3),
    ) {
        let once = tend_mail::sanitize_html(&html);
        let inline: Vec<(&str, i64)> = cids.iter().map(String::as_str).zip(1..).collect();
        checked(&tend_mail::sanitize_html_linking(&once, &inline))?;
    }
}

/// The regression that started this: a Content-ID (sent without angle
/// brackets, so it may hold `>`) that closes the quoted attribute it is
/// replaced into. The old post-sanitiser `replace` turned the span's text
/// into an event handler.
#[test]
fn a_content_id_that_closes_its_attribute_stays_text() {
    let raw = related_mail(
        "<span title=\"cid:x\">\"\" onmouseover=\"alert(1)\" y=\"</span><img src=\"cid:x&quot;&gt;&quot;\">",
        &[("x\">\"".to_string(), "a.png".to_string())],
        None,
    );
    let stored = stored_html(&raw).expect("html");
    check_stored(&stored).unwrap();
    assert!(
        stored.contains("<img src=\"/api/v1/attachments/1\">"),
        "{stored}"
    );
    // What the old code did, for the record: the check catches it.
    let old = "<span title=\"cid:x\">\"\" onmouseover=\"alert(1)\" y=\"</span>"
        .replace("\"cid:x\">\"\"", "\"/api/v1/attachments/1\"");
    assert!(check_inert(&old).is_err(), "{old}");
}

/// The same through winmail.dat, whose Content-IDs are not MIME headers
/// and can hold anything.
#[test]
fn a_winmail_content_id_stays_text() {
    let cid = "x\" onerror=\"alert(1)";
    let html =
        "<img src=\"cid:x&quot; onerror=&quot;alert(1)\"><b>\"cid:x\" onerror=\"alert(1)\"</b>";
    let raw = related_mail(html, &[], Some(&winmail(&[(cid.into(), "a.png".into())])));
    let stored = stored_html(&raw).expect("html");
    check_stored(&stored).unwrap();
    assert!(
        stored.starts_with("<img src=\"/api/v1/attachments/2\">"),
        "{stored}"
    );
}
