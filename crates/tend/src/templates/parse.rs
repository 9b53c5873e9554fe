//! The template parser: text, `{{ path | filter("arg") }}` placeholders and
//! the `\{{` escape, with messages that name the line and column.

use super::filters::Filter;
use super::{FILTERS, Part, Template, VARIABLES};
use crate::{Error, Result};

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
