//! UI strings through Fluent (`crates/tend/locales/<lang>/*.ftl`), the five
//! locales, negotiation from `Accept-Language`, and date/duration display
//! in the agent's timezone.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The UI locales, in the order the language picker shows them.
pub use crate::locale::LOCALES as LOCALES_SUPPORTED;
pub use crate::locale::name as locale_name;

/// The translator for one request.
#[derive(Debug, Clone)]
pub struct Tr {
    lang: LanguageIdentifier,
    code: &'static str,
}

impl Tr {
    /// The translator for a supported locale code (English otherwise).
    pub fn new(code: &str) -> Tr {
        let code = LOCALES_SUPPORTED
            .iter()
            .copied()
            .find(|c| *c == code)
            .unwrap_or(crate::locale::DEFAULT);
        Tr {
            lang: code.parse().unwrap_or_default(),
            code,
        }
    }

    /// The locale from an `Accept-Language` header value.
    pub fn from_accept_language(header: Option<&str>) -> Tr {
        Tr::new(negotiate(header.unwrap_or("")))
    }

    /// The locale code (`en`, `ja`…), for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A message without arguments. A key missing from every locale shows
    /// as `⟦key⟧` (and is logged), so tests can find it on any page.
    pub fn t(&self, key: &str) -> String {
        self.args(key, &[])
    }

    /// A message with a `$count` argument (plural forms).
    pub fn n(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        self.args(key, &[("count", FluentValue::from(*count.borrow()))])
    }

    /// A message with one text argument, e.g. `$name`.
    pub fn s(&self, key: &str, arg: &str, value: impl std::fmt::Display) -> String {
        self.args(key, &[(arg, FluentValue::from(value.to_string()))])
    }

    /// A message with arguments.
    pub fn args(&self, key: &str, args: &[(&str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), v.clone()))
            .collect();
        let text = LOCALES
            .try_lookup_complete(&self.lang, key, (!map.is_empty()).then_some(&map))
            .unwrap_or_else(|| {
                tracing::warn!(key, "a UI string is missing from the catalogue");
                format!("⟦{key}⟧")
            });
        // The words filled in decide some grammar (`grammar.rs`).
        match (self.code, map.is_empty()) {
            ("ko", false) => super::grammar::ko_particles(&text),
            ("ca", false) => super::grammar::ca_elide(&text),
            _ => text,
        }
    }

    /// A timestamp (ms) as local date and time in `tz` (IANA name; UTC
    /// when unknown), in the locale's own pattern (`datetime-pattern`):
    /// `24 Nov 2026, 09:05`, `2026年11月24日 09:05`, `24.11.2026. 09:05`.
    pub fn datetime(&self, ms: i64, tz: &str) -> String {
        let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
            return String::new();
        };
        let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
        let pattern = self.t("datetime-pattern");
        let z = ts.to_zoned_datetime(zone);
        // A pattern jiff cannot use falls back to ISO rather than failing.
        let mut out = String::new();
        match jiff::fmt::strtime::format(&pattern, &z) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&z.strftime("%Y-%m-%d %H:%M").to_string()),
        }
        out
    }

    /// A calendar day in the locale's own pattern (`date-pattern`):
    /// `24 Nov 2026`, `2026年11月24日`, `24.11.2026.`.
    pub fn date(&self, d: jiff::civil::Date) -> String {
        let pattern = self.t("date-pattern");
        jiff::fmt::strtime::format(&pattern, d).unwrap_or_else(|_| d.to_string())
    }

    /// A waiting time, e.g. "3 h 5 min", "2 d 4 h", "12 min".
    pub fn duration(&self, ms: i64) -> String {
        let minutes = (ms.max(0) / 60_000).max(0);
        let (d, h, m) = (minutes / 1440, (minutes / 60) % 24, minutes % 60);
        if d > 0 {
            self.args(
                "duration-days-hours",
                &[("days", d.into()), ("hours", h.into())],
            )
        } else if h > 0 {
            self.args(
                "duration-hours-minutes",
                &[("hours", h.into()), ("minutes", m.into())],
            )
        } else {
            self.n("duration-minutes", m)
        }
    }

    /// A span of time in words, in its largest whole unit with the
    /// language's plural form: "less than a minute", "1 minute", "5 hours",
    /// "3 dienas" (minutes below an hour, hours below two days, then days).
    pub fn span(&self, ms: i64) -> String {
        let minutes = ms.max(0) / 60_000;
        if minutes == 0 {
            self.t("span-under-a-minute")
        } else if minutes < 60 {
            self.n("span-minutes", minutes)
        } else if minutes < 48 * 60 {
            self.n("span-hours", minutes / 60)
        } else {
            self.n("span-days", minutes / 1440)
        }
    }
}

/// The best supported locale for an `Accept-Language` value; English
/// when Tend speaks none of them.
pub fn negotiate(header: &str) -> &'static str {
    crate::locale::from_accept_language(header).unwrap_or(crate::locale::DEFAULT)
}

/// The current local time in `tz`, e.g. `17:42 (UTC+09:00)`.
pub fn local_time(now_ms: i64, tz: &str) -> Option<String> {
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    let ts = jiff::Timestamp::from_millisecond(now_ms).ok()?;
    Some(
        ts.to_zoned_datetime(zone)
            .strftime("%H:%M (UTC%:z)")
            .to_string(),
    )
}

/// Message ids defined in a locale's files (for the completeness test).
pub fn keys_of(code: &str) -> Vec<String> {
    let files: &[&str] = match code {
        "en" => &[
            include_str!("../../locales/en/web.ftl"),
            include_str!("../../locales/en/admin.ftl"),
            include_str!("../../locales/en/help.ftl"),
            include_str!("../../locales/en/automations.ftl"),
            include_str!("../../locales/en/kb.ftl"),
            include_str!("../../locales/en/notifications.ftl"),
            include_str!("../../locales/en/views.ftl"),
            include_str!("../../locales/en/routing.ftl"),
            include_str!("../../locales/en/thirdparty.ftl"),
            include_str!("../../locales/en/forms.ftl"),
        ],
        "ja" => &[
            include_str!("../../locales/ja/web.ftl"),
            include_str!("../../locales/ja/admin.ftl"),
            include_str!("../../locales/ja/help.ftl"),
            include_str!("../../locales/ja/automations.ftl"),
            include_str!("../../locales/ja/kb.ftl"),
            include_str!("../../locales/ja/notifications.ftl"),
            include_str!("../../locales/ja/views.ftl"),
            include_str!("../../locales/ja/routing.ftl"),
            include_str!("../../locales/ja/thirdparty.ftl"),
            include_str!("../../locales/ja/forms.ftl"),
        ],
        "ko" => &[
            include_str!("../../locales/ko/web.ftl"),
            include_str!("../../locales/ko/admin.ftl"),
            include_str!("../../locales/ko/help.ftl"),
            include_str!("../../locales/ko/automations.ftl"),
            include_str!("../../locales/ko/kb.ftl"),
            include_str!("../../locales/ko/notifications.ftl"),
            include_str!("../../locales/ko/views.ftl"),
            include_str!("../../locales/ko/routing.ftl"),
            include_str!("../../locales/ko/thirdparty.ftl"),
            include_str!("../../locales/ko/forms.ftl"),
        ],
        "lv" => &[
            include_str!("../../locales/lv/web.ftl"),
            include_str!("../../locales/lv/admin.ftl"),
            include_str!("../../locales/lv/help.ftl"),
            include_str!("../../locales/lv/automations.ftl"),
            include_str!("../../locales/lv/kb.ftl"),
            include_str!("../../locales/lv/notifications.ftl"),
            include_str!("../../locales/lv/views.ftl"),
            include_str!("../../locales/lv/routing.ftl"),
            include_str!("../../locales/lv/thirdparty.ftl"),
            include_str!("../../locales/lv/forms.ftl"),
        ],
        "ca" => &[
            include_str!("../../locales/ca/web.ftl"),
            include_str!("../../locales/ca/admin.ftl"),
            include_str!("../../locales/ca/help.ftl"),
            include_str!("../../locales/ca/automations.ftl"),
            include_str!("../../locales/ca/kb.ftl"),
            include_str!("../../locales/ca/notifications.ftl"),
            include_str!("../../locales/ca/views.ftl"),
            include_str!("../../locales/ca/routing.ftl"),
            include_str!("../../locales/ca/thirdparty.ftl"),
            include_str!("../../locales/ca/forms.ftl"),
        ],
        _ => &[],
    };
    files
        .iter()
        .flat_map(|f| f.lines())
        .filter_map(|l| {
            let (id, _) = l.split_once(" =")?;
            let ok = !id.is_empty()
                && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            ok.then(|| id.to_string())
        })
        .collect()
}

/// Every variable name the catalogues use (for [`has_key`]).
pub const MESSAGE_VARIABLES: [&str; 30] = [
    "count", "name", "tz", "id", "hours", "minutes", "days", "channel", "to", "from", "tags", "q",
    "url", "when", "value", "metric", "subject", "customer", "score", "reasons", "until", "actor",
    "line", "column", "size", "limit", "sender", "inbox", "error", "n",
];

/// Whether `key` has a translation of its own in `code` (no fallback).
pub fn has_key(code: &str, key: &str) -> bool {
    let lang: LanguageIdentifier = match code.parse() {
        Ok(l) => l,
        Err(_) => return false,
    };
    // A message with variables only formats when they are given; give every
    // variable the catalogues use, so a missing argument is not taken for a
    // missing message.
    let args: HashMap<&str, FluentValue> = MESSAGE_VARIABLES
        .iter()
        .map(|v| (*v, FluentValue::from(1)))
        .collect();
    LOCALES
        .lookup_no_default_fallback(&lang, key, Some(&args))
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_time_take_each_language_s_plural_forms() {
        const MIN: i64 = 60_000;
        let en = Tr::new("en");
        assert_eq!(en.span(MIN), "1 minute");
        assert_eq!(en.span(2 * MIN), "2 minutes");
        assert_eq!(en.span(59_999), "less than a minute");
        assert_eq!(en.span(60 * MIN), "1 hour");
        assert_eq!(en.span(47 * 60 * MIN), "47 hours");
        assert_eq!(en.span(48 * 60 * MIN), "2 days");
        // Latvian: one for 1, 21, 31 … but not 11; zero for 0, 10–20 ….
        let lv = Tr::new("lv");
        assert_eq!(lv.span(MIN), "1 minūte");
        assert_eq!(lv.span(21 * MIN), "21 minūte");
        assert_eq!(lv.span(11 * MIN), "11 minūšu");
        assert_eq!(lv.span(22 * MIN), "22 minūtes");
        assert_eq!(lv.span(3 * 60 * MIN), "3 stundas");
        // Catalan: one and other.
        let ca = Tr::new("ca");
        assert_eq!(ca.span(MIN), "1 minut");
        assert_eq!(ca.span(5 * 24 * 60 * MIN), "5 dies");
        // Japanese and Korean have one form.
        assert_eq!(Tr::new("ja").span(2 * 60 * MIN), "2時間");
        assert_eq!(Tr::new("ko").span(3 * MIN), "3분");
    }

    #[test]
    fn without_a_supported_language_the_ui_speaks_english() {
        assert_eq!(negotiate("de, fr"), "en");
        assert_eq!(negotiate("ko;q=0.5, de"), "ko");
    }

    #[test]
    fn every_locale_has_every_key() {
        let en = keys_of("en");
        assert!(en.len() > 50, "the English catalogue looks empty");
        for code in LOCALES_SUPPORTED {
            let keys = keys_of(code);
            let missing: Vec<_> = en.iter().filter(|k| !keys.contains(k)).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
            for k in &en {
                assert!(has_key(code, k), "{code}: {k} does not resolve");
            }
        }
    }

    #[test]
    fn missing_keys_are_visible() {
        assert_eq!(Tr::new("ja").t("no-such-key"), "⟦no-such-key⟧");
    }

    #[test]
    fn latvian_has_three_plural_forms() {
        let lv = Tr::new("lv");
        let form = |n: i64| {
            lv.n("conversations-count", n)
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
        };
        // CLDR: zero (0, 10–20, 30…), one (1, 21, 31… but not 11), other.
        let (zero, one, other) = (form(0), form(1), form(2));
        assert_ne!(zero, one);
        assert_ne!(one, other);
        assert_ne!(zero, other);
        assert_eq!(form(21), one);
        assert_eq!(form(11), zero);
        assert_eq!(form(10), zero);
        assert_eq!(form(3), other);
        let en = Tr::new("en");
        assert_ne!(
            en.n("conversations-count", 1),
            en.n("conversations-count", 2).replace('2', "1")
        );
    }

    #[test]
    fn dates_follow_the_timezone_and_the_locale() {
        // 2026-01-01T00:00:00Z
        let ms = 1_767_225_600_000;
        let en = Tr::new("en");
        assert_eq!(en.datetime(ms, "UTC"), "1 Jan 2026, 00:00");
        assert_eq!(en.datetime(ms, "Asia/Tokyo"), "1 Jan 2026, 09:00");
        assert_eq!(en.datetime(ms, "Not/AZone"), "1 Jan 2026, 00:00");
        assert_eq!(
            Tr::new("ja").datetime(ms, "Asia/Tokyo"),
            "2026年1月1日 09:00"
        );
        assert_eq!(
            Tr::new("ko").datetime(ms, "Asia/Seoul"),
            "2026. 1. 1. 09:00"
        );
        assert_eq!(
            Tr::new("lv").datetime(ms, "Europe/Riga"),
            "01.01.2026. 02:00"
        );
        assert_eq!(
            Tr::new("ca").datetime(ms, "Europe/Madrid"),
            "1/1/2026 01:00"
        );
    }
}
