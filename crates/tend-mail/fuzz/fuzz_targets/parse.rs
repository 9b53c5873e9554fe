//! MIME parsing: parse, threading keys, reply splitting and machine-mail
//! classification on arbitrary bytes must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

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
    if let Ok(message) = tend_mail::parse(data) {
        let _ = tend_mail::thread_keys(&message);
        let _ = message.reply_parts();
        let _ = (message.classification.code(), message.bounce.as_ref());
        for a in &message.attachments {
            if let Some(inner) = &a.message {
                let _ = tend_mail::thread_keys(inner);
            }
        }
    }
});
