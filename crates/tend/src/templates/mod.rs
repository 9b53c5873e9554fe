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
//! `team.name`, `remedy.amount`, `remedy.kind`, `remedy.note`. A value may
//! be absent (a customer without a name, a conversation without a team or
//! without a remedy given): it renders as nothing, unless a
//! `default("…")` fills it in.
//!
//! `remedy.*` is the conversation's latest remedy given (granted within
//! the agent's limits, or approved; one awaiting approval is not stated):
//! its amount for people (`12.50 EUR`, `1500 JPY`), its kind's name in the
//! conversation's language, and the note written for the customer.
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
//!
//! Files: `mod.rs` (variables, values, templates, translations),
//! `parse.rs` (the parser and its messages), `filters.rs` (what each
//! filter does).

mod filters;
pub(crate) use filters::truncate;
mod parse;

use std::collections::BTreeMap;

use crate::automation::LocalizedText;
use crate::{Error, Result};

use filters::Filter;
pub use parse::parse;

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
    /// The latest remedy given: its amount with the currency.
    RemedyAmount,
    /// Its kind's name.
    RemedyKind,
    /// Its note for the customer.
    RemedyNote,
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
    ("remedy.amount", Var::RemedyAmount),
    ("remedy.kind", Var::RemedyKind),
    ("remedy.note", Var::RemedyNote),
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
    /// The latest remedy given: amount and currency for people.
    pub remedy_amount: Option<String>,
    /// Its kind's name.
    pub remedy_kind: Option<String>,
    /// Its note for the customer.
    pub remedy_note: Option<String>,
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
            Var::RemedyAmount => self.remedy_amount.clone(),
            Var::RemedyKind => self.remedy_kind.clone(),
            Var::RemedyNote => self.remedy_note.clone(),
        };
        v.filter(|s| !s.is_empty())
    }
}

/// The first word of a name; a name without white space is kept whole
/// (see the module's documentation for CJK names).
pub fn first_name(name: &str) -> Option<String> {
    name.split_whitespace().next().map(str::to_string)
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
mod tests;
