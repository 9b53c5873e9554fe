//! The whole HTML path from raw mail to stored HTML: no panic, and what
//! would be stored is inert and a fixed point of the sanitiser. The first
//! byte picks the input: raw mail (parse, then link inline images), or
//! markup given straight to the sanitiser (then linked with Content-IDs
//! taken from the input).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/html_check.rs"]
#[allow(dead_code)]
mod html_check;

fuzz_target!(|data: &[u8]| {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // tend-mail catches a panic of its MIME parser (a debug assertion
        // that damaged MIME trips) and reports the mail unreadable, but
        // libFuzzer's hook would abort on it all the same. A panic that
        // escapes tend-mail still aborts: the harness catches it and calls
        // abort.
        std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
    });
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let stored = match mode % 3 {
        0 => html_check::stored_html(rest),
        1 => Some(tend_mail::sanitize_html(&String::from_utf8_lossy(rest))),
        _ => {
            let text = String::from_utf8_lossy(rest);
            let (html, cids) = text.split_once('\u{0}').unwrap_or((&text, "x"));
            let once = tend_mail::sanitize_html(html);
            let inline: Vec<(&str, i64)> = cids.split('\u{1}').zip(1..).collect();
            Some(tend_mail::sanitize_html_linking(&once, &inline))
        }
    };
    if let Some(stored) = stored {
        if let Err(e) = html_check::check_stored(&stored) {
            panic!("sanitiser escape: {e}");
        }
    }
});
