//! Language of inbound text, for the conversation and customer profile.
//!
//! lingua is limited to the languages our customers write (and a few that
//! would otherwise be mistaken for them); its models are compiled in, so
//! detection works offline. Models load lazily on first use.

use std::sync::OnceLock;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

const LANGUAGES: &[Language] = &[
    Language::English,
    Language::Japanese,
    Language::Korean,
    Language::Latvian,
    Language::Catalan,
    Language::Spanish,
    Language::German,
    Language::French,
    Language::Russian,
    Language::Chinese,
];

/// ISO 639-1 codes of [`LANGUAGES`], in the same order: every language a
/// conversation may be detected in (routing matches agents' languages
/// against them; the routing page offers them).
pub const DETECTED_LANGUAGES: &[&str] =
    &["en", "ja", "ko", "lv", "ca", "es", "de", "fr", "ru", "zh"];

/// How much of a text is looked at: some 30 words, or 200 CJK characters.
const SAMPLE_CHARS: usize = 200;

/// Texts shorter than this many letters are too short to tell.
const MIN_LETTERS: usize = 3;

fn detector() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| LanguageDetectorBuilder::from_languages(LANGUAGES).build())
}

/// ISO 639-1 code (`en`, `ja`, `ko`, `lv`, `ca`, `es`, `de`, `fr`, `ru`,
/// `zh`) of the text's language, or `None` when it is too short or unclear.
/// Pass the new text of a message (see [`crate::split_reply`]), not the
/// quoted history, which may be in the agent's language.
pub fn detect_language(text: &str) -> Option<&'static str> {
    // Long mails say no more than their first few sentences. lingua's cost
    // grows with the sample (every 1- to 5-gram of it, for each language):
    // with 4,000 characters it was one of the largest costs of email ingest,
    // and with 1,000 still some 15 % of it (see bench/BENCHMARKS.md); lingua
    // is reliable from about 120 characters on (below that it also weighs
    // 1- to 5-grams, not only trigrams), so 200 are enough to tell these
    // languages apart: on 3,000 benchmark mails and the fixtures, 200 gave
    // the same answer as 400 for every one, in two thirds of the time
    // (`examples/language_sample.rs` compares sample lengths).
    detect_language_in_first(text, SAMPLE_CHARS)
}

/// [`detect_language`] from the first `chars` characters of `text`.
pub fn detect_language_in_first(text: &str, chars: usize) -> Option<&'static str> {
    let sample: String = text.chars().take(chars).collect();
    if sample.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS {
        return None;
    }
    let code = detector()
        .detect_language_of(sample)?
        .iso_code_639_1()
        .to_string();
    // A 'static str without a match on `Language`, whose variants depend on
    // which lingua features the whole workspace enables.
    DETECTED_LANGUAGES.iter().copied().find(|c| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_our_customers_languages() {
        for (text, want) in [
            (
                "Hello, my printer stopped working after the update. Can you help?",
                "en",
            ),
            (
                "プリンターが更新後に動かなくなりました。助けていただけますか？",
                "ja",
            ),
            (
                "업데이트 후 프린터가 작동하지 않습니다. 도와주실 수 있나요?",
                "ko",
            ),
            (
                "Labdien! Pēc atjauninājuma mans printeris pārstāja darboties.",
                "lv",
            ),
            (
                "Bon dia, la meva impressora ha deixat de funcionar després de l'actualització.",
                "ca",
            ),
            (
                "Hola, mi impresora dejó de funcionar después de la actualización.",
                "es",
            ),
        ] {
            assert_eq!(detect_language(text), Some(want), "{text}");
        }
    }

    #[test]
    fn long_mails_are_told_by_their_start() {
        // Only the start is sampled; what follows (here, quoted English
        // history) does not change the answer.
        let mail = format!(
            "{}\n{}",
            "Bon dia, no trobo la factura del mes passat a l'àrea d'usuari. Gràcies per l'atenció. "
                .repeat(6),
            "> Hello, thank you for contacting us. We will get back to you soon.\n".repeat(200)
        );
        assert_eq!(detect_language(&mail), Some("ca"));
        let lv =
            "Labdien! Vēlos uzzināt, kad tiks piegādāts mans pasūtījums. Paldies par atbildi. "
                .repeat(50);
        assert_eq!(detect_language(&lv), Some("lv"));
    }

    #[test]
    fn too_short_is_unknown() {
        assert_eq!(detect_language(""), None);
        assert_eq!(detect_language("ok"), None);
        assert_eq!(detect_language("12345 !!"), None);
    }
}
