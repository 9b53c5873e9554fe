//! How a notification reads, in the agent's language: the kind's name
//! (preferences) and its line (the list, the browser, the mail). One
//! exhaustive `match` per use, so a new kind cannot go unnamed.

use super::NotificationKind;
use crate::web::i18n::Tr;

/// The Fluent key of a kind's name.
pub fn kind_key(k: NotificationKind) -> &'static str {
    match k {
        NotificationKind::Mention => "notification-kind-mention",
        NotificationKind::Assigned => "notification-kind-assigned",
        NotificationKind::CustomerReplied => "notification-kind-customer-replied",
        NotificationKind::ChatWaiting => "notification-kind-chat-waiting",
        NotificationKind::SnoozeEnded => "notification-kind-snooze-ended",
    }
}

/// A notification's line: who (when an agent), what, and the
/// conversation (`#id subject`).
pub fn line(tr: &Tr, k: NotificationKind, actor: Option<&str>, id: i64, subject: &str) -> String {
    let key = match k {
        NotificationKind::Mention => "notification-mention",
        NotificationKind::Assigned => "notification-assigned",
        NotificationKind::CustomerReplied => "notification-customer-replied",
        NotificationKind::ChatWaiting => "notification-chat-waiting",
        NotificationKind::SnoozeEnded => "notification-snooze-ended",
    };
    let actor = actor.map_or_else(|| tr.t("notification-someone"), str::to_string);
    tr.args(
        key,
        &[
            ("actor", actor.into()),
            ("id", id.to_string().into()),
            ("subject", subject.to_string().into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::{LOCALES_SUPPORTED, has_key};

    #[test]
    fn every_kind_reads_in_every_locale() {
        for code in LOCALES_SUPPORTED {
            let tr = Tr::new(code);
            for &k in NotificationKind::ALL {
                assert!(has_key(code, kind_key(k)), "{code} lacks {k}'s name");
                let l = line(&tr, k, Some("Ana"), 1234, "Kettle");
                assert!(
                    l.contains("#1234") && l.contains("Kettle"),
                    "{code} {k}: {l}"
                );
                assert!(!l.contains('⟦'), "{code} {k}: {l}");
            }
        }
    }
}
