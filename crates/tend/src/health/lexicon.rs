//! Sentiment words: a small list of words of discontent and of thanks per
//! language (en, ja, ko, lv, ca), matched with the search tokenizer
//! (`tend_search::tokenizer`), so case, width and diacritics are folded
//! alike on both sides and Japanese and Korean match inside a sentence
//! without spaces (their runs become bigrams: `最悪` is found in
//! `最悪です`). An entry matches where its terms follow each other in the
//! message. Every language's list is checked: a message's language is
//! often unknown, and the words hardly collide. No network model.

use std::sync::LazyLock;

use tend_search::tokenizer::{Mode, token_texts};

/// Words of discontent, by language.
const NEGATIVE: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "disappointed",
            "disappointing",
            "terrible",
            "awful",
            "useless",
            "unacceptable",
            "frustrated",
            "frustrating",
            "angry",
            "worst",
            "cancel my",
            "still not working",
            "waste of time",
            "complaint",
        ],
    ),
    (
        "ja",
        &[
            "最悪",
            "残念",
            "不満",
            "解約",
            "ひどい",
            "がっかり",
            "困って",
            "遅すぎ",
            "苦情",
        ],
    ),
    (
        "ko",
        &[
            "실망", "최악", "불만", "해지", "짜증", "엉망", "화가", "답답",
        ],
    ),
    (
        "lv",
        &[
            "vīlies",
            "vīlusies",
            "briesmīgi",
            "šausmīgi",
            "nepieņemami",
            "sūdzība",
            "slikti",
            "dusmīgs",
            "joprojām nedarbojas",
        ],
    ),
    (
        "ca",
        &[
            "decebut",
            "decebuda",
            "inacceptable",
            "queixa",
            "pèssim",
            "fatal",
            "enfadat",
            "cancel·lar",
            "encara no funciona",
        ],
    ),
];

/// Words of thanks and praise, by language.
const POSITIVE: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "thank you",
            "thanks",
            "great",
            "perfect",
            "excellent",
            "awesome",
        ],
    ),
    ("ja", &["ありがとう", "助かりました", "素晴らしい", "完璧"]),
    ("ko", &["감사", "고맙", "완벽", "최고예요"]),
    ("lv", &["paldies", "lieliski", "izcili", "perfekti"]),
    ("ca", &["gràcies", "perfecte", "genial", "excel·lent"]),
];

/// An entry: what it says, and its terms.
type Entry = (&'static str, Vec<String>);

fn terms_of(list: &'static [(&'static str, &'static [&'static str])]) -> Vec<Entry> {
    list.iter()
        .flat_map(|(_, words)| words.iter())
        .map(|w| (*w, token_texts(w, Mode::Query)))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

static NEGATIVE_TERMS: LazyLock<Vec<Entry>> = LazyLock::new(|| terms_of(NEGATIVE));
static POSITIVE_TERMS: LazyLock<Vec<Entry>> = LazyLock::new(|| terms_of(POSITIVE));

/// What a message says: its words of discontent, and whether it thanks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentiment {
    /// The negative entries found (as the list writes them).
    pub negative: Vec<String>,
    /// A word of thanks or praise was found.
    pub positive: bool,
}

/// The sentiment words of `text`.
pub fn sentiment(text: &str) -> Sentiment {
    let terms = token_texts(text, Mode::Query);
    let found = |e: &Entry| terms.windows(e.1.len()).any(|w| w == e.1.as_slice());
    let mut negative: Vec<String> = NEGATIVE_TERMS
        .iter()
        .filter(|&e| found(e))
        .map(|e| e.0.to_string())
        .collect();
    negative.dedup();
    Sentiment {
        negative,
        positive: POSITIVE_TERMS.iter().any(found),
    }
}

/// The words of a subject, folded like search terms (for "the same issue").
pub fn subject_terms(subject: &str) -> Vec<String> {
    let mut t = token_texts(subject, Mode::Query);
    // Reply prefixes are not the issue.
    t.retain(|w| !matches!(w.as_str(), "re" | "fw" | "fwd" | "aw" | "sv" | "ps"));
    t.sort();
    t.dedup();
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neg(text: &str) -> Vec<String> {
        sentiment(text).negative
    }

    #[test]
    fn discontent_is_found_in_every_language() {
        assert_eq!(neg("I am VERY Disappointed."), ["disappointed"]);
        assert_eq!(neg("It is still not working!"), ["still not working"]);
        assert!(neg("It is not working still").is_empty(), "in order only");
        // Japanese without spaces, full-width and all.
        assert_eq!(neg("対応が最悪です。"), ["最悪"]);
        assert_eq!(neg("本当にがっかりしました"), ["がっかり"]);
        // Korean with particles.
        assert_eq!(neg("서비스에 정말 실망했습니다"), ["실망"]);
        // Latvian and Catalan, with or without diacritics.
        assert_eq!(neg("Esmu vilies, tas ir SAUSMIGI"), ["vīlies", "šausmīgi"]);
        assert_eq!(neg("Vull cancel·lar el contracte"), ["cancel·lar"]);
        assert_eq!(neg("Estic molt decebut"), ["decebut"]);
        assert!(neg("Hello, a question about my invoice").is_empty());
    }

    #[test]
    fn thanks_are_found_in_every_language() {
        for t in [
            "Thank you so much",
            "ありがとうございました",
            "정말 감사합니다",
            "Liels paldies!",
            "Moltes gràcies",
        ] {
            assert!(sentiment(t).positive, "{t}");
        }
        assert!(!sentiment("Where is my parcel?").positive);
    }

    #[test]
    fn subjects_keep_their_words_not_the_reply_prefix() {
        assert_eq!(subject_terms("Re: Invoice WRONG"), ["invoice", "wrong"]);
        assert_eq!(subject_terms("請求書"), ["求書", "請求"]);
    }
}
