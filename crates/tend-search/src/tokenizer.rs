//! The analyser shared by indexing and querying, so that both sides see the
//! same terms at the same positions:
//!
//! 1. ICU4X word segmentation (UAX #29) finds the words and drops spaces and
//!    punctuation.
//! 2. Inside a word, apostrophes (`'`, `’`), `.`, `_` and `:` split it
//!    (`d'atenció` → `d`, `atenció`; `factura_2024.pdf` → `factura`, `2024`,
//!    `pdf`); the Catalan middle dot is dropped (`col·lecció` → `colleccio`).
//! 3. Every character is folded: compatibility forms are unified (full-width
//!    Latin, half-width katakana), letters are lowercased and Latin, Greek and
//!    Cyrillic diacritics are dropped (`kvalitāte` → `kvalitate`).
//! 4. Han, kana and Hangul are not split into words at all: every run of
//!    them becomes overlapping bigrams (`サービスを` → `サー`, `ービ`, `ビス`,
//!    `スを`), so `サービス` is found inside `サービスを` and `서비스` inside
//!    `서비스를`, whatever the particles, with no dictionary. ICU's
//!    dictionary segmentation is therefore not needed (nor loaded): it
//!    could only disagree between a document and a query.
//!
//! Positions advance by one per word and per CJK character, so phrase
//! queries work across scripts. When indexing, each CJK character is also
//! emitted as a unigram at the position of the bigram it starts, so that a
//! one-character query (`傘`, `돈`) finds it; queries use bigrams only
//! (unless a run is one character long).

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::{compose, decompose_compatible};

/// The name the index registers the analyser under.
pub const TOKENIZER_NAME: &str = "tend";

/// Tokens longer than this (in bytes, after folding) are skipped: base64
/// blobs and long hashes only bloat the term dictionary. They still take a
/// position, so phrases stay honest.
const MAX_TOKEN_BYTES: usize = 100;

/// Whether the analyser prepares a document or a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Emit CJK unigrams as well as bigrams.
    Index,
    /// Emit CJK bigrams only (unigrams for one-character runs).
    Query,
}

/// The tantivy tokenizer for Tend's text fields.
#[derive(Debug, Clone)]
pub struct TendTokenizer {
    mode: Mode,
    tokens: Vec<Token>,
}

impl TendTokenizer {
    /// The analyser used when indexing.
    pub fn for_index() -> Self {
        TendTokenizer {
            mode: Mode::Index,
            tokens: Vec::new(),
        }
    }

    /// The analyser used for query words.
    pub fn for_query() -> Self {
        TendTokenizer {
            mode: Mode::Query,
            tokens: Vec::new(),
        }
    }
}

impl Tokenizer for TendTokenizer {
    type TokenStream<'a> = TendTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TendTokenStream<'a> {
        // The tokens of the last text are overwritten in place: their
        // strings keep their buffers, so indexing allocates almost nothing
        // per token.
        let n = Builder::run(text, self.mode, &mut self.tokens, 0);
        self.tokens.truncate(n);
        TendTokenStream {
            tokens: &mut self.tokens,
            next: 0,
            fallback: Token::default(),
        }
    }
}

/// The tokens of one text.
#[derive(Debug)]
pub struct TendTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
    /// What `token()` shows before the first `advance()` or for an empty
    /// text (tantivy never asks then, but the trait must answer).
    fallback: Token,
}

impl TokenStream for TendTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next.checked_sub(1) {
            Some(i) => &self.tokens[i],
            None => &self.fallback,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) => &mut self.tokens[i],
            None => &mut self.fallback,
        }
    }
}

/// Analyses `text` into `out` (appending). Positions start at 0.
pub fn analyze(text: &str, mode: Mode, out: &mut Vec<Token>) {
    let len = out.len();
    Builder::run(text, mode, out, len);
}

/// Convenience for tests and the query parser: the token texts of `text`.
pub fn token_texts(text: &str, mode: Mode) -> Vec<String> {
    let mut out = Vec::new();
    analyze(text, mode, &mut out);
    out.into_iter().map(|t| t.text).collect()
}

struct Builder<'o> {
    mode: Mode,
    /// Tokens from index `n` on are overwritten, then appended.
    out: &'o mut Vec<Token>,
    n: usize,
    position: usize,
    /// The non-CJK word being built, folded, and its byte range.
    word: String,
    word_range: (usize, usize),
    /// The CJK run being built: folded character and byte range.
    run: Vec<(char, usize, usize)>,
}

impl Builder<'_> {
    /// Writes the tokens of `text` into `out` from index `from` on,
    /// reusing the tokens already there; answers the index after the last
    /// one written (tokens after it are left as they were).
    fn run(text: &str, mode: Mode, out: &mut Vec<Token>, from: usize) -> usize {
        let mut b = Builder {
            mode,
            out,
            n: from,
            position: 0,
            word: String::new(),
            word_range: (0, 0),
            run: Vec::new(),
        };
        // CJK spans skip ICU: they become bigrams whatever the word
        // boundaries, and ICU without its dictionaries would only complain
        // about them.
        let mut start = 0;
        let mut cjk = None;
        for (i, c) in text.char_indices() {
            let this = is_cjk(c);
            if cjk.is_some_and(|prev| prev != this) {
                b.span(&text[start..i], start, !this);
                start = i;
            }
            cjk = Some(this);
        }
        if let Some(last) = cjk {
            b.span(&text[start..], start, last);
        }
        b.flush_all();
        b.n
    }

    /// A stretch of text that is all CJK (`cjk`) or has none.
    fn span(&mut self, span: &str, base: usize, cjk: bool) {
        if cjk {
            for (i, c) in span.char_indices() {
                self.fold_char(c, base + i, base + i + c.len_utf8());
            }
            return;
        }
        let segmenter =
            WordSegmenter::new_for_non_complex_scripts(WordBreakInvariantOptions::default());
        let mut start = 0;
        for (end, kind) in segmenter.segment_str(span).iter_with_word_type() {
            if end == start {
                continue;
            }
            if kind.is_word_like() {
                self.word_segment(&span[start..end], base + start);
            } else {
                // Spaces and punctuation end words and CJK runs.
                self.flush_all();
            }
            start = end;
        }
    }

    fn word_segment(&mut self, segment: &str, base: usize) {
        if segment.is_ascii() {
            for (i, c) in segment.char_indices() {
                self.fold_char(c, base + i, base + i + 1);
            }
            return;
        }
        // Text in decomposed form (macOS file names, some mailers) is
        // composed first; its tokens then highlight the whole segment.
        if unicode_normalization::is_nfc_quick(segment.chars())
            != unicode_normalization::IsNormalized::Yes
        {
            use unicode_normalization::UnicodeNormalization as _;
            let composed: String = segment.nfc().collect();
            if composed != segment {
                let end = base + segment.len();
                for c in composed.chars() {
                    self.fold_char(c, base, end);
                }
                return;
            }
        }
        for (i, c) in segment.char_indices() {
            self.fold_char(c, base + i, base + i + c.len_utf8());
        }
    }

    /// Folds one source character covering bytes `from..to`.
    fn fold_char(&mut self, c: char, from: usize, to: usize) {
        if c.is_ascii() {
            self.push_folded(c.to_ascii_lowercase(), from, to);
            return;
        }
        if is_hangul_syllable(c) {
            // Compatibility decomposition would split it into jamo.
            self.push_folded(c, from, to);
            return;
        }
        decompose_compatible(c, |d| {
            if is_diacritic(d) {
                return;
            }
            if is_cjk(d) {
                self.push_folded(d, from, to);
            } else {
                for l in d.to_lowercase() {
                    self.push_folded(l, from, to);
                }
            }
        });
    }

    fn push_folded(&mut self, c: char, from: usize, to: usize) {
        if is_cjk(c) {
            self.flush_word();
            if let Some(last) = self.run.last_mut()
                && let Some(composed) = compose(last.0, c)
            {
                // A voicing mark after kana, or a jamo after a syllable.
                last.0 = composed;
                last.2 = to;
                return;
            }
            self.run.push((c, from, to));
        } else if is_split(c) || c.is_whitespace() {
            self.flush_all();
        } else if is_dropped(c) {
            // Joins its neighbours (col·lecció → colleccio).
        } else if c.is_alphanumeric() || is_mark(c) {
            self.flush_run();
            if self.word.is_empty() {
                self.word_range = (from, to);
            }
            self.word.push(c);
            self.word_range.1 = to;
        } else {
            // Symbols inside a word (rare: ICU already split at most).
            self.flush_all();
        }
    }

    fn flush_all(&mut self) {
        self.flush_word();
        self.flush_run();
    }

    fn flush_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        if self.word.len() <= MAX_TOKEN_BYTES {
            let (from, to) = self.word_range;
            emit(
                self.out,
                &mut self.n,
                &[&self.word],
                from,
                to,
                self.position,
            );
        }
        self.word.clear();
        self.position += 1;
    }

    fn flush_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let base = self.position;
        let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
        if let [(c, from, to)] = self.run[..] {
            emit(
                self.out,
                &mut self.n,
                &[c.encode_utf8(&mut a)],
                from,
                to,
                base,
            );
        } else {
            for (i, &(c, from, to)) in self.run.iter().enumerate() {
                let c = &*c.encode_utf8(&mut a);
                if self.mode == Mode::Index {
                    emit(self.out, &mut self.n, &[c], from, to, base + i);
                }
                if let Some(&(next, _, next_to)) = self.run.get(i + 1) {
                    let next = &*next.encode_utf8(&mut b);
                    emit(self.out, &mut self.n, &[c, next], from, next_to, base + i);
                }
            }
        }
        self.position += self.run.len();
        self.run.clear();
    }
}

/// Writes a token (the concatenation of `parts`) at `out[*n]`, reusing the
/// token there if any, and moves `n` on.
fn emit(
    out: &mut Vec<Token>,
    n: &mut usize,
    parts: &[&str],
    from: usize,
    to: usize,
    position: usize,
) {
    match out.get_mut(*n) {
        Some(t) => {
            t.text.clear();
            t.offset_from = from;
            t.offset_to = to;
            t.position = position;
            t.position_length = 1;
        }
        None => out.push(Token {
            offset_from: from,
            offset_to: to,
            position,
            text: String::new(),
            position_length: 1,
        }),
    }
    let token = &mut out[*n];
    for p in parts {
        token.text.push_str(p);
    }
    *n += 1;
}

/// Characters that split a word into two terms.
fn is_split(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '.' | '_' | ':' | '\u{FF0E}'
    )
}

/// Characters dropped inside a word without splitting it.
fn is_dropped(c: char) -> bool {
    // Catalan "ela geminada" (l·l), written with U+00B7 or U+2027/U+0387.
    matches!(c, '\u{00B7}' | '\u{2027}' | '\u{0387}')
}

/// Combining diacritics of Latin, Greek and Cyrillic letters: dropped by
/// accent folding. Marks of other scripts (Indic vowel signs, the kana
/// voicing marks…) carry meaning and are kept.
fn is_diacritic(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

fn is_hangul_syllable(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7A3)
}

/// Han, kana and Hangul: the scripts indexed as bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF     // Hangul jamo
        | 0x2E80..=0x2FDF   // CJK and Kangxi radicals
        | 0x3005..=0x3007   // 々 〆 〇
        | 0x3031..=0x3035   // kana repeat marks
        | 0x303B            // 〻
        | 0x3040..=0x309F   // hiragana, voicing marks
        | 0x30A1..=0x30FA   // katakana (without ゠ and ・)
        | 0x30FC..=0x30FF   // ー and iteration marks
        | 0x3130..=0x318F   // Hangul compatibility jamo
        | 0x31F0..=0x31FF   // katakana phonetic extensions
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xA960..=0xA97F   // Hangul jamo extended A
        | 0xAC00..=0xD7FF   // Hangul syllables, jamo extended B
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0xFF66..=0xFF9F   // half-width katakana
        | 0xFFA0..=0xFFDC   // half-width Hangul
        | 0x1B000..=0x1B16F // kana supplement and extensions
        | 0x20000..=0x323AF // CJK extensions B–H
    )
}

#[cfg(test)]
#[path = "tokenizer_tests.rs"]
mod tests;
