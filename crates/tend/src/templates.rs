//! Text templates for what the desk writes to customers: macros, and the
//! automation's replies and notes. Pure: no IO. A template is parsed (and
//! checked) once, when it is saved, and rendered with the values of one
//! conversation ([`Vars`]).
//!
//! # Syntax
//!
//! - `{{ path }}` or `{{ path | filter | filter("argument") }}`; spaces
//!   inside the braces are optional. Everything outside is literal text.
//! - Escaping: `\{{` writes a literal `{{` (the backslash is dropped). A
//!   backslash anywhere else, and a `}}` outside a placeholder, are plain
//!   text. Inside a string argument, `\"` is a quote and `\\` a backslash.
//! - Arguments are strings in double quotes or whole numbers.
//!
//! # Variables ([`VARIABLES`])
//!
//! `customer.name`, `customer.first_name`, `customer.email`,
//! `conversation.id`, `conversation.subject`, `conversation.status`,
//! `conversation.priority`, `conversation.channel`, `conversation.language`,
//! `agent.name`, `agent.first_name`, `agent.email`, `inbox.name`,
//! `team.name`. A value may be absent (a customer without a name, a
//! conversation without a team): it renders as nothing, unless a
//! `default("…")` fills it in.
//!
//! `first_name` is the first word of the name (words are separated by
//! white space). A name without white space is kept whole: `山田太郎` or
//! `김민준` cannot be split without knowing where the family name ends, and
//! the whole name is the polite way to address the customer anyway
//! (`山田太郎様`, `김민준 님`). For a CJK name written with a space
//! (`山田 太郎`) the first word is the family name, which is also how
//! Japanese and Korean service desks address people.
//!
//! # Filters ([`FILTERS`])
//!
//! `default("text")` (when the value is absent or blank), `upper`, `lower`,
//! `capitalize` (the first character in upper case, the rest as it is),
//! `trim`, `truncate(n)` (at most `n` characters, the last one `…` when the
//! text was cut; a base letter is never cut from its combining marks).
//! Case changes follow Unicode (`ā` → `Ā`, `l·l` → `L·L`); scripts without
//! case (Japanese, Korean) are left as they are.
//!
//! Rendered values are plain text and are never parsed again, so a
//! customer whose name contains `{{` cannot inject a placeholder.

use std::collections::BTreeMap;

use crate::automation::LocalizedText;
use crate::{Error, Result};

/// A value a placeholder can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// The customer's full name.
    CustomerName,
    /// The first word of the customer's name.
    CustomerFirstName,
    /// The address the conversation is with.
    CustomerEmail,
    /// The conversation's number.
    ConversationId,
    /// The subject.
    ConversationSubject,
    /// The status (`open`, …).
    ConversationStatus,
    /// The priority (`normal`, …).
    ConversationPriority,
    /// The channel (`email`, …).
    ConversationChannel,
    /// The conversation's language (its own, else the customer's).
    ConversationLanguage,
    /// The agent's display name.
    AgentName,
    /// The first word of the agent's name.
    AgentFirstName,
    /// The agent's address.
    AgentEmail,
    /// The inbox's name.
    InboxName,
    /// The team's name.
    TeamName,
}

/// Every variable, by the name a template uses.
pub const VARIABLES: &[(&str, Var)] = &[
    ("customer.name", Var::CustomerName),
    ("customer.first_name", Var::CustomerFirstName),
    ("customer.email", Var::CustomerEmail),
    ("conversation.id", Var::ConversationId),
    ("conversation.subject", Var::ConversationSubject),
    ("conversation.status", Var::ConversationStatus),
    ("conversation.priority", Var::ConversationPriority),
    ("conversation.channel", Var::ConversationChannel),
    ("conversation.language", Var::ConversationLanguage),
    ("agent.name", Var::AgentName),
    ("agent.first_name", Var::AgentFirstName),
    ("agent.email", Var::AgentEmail),
    ("inbox.name", Var::InboxName),
    ("team.name", Var::TeamName),
];

/// Every filter, with what it takes.
pub const FILTERS: &[&str] = &[
    "default(\"text\")",
    "upper",
    "lower",
    "capitalize",
    "trim",
    "truncate(n)",
];

/// The values of one conversation, as a template sees them. `None` (or an
/// empty string) is an absent value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The address the conversation is with.
    pub customer_email: Option<String>,
    /// The conversation's number.
    pub conversation_id: Option<String>,
    /// Subject.
    pub conversation_subject: Option<String>,
    /// Status.
    pub conversation_status: Option<String>,
    /// Priority.
    pub conversation_priority: Option<String>,
    /// Channel.
    pub conversation_channel: Option<String>,
    /// Language tag.
    pub conversation_language: Option<String>,
    /// The agent's name.
    pub agent_name: Option<String>,
    /// The agent's address.
    pub agent_email: Option<String>,
    /// The inbox's name.
    pub inbox_name: Option<String>,
    /// The team's name.
    pub team_name: Option<String>,
}

impl Vars {
    /// The value of `var`; `None` when absent.
    pub fn get(&self, var: Var) -> Option<String> {
        let v = match var {
            Var::CustomerName => self.customer_name.clone(),
            Var::CustomerFirstName => self.customer_name.as_deref().and_then(first_name),
            Var::CustomerEmail => self.customer_email.clone(),
            Var::ConversationId => self.conversation_id.clone(),
            Var::ConversationSubject => self.conversation_subject.clone(),
            Var::ConversationStatus => self.conversation_status.clone(),
            Var::ConversationPriority => self.conversation_priority.clone(),
            Var::ConversationChannel => self.conversation_channel.clone(),
            Var::ConversationLanguage => self.conversation_language.clone(),
            Var::AgentName => self.agent_name.clone(),
            Var::AgentFirstName => self.agent_name.as_deref().and_then(first_name),
            Var::AgentEmail => self.agent_email.clone(),
            Var::InboxName => self.inbox_name.clone(),
            Var::TeamName => self.team_name.clone(),
        };
        v.filter(|s| !s.is_empty())
    }
}

/// The first word of a name; a name without white space is kept whole
/// (see the module's documentation for CJK names).
pub fn first_name(name: &str) -> Option<String> {
    name.split_whitespace().next().map(str::to_string)
}

/// A filter applied to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filter {
    Default(String),
    Upper,
    Lower,
    Capitalize,
    Trim,
    Truncate(usize),
}

impl Filter {
    fn apply(&self, v: Option<String>) -> Option<String> {
        match self {
            Filter::Default(d) => match v {
                Some(s) if !s.trim().is_empty() => Some(s),
                _ => Some(d.clone()),
            },
            Filter::Upper => v.map(|s| s.to_uppercase()),
            Filter::Lower => v.map(|s| s.to_lowercase()),
            Filter::Capitalize => v.map(|s| capitalize(&s)),
            Filter::Trim => v.map(|s| s.trim().to_string()),
            Filter::Truncate(n) => v.map(|s| truncate(&s, *n)),
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Combining marks that belong to the character before them.
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0x200D)
}

/// At most `n` characters; a cut text ends in `…` (counted in `n`), and a
/// base character keeps its combining marks.
fn truncate(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= n {
        return s.to_string();
    }
    if n == 0 {
        return String::new();
    }
    let mut keep = n - 1;
    while keep > 0 && chars.get(keep).is_some_and(|c| is_combining(*c)) {
        keep -= 1;
    }
    let mut out: String = chars[..keep].iter().collect();
    out.push('…');
    out
}

/// A part of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Value { var: Var, filters: Vec<Filter> },
}

/// A parsed, checked template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// The text with the values of `vars` in place.
    pub fn render(&self, vars: &Vars) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Value { var, filters } => {
                    let v = filters.iter().fold(vars.get(*var), |v, f| f.apply(v));
                    out.push_str(v.as_deref().unwrap_or(""));
                }
            }
        }
        out
    }

    /// Whether the template has neither text nor placeholders.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

/// Parses and checks `text`; a mistake is a 422 on `field` naming the line
/// and column (1-based, in characters) and the name at fault.
pub fn parse(field: &str, text: &str) -> Result<Template> {
    Parser {
        chars: text.chars().collect(),
        at: 0,
        field,
    }
    .template()
}

struct Parser<'a> {
    chars: Vec<char>,
    at: usize,
    field: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    /// Line and column (1-based, in characters) of position `at`.
    fn position(&self, at: usize) -> (usize, usize) {
        let mut line = 1;
        let mut column = 1;
        for c in self.chars.iter().take(at) {
            if *c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        (line, column)
    }

    fn error(&self, at: usize, what: impl std::fmt::Display) -> Error {
        self.error_hint(at, what, "")
    }

    /// `{what} at line L, column C; {hint}`: the position right after the
    /// name at fault, the choices after it.
    fn error_hint(&self, at: usize, what: impl std::fmt::Display, hint: &str) -> Error {
        let (line, column) = self.position(at);
        let mut message = format!("{what} at line {line}, column {column}");
        if !hint.is_empty() {
            message.push_str("; ");
            message.push_str(hint);
        }
        Error::invalid(self.field, message)
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
            self.at += 1;
        }
    }

    fn template(mut self) -> Result<Template> {
        let mut parts = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' && self.chars.get(self.at + 1..self.at + 3) == Some(&['{', '{'][..]) {
                text.push_str("{{");
                self.at += 3;
            } else if self.starts_with("{{") {
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(self.placeholder()?);
            } else {
                text.push(c);
                self.at += 1;
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template { parts })
    }

    /// `{{ path | filter(args) … }}`, from its opening braces.
    fn placeholder(&mut self) -> Result<Part> {
        let open = self.at;
        self.at += 2;
        self.skip_spaces();
        let name_at = self.at;
        let name = self.word(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if name.is_empty() {
            return Err(self.unclosed_or(open, "a variable name is missing"));
        }
        let Some(var) = VARIABLES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v) else {
            let names: Vec<&str> = VARIABLES.iter().map(|(n, _)| *n).collect();
            return Err(self.error_hint(
                name_at,
                format_args!("unknown variable {name:?}"),
                &format!("use {}", names.join(", ")),
            ));
        };
        let mut filters = Vec::new();
        loop {
            self.skip_spaces();
            if self.starts_with("}}") {
                self.at += 2;
                return Ok(Part::Value { var, filters });
            }
            match self.peek() {
                Some('|') => {
                    self.at += 1;
                    self.skip_spaces();
                    filters.push(self.filter(open)?);
                }
                None | Some('\n') => return Err(self.error(open, "unclosed \"{{\"")),
                Some(c) => {
                    return Err(self.unclosed_or(
                        open,
                        format!("unexpected {c:?} in a placeholder; write {{{{ name | filter }}}}"),
                    ));
                }
            }
        }
    }

    /// The error for a placeholder that went wrong at the current
    /// position: "unclosed" when no `}}` follows on its line, else `what`.
    fn unclosed_or(&self, open: usize, what: impl std::fmt::Display) -> Error {
        let closes = self.chars[self.at..]
            .iter()
            .take_while(|c| **c != '\n')
            .collect::<String>()
            .contains("}}");
        if closes {
            self.error(self.at, what)
        } else {
            self.error(open, "unclosed \"{{\"")
        }
    }

    fn word(&mut self, ok: impl Fn(char) -> bool) -> String {
        let start = self.at;
        while self.peek().is_some_and(&ok) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn filter(&mut self, open: usize) -> Result<Filter> {
        let name_at = self.at;
        let name = self.word(|c| c.is_ascii_alphanumeric() || c == '_');
        if name.is_empty() {
            return Err(self.unclosed_or(open, "a filter name is missing after \"|\""));
        }
        self.skip_spaces();
        let args_at = self.at;
        let args = if self.peek() == Some('(') {
            self.at += 1;
            self.arguments(open)?
        } else {
            Vec::new()
        };
        let bad = |why: &str| self.error(args_at, format_args!("filter {name:?} {why}"));
        let filter = match (name.as_str(), args.as_slice()) {
            ("default", [Arg::Text(t)]) => Filter::Default(t.clone()),
            ("default", _) => return Err(bad("takes one text in quotes, e.g. default(\"there\")")),
            ("truncate", [Arg::Number(n)]) => Filter::Truncate(*n),
            ("truncate", _) => return Err(bad("takes one whole number, e.g. truncate(40)")),
            ("upper" | "lower" | "capitalize" | "trim", [_, ..]) => {
                return Err(bad("takes no arguments"));
            }
            ("upper", []) => Filter::Upper,
            ("lower", []) => Filter::Lower,
            ("capitalize", []) => Filter::Capitalize,
            ("trim", []) => Filter::Trim,
            _ => {
                return Err(self.error_hint(
                    name_at,
                    format_args!("unknown filter {name:?}"),
                    &format!("use {}", FILTERS.join(", ")),
                ));
            }
        };
        Ok(filter)
    }

    /// Arguments up to the closing parenthesis (after the opening one).
    fn arguments(&mut self, open: usize) -> Result<Vec<Arg>> {
        let mut args = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(')') if args.is_empty() => {
                    self.at += 1;
                    return Ok(args);
                }
                Some('"') => args.push(self.string()?),
                Some(c) if c.is_ascii_digit() => {
                    let at = self.at;
                    let digits = self.word(|c| c.is_ascii_digit());
                    let n = digits
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n <= 100_000)
                        .ok_or_else(|| {
                            self.error(at, format_args!("{digits} is not a number up to 100000"))
                        })?;
                    args.push(Arg::Number(n));
                }
                None | Some('\n') => return Err(self.error(open, "unclosed \"{{\"")),
                Some(c) => {
                    return Err(self.error(
                        self.at,
                        format_args!(
                            "unexpected {c:?} in the arguments; write text in double quotes or a whole number"
                        ),
                    ));
                }
            }
            self.skip_spaces();
            match self.peek() {
                Some(',') => self.at += 1,
                Some(')') => {
                    self.at += 1;
                    return Ok(args);
                }
                None | Some('\n') => return Err(self.error(open, "unclosed \"{{\"")),
                Some(c) => {
                    return Err(self.error(
                        self.at,
                        format_args!("unexpected {c:?} in the arguments; close them with \")\""),
                    ));
                }
            }
        }
    }

    /// A string in double quotes, from its opening quote.
    fn string(&mut self) -> Result<Arg> {
        let start = self.at;
        self.at += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(self.error(start, "unclosed text: a \" is missing"));
                }
                Some('"') => {
                    self.at += 1;
                    return Ok(Arg::Text(s));
                }
                Some('\\') if matches!(self.chars.get(self.at + 1), Some('"' | '\\')) => {
                    s.push(self.chars[self.at + 1]);
                    self.at += 2;
                }
                Some(c) => {
                    s.push(c);
                    self.at += 1;
                }
            }
        }
    }
}

/// An argument of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    Text(String),
    Number(usize),
}

/// A template with a text per language, every one checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    text: Template,
    translations: BTreeMap<String, Template>,
}

impl Localized {
    /// Parses `text` and every translation. Errors name `{field}.text` or
    /// `{field}.translations.{lang}` (without `{field}.` when `field` is
    /// empty); translation keys must be language tags.
    pub fn parse(field: &str, t: &LocalizedText) -> Result<Localized> {
        let name = |rest: &str| {
            if field.is_empty() {
                rest.to_string()
            } else {
                format!("{field}.{rest}")
            }
        };
        let text = parse(&name("text"), &t.text)?;
        let mut translations = BTreeMap::new();
        for (lang, body) in &t.translations {
            let key = crate::customers::model::parse_language(&name("translations"), lang)?;
            let parsed = parse(&name(&format!("translations.{key}")), body)?;
            if translations.insert(key.clone(), parsed).is_some() {
                return Err(Error::invalid(
                    name("translations"),
                    format!("{key:?} is given twice"),
                ));
            }
        }
        Ok(Localized { text, translations })
    }

    /// The template for `language`: the exact tag, else its primary
    /// subtag (`pt-BR` → `pt`), else `text`.
    pub fn pick(&self, language: Option<&str>) -> &Template {
        self.choose(language).1
    }

    /// Like [`Localized::pick`], with the language whose translation was
    /// picked (`None`: the fallback `text`).
    pub fn choose(&self, language: Option<&str>) -> (Option<&str>, &Template) {
        if let Some(lang) = language.map(|l| l.trim().replace('_', "-").to_ascii_lowercase()) {
            let primary = lang.split('-').next().unwrap_or("").to_string();
            for key in [lang, primary] {
                if let Some((k, t)) = self.translations.get_key_value(&key) {
                    return (Some(k.as_str()), t);
                }
            }
        }
        (None, &self.text)
    }
}

#[cfg(test)]
mod tests {
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
}
