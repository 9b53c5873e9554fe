//! Every fixture in tests/fixtures (written by make_fixtures.py) must land
//! the way a human reader expects: exact subject, sender, body text,
//! attachment names and bytes, and the right classification.

use sha2::{Digest, Sha256};
use tend_mail::{AutoReason, InboundMessage, parse, split_reply_parts, thread_keys};

const PDF: &str = "db8743a8b554d3b61765980180b78784d94ecd4ac09ccbdebba147523269c5ee";
const XLSX: &str = "f4e39c0c7689f05d664c25dd3549f434840579731f0940a29a94521ead3aa2ca";
const DOCX: &str = "7dae4e8227a30577d9d92b4fb831fdaff7da3acb55ccd46221a9543d95ee4732";
const PNG: &str = "c06303dd848a80e9e774747ca5f185ba68129bb55e4842c72ed477340fc8100c";
const TNEF: &str = "3ce7de6c6d39566d3ef5cf84e036e7a75ffab9618c7ffb6c1bfc9ec31ff12f31";
const TNEF_OUTLOOK: &str = "bacb90810048e3a3205a70d5e3d93cc100e8119c3906d1f3ec5ac4eaa460d609";
const SJIS_MEMO: &str = "fab0619a75df1c107bc9de7c5ee8357266a7a851b7f8a2bd36681cf04d3e4432";
const LV_TXT: &str = "cdf4796cb6b23e4dce9471eaf816b29ebbc6590109ba466bcca5ef2f4782d2dc";
const FWD_INNER: &str = "c6f7059241208dc62d3e4368e0552e850b592e403fc820e424ba109785707533";
const DSN_ORIGINAL: &str = "b48935a272b997ed7076fdf9558f42916ab020e7c34a74c9bbb18e0c206eb031";

fn raw(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}.eml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> InboundMessage {
    parse(&raw(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What a reader sees of one human-written message.
struct Seen<'a> {
    fixture: &'a str,
    subject: &'a str,
    name: Option<&'a str>,
    address: &'a str,
    text: &'a str,
}

fn assert_seen(seen: &Seen<'_>) -> InboundMessage {
    let m = load(seen.fixture);
    let from = m
        .from
        .as_ref()
        .unwrap_or_else(|| panic!("{}: no From", seen.fixture));
    assert_eq!(m.subject, seen.subject, "{}: subject", seen.fixture);
    assert_eq!(
        from.name.as_deref(),
        seen.name,
        "{}: sender name",
        seen.fixture
    );
    assert_eq!(
        from.address, seen.address,
        "{}: sender address",
        seen.fixture
    );
    assert_eq!(m.text, seen.text, "{}: body", seen.fixture);
    assert!(
        !m.classification.is_auto_generated(),
        "{}: {:?}",
        seen.fixture,
        m.classification
    );
    assert!(!m.subject.contains('\u{FFFD}') && !m.text.contains('\u{FFFD}'));
    m
}

fn attachment_summary(m: &InboundMessage) -> Vec<(Option<&str>, &str, String, bool)> {
    m.attachments
        .iter()
        .map(|a| {
            (
                a.filename.as_deref(),
                a.content_type.as_str(),
                sha(&a.bytes),
                a.inline,
            )
        })
        .collect()
}

#[test]
fn japanese_charsets() {
    let m = assert_seen(&Seen {
        fixture: "ja_iso2022jp",
        subject: "【至急】プリンターが印刷できません。更新後からエラーが表示されます",
        name: Some("山田 太郎"),
        address: "taro.yamada@example.jp",
        text: "サポートご担当者様\n\nいつもお世話になっております。\n昨日の更新後、プリンターが印刷できなくなりました。\n\n山田",
    });
    assert!(m.notes.is_empty(), "{:?}", m.notes);
    assert_eq!(m.message_id.as_deref(), Some("ja-2022@example.jp"));
    // Mon, 08 Jan 2024 10:00:00 +0900
    assert_eq!(m.date, Some(1_704_675_600));
    assert_eq!(m.to[0].address, "support@tend.example");

    // Shift_JIS decoded as CP932: ①, ～, ㈱ and 髙 are not in JIS X 0208.
    let m = assert_seen(&Seen {
        fixture: "ja_shift_jis",
        subject: "①請求書の件～㈱テスト",
        name: Some("髙橋 一郎"),
        address: "takahashi@example.co.jp",
        text: "髙橋です。\n①請求書 ～ ㈱テスト宛\n②金額：１０，０００円",
    });
    assert!(m.notes.is_empty(), "{:?}", m.notes);

    assert_seen(&Seen {
        fixture: "ja_euc_jp",
        subject: "お問い合わせ：ログインできません",
        name: Some("佐藤 花子"),
        address: "hanako@example.jp",
        text: "ログインできません。\nパスワードを再設定しても同じです。",
    });

    // UTF-8 encoded words split every 20 bytes, i.e. inside characters.
    assert_seen(&Seen {
        fixture: "ja_utf8_split_words",
        subject: "ご注文の商品が届いていません。至急ご確認をお願いいたします。",
        name: Some("中村 さくら"),
        address: "sakura@example.jp",
        text: "注文番号 A-1029 の商品がまだ届いていません。",
    });
}

#[test]
fn korean_charsets() {
    assert_seen(&Seen {
        fixture: "ko_euc_kr",
        subject: "문의: 주문이 도착하지 않았습니다",
        name: Some("김민수"),
        address: "minsu.kim@example.kr",
        text: "안녕하세요.\n주문한 상품이 아직 도착하지 않았습니다.\n확인 부탁드립니다.",
    });
    // ks_c_5601-1987 decoded as CP949: 똠 and 뷁 exist only in UHC.
    let m = assert_seen(&Seen {
        fixture: "ko_ks_c_5601",
        subject: "환불 요청드립니다 (똠양꿍 주문)",
        name: Some("이서연"),
        address: "seoyeon@example.kr",
        text: "똠양꿍을 주문했는데 뷁 소리가 나는 상자가 왔습니다.\n환불 부탁드립니다.",
    });
    assert!(m.notes.is_empty(), "{:?}", m.notes);
}

#[test]
fn latvian_charsets() {
    assert_seen(&Seen {
        fixture: "lv_iso8859_13",
        subject: "Rēķins nav saņemts",
        name: Some("Jānis Bērziņš"),
        address: "janis@example.lv",
        text: "Labdien!\n\nEs vēl neesmu saņēmis rēķinu par janvāri.\nLūdzu, nosūtiet to vēlreiz.\n\nAr cieņu,\nJānis",
    });
    assert_seen(&Seen {
        fixture: "lv_windows1257",
        subject: "Paroles maiņa — kļūda",
        name: Some("Līga Ozoliņa"),
        address: "liga@example.lv",
        text: "Sveiki,\nmainot paroli, parādās kļūda „Nederīgs žetons”.\nLīga",
    });
}

#[test]
fn catalan_charsets() {
    assert_seen(&Seen {
        fixture: "ca_iso8859_1",
        subject: "Sol·licitud de devolució",
        name: Some("Jordi Puig i Català"),
        address: "jordi@example.cat",
        text: "Bon dia,\n\nVoldria sol·licitar la devolució de la comanda núm. 4521.\nGràcies per l'atenció.\n\nJordi",
    });
    assert_seen(&Seen {
        fixture: "ca_iso8859_15",
        subject: "Factura de 120 € incorrecta",
        name: Some("Núria Ferrer"),
        address: "nuria@example.cat",
        text: "Hola,\nla factura diu 120 € però vaig pagar 100 €.\nSalutacions,\nNúria",
    });
}

#[test]
fn english_charsets() {
    let m = assert_seen(&Seen {
        fixture: "en_utf8_qp",
        subject: "Printer stopped working after update",
        name: Some("Ann Smith"),
        address: "ann.smith@example.com",
        text: "Hello,\n\nMy printer stopped working after the update — can you help?\n\nThanks,\nAnn",
    });
    assert_eq!(m.cc.len(), 1);
    assert_eq!(m.cc[0].name.as_deref(), Some("Bob Jones"));
    assert_eq!(m.cc[0].address, "bob@example.com");
    assert_eq!(m.html, None);
    assert!(m.attachments.is_empty());

    assert_seen(&Seen {
        fixture: "en_windows1252",
        subject: "“Smart quotes” — billing question",
        name: Some("Zoë O’Brien"),
        address: "zoe@example.ie",
        text: "Hi,\nI was charged €49 twice – see “Invoice 77”.\nZoë",
    });
    // UTF-7: a base64 run ended by a space keeps the space.
    assert_seen(&Seen {
        fixture: "en_utf7",
        subject: "Café ☕ order",
        name: Some("Mark Lee"),
        address: "mark@example.com",
        text: "Hello,\nI ordered a café latte ☕ but got tea.\nMark",
    });
}

#[test]
fn raw_8bit_headers() {
    let m = assert_seen(&Seen {
        fixture: "raw_8bit_sjis",
        subject: "見積もりのお願い",
        name: Some("鈴木 一郎"),
        address: "suzuki@example.jp",
        text: "見積もりをお願いします。\n鈴木",
    });
    assert_eq!(
        attachment_summary(&m),
        [(
            Some("見積書.pdf"),
            "application/pdf",
            PDF.to_string(),
            false
        )]
    );
    assert_eq!(m.notes, ["raw 8-bit header bytes decoded as Shift_JIS"]);

    // RFC 6532 UTF-8 headers are not a fallback: no note.
    let m = assert_seen(&Seen {
        fixture: "raw_8bit_utf8",
        subject: "Pārskats par 2024. gadu",
        name: Some("Kārlis Liepa"),
        address: "karlis@example.lv",
        text: "Pielikumā pārskats.",
    });
    assert!(m.notes.is_empty(), "{:?}", m.notes);
}

#[test]
fn unknown_and_missing_charsets_fall_back_with_notes() {
    let m = assert_seen(&Seen {
        fixture: "unknown_charset",
        subject: "Café crème",
        name: Some("Chef"),
        address: "chef@example.fr",
        text: "Le café crème était froid. Je voudrais être remboursé, s'il vous plaît.",
    });
    assert_eq!(
        m.notes,
        [
            "unknown charset x-bar; decoded as windows-1252",
            "unknown charset x-foo; decoded as windows-1252",
        ]
    );

    let m = assert_seen(&Seen {
        fixture: "no_charset_euc_kr",
        subject: "Order",
        name: Some("Park"),
        address: "park@example.kr",
        text: "안녕하세요. 지난주에 주문한 노트북이 아직 배송되지 않았습니다. 배송 상황을 알려주시면 감사하겠습니다.",
    });
    assert_eq!(m.notes, ["no charset declared; decoded as EUC-KR"]);
}

#[test]
fn rfc2231_filenames_and_attachment_bytes() {
    let m = assert_seen(&Seen {
        fixture: "rfc2231_filenames",
        subject: "Faili",
        name: Some("Kārlis Liepa"),
        address: "karlis@example.lv",
        text: "Pielikumā pieci faili.",
    });
    assert_eq!(
        attachment_summary(&m),
        [
            // UTF-8 continuations split inside characters.
            (
                Some("請求書_2024年1月.pdf"),
                "application/pdf",
                PDF.into(),
                false
            ),
            // Shift_JIS continuations: the charset is only on section 0.
            (
                Some("見積書①.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                XLSX.into(),
                false
            ),
            // A text attachment keeps its own bytes (ISO-8859-13, QP).
            (Some("Rēķins.txt"), "text/plain", LV_TXT.into(), false),
            // Outlook: an encoded word in Content-Type name, no filename.
            (
                Some("Līgums (galīgais).docx"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                DOCX.into(),
                false
            ),
            // Shift_JIS file content is stored as sent, not converted.
            (Some("メモ.txt"), "text/plain", SJIS_MEMO.into(), false),
        ]
    );
    assert!(m.notes.is_empty(), "{:?}", m.notes);
}

#[test]
fn inline_image_and_sanitised_html() {
    let m = assert_seen(&Seen {
        fixture: "inline_image_html",
        subject: "로그인 문제",
        name: Some("박지훈"),
        address: "jihoon@example.kr",
        text: "안녕하세요, 로그인 문제가 있습니다.",
    });
    assert_eq!(
        attachment_summary(&m),
        [(Some("logo.png"), "image/png", PNG.into(), true)]
    );
    assert_eq!(
        m.attachments[0].content_id.as_deref(),
        Some("logo@example.kr")
    );
    let html = m.html.as_deref().unwrap_or_default();
    assert_eq!(
        html,
        "<p>안녕하세요, <b>로그인</b> 문제가 있습니다.</p>\
         <p><img src=\"cid:logo@example.kr\" alt=\"logo\"></p>\
         <img data-tend-src=\"https://tracker.example/pixel.gif?u=1&amp;m=2\" width=\"1\" height=\"1\">\
         <a rel=\"noopener noreferrer\">클릭</a> \
         <a href=\"https://help.example.kr/faq\" rel=\"noopener noreferrer\">FAQ</a><img>"
    );
    assert_eq!(tend_mail::sanitize_html(html), html, "a fixed point");
    let served = tend_mail::sanitize_html_linking(html, &[("logo@example.kr", 9)]);
    assert!(served.contains("<img src=\"/api/v1/attachments/9\" alt=\"logo\">"));
    assert_eq!(tend_mail::sanitize_html(&served), served, "a fixed point");
}

#[test]
fn html_only_mail_gets_text_and_quote_split() {
    let m = assert_seen(&Seen {
        fixture: "ca_html_only",
        subject: "Re: Connexió [#77]",
        name: Some("Marta Vidal"),
        address: "marta@example.cat",
        text: "Gràcies, ja funciona.\n\nEl dl., 8 de gen. 2024 a les 10:00, Suport <suport@tend.example> va escriure:\n> Reinicieu l'encaminador, si us plau.",
    });
    assert!(m.html.is_some());
    let parts = m.reply_parts();
    assert_eq!(parts.new_text, "Gràcies, ja funciona.");
    assert_eq!(
        parts.quoted.as_deref(),
        Some(
            "El dl., 8 de gen. 2024 a les 10:00, Suport <suport@tend.example> va escriure:\n> Reinicieu l'encaminador, si us plau."
        )
    );
    let keys = thread_keys(&m);
    assert_eq!(keys.in_reply_to.as_deref(), Some("77-out-1@tend.example"));
    assert_eq!(keys.subject_token, Some(77));
}

#[test]
fn forwarded_message_is_an_attachment_with_readable_text() {
    let m = assert_seen(&Seen {
        fixture: "forward_rfc822",
        subject: "Fwd: 配送について",
        name: Some("Kenji Ito"),
        address: "kenji@example.jp",
        text: "転送します。発送日が間違っています。",
    });
    assert_eq!(
        attachment_summary(&m),
        [(
            Some("配送について.eml"),
            "message/rfc822",
            FWD_INNER.into(),
            false
        )]
    );
    let inner = m.attachments[0]
        .message
        .as_deref()
        .expect("forwarded message decoded");
    assert_eq!(inner.subject, "配送について");
    assert_eq!(
        inner.from.as_ref().and_then(|f| f.name.as_deref()),
        Some("配送センター")
    );
    assert_eq!(inner.text, "ご注文の商品は1月10日に発送予定です。");
    assert_eq!(inner.message_id.as_deref(), Some("inner-1@shop.example.jp"));
}

/// Outlook's winmail.dat: the files inside become attachments with their
/// real names (a UTF-16 long name from the MAPI properties; a Shift_JIS
/// title), and the winmail.dat itself stays.
#[test]
fn tnef_outlook_attachments_are_unpacked() {
    let m = assert_seen(&Seen {
        fixture: "tnef_outlook_ja",
        subject: "御見積書の送付",
        name: Some("佐藤"),
        address: "sato@corp.example.jp",
        text: "見積書を添付いたします。ご確認ください。",
    });
    assert_eq!(
        attachment_summary(&m),
        [
            (
                Some("winmail.dat"),
                "application/ms-tnef",
                TNEF_OUTLOOK.into(),
                false
            ),
            (
                Some("御見積書（2026年11月）.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                XLSX.into(),
                false
            ),
            (Some("会議メモ.txt"), "text/plain", SJIS_MEMO.into(), false),
        ]
    );
    assert!(m.notes.is_empty(), "{:?}", m.notes);
}

/// A winmail.dat that is not a readable TNEF stream is kept as it came,
/// with a note for the agent.
#[test]
fn tnef_winmail_is_kept_as_an_attachment() {
    let m = assert_seen(&Seen {
        fixture: "tnef_winmail",
        subject: "Contract",
        name: Some("Outlook User"),
        address: "user@corp.example",
        text: "Please see the attached file.",
    });
    assert_eq!(
        attachment_summary(&m),
        [(
            Some("winmail.dat"),
            "application/ms-tnef",
            TNEF.into(),
            false
        )]
    );
    assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
    assert!(
        m.notes[0].starts_with("winmail.dat: the TNEF stream is damaged"),
        "{:?}",
        m.notes
    );
}

#[test]
fn delivery_status_report_is_a_bounce_of_our_message() {
    let m = load("bounce_dsn");
    assert_eq!(m.subject, "Undelivered Mail Returned to Sender");
    assert!(m.classification.is_auto_generated());
    assert!(m.classification.is_bounce());
    assert_eq!(
        m.classification.reasons,
        [
            AutoReason::AutoSubmitted("auto-replied".into()),
            AutoReason::NullReturnPath,
            AutoReason::DeliveryStatus,
        ]
    );
    assert_eq!(m.classification.code(), Some("delivery_report"));
    let bounce = m.bounce.as_ref().expect("bounce info");
    assert_eq!(
        bounce.original_message_id.as_deref(),
        Some("18d0a1b2c3d.0123456789abcdef01234567@tend.example")
    );
    assert!(bounce.is_permanent_failure());
    assert_eq!(bounce.recipients.len(), 1);
    let r = &bounce.recipients[0];
    assert_eq!(r.address.as_deref(), Some("nobody@example.com"));
    assert_eq!(r.action.as_deref(), Some("failed"));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(
        r.diagnostic.as_deref(),
        Some("smtp; 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown")
    );
    let types: Vec<&str> = m
        .attachments
        .iter()
        .map(|a| a.content_type.as_str())
        .collect();
    assert_eq!(types, ["message/delivery-status", "message/rfc822"]);
    assert_eq!(sha(&m.attachments[1].bytes), DSN_ORIGINAL);

    let m = load("bounce_headers_only");
    assert_eq!(m.classification.reasons, [AutoReason::DeliveryStatus]);
    let bounce = m.bounce.as_ref().expect("bounce info");
    assert_eq!(
        bounce.original_message_id.as_deref(),
        Some("18d0a1b2c3e.fedcba9876543210fedcba98@tend.example")
    );
    assert_eq!(
        bounce.recipients[0].address.as_deref(),
        Some("gone@corp.example")
    );
    assert_eq!(bounce.recipients[0].status.as_deref(), Some("5.2.2"));
}

#[test]
fn auto_replies_are_recognised_by_each_signal() {
    let cases: &[(&str, AutoReason)] = &[
        (
            "auto_submitted_replied",
            AutoReason::AutoSubmitted("auto-replied".into()),
        ),
        (
            "auto_submitted_generated",
            AutoReason::AutoSubmitted("auto-generated".into()),
        ),
        ("x_autoreply", AutoReason::XAutoreply),
        ("x_autorespond", AutoReason::XAutorespond),
        ("precedence_bulk", AutoReason::Precedence("bulk".into())),
        ("precedence_junk", AutoReason::Precedence("junk".into())),
        ("precedence_list", AutoReason::Precedence("list".into())),
        ("ooo_subject_en", AutoReason::OutOfOffice),
        ("ooo_subject_ja", AutoReason::OutOfOffice),
        ("ooo_header_exchange", AutoReason::OutOfOffice),
    ];
    for (fixture, reason) in cases {
        let m = load(fixture);
        assert_eq!(
            &m.classification.reasons,
            std::slice::from_ref(reason),
            "{fixture}"
        );
        assert!(m.bounce.is_none(), "{fixture}");
        assert_eq!(m.text, "I am away until Monday.", "{fixture}");
    }
    assert_eq!(load("ooo_subject_ja").subject, "自動応答: プリンターの件");
    // Auto-Submitted: no is a person.
    assert!(!load("auto_submitted_no").classification.is_auto_generated());
}

#[test]
fn malformed_and_truncated_mail_is_read_as_far_as_it_goes() {
    let m = load("malformed_truncated");
    // An unterminated encoded word stays as written.
    assert_eq!(m.subject, "=?utf-8?B?broken word");
    assert_eq!(m.text, "The attachment got cut off.");
    assert_eq!(m.attachments.len(), 1);
    let cut = &m.attachments[0];
    assert_eq!(cut.filename.as_deref(), Some("cut.pdf"));
    // 118 base64 characters survived: 88 bytes, a prefix of the real file.
    assert_eq!(cut.bytes.len(), 88);
    assert!(cut.bytes.starts_with(b"%PDF-1.4\n"));
    assert_eq!(
        m.notes,
        ["a damaged or truncated MIME part was decoded as far as it goes"]
    );

    let m = load("headers_only_no_body");
    assert_eq!(m.subject, "nothing else");
    assert_eq!(m.text, "");
    assert_eq!(m.message_id, None);
}

#[test]
fn replies_thread_and_split() {
    let m = assert_seen(&Seen {
        fixture: "reply_ja_threaded",
        subject: "Re: プリンターの件 [#42]",
        name: Some("山田 太郎"),
        address: "taro.yamada@example.jp",
        text: "ありがとうございます。直りました。\n\n-- \n山田 太郎\n\n2024年1月8日(月) 10:05 Tend Support <support@tend.example>:\n> プリンターを再起動してください。",
    });
    let keys = thread_keys(&m);
    assert_eq!(
        keys.in_reply_to.as_deref(),
        Some("18d0a1b2c3d.0123456789abcdef01234567@tend.example")
    );
    assert_eq!(keys.references, ["root-42@example.jp"]);
    assert_eq!(keys.subject_token, Some(42));
    let parts = m.reply_parts();
    assert_eq!(parts.new_text, "ありがとうございます。直りました。");
    assert_eq!(parts.signature.as_deref(), Some("-- \n山田 太郎"));
    assert_eq!(
        parts.quoted.as_deref(),
        Some(
            "2024年1月8日(月) 10:05 Tend Support <support@tend.example>:\n> プリンターを再起動してください。"
        )
    );

    let m = load("reply_lv_outlook");
    assert_eq!(m.subject, "RE: Paroles maiņa — kļūda [#51]");
    let keys = thread_keys(&m);
    assert_eq!(keys.in_reply_to, None);
    assert_eq!(keys.references, ["51-out@tend.example"]);
    assert_eq!(keys.subject_token, Some(51));
    let parts = split_reply_parts(&m.text);
    assert_eq!(parts.new_text, "Paldies, tagad strādā.");
    assert!(
        parts
            .quoted
            .as_deref()
            .is_some_and(|q| q.starts_with("-----Original Message-----\nFrom: Tend Support"))
    );
}

#[test]
fn subject_token_alone_threads_but_same_subject_does_not() {
    // A client that dropped In-Reply-To and References: only our token.
    let m = assert_seen(&Seen {
        fixture: "ca_windows1252_token_only",
        subject: "RE: [#42] La impressora no imprimeix",
        name: Some("Pere Solà"),
        address: "pere@example.cat",
        text: "Encara no funciona. L’he reiniciat dues vegades…\n\nPere",
    });
    let keys = thread_keys(&m);
    assert_eq!(keys.in_reply_to, None);
    assert!(keys.references.is_empty());
    assert_eq!(keys.subject_token, Some(42));

    // Same subject as inline_image_html, no headers, no token: no key at all.
    let m = assert_seen(&Seen {
        fixture: "ko_utf8_same_subject",
        subject: "로그인 문제",
        name: Some("박지훈"),
        address: "jihoon@example.kr",
        text: "다른 문제입니다. 결제가 두 번 되었습니다.",
    });
    assert_eq!(thread_keys(&m), tend_mail::ThreadKeys::default());
}

#[test]
fn every_fixture_parses() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "eml") {
            let bytes = std::fs::read(&path).expect("read fixture");
            let m = parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            thread_keys(&m);
            count += 1;
        }
    }
    assert!(count >= 41, "expected the whole fixture set, found {count}");
}
