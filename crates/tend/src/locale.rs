//! The languages Tend speaks to people (the workspace, the help pages, the
//! widget, survey mail) and how one is chosen: from a language tag, or
//! from an `Accept-Language` header. Every place that picks a locale
//! calls these.

/// The locales, in the order the language pickers show them. Every UI
/// catalogue and every built-in template exists in each.
pub const LOCALES: [&str; 5] = ["en", "ja", "ko", "lv", "ca"];

/// The locale used when nothing else is known.
pub const DEFAULT: &str = "en";

/// The supported locale of a language tag, by its primary subtag
/// (`ja-JP` → `ja`, `CA` → `ca`); `None` for a language Tend does not speak.
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LOCALES.into_iter().find(|l| *l == primary)
}

/// The best supported locale of an `Accept-Language` value: the first
/// listed, by quality, that Tend speaks; `None` when it speaks none.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut tags: Vec<(f32, usize, &str)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!tag.is_empty() && q > 0.0).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().find_map(|(_, _, tag)| supported(tag))
}

/// Each locale's name in its own language.
pub fn name(code: &str) -> &'static str {
    match code {
        "ja" => "日本語",
        "ko" => "한국어",
        "lv" => "Latviešu",
        "ca" => "Català",
        _ => "English",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_their_primary_language() {
        assert_eq!(supported("ja-JP"), Some("ja"));
        assert_eq!(supported("CA_es"), Some("ca"));
        assert_eq!(supported("de"), None);
        assert_eq!(supported(""), None);
    }

    #[test]
    fn accept_language_picks_the_best_supported_locale() {
        assert_eq!(from_accept_language("ja-JP,ja;q=0.9,en;q=0.8"), Some("ja"));
        assert_eq!(
            from_accept_language("fr-FR, ko;q=0.5, en;q=0.4"),
            Some("ko")
        );
        assert_eq!(from_accept_language("en;q=0.3, lv;q=0.9"), Some("lv"));
        assert_eq!(
            from_accept_language("de-DE, ko;q=0.8, en;q=0.5"),
            Some("ko")
        );
        assert_eq!(from_accept_language("lv;q=0.2, ca"), Some("ca"));
        assert_eq!(from_accept_language("ca-ES"), Some("ca"));
        assert_eq!(from_accept_language("ko;q=0, en;q=0.1"), Some("en"));
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language(";;;,q=,*"), None);
    }
}
