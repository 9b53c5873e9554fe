//! The templates' unit tests: positions, names, filters, Unicode.

use super::filters::truncate;
use super::*;

fn vars() -> Vars {
    Vars {
        customer_name: Some("Anna Bērziņa".into()),
        customer_email: Some("anna@example.lv".into()),
        conversation_id: Some("42".into()),
        conversation_subject: Some("Rēķins".into()),
        agent_name: Some("Jordi Puig".into()),
        ..Vars::default()
    }
}

fn render(t: &str, v: &Vars) -> String {
    parse("text", t).expect("parses").render(v)
}

fn message(t: &str) -> String {
    match parse("text", t) {
        Err(Error::Invalid { field, message }) => {
            assert_eq!(field, "text");
            message
        }
        other => panic!("expected a 422, got {other:?}"),
    }
}

#[test]
fn placeholders_render_with_filters() {
    let v = vars();
    assert_eq!(
        render(
            "Labdien, {{ customer.first_name }}! #{{conversation.id}}",
            &v
        ),
        "Labdien, Anna! #42"
    );
    assert_eq!(render("{{ customer.name | upper }}", &v), "ANNA BĒRZIŅA");
    assert_eq!(render("{{ customer.name | lower }}", &v), "anna bērziņa");
    assert_eq!(
        render("{{ team.name | default(\"mūsu komanda\") }}", &v),
        "mūsu komanda"
    );
    assert_eq!(render("[{{ team.name }}]", &v), "[]");
    assert_eq!(
        render("{{ agent.first_name | upper | truncate(3) }}", &v),
        "JO…"
    );
    assert_eq!(
        render("Plain text, no braces }} here", &v),
        "Plain text, no braces }} here"
    );
}

#[test]
fn default_fills_blank_values_and_takes_escaped_quotes() {
    let v = Vars {
        customer_name: Some("   ".into()),
        ..Vars::default()
    };
    assert_eq!(
        render(r#"{{ customer.name | default("say \"hi\"") }}"#, &v),
        "say \"hi\""
    );
    assert_eq!(
        render(r#"{{customer.first_name|default("klient")}}"#, &v),
        "klient"
    );
}

#[test]
fn escaped_braces_are_literal() {
    assert_eq!(
        render(r"Type \{{ name }} to …", &vars()),
        "Type {{ name }} to …"
    );
    assert_eq!(render(r"a\b", &vars()), r"a\b");
}

#[test]
fn values_are_never_parsed_again() {
    let v = Vars {
        customer_name: Some("{{ agent.email }} \\{{x".into()),
        agent_email: Some("secret@desk".into()),
        ..Vars::default()
    };
    assert_eq!(render("{{ customer.name }}", &v), "{{ agent.email }} \\{{x");
}

#[test]
fn unicode_names_and_case() {
    let ja = Vars {
        customer_name: Some("山田太郎".into()),
        ..Vars::default()
    };
    assert_eq!(render("{{ customer.first_name }}様", &ja), "山田太郎様");
    assert_eq!(
        render("{{ customer.name | upper | capitalize }}", &ja),
        "山田太郎"
    );
    let ja_spaced = Vars {
        customer_name: Some("山田　太郎".into()), // ideographic space
        ..Vars::default()
    };
    assert_eq!(render("{{ customer.first_name }}", &ja_spaced), "山田");
    let ko = Vars {
        customer_name: Some("김민준".into()),
        ..Vars::default()
    };
    assert_eq!(
        render("{{ customer.first_name | upper }} 님", &ko),
        "김민준 님"
    );
    let ca = Vars {
        customer_name: Some("  col·laboradora Núria ".into()),
        ..Vars::default()
    };
    assert_eq!(
        render("{{ customer.name | trim | upper }}", &ca),
        "COL·LABORADORA NÚRIA"
    );
    assert_eq!(
        render("{{ customer.first_name | capitalize }}", &ca),
        "Col·laboradora"
    );
    let lv = Vars {
        customer_name: Some("ēriks āboliņš".into()),
        ..Vars::default()
    };
    assert_eq!(
        render("{{ customer.name | capitalize }}", &lv),
        "Ēriks āboliņš"
    );
}

#[test]
fn truncate_counts_characters_and_keeps_combining_marks() {
    assert_eq!(truncate("こんにちは世界", 4), "こんに…");
    assert_eq!(truncate("안녕하세요", 5), "안녕하세요");
    assert_eq!(truncate("안녕하세요", 3), "안녕…");
    // "e" + combining macron, then "x": the mark stays with its base.
    assert_eq!(truncate("ae\u{0304}xyz", 3), "a…");
    assert_eq!(truncate("abc", 0), "");
}

#[test]
fn unknown_variables_are_named_with_their_position() {
    let m = message("Hi {{ customer.frist_name }}");
    assert!(
        m.starts_with("unknown variable \"customer.frist_name\" at line 1, column 7; use customer.name, customer.first_name"),
        "{m}"
    );
    let m = message("Sveiki!\nĀbols {{x}}");
    assert!(
        m.starts_with("unknown variable \"x\" at line 2, column 9;"),
        "{m}"
    );
}

#[test]
fn filters_and_arguments_are_checked() {
    let m = message("{{ customer.name | shout }}");
    assert!(
        m.starts_with("unknown filter \"shout\" at line 1, column 20; use default"),
        "{m}"
    );
    let m = message("{{ customer.name | truncate(\"x\") }}");
    assert!(
        m.contains("filter \"truncate\" takes one whole number"),
        "{m}"
    );
    assert!(m.ends_with("at line 1, column 28"), "{m}");
    let m = message("{{ customer.name | default }}");
    assert!(m.contains("filter \"default\" takes one text"), "{m}");
    let m = message("{{ customer.name | upper(1) }}");
    assert!(m.contains("takes no arguments"), "{m}");
    let m = message("{{ customer.name | default(\"x) }}");
    assert!(m.starts_with("unclosed text"), "{m}");
}

#[test]
fn unclosed_placeholders_are_named() {
    assert_eq!(
        message("Dear {{ customer.name"),
        "unclosed \"{{\" at line 1, column 6"
    );
    assert_eq!(
        message("ok\n  {{ customer.name\n}}"),
        "unclosed \"{{\" at line 2, column 3"
    );
    assert_eq!(message("{{"), "unclosed \"{{\" at line 1, column 1");
    assert!(message("{{ }}").starts_with("a variable name is missing at line 1, column 4"));
    assert!(message("{{ customer.name customer.email }}").starts_with("unexpected 'c'"));
}

#[test]
fn localized_picks_exact_then_primary_then_text() {
    let lt = LocalizedText {
        text: "Hello {{ customer.first_name }}".into(),
        translations: [
            ("ja".to_string(), "{{ customer.name }}様".to_string()),
            ("pt-BR".to_string(), "Olá".to_string()),
            ("lv".to_string(), "Labdien".to_string()),
        ]
        .into(),
    };
    let l = Localized::parse("", &lt).expect("parses");
    let v = vars();
    assert_eq!(l.pick(Some("ja")).render(&v), "Anna Bērziņa様");
    assert_eq!(l.choose(Some("ja-JP")).0, Some("ja"));
    assert_eq!(l.choose(Some("pt-br")).0, Some("pt-br"));
    assert_eq!(l.pick(Some("pt")).render(&v), "Hello Anna");
    assert_eq!(l.pick(Some("lv-LV")).render(&v), "Labdien");
    assert_eq!(l.choose(Some("de")), (None, l.pick(None)));
}

#[test]
fn localized_names_the_translation_at_fault() {
    let lt = LocalizedText {
        text: "ok".into(),
        translations: [("ko".to_string(), "{{ nope }}".to_string())].into(),
    };
    match Localized::parse("actions[0]", &lt) {
        Err(Error::Invalid { field, message }) => {
            assert_eq!(field, "actions[0].translations.ko");
            assert!(
                message.contains("\"nope\" at line 1, column 4"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let lt = LocalizedText {
        text: "ok".into(),
        translations: [("日本".to_string(), "x".to_string())].into(),
    };
    match Localized::parse("", &lt) {
        Err(Error::Invalid { field, .. }) => assert_eq!(field, "translations"),
        other => panic!("{other:?}"),
    }
}
