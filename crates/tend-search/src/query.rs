//! The search box syntax, parsed by hand so that nothing a person types is
//! an error:
//!
//! - words (all must match, in any text field): `printer 請求書`
//! - `"quoted phrases"` (the words in this order)
//! - `-word`, `-"a phrase"`, `-status:closed` exclude
//! - filters: `status:open` (or `status:open,pending`), `assignee:me`
//!   (`none`, a user id or a user's address), `tag:billing`,
//!   `from:anna@example.com` (an address, a domain, or a name),
//!   `inbox:3`, `before:2024-05-01`, `after:2024-04-01` (UTC days;
//!   `after:` includes the day, `before:` excludes it)
//!
//! Anything malformed (an unknown status, a bad date, an unclosed quote, an
//! unknown `key:`) is searched literally instead.

/// A parsed query: every clause must hold (negated ones must not).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    /// The clauses, in the order typed.
    pub clauses: Vec<Clause>,
}

/// One part of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// `-` in front: documents that match are excluded.
    pub negated: bool,
    /// What to match.
    pub part: Part,
}

/// What a clause matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A word as typed (it may analyse to several terms, e.g. CJK bigrams
    /// or `d'atenció`, which then must be adjacent).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
    /// A filter on a field.
    Filter(Filter),
}

/// The statuses a conversation can be in.
pub const STATUSES: [&str; 5] = ["new", "open", "pending", "solved", "closed"];

/// A filter: restricts without ranking.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Conversation status is one of these.
    Status(Vec<String>),
    /// Owner is one of these.
    Assignee(Vec<Assignee>),
    /// The conversation has this tag (lowercased).
    Tag(String),
    /// The customer: an address, a domain (`example.com`) or a name.
    From(String),
    /// The conversation is in one of these inboxes.
    Inbox(Vec<i64>),
    /// Written before this instant (ms since the epoch, excluded).
    Before(i64),
    /// Written at or after this instant (ms since the epoch).
    After(i64),
}

/// An owner named in `assignee:`.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignee {
    /// A user id.
    User(i64),
    /// The person searching (resolved by the caller).
    Me,
    /// Nobody: unassigned conversations.
    Nobody,
    /// A user's address (resolved by the caller).
    Email(String),
    /// Resolved to no user: matches nothing.
    Unknown,
}

impl SearchQuery {
    /// Whether nothing was typed that could match.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Every `assignee:` value, to resolve `me` and addresses before searching.
    pub fn assignees_mut(&mut self) -> impl Iterator<Item = &mut Assignee> {
        self.clauses
            .iter_mut()
            .filter_map(|c| match &mut c.part {
                Part::Filter(Filter::Assignee(list)) => Some(list.iter_mut()),
                _ => None,
            })
            .flatten()
    }
}

/// Parses what was typed in the search box. Never fails.
pub fn parse(input: &str) -> SearchQuery {
    let mut p = Parser {
        chars: input.chars().collect(),
        i: 0,
    };
    let mut clauses = Vec::new();
    while let Some(clause) = p.next_clause() {
        clauses.push(clause);
    }
    SearchQuery { clauses }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{FF02}')
}

struct Parser {
    chars: Vec<char>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    /// Reads up to the next whitespace.
    fn bare(&mut self) -> String {
        let start = self.i;
        while self.peek().is_some_and(|c| !c.is_whitespace()) {
            self.i += 1;
        }
        self.chars[start..self.i].iter().collect()
    }

    /// At an opening quote: the quoted text, if the quote is closed.
    fn quoted(&mut self) -> Option<String> {
        let close = (self.i + 1..self.chars.len()).find(|&j| is_quote(self.chars[j]))?;
        let text = self.chars[self.i + 1..close].iter().collect();
        self.i = close + 1;
        Some(text)
    }

    fn next_clause(&mut self) -> Option<Clause> {
        loop {
            self.skip_space();
            let c = self.peek()?;
            let mut negated = false;
            if c == '-'
                && self
                    .chars
                    .get(self.i + 1)
                    .is_some_and(|n| !n.is_whitespace())
            {
                negated = true;
                self.i += 1;
            }
            let part = if self.peek().is_some_and(is_quote) {
                match self.quoted() {
                    Some(text) if !text.trim().is_empty() => Part::Phrase(text),
                    Some(_) => continue,
                    // Unclosed: the quote is just punctuation.
                    None => {
                        self.i += 1;
                        Part::Word(self.bare())
                    }
                }
            } else {
                self.word_or_filter()
            };
            if let Part::Word(w) = &part
                && w.is_empty()
            {
                continue;
            }
            return Some(Clause { negated, part });
        }
    }

    fn word_or_filter(&mut self) -> Part {
        let start = self.i;
        let mut key = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphabetic() {
                key.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        if self.peek() == Some(':') && !key.is_empty() {
            self.i += 1;
            let value = if self.peek().is_some_and(is_quote) {
                self.quoted()
            } else {
                Some(self.bare())
            };
            if let Some(value) = value
                && let Some(f) = filter(&key.to_lowercase(), value.trim())
            {
                return Part::Filter(f);
            }
        }
        // Not a filter: the whole thing, literally.
        self.i = start;
        Part::Word(self.bare())
    }
}

fn filter(key: &str, value: &str) -> Option<Filter> {
    if value.is_empty() {
        return None;
    }
    let list = || value.split(',').map(str::trim).filter(|v| !v.is_empty());
    match key {
        "status" => {
            let v: Vec<String> = list().map(str::to_lowercase).collect();
            (!v.is_empty() && v.iter().all(|s| STATUSES.contains(&s.as_str())))
                .then_some(Filter::Status(v))
        }
        "assignee" => {
            let v: Option<Vec<Assignee>> = list().map(assignee).collect();
            v.filter(|v| !v.is_empty()).map(Filter::Assignee)
        }
        "tag" => Some(Filter::Tag(value.to_lowercase())),
        "from" => {
            let v = value.trim_start_matches('@').to_lowercase();
            (!v.is_empty()).then_some(Filter::From(v))
        }
        "inbox" => {
            let v: Option<Vec<i64>> = list().map(|s| s.parse().ok()).collect();
            v.filter(|v| !v.is_empty()).map(Filter::Inbox)
        }
        "before" => day_start_ms(value).map(Filter::Before),
        "after" => day_start_ms(value).map(Filter::After),
        _ => None,
    }
}

fn assignee(v: &str) -> Option<Assignee> {
    let l = v.to_lowercase();
    match l.as_str() {
        "me" => Some(Assignee::Me),
        "none" | "nobody" | "unassigned" => Some(Assignee::Nobody),
        _ if l.contains('@') => Some(Assignee::Email(l)),
        _ => l.parse().ok().map(Assignee::User),
    }
}

/// Midnight UTC of a `YYYY-MM-DD` day, in ms since the epoch.
pub fn day_start_ms(s: &str) -> Option<i64> {
    let mut it = s.splitn(3, '-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > days_in_month {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400_000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Clause {
        Clause {
            negated: false,
            part: Part::Word(w.into()),
        }
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = parse(r#"printer "paper jam" -toner -"out of ink" 請求書"#);
        assert_eq!(
            q.clauses,
            vec![
                word("printer"),
                Clause {
                    negated: false,
                    part: Part::Phrase("paper jam".into())
                },
                Clause {
                    negated: true,
                    part: Part::Word("toner".into())
                },
                Clause {
                    negated: true,
                    part: Part::Phrase("out of ink".into())
                },
                word("請求書"),
            ]
        );
    }

    #[test]
    fn filters() {
        let q = parse(
            "status:open,Pending assignee:me tag:VIP from:@Example.com inbox:3 \
             after:2024-02-29 before:2024-03-01 -status:closed assignee:a@b.lv",
        );
        let parts: Vec<&Part> = q.clauses.iter().map(|c| &c.part).collect();
        assert_eq!(
            parts,
            vec![
                &Part::Filter(Filter::Status(vec!["open".into(), "pending".into()])),
                &Part::Filter(Filter::Assignee(vec![Assignee::Me])),
                &Part::Filter(Filter::Tag("vip".into())),
                &Part::Filter(Filter::From("example.com".into())),
                &Part::Filter(Filter::Inbox(vec![3])),
                &Part::Filter(Filter::After(1_709_164_800_000)),
                &Part::Filter(Filter::Before(1_709_251_200_000)),
                &Part::Filter(Filter::Status(vec!["closed".into()])),
                &Part::Filter(Filter::Assignee(vec![Assignee::Email("a@b.lv".into())])),
            ]
        );
        assert!(q.clauses[7].negated);
        assert_eq!(
            parse(r#"tag:"vip customer""#).clauses[0].part,
            Part::Filter(Filter::Tag("vip customer".into()))
        );
    }

    #[test]
    fn malformed_input_is_searched_literally() {
        for (input, expected) in [
            ("status:bogus", vec![word("status:bogus")]),
            ("before:2024-02-30", vec![word("before:2024-02-30")]),
            ("after:yesterday", vec![word("after:yesterday")]),
            ("inbox:sales", vec![word("inbox:sales")]),
            ("status:", vec![word("status:")]),
            ("http://example.com", vec![word("http://example.com")]),
            (
                r#""unclosed phrase"#,
                vec![word("unclosed"), word("phrase")],
            ),
            ("- -", vec![word("-"), word("-")]),
        ] {
            assert_eq!(parse(input).clauses, expected, "{input}");
        }
        assert!(parse("   ").is_empty());
        assert!(parse(r#""""#).is_empty());
    }

    #[test]
    fn days_convert_to_epoch_milliseconds() {
        assert_eq!(day_start_ms("1970-01-01"), Some(0));
        assert_eq!(day_start_ms("2000-03-01"), Some(951_868_800_000));
        assert_eq!(day_start_ms("2023-02-29"), None);
        assert_eq!(day_start_ms("2024-1-01"), None);
    }
}
