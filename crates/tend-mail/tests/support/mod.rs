//! Shared by the test binaries: TNEF streams, hostile mail, the whole HTML
//! path from raw mail to stored HTML, and the checks on what is stored.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test binary uses a part of this module"
)]

pub mod html_check;
pub mod tnef;

pub use html_check::*;

use base64::Engine as _;
use proptest::prelude::*;

/// Pieces of hostile Content-IDs, file names and markup.
pub const HOSTILE: &[&str] = &[
    "\"",
    "'",
    ">",
    "<",
    "&",
    "=",
    " ",
    "/",
    "\\",
    "%22",
    "%3E",
    "&quot;",
    "&gt;",
    "&#34;",
    "onerror=alert(1)",
    " onmouseover=\"alert(1)\"",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "cid:",
    "src=",
    "data-tend-src=",
    "tend-blocked-remote-image:",
    "/api/v1/attachments/1",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "x",
    "logo@example",
    "画像",
    "\t",
    "\u{0}",
    "\u{202e}",
    "@",
    ";",
    "*",
    "..",
    "%",
    "{",
    "}",
];

/// A hostile string made of [`HOSTILE`] pieces and arbitrary characters.
pub fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(HOSTILE).prop_map(str::to_string),
            1 => "[^\r\n]{0,6}",
        ],
        0..7,
    )
    .prop_map(|parts| parts.concat())
}

/// How an HTML body names a Content-ID in a `cid:` URL.
#[derive(Debug, Clone, Copy)]
pub enum CidSpelling {
    /// As written, `"` escaped as `&quot;` (what a careful sender does).
    Escaped,
    /// Percent-encoded (RFC 2392).
    Percent,
    /// As written, unescaped: the sender breaks the attribute on purpose.
    Raw,
}

pub fn spell(cid: &str, how: CidSpelling) -> String {
    match how {
        CidSpelling::Escaped => cid.replace('&', "&amp;").replace('"', "&quot;"),
        CidSpelling::Percent => cid
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"@.-_".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect(),
        CidSpelling::Raw => cid.to_string(),
    }
}

pub fn spelling() -> impl Strategy<Value = CidSpelling> {
    prop_oneof![
        Just(CidSpelling::Escaped),
        Just(CidSpelling::Percent),
        Just(CidSpelling::Raw)
    ]
}

/// An HTML body that names `cids` in every context the old post-sanitiser
/// replace could be tricked in: image sources, other attributes, text.
pub fn html_naming(cids: &[(String, CidSpelling)], extra: &str) -> String {
    let mut html = String::from("<p>Hello</p>");
    for (cid, how) in cids {
        let s = spell(cid, *how);
        html.push_str(&format!(
            "<img src=\"cid:{s}\" alt=\"{s}\"><span title=\"cid:{s}\">\"cid:{s}\"{extra}</span>\
             <a href=\"cid:{s}\">{s}</a><img src=\"https://remote.example/{s}\" data-tend-src=\"{s}\">"
        ));
    }
    html.push_str(extra);
    html
}

/// A `multipart/related` mail: the HTML, then one inline part per
/// (Content-ID header value, filename), then optionally a winmail.dat. A
/// Content-ID written without angle brackets reaches the parser as it is.
pub fn related_mail(html: &str, parts: &[(String, String)], winmail: Option<&[u8]>) -> Vec<u8> {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut raw = String::from(
        "From: Attacker <a@example.net>\r\nTo: support@example.com\r\nSubject: hi\r\n\
         Message-ID: <hostile@example.net>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/related; boundary=\"zz\"\r\n\r\n",
    );
    raw.push_str("--zz\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    raw.push_str(&b64(html.as_bytes()));
    raw.push_str("\r\n");
    for (cid, name) in parts {
        let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        raw.push_str(&format!(
            "--zz\r\nContent-Type: image/png; name=\"{name}\"\r\nContent-ID: {cid}\r\n\
             Content-Disposition: inline; filename*=UTF-8''{encoded}\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(b"\x89PNG\r\n\x1a\nimage")
        ));
    }
    if let Some(tnef) = winmail {
        raw.push_str(&format!(
            "--zz\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n\
             Content-Disposition: attachment; filename=\"winmail.dat\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(tnef)
        ));
    }
    raw.push_str("--zz--\r\n");
    raw.into_bytes()
}

/// A winmail.dat holding one file per (Content-ID, filename).
pub fn winmail(files: &[(String, String)]) -> Vec<u8> {
    use tnef::*;
    let mut attrs = Vec::new();
    for (cid, name) in files {
        attrs.push(rend());
        attrs.push(attr(2, TITLE, b"FILE.PNG\0"));
        attrs.push(attr(2, DATA, b"\x89PNG\r\n\x1a\nimage"));
        attrs.push(attr(
            2,
            ATTACHMENT,
            &props(&[Prop::Unicode(0x3707, name), Prop::Unicode(0x3712, cid)]),
        ));
    }
    stream(1252, &attrs)
}

/// Every `.eml` fixture, in sub-directories too.
pub fn all_fixtures() -> Vec<Vec<u8>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "eml") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut paths,
    );
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}
