//! Pickers that forms share: a language (the languages conversations are
//! detected in, `tend_mail::DETECTED_LANGUAGES`, named in the viewer's
//! language) and an IANA time zone (the bundled time-zone database). A
//! value the list does not hold (set through the API, or typed into a
//! form that came back with an error) is offered too, so the form keeps it.

use super::i18n::Tr;

/// One option of a picker.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The catalogue key of a language's name.
pub fn language_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "en" => "language-name-en",
        "ja" => "language-name-ja",
        "ko" => "language-name-ko",
        "lv" => "language-name-lv",
        "ca" => "language-name-ca",
        "es" => "language-name-es",
        "de" => "language-name-de",
        "fr" => "language-name-fr",
        "ru" => "language-name-ru",
        "zh" => "language-name-zh",
        _ => return None,
    })
}

/// A language's name in the viewer's language (the code itself for a
/// language set through the API that Tend has no name for).
pub fn language_name(tr: &Tr, code: &str) -> String {
    language_key(code).map_or_else(|| code.to_string(), |k| tr.t(k))
}

/// The languages to pick one from, `current` selected.
pub fn languages(tr: &Tr, current: &str) -> Vec<Choice> {
    let mut codes: Vec<&str> = tend_mail::DETECTED_LANGUAGES.to_vec();
    if !current.is_empty() && !codes.contains(&current) {
        codes.push(current);
    }
    codes
        .into_iter()
        .map(|code| Choice {
            value: code.to_string(),
            label: language_name(tr, code),
            selected: code == current,
        })
        .collect()
}

/// The regions whose zones are offered (not the aliases kept for old
/// systems, such as `US/…` or `Etc/GMT+3`).
const REGIONS: [&str; 10] = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

/// Every time zone to pick from, alphabetical, `current` selected.
pub fn time_zones(current: &str) -> Vec<Choice> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .filter(|n| {
            n == "UTC"
                || n.split_once('/')
                    .is_some_and(|(region, _)| REGIONS.contains(&region))
        })
        .collect();
    if !current.is_empty() && !names.iter().any(|n| n == current) {
        names.push(current.to_string());
    }
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|n| Choice {
            selected: n == current,
            label: n.replace('_', " "),
            value: n,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_hold_the_usual_names_and_keep_an_unknown_one() {
        let zones = time_zones("Asia/Tokyo");
        assert!(zones.len() > 300, "{}", zones.len());
        assert!(zones.iter().any(|z| z.value == "Europe/Riga"));
        assert!(zones.iter().any(|z| z.value == "UTC"));
        assert!(!zones.iter().any(|z| z.value.starts_with("US/")));
        let chosen: Vec<&str> = zones
            .iter()
            .filter(|z| z.selected)
            .map(|z| z.value.as_str())
            .collect();
        assert_eq!(chosen, ["Asia/Tokyo"]);
        let typed = time_zones("Mars/Olympus");
        assert!(
            typed
                .iter()
                .any(|z| z.value == "Mars/Olympus" && z.selected)
        );
    }

    #[test]
    fn languages_are_named_in_the_viewers_language() {
        let ja = languages(&Tr::new("ja"), "lv");
        let lv = ja.iter().find(|c| c.value == "lv").unwrap();
        assert!(lv.selected);
        assert_eq!(lv.label, Tr::new("ja").t("language-name-lv"));
        assert_ne!(lv.label, "Latvian");
        let odd = languages(&Tr::new("en"), "pt-br");
        assert!(odd.iter().any(|c| c.value == "pt-br" && c.selected));
    }
}
