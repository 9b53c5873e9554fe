//! MIME parsing: parse, threading keys, reply splitting and machine-mail
//! classification on arbitrary bytes must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
