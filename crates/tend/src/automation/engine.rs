//! The pure rules of automation: a rule's conditions, checked once when the
//! rule is saved and compiled for evaluation ([`Compiled`]), and evaluated
//! against what a conversation looks like ([`Facts`]) with a trace of each
//! condition. No IO.
//!
//! One file: the conditions' rules and their unit tests (about a third of
//! it) read together.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Value, json};
use tend_search::tokenizer::{Mode, analyze};

use super::model::{Condition, Conditions, Field, Op};
use crate::sla::Metric;
use crate::vocab::{ActorKind, Channel, Priority, Status};
use crate::{Error, Result};

/// What a conversation looks like to the conditions.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// Status.
    pub status: Status,
    /// Priority.
    pub priority: Priority,
    /// Channel.
    pub channel: Channel,
    /// Inbox.
    pub inbox_id: i64,
    /// Team.
    pub team_id: Option<i64>,
    /// Owner.
    pub assignee_id: Option<i64>,
    /// Tags.
    pub tags: &'a [String],
    /// Language.
    pub language: Option<&'a str>,
    /// Subject.
    pub subject: &'a str,
    /// The triggering message's text, or the latest customer message
    /// (analysed once, see [`Text`]).
    pub text: Option<&'a Text>,
    /// The subject, analysed when a condition first needs it.
    pub subject_text: &'a OnceLock<Text>,
    /// The customer's name, analysed when a condition first needs it.
    pub name_text: &'a OnceLock<Text>,
    /// Who wrote the triggering message.
    pub message_from: Option<ActorKind>,
    /// The customer's address.
    pub customer_email: Option<&'a str>,
    /// The customer's name.
    pub customer_name: Option<&'a str>,
    /// The breached service-level metrics.
    pub sla_breached: &'a [Metric],
    /// Whole hours since creation.
    pub hours_since_created: i64,
}

/// A text analysed like search does (folded case and accents, CJK as
/// bigrams and unigrams), for `contains`.
#[derive(Debug, Clone, Default)]
pub struct Text {
    /// Each word and the positions it is at, in order.
    positions: HashMap<String, Vec<usize>>,
}

impl Text {
    /// Analyses `s`.
    pub fn new(s: &str) -> Text {
        let mut tokens = Vec::new();
        analyze(s, Mode::Index, &mut tokens);
        let mut positions: HashMap<String, Vec<usize>> = HashMap::new();
        for t in tokens {
            positions.entry(t.text).or_default().push(t.position);
        }
        Text { positions }
    }

    /// Whether the words of `p` appear here, in order and side by side.
    fn has(&self, p: &Phrase) -> bool {
        let Some((first, rest)) = p.0.split_first() else {
            return true;
        };
        let at = |w: &str, pos: usize| {
            self.positions
                .get(w)
                .is_some_and(|v| v.binary_search(&pos).is_ok())
        };
        self.positions.get(&first.1).is_some_and(|starts| {
            starts.iter().any(|&p0| {
                let start = p0 - first.0;
                rest.iter().all(|(off, w)| at(w, start + off))
            })
        })
    }
}

/// A value's words, with their offsets from the first.
#[derive(Debug, Clone, PartialEq)]
struct Phrase(Vec<(usize, String)>);

impl Phrase {
    fn new(s: &str) -> Phrase {
        let mut tokens = Vec::new();
        analyze(s, Mode::Query, &mut tokens);
        let base = tokens.first().map_or(0, |t| t.position);
        Phrase(
            tokens
                .into_iter()
                .map(|t| (t.position - base, t.text))
                .collect(),
        )
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// For one word (tags): folded, as search would.
    fn folded_word(&self) -> String {
        self.0
            .iter()
            .map(|(_, w)| w.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One value a condition compares with.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Null,
    Int(i64),
    /// Lowercased.
    Str(String),
}

/// A condition, checked and prepared for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledCondition {
    field: Field,
    op: Op,
    values: Vec<Scalar>,
    phrase: Option<Phrase>,
}

/// A rule's conditions, compiled.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    all: Vec<CompiledCondition>,
    any: Vec<CompiledCondition>,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One of a closed set's names.
    Named(&'static [&'static str]),
    /// An id, or none.
    Id,
    /// A number.
    Number,
    /// A list of names.
    List,
    /// A short string (exact, case-insensitive).
    Word,
    /// Free text.
    Prose,
}

fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| f(*v)).collect()
}

fn kind(field: Field) -> Kind {
    use std::sync::LazyLock;
    static STATUS: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| names(Status::ALL, Status::as_str));
    static PRIORITY: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| names(Priority::ALL, Priority::as_str));
    static CHANNEL: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| names(Channel::ALL, Channel::as_str));
    static FROM: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| names(ActorKind::ALL, ActorKind::as_str));
    match field {
        Field::Status => Kind::Named(&STATUS),
        Field::Priority => Kind::Named(&PRIORITY),
        Field::Channel => Kind::Named(&CHANNEL),
        Field::MessageFrom => Kind::Named(&FROM),
        Field::InboxId | Field::TeamId | Field::AssigneeId => Kind::Id,
        Field::HoursSinceCreated => Kind::Number,
        Field::Tags | Field::SlaBreached => Kind::List,
        Field::Language | Field::CustomerEmail => Kind::Word,
        Field::Subject | Field::Text | Field::CustomerName => Kind::Prose,
    }
}

/// Checks and compiles conditions; an error names the condition
/// (`conditions.all[2].value`) and says what would be right.
pub fn compile(c: &Conditions) -> Result<Compiled> {
    let part = |list: &[Condition], name: &str| -> Result<Vec<CompiledCondition>> {
        list.iter()
            .enumerate()
            .map(|(i, c)| compile_one(c, &format!("conditions.{name}[{i}]")))
            .collect()
    };
    Ok(Compiled {
        all: part(&c.all, "all")?,
        any: part(&c.any, "any")?,
    })
}

fn compile_one(c: &Condition, at: &str) -> Result<CompiledCondition> {
    let k = kind(c.field);
    let field = c.field.as_str();
    let bad = |msg: String| Error::invalid(format!("{at}.value"), msg);
    let scalar = |v: &Value| -> Result<Scalar> {
        match (k, v) {
            (_, Value::Null) if matches!(k, Kind::Id | Kind::Word) => Ok(Scalar::Null),
            (Kind::Id | Kind::Number, Value::Number(n)) => n
                .as_i64()
                .map(Scalar::Int)
                .ok_or_else(|| bad(format!("{field} compares with whole numbers"))),
            (Kind::Named(allowed), Value::String(s)) => {
                let s = s.to_lowercase();
                if allowed.contains(&s.as_str()) {
                    Ok(Scalar::Str(s))
                } else {
                    Err(bad(format!(
                        "unknown {field} {s:?}; use {}",
                        crate::vocab::choices_of(allowed)
                    )))
                }
            }
            (Kind::List | Kind::Word | Kind::Prose, Value::String(s)) => {
                Ok(Scalar::Str(s.to_lowercase()))
            }
            (Kind::Id, _) => Err(bad(format!("{field} compares with an id or null"))),
            (Kind::Number, _) => Err(bad(format!("{field} compares with a number"))),
            _ => Err(bad(format!("{field} compares with text"))),
        }
    };
    let op_fits = match c.op {
        Op::Is | Op::IsNot | Op::In | Op::NotIn => true,
        Op::Contains | Op::NotContains => matches!(k, Kind::List | Kind::Word | Kind::Prose),
        Op::Gt | Op::Lt => matches!(k, Kind::Number | Kind::Id) || c.field == Field::Priority,
    };
    if !op_fits {
        return Err(Error::invalid(
            format!("{at}.op"),
            format!("{} does not apply to {field}", c.op),
        ));
    }
    let (values, phrase) = match c.op {
        Op::In | Op::NotIn => {
            let Value::Array(list) = &c.value else {
                return Err(bad(format!("{} takes a list of values", c.op)));
            };
            if list.is_empty() {
                return Err(bad(
                    "an empty list matches nothing; give at least one value".into(),
                ));
            }
            (list.iter().map(scalar).collect::<Result<Vec<_>>>()?, None)
        }
        Op::Contains | Op::NotContains => {
            let Value::String(s) = &c.value else {
                return Err(bad(format!("{} takes words", c.op)));
            };
            let p = Phrase::new(s);
            if p.is_empty() {
                return Err(bad("give at least one word to look for".into()));
            }
            (vec![Scalar::Str(s.to_lowercase())], Some(p))
        }
        _ => (vec![scalar(&c.value)?], None),
    };
    Ok(CompiledCondition {
        field: c.field,
        op: c.op,
        values,
        phrase,
    })
}

/// What a field is on a conversation, borrowed (evaluating allocates
/// nothing but a text analysed once).
enum Actual<'a> {
    Str(Option<&'a str>),
    Int(Option<i64>),
    Tags(&'a [String]),
    Metrics(&'a [Metric]),
    Text(Option<&'a Text>),
}

fn actual<'a>(f: &'a Facts<'a>, field: Field) -> Actual<'a> {
    match field {
        Field::Status => Actual::Str(Some(f.status.as_str())),
        Field::Priority => Actual::Str(Some(f.priority.as_str())),
        Field::Channel => Actual::Str(Some(f.channel.as_str())),
        Field::MessageFrom => Actual::Str(f.message_from.map(ActorKind::as_str)),
        Field::InboxId => Actual::Int(Some(f.inbox_id)),
        Field::TeamId => Actual::Int(f.team_id),
        Field::AssigneeId => Actual::Int(f.assignee_id),
        Field::HoursSinceCreated => Actual::Int(Some(f.hours_since_created)),
        Field::Tags => Actual::Tags(f.tags),
        Field::SlaBreached => Actual::Metrics(f.sla_breached),
        Field::Language => Actual::Str(f.language),
        Field::CustomerEmail => Actual::Str(f.customer_email),
        Field::Subject => Actual::Text(Some(f.subject_text.get_or_init(|| Text::new(f.subject)))),
        Field::Text => Actual::Text(f.text),
        Field::CustomerName => Actual::Text(
            f.customer_name
                .map(|n| f.name_text.get_or_init(|| Text::new(n))),
        ),
    }
}

/// Whether `a`, lowercased, is `lower` (already lowercase).
fn eq_fold(a: &str, lower: &str) -> bool {
    if a.is_ascii() {
        a.eq_ignore_ascii_case(lower)
    } else {
        a.chars().flat_map(char::to_lowercase).eq(lower.chars())
    }
}

fn rank(p: &str) -> Option<i64> {
    Priority::from_db(p).ok().map(|p| p as i64)
}

impl CompiledCondition {
    /// Whether the condition holds.
    pub fn holds(&self, f: &Facts<'_>) -> bool {
        let a = actual(f, self.field);
        let eq = |v: &Scalar| match (&a, v) {
            (Actual::Str(x), Scalar::Null) => x.is_none(),
            (Actual::Str(x), Scalar::Str(s)) => x.is_some_and(|x| eq_fold(x, s)),
            (Actual::Int(x), Scalar::Null) => x.is_none(),
            (Actual::Int(x), Scalar::Int(n)) => *x == Some(*n),
            (Actual::Tags(l), Scalar::Str(s)) => l.iter().any(|t| eq_fold(t, s)),
            (Actual::Metrics(l), Scalar::Str(s)) => l.iter().any(|m| m.as_str() == s),
            (Actual::Text(_), Scalar::Str(s)) => match self.field {
                Field::Subject => eq_fold(f.subject, s),
                Field::CustomerName => f.customer_name.is_some_and(|n| eq_fold(n, s)),
                _ => false,
            },
            _ => false,
        };
        let contains = || {
            let Some(p) = &self.phrase else { return false };
            match &a {
                Actual::Text(Some(t)) => t.has(p),
                // An address or a language: a plain part of it, folded.
                Actual::Str(Some(s)) => match self.values.first() {
                    Some(Scalar::Str(v)) => s.to_lowercase().contains(v.as_str()),
                    _ => false,
                },
                Actual::Tags(l) => {
                    let w = p.folded_word();
                    l.iter().any(|t| Phrase::new(t).folded_word().contains(&w))
                }
                _ => false,
            }
        };
        let num = || match &a {
            Actual::Int(x) => *x,
            Actual::Str(Some(s)) => rank(s),
            _ => None,
        };
        let bound = || match self.values.first() {
            Some(Scalar::Int(n)) => Some(*n),
            Some(Scalar::Str(s)) => rank(s),
            _ => None,
        };
        match self.op {
            Op::Is | Op::In => self.values.iter().any(eq),
            Op::IsNot | Op::NotIn => !self.values.iter().any(eq),
            Op::Contains => contains(),
            Op::NotContains => !contains(),
            Op::Gt => matches!((num(), bound()), (Some(x), Some(b)) if x > b),
            Op::Lt => matches!((num(), bound()), (Some(x), Some(b)) if x < b),
        }
    }

    /// `{"field", "op", "held"}`, for a trace.
    fn trace(&self, held: bool) -> Value {
        json!({"field": self.field, "op": self.op, "held": held})
    }
}

impl Compiled {
    /// Whether a condition looks at `field` (what must be read first).
    pub fn needs(&self, field: Field) -> bool {
        self.all.iter().chain(&self.any).any(|c| c.field == field)
    }

    /// Whether the conditions hold (all of `all`, and one of `any` when
    /// there are any). Stops at the first that decides.
    pub fn holds(&self, f: &Facts<'_>) -> bool {
        self.all.iter().all(|c| c.holds(f))
            && (self.any.is_empty() || self.any.iter().any(|c| c.holds(f)))
    }

    /// Every condition with whether it held: `{"all": [...], "any": [...],
    /// "fired"}`.
    pub fn explain(&self, f: &Facts<'_>) -> Value {
        let all: Vec<Value> = self.all.iter().map(|c| c.trace(c.holds(f))).collect();
        let any: Vec<Value> = self.any.iter().map(|c| c.trace(c.holds(f))).collect();
        json!({"all": all, "any": any, "fired": self.holds(f)})
    }
}

/// The rules of one change that fired in turn, to stop a loop: a rule
/// that would fire a second time in one change is not run again (and when
/// that second firing would change something, it is a loop).
#[derive(Debug, Default)]
pub struct Cascade {
    fired: Vec<i64>,
    seen: HashSet<i64>,
}

/// How deep one change's rules may fire others.
pub const MAX_DEPTH: usize = 8;

impl Cascade {
    /// Whether `rule` fired already in this change.
    pub fn has(&self, rule: i64) -> bool {
        self.seen.contains(&rule)
    }

    /// The rules that fired so far, in order.
    pub fn fired(&self) -> Vec<i64> {
        self.fired.clone()
    }

    /// Records that `rule` fires; `Err(chain)` when it already fired in this
    /// change (the chain of rules that led back to it).
    pub fn enter(&mut self, rule: i64) -> std::result::Result<(), Vec<i64>> {
        if !self.seen.insert(rule) {
            let mut chain = self.fired.clone();
            chain.push(rule);
            return Err(chain);
        }
        self.fired.push(rule);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(tags: &'a [String], text: Option<&'a Text>) -> Facts<'a> {
        let cells: &'a (OnceLock<Text>, OnceLock<Text>) = Box::leak(Box::default());
        Facts {
            subject_text: &cells.0,
            name_text: &cells.1,
            status: Status::Open,
            priority: Priority::High,
            channel: Channel::Email,
            inbox_id: 3,
            team_id: None,
            assignee_id: Some(7),
            tags,
            language: Some("ja"),
            subject: "Réclamation: paquet perdu",
            text,
            message_from: Some(ActorKind::Customer),
            customer_email: Some("Aiko@Example.jp"),
            customer_name: Some("Aiko Tanaka"),
            sla_breached: &[Metric::FirstResponse],
            hours_since_created: 5,
        }
    }

    fn cond(field: Field, op: Op, value: Value) -> Conditions {
        Conditions {
            all: vec![Condition { field, op, value }],
            any: vec![],
        }
    }

    fn holds(c: Conditions, f: &Facts<'_>) -> bool {
        compile(&c).unwrap().holds(f)
    }

    #[test]
    fn each_field_and_operator_compares_as_a_user_expects() {
        let tags = vec!["VIP".to_string(), "refund".to_string()];
        let text = Text::new("配送が遅れています。返金してください! Kvalitāte ir slikta.");
        let f = facts(&tags, Some(&text));
        let yes = [
            cond(Field::Status, Op::Is, json!("open")),
            cond(Field::Status, Op::In, json!(["new", "open"])),
            cond(Field::Status, Op::NotIn, json!(["solved", "closed"])),
            cond(Field::Priority, Op::Gt, json!("normal")),
            cond(Field::Priority, Op::Lt, json!("urgent")),
            cond(Field::Channel, Op::IsNot, json!("chat")),
            cond(Field::InboxId, Op::Is, json!(3)),
            cond(Field::TeamId, Op::Is, json!(null)),
            cond(Field::AssigneeId, Op::IsNot, json!(null)),
            cond(Field::Tags, Op::Is, json!("vip")),
            cond(Field::Tags, Op::NotContains, json!("spam")),
            cond(Field::Language, Op::Is, json!("JA")),
            cond(Field::Subject, Op::Contains, json!("reclamation")),
            cond(Field::Text, Op::Contains, json!("返金")),
            cond(Field::Text, Op::Contains, json!("kvalitate IR")),
            cond(Field::Text, Op::NotContains, json!("ir kvalitate")),
            cond(Field::MessageFrom, Op::Is, json!("customer")),
            cond(Field::CustomerEmail, Op::Contains, json!("example.jp")),
            cond(Field::CustomerName, Op::Contains, json!("tanaka")),
            cond(Field::SlaBreached, Op::Is, json!("first_response")),
            cond(Field::HoursSinceCreated, Op::Gt, json!(4)),
        ];
        for c in yes {
            assert!(holds(c.clone(), &f), "{c:?} should hold");
        }
        let no = [
            cond(Field::Status, Op::Is, json!("pending")),
            cond(Field::Priority, Op::Gt, json!("high")),
            cond(Field::Tags, Op::Is, json!("spam")),
            cond(Field::Text, Op::Contains, json!("返品")),
            cond(Field::Text, Op::Contains, json!("ir kvalitate")),
            cond(Field::HoursSinceCreated, Op::Lt, json!(5)),
            cond(Field::SlaBreached, Op::Is, json!("resolution")),
        ];
        for c in no {
            assert!(!holds(c.clone(), &f), "{c:?} should not hold");
        }
    }

    #[test]
    fn all_and_any_groups_combine() {
        let f = facts(&[], None);
        let c = Conditions {
            all: vec![Condition {
                field: Field::Status,
                op: Op::Is,
                value: json!("open"),
            }],
            any: vec![
                Condition {
                    field: Field::Channel,
                    op: Op::Is,
                    value: json!("chat"),
                },
                Condition {
                    field: Field::Language,
                    op: Op::Is,
                    value: json!("ja"),
                },
            ],
        };
        let compiled = compile(&c).unwrap();
        assert!(compiled.holds(&f));
        let trace = compiled.explain(&f);
        assert_eq!(trace["any"][0]["held"], json!(false));
        assert_eq!(trace["any"][1]["held"], json!(true));
        assert_eq!(trace["fired"], json!(true));
        // No text was given: a text condition does not hold.
        assert!(!holds(cond(Field::Text, Op::Contains, json!("x")), &f));
    }

    #[test]
    fn a_bad_condition_is_refused_naming_where_it_is() {
        let err = |c: Conditions| match compile(&c).unwrap_err() {
            Error::Invalid { field, message } => format!("{field}: {message}"),
            e => panic!("not a validation error: {e}"),
        };
        let e = err(cond(Field::Status, Op::Is, json!("opened")));
        assert!(e.starts_with("conditions.all[0].value: "), "{e}");
        assert!(e.contains("open, pending"), "{e}");
        let e = err(cond(Field::Channel, Op::Gt, json!("chat")));
        assert!(e.starts_with("conditions.all[0].op: "), "{e}");
        assert!(err(cond(Field::Tags, Op::In, json!("vip"))).contains("list"));
        assert!(err(cond(Field::Tags, Op::In, json!([]))).contains("empty"));
        assert!(err(cond(Field::InboxId, Op::Is, json!("three"))).contains("id"));
        assert!(err(cond(Field::Text, Op::Contains, json!("  !! "))).contains("word"));
    }

    #[test]
    fn a_rule_that_comes_back_in_one_change_is_a_loop() {
        let mut c = Cascade::default();
        assert!(c.enter(1).is_ok());
        assert!(c.enter(2).is_ok());
        assert_eq!(c.enter(1), Err(vec![1, 2, 1]));
    }
}
