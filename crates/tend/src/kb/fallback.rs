//! Which translation of an article a help-centre page in a language
//! shows: the page's language, then its configured chain
//! (`help_fallback`, e.g. `ca>es>en`), then English, then the article's
//! source language, then any published translation. An article with a
//! published translation is therefore never hidden; the page says when it
//! shows another language.

use crate::config::HelpFallback;

/// The languages a page in `lang` tries, in order (without repeats).
pub fn chain<'a>(fallback: &'a HelpFallback, lang: &'a str) -> Vec<&'a str> {
    let mut out = vec![lang];
    for l in fallback
        .after(lang)
        .iter()
        .map(String::as_str)
        .chain([crate::locale::DEFAULT])
    {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// The translation to show among the `published` languages: the first of
/// `chain` there is, else the source language, else the first published.
pub fn pick<'p>(chain: &[&str], source: &str, published: &[&'p str]) -> Option<&'p str> {
    chain
        .iter()
        .chain([&source])
        .find_map(|want| published.iter().find(|p| **p == *want).copied())
        .or_else(|| published.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_then_english_then_the_source_then_anything() {
        let f = HelpFallback(vec![("ca".into(), vec!["es".into(), "en".into()])]);
        let ca = chain(&f, "ca");
        assert_eq!(ca, ["ca", "es", "en"]);
        assert_eq!(chain(&f, "ja"), ["ja", "en"]);
        assert_eq!(pick(&ca, "lv", &["en", "es"]), Some("es"));
        assert_eq!(pick(&ca, "lv", &["ca", "es"]), Some("ca"));
        assert_eq!(pick(&ca, "lv", &["ko", "lv"]), Some("lv"));
        assert_eq!(pick(&ca, "en", &["ko"]), Some("ko"));
        assert_eq!(pick(&ca, "en", &[]), None);
    }
}
