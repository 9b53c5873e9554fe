//! Tests of `tokenizer`.

use super::*;

fn index(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    analyze(text, Mode::Index, &mut out);
    out.into_iter().map(|t| (t.text, t.position)).collect()
}

fn query(text: &str) -> Vec<String> {
    token_texts(text, Mode::Query)
}

#[test]
fn latin_words_are_lowercased_and_folded() {
    assert_eq!(
        query("Kvalitāte UN Ģimene, Ōsaka!"),
        ["kvalitate", "un", "gimene", "osaka"]
    );
    assert_eq!(query("ŠĶĒRSLIS čūska"), ["skerslis", "cuska"]);
    assert_eq!(query("Ｔｅｎｄ ２０２４"), ["tend", "2024"]);
}

#[test]
fn decomposed_input_folds_like_composed_input() {
    // "kvalitāte" with a combining macron, as some mailers send it.
    assert_eq!(query("kvalita\u{0304}te"), ["kvalitate"]);
    // Hangul as conjoining jamo (macOS file names).
    assert_eq!(query("\u{1109}\u{1165}\u{1107}\u{1175}"), query("서비"));
    // Half-width katakana with a separate voicing mark.
    assert_eq!(query("ｻｰﾋﾞｽ"), query("サービス"));
}

#[test]
fn apostrophes_and_dots_split_words() {
    assert_eq!(query("d'atenció"), ["d", "atencio"]);
    assert_eq!(query("l’empresa"), ["l", "empresa"]);
    assert_eq!(query("factura_2024.PDF"), ["factura", "2024", "pdf"]);
    assert_eq!(query("col·lecció"), ["colleccio"]);
    assert_eq!(query("anna@example.com"), ["anna", "example", "com"]);
}

#[test]
fn cjk_runs_become_bigrams_with_index_unigrams() {
    assert_eq!(query("サービス"), ["サー", "ービ", "ビス"]);
    assert_eq!(query("서비스를"), ["서비", "비스", "스를"]);
    assert_eq!(query("傘"), ["傘"]);
    assert_eq!(
        index("本を"),
        [
            ("本".to_string(), 0),
            ("本を".to_string(), 0),
            ("を".to_string(), 1)
        ]
    );
}

#[test]
fn positions_are_consistent_across_scripts() {
    let toks = index("Tend의 サービス ok");
    let pos = |t: &str| toks.iter().find(|(x, _)| x == t).map(|(_, p)| *p);
    assert_eq!(pos("tend"), Some(0));
    assert_eq!(pos("의"), Some(1));
    assert_eq!(pos("サー"), Some(2));
    assert_eq!(pos("ビス"), Some(4));
    assert_eq!(pos("ok"), Some(6));
}

#[test]
fn offsets_point_into_the_source_text() {
    let text = "Ārā サービス";
    let mut out = Vec::new();
    analyze(text, Mode::Index, &mut out);
    for t in &out {
        assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
    }
    assert_eq!(&text[out[0].offset_from..out[0].offset_to], "Ārā");
    let bigram = out
        .iter()
        .find(|t| t.text == "ビス")
        .map(|t| &text[t.offset_from..t.offset_to]);
    assert_eq!(bigram, Some("ビス"));
}

#[test]
fn one_tokenizer_gives_each_text_exactly_its_own_tokens() {
    // The stream reuses the previous text's tokens: a long text, then
    // shorter ones, must not leave anything of the one before.
    let texts = [
        "Labdien! Rēķins Nr. 42 nav pienācis; サービスを停止 서비스를 col·lecció",
        "傘",
        "",
        "Kvalitāte",
        "本を読む and more words than before ok",
    ];
    let mut tokenizer = TendTokenizer::for_index();
    for text in texts {
        let mut fresh = Vec::new();
        analyze(text, Mode::Index, &mut fresh);
        let mut stream = tokenizer.token_stream(text);
        let mut got = Vec::new();
        while stream.advance() {
            got.push(stream.token().clone());
        }
        assert_eq!(got, fresh, "{text}");
    }
}

#[test]
fn punctuation_and_long_tokens_are_skipped() {
    assert!(query("... !!! ---").is_empty());
    let long = "a".repeat(200);
    assert_eq!(index(&format!("{long} b")), [("b".to_string(), 1)]);
}
