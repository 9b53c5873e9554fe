//! Recall in the five languages Tend's customers write in, plus phrases,
//! exclusions, filters, access restrictions, snippets and malformed input,
//! on a real (in-memory) index.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tend_search::{ConversationDoc, MessageDoc, SearchIndex, SearchOptions, parse, query};

const DAY: i64 = 86_400_000;

fn msg(id: i64, text: &str) -> MessageDoc {
    MessageDoc {
        id,
        text: text.into(),
        internal: false,
        attachments: vec![],
        created_at: query::day_start_ms("2024-03-10").unwrap() + id * 1000,
        side: false,
    }
}

fn conv(id: i64, subject: &str, messages: Vec<MessageDoc>) -> ConversationDoc {
    ConversationDoc {
        id,
        inbox_id: 1,
        subject: subject.into(),
        status: "open".into(),
        assignee_id: None,
        tags: vec![],
        customer_name: None,
        customer_emails: vec![format!("customer{id}@example.com")],
        messages,
    }
}

fn corpus() -> Vec<ConversationDoc> {
    let mut ko = conv(
        1,
        "결제 오류",
        vec![msg(
            11,
            "서비스를 이용할 수 없습니다. 환불을 요청합니다. 돈을 돌려주세요.",
        )],
    );
    ko.customer_name = Some("김민수".into());
    ko.customer_emails = vec!["minsu.kim@example.kr".into()];
    ko.status = "new".into();

    let mut ja = conv(
        2,
        "請求書の件",
        vec![msg(
            21,
            "サービスをご利用いただきありがとうございます。ログインできません。傘を忘れました。",
        )],
    );
    ja.tags = vec!["請求".into(), "vip".into()];

    let mut lv = conv(
        3,
        "Kvalitāte",
        vec![msg(
            31,
            "Pakalpojuma kvalitāte ir slikta, lūdzu atmaksājiet naudu.",
        )],
    );
    lv.customer_name = Some("Jānis Bērziņš".into());
    lv.customer_emails = vec!["janis@example.lv".into(), "j.berzins@pasts.lv".into()];
    lv.assignee_id = Some(7);
    lv.inbox_id = 2;

    let mut ca = conv(
        4,
        "Servei d’atenció al client",
        vec![msg(
            41,
            "L'empresa no respon. Vull parlar amb l'equip d'atenció. La col·lecció és incompleta.",
        )],
    );
    ca.status = "pending".into();

    let mut en = conv(
        5,
        "Printer jam",
        vec![
            msg(51, "The printer shows a paper jam error since Monday."),
            MessageDoc {
                internal: true,
                ..msg(
                    52,
                    "Customer is on the platinum plan, escalate. <script>x</script>",
                )
            },
        ],
    );
    en.status = "solved".into();
    en.assignee_id = Some(8);
    en.messages[0].created_at = query::day_start_ms("2024-02-01").unwrap();

    let mixed = conv(
        6,
        "iPhone 15 画面が割れた",
        vec![msg(61, "iPhone15の画面が割れました。Wi-Fi도 안 돼요.")],
    );

    let mut file = conv(7, "Factura", vec![msg(71, "Adjunto la factura.")]);
    file.messages[0].attachments = vec!["factura_2024_març.pdf".into()];
    vec![ko, ja, lv, ca, en, mixed, file]
}

fn index() -> SearchIndex {
    let idx = SearchIndex::open_in_ram().unwrap();
    let mut w = idx.writer(1, 20_000_000).unwrap();
    for c in corpus() {
        w.replace_conversation(&c).unwrap();
    }
    w.commit("test").unwrap();
    idx.reload().unwrap();
    idx
}

fn found_with(idx: &SearchIndex, q: &str, opts: &SearchOptions) -> Vec<i64> {
    let mut ids: Vec<i64> = idx
        .search(&parse(q), opts)
        .unwrap()
        .into_iter()
        .map(|h| h.conversation_id)
        .collect();
    ids.sort_unstable();
    ids
}

fn found(idx: &SearchIndex, q: &str) -> Vec<i64> {
    found_with(idx, q, &SearchOptions::default())
}

fn check(idx: &SearchIndex, cases: &[(&str, &[i64])]) {
    for (q, expected) in cases {
        assert_eq!(found(idx, q), expected.to_vec(), "query {q:?}");
    }
}

#[test]
fn korean_words_are_found_without_their_particles() {
    let idx = index();
    check(
        &idx,
        &[
            ("서비스", &[1]),
            ("서비스를", &[1]),
            ("환불", &[1]),
            ("이용", &[1]),
            ("돈", &[1]),
            ("결제", &[1]),
            ("김민수", &[1]),
            ("서비스 환불", &[1]),
            ("서비스 로그인", &[]),
        ],
    );
}

#[test]
fn japanese_without_spaces_is_found() {
    let idx = index();
    check(
        &idx,
        &[
            ("サービス", &[2]),
            ("ログイン", &[2]),
            ("請求書", &[2]),
            ("請求", &[2]),
            ("傘", &[2]),
            ("ご利用", &[2]),
            ("ｻｰﾋﾞｽ", &[2]),
            ("サービス 傘", &[2]),
            ("ビスケット", &[]),
        ],
    );
}

#[test]
fn accented_and_unaccented_spellings_match_both_ways() {
    let idx = index();
    check(
        &idx,
        &[
            ("kvalitate", &[3]),
            ("Kvalitāte", &[3]),
            ("KVALITĀTE", &[3]),
            ("atmaksajiet", &[3]),
            ("lūdzu", &[3]),
            ("berzins", &[3]),
            ("Bērziņš", &[3]),
            ("kvalitate naudu", &[3]),
            ("atencio", &[4]),
        ],
    );
}

#[test]
fn catalan_apostrophes_and_middle_dots() {
    let idx = index();
    check(
        &idx,
        &[
            ("atenció", &[4]),
            ("d'atenció", &[4]),
            ("d’atenció", &[4]),
            ("empresa", &[4]),
            ("l'empresa", &[4]),
            ("equip", &[4]),
            ("col·lecció", &[4]),
            ("colleccio", &[4]),
        ],
    );
}

#[test]
fn english_words_and_exact_phrases() {
    let idx = index();
    check(
        &idx,
        &[
            ("printer", &[5]),
            ("PRINTER Jam", &[5]),
            ("\"paper jam\"", &[5]),
            ("\"jam paper\"", &[]),
            ("\"paper error\"", &[]),
            ("paper error", &[5]),
            ("\"Printer jam\"", &[5]),
            ("\"画面が割れ\"", &[6]),
            ("\"割れ画面\"", &[]),
            ("“paper jam”", &[5]),
        ],
    );
}

#[test]
fn mixed_scripts_and_file_names() {
    let idx = index();
    check(
        &idx,
        &[
            ("iphone 画面", &[6]),
            ("iPhone15", &[6]),
            ("割れ", &[6]),
            ("wi-fi", &[6]),
            ("factura", &[7]),
            ("pdf", &[7]),
            ("marc", &[7]),
            ("factura_2024_març.pdf", &[7]),
        ],
    );
}

#[test]
fn exclusions_remove_matches() {
    let idx = index();
    check(
        &idx,
        &[
            ("printer -monday", &[]),
            ("printer -tuesday", &[5]),
            ("printer -\"paper jam\"", &[]),
            ("printer -status:solved", &[]),
            (
                "-printer -サービス -서비스 -kvalitate -atenció -factura",
                &[6],
            ),
        ],
    );
}

#[test]
fn filters_restrict_results() {
    let idx = index();
    let me = SearchOptions {
        me: Some(8),
        ..SearchOptions::default()
    };
    check(
        &idx,
        &[
            ("status:new", &[1]),
            ("status:open,pending", &[2, 3, 4, 6, 7]),
            ("status:pending atenció", &[4]),
            ("status:solved atenció", &[]),
            ("tag:VIP", &[2]),
            ("tag:請求 サービス", &[2]),
            ("from:example.lv", &[3]),
            ("from:@pasts.lv", &[3]),
            ("from:JANIS@example.lv", &[3]),
            ("from:Bērziņš", &[3]),
            ("from:nobody@example.lv", &[]),
            ("assignee:7", &[3]),
            ("assignee:none status:new", &[1]),
            ("inbox:2", &[3]),
            ("inbox:1,2 kvalitate", &[3]),
            ("before:2024-03-01", &[5]),
            ("after:2024-03-01 printer", &[5]),
            ("after:2024-03-11", &[]),
        ],
    );
    assert_eq!(found_with(&idx, "assignee:me", &me), vec![5]);
    assert_eq!(
        found(&idx, "assignee:me"),
        Vec::<i64>::new(),
        "nobody is me without a user"
    );
}

#[test]
fn access_restrictions_and_internal_notes() {
    let idx = index();
    let only_inbox_1 = SearchOptions {
        inboxes: Some(vec![1]),
        ..SearchOptions::default()
    };
    assert_eq!(
        found_with(&idx, "kvalitate", &only_inbox_1),
        Vec::<i64>::new()
    );
    assert_eq!(found_with(&idx, "printer", &only_inbox_1), vec![5]);
    let nothing = SearchOptions {
        inboxes: Some(vec![]),
        ..SearchOptions::default()
    };
    assert!(found_with(&idx, "printer", &nothing).is_empty());

    assert_eq!(found(&idx, "platinum"), vec![5]);
    let customer = SearchOptions {
        include_internal: false,
        ..SearchOptions::default()
    };
    assert!(found_with(&idx, "platinum", &customer).is_empty());
    assert_eq!(found_with(&idx, "printer", &customer), vec![5]);
}

#[test]
fn hits_have_highlighted_escaped_snippets_one_per_conversation() {
    let idx = index();
    // The subject is on every message; the body words must share a message.
    let hits = idx
        .search(&parse("printer escalate"), &SearchOptions::default())
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].message_id, Some(52));
    assert!(found(&idx, "paper escalate").is_empty());

    let hits = idx
        .search(&parse("printer"), &SearchOptions::default())
        .unwrap();
    assert_eq!(
        hits.len(),
        1,
        "two messages match, one conversation: {hits:?}"
    );
    assert!(hits[0].score > 0.0);
    assert_eq!(hits[0].message_id, Some(51), "the body match ranks first");
    assert!(
        hits[0].snippet.contains("<mark>printer</mark>"),
        "{}",
        hits[0].snippet
    );

    let hits = idx
        .search(&parse("platinum"), &SearchOptions::default())
        .unwrap();
    assert!(
        hits[0].snippet.contains("&lt;script&gt;"),
        "{}",
        hits[0].snippet
    );
    assert!(!hits[0].snippet.contains("<script>"));

    let hits = idx
        .search(&parse("サービス"), &SearchOptions::default())
        .unwrap();
    assert!(
        hits[0].snippet.contains("<mark>サービス</mark>"),
        "{}",
        hits[0].snippet
    );

    // Filters only: newest first, a snippet from the text.
    let hits = idx
        .search(&parse("status:new"), &SearchOptions::default())
        .unwrap();
    assert_eq!(hits[0].score, 0.0);
    assert!(
        hits[0].snippet.starts_with("서비스를"),
        "{}",
        hits[0].snippet
    );
}

#[test]
fn ranking_prefers_more_relevant_conversations() {
    let idx = SearchIndex::open_in_ram().unwrap();
    let mut w = idx.writer(1, 20_000_000).unwrap();
    w.replace_conversation(&conv(
        1,
        "Hello",
        vec![msg(1, "refund refund refund please")],
    ))
    .unwrap();
    w.replace_conversation(&conv(
        2,
        "Hello",
        vec![msg(
            2,
            "a long message about many things, one of which is a refund, among others",
        )],
    ))
    .unwrap();
    w.commit("").unwrap();
    idx.reload().unwrap();
    let hits = idx
        .search(&parse("refund"), &SearchOptions::default())
        .unwrap();
    assert_eq!(
        hits.iter().map(|h| h.conversation_id).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert!(hits[0].score > hits[1].score);
}

#[test]
fn malformed_queries_never_fail() {
    let idx = index();
    for q in [
        "status:bogus",
        "\"unclosed printer",
        "((((",
        "-",
        "- -",
        "before:2024-99-99",
        "assignee:",
        "inbox:abc",
        "\"\"",
        "tag:",
        "from:@",
        "::::",
        "\u{0}\u{FFFF}",
        "a\"b\"c\"",
        "\u{3099}\u{309A}",
        "-\"\"",
    ] {
        assert!(
            idx.search(&parse(q), &SearchOptions::default()).is_ok(),
            "{q:?}"
        );
    }
    // Searched literally: the words are still found.
    assert_eq!(found(&idx, "\"unclosed printer"), Vec::<i64>::new());
    assert_eq!(found(&idx, "\"printer"), vec![5]);
    assert_eq!(found(&idx, "status:bogus"), Vec::<i64>::new());
    assert!(found(&idx, "((((").is_empty());
}

#[test]
fn replays_are_idempotent_and_commits_carry_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    {
        let idx = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(idx.payload().unwrap(), None);
        let mut w = idx.writer(1, 20_000_000).unwrap();
        let c = conv(1, "Hello", vec![msg(1, "first"), msg(2, "second")]);
        w.replace_conversation(&c).unwrap();
        w.upsert_messages(&c).unwrap();
        w.upsert_messages(&conv(1, "Hello", vec![msg(2, "second, edited")]))
            .unwrap();
        w.replace_conversation(&c).unwrap();
        w.commit("cursor=42").unwrap();
        // Written but not committed: lost when the process dies.
        w.upsert_messages(&conv(1, "Hello", vec![msg(3, "third")]))
            .unwrap();
        drop(w);
        idx.reload().unwrap();
        assert_eq!(idx.all_message_ids().unwrap(), vec![1, 2]);
    }
    let idx = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(idx.payload().unwrap().as_deref(), Some("cursor=42"));
    assert_eq!(idx.count_message(1).unwrap(), 1);
    assert_eq!(idx.count_message(3).unwrap(), 0);
    assert!(
        idx.writer(1, 20_000_000).is_ok(),
        "the lock died with the writer"
    );
    let _w = idx.writer(1, 20_000_000).unwrap();
    assert!(matches!(
        idx.writer(1, 20_000_000),
        Err(tend_search::Error::Locked)
    ));
}

#[test]
fn days_are_utc() {
    assert_eq!(
        query::day_start_ms("2024-03-02").unwrap() - query::day_start_ms("2024-03-01").unwrap(),
        DAY
    );
}

#[test]
fn only_the_start_of_a_huge_message_is_indexed() {
    // 40 KB of pasted log between the customer's words and a word at the end.
    let text = format!(
        "Refund please, the invoice is wrong.\n{}\nzanzibarquokka",
        "log line without meaning\n".repeat(1_600)
    );
    let idx = SearchIndex::open_in_ram().unwrap();
    let mut w = idx.writer(1, 20_000_000).unwrap();
    w.replace_conversation(&conv(1, "Long mail", vec![msg(1, &text)]))
        .unwrap();
    w.commit("test").unwrap();
    idx.reload().unwrap();
    check(&idx, &[("refund invoice", &[1]), ("zanzibarquokka", &[])]);
}
