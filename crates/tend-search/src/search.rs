//! Running a [`SearchQuery`]: tantivy queries from the parsed clauses, the
//! caller's access restrictions, BM25 ranking, one hit per conversation,
//! and highlighted snippets.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::ops::Bound;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value as _};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::Result;
use crate::index::SearchIndex;
use crate::query::{Assignee, Filter, Part, SearchQuery};
use crate::tokenizer::{Mode, analyze};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 160;

/// Who is searching and how much they want.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// At most this many hits (conversations).
    pub limit: usize,
    /// Only these inboxes; `None` for every inbox.
    pub inboxes: Option<Vec<i64>>,
    /// Whether internal notes may match (agents: yes; customers: never).
    pub include_internal: bool,
    /// The searcher's user id, for `assignee:me`.
    pub me: Option<i64>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 20,
            inboxes: None,
            include_internal: true,
            me: None,
        }
    }
}

/// One result: the best-matching message of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The conversation.
    pub conversation_id: i64,
    /// The message that matched best.
    pub message_id: Option<i64>,
    /// The side conversation's mail that matched best (instead of a
    /// message).
    pub side_message_id: Option<i64>,
    /// BM25 score (0 when only filters were given, ordered newest first).
    pub score: f32,
    /// HTML-escaped text with the matches in `<mark>…</mark>`.
    pub snippet: String,
}

impl SearchIndex {
    /// Searches; never fails on what was typed (see [`crate::query`]).
    pub fn search(&self, q: &SearchQuery, opts: &SearchOptions) -> Result<Vec<Hit>> {
        if q.is_empty() || opts.limit == 0 {
            return Ok(Vec::new());
        }
        if opts.inboxes.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let mut must: Vec<Box<dyn Query>> = Vec::new();
        let mut must_not: Vec<Box<dyn Query>> = Vec::new();
        let mut positive_text: Vec<Box<dyn Query>> = Vec::new();
        let mut negated: Vec<Box<dyn Query>> = Vec::new();
        for clause in &q.clauses {
            let (query, phrase) = match &clause.part {
                Part::Word(w) | Part::Phrase(w) => {
                    let Some((query, phrase)) = text_query(w, f.all) else {
                        continue;
                    };
                    if !clause.negated {
                        positive_text.push(query.box_clone());
                    }
                    (query, phrase)
                }
                // A name in `from:` may be a phrase too.
                Part::Filter(filter) => (
                    self.filter_query(filter, opts.me),
                    matches!(filter, Filter::From(v) if !v.contains(['@', '.'])),
                ),
            };
            if clause.negated {
                negated.push(query.box_clone());
                // Tantivy 0.27 trips over phrase scorers in an exclusion
                // (`PhraseScorer::seek_danger` below its position): those
                // are applied only to whole conversations, further down.
                if !phrase {
                    must_not.push(query);
                }
            } else {
                must.push(query);
            }
        }
        if must.is_empty() && negated.is_empty() {
            return Ok(Vec::new());
        }
        if must.is_empty() {
            must.push(Box::new(AllQuery));
        }
        if let Some(inboxes) = &opts.inboxes {
            must.push(Box::new(TermSetQuery::new(
                inboxes.iter().map(|i| Term::from_field_i64(f.inbox_id, *i)),
            )));
        }
        if !opts.include_internal {
            must_not.push(Box::new(TermQuery::new(
                Term::from_field_bool(f.internal, true),
                IndexRecordOption::Basic,
            )));
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = must
            .into_iter()
            .map(|q| (Occur::Must, q))
            .chain(must_not.into_iter().map(|q| (Occur::MustNot, q)))
            .collect();
        let query = BooleanQuery::new(clauses);

        let searcher = self.reader.searcher();
        // Several messages of one conversation often match: fetch more than
        // asked and keep the best per conversation.
        let fetch = opts.limit.saturating_mul(10).clamp(50, 2000);
        let ranked = !positive_text.is_empty();
        let docs: Vec<(f32, DocAddress)> = if ranked {
            searcher.search(&query, &TopDocs::with_limit(fetch).order_by_score())?
        } else {
            searcher
                .search(
                    &query,
                    &TopDocs::with_limit(fetch)
                        .order_by_fast_field::<i64>("created_at", Order::Desc),
                )?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect()
        };
        let mut conversations = ConversationIds::new(&searcher);
        let mut candidates = Vec::with_capacity(docs.len());
        for (score, addr) in docs {
            if let Some(c) = conversations.of(addr)? {
                candidates.push((score, addr, c));
            }
        }
        let excluded =
            self.excluded_conversations(&mut conversations, &candidates, negated, opts)?;

        let highlight = BooleanQuery::new(
            positive_text
                .into_iter()
                .map(|q| (Occur::Should, q))
                .collect(),
        );
        let snippets = Snippets::new(&searcher, &highlight, f.all, f.snippet_fields())?;
        let mut seen = HashSet::new();
        let mut hits = Vec::new();
        for (score, addr, conversation_id) in candidates {
            if hits.len() >= opts.limit {
                break;
            }
            if excluded.contains(&conversation_id) || !seen.insert(conversation_id) {
                continue;
            }
            let doc: TantivyDocument = searcher.doc(addr)?;
            // Side mails are keyed by their negated ids (`MessageDoc::key`).
            let key = first_i64(&doc, f.message_id);
            hits.push(Hit {
                conversation_id,
                message_id: key.filter(|k| *k > 0),
                side_message_id: key.filter(|k| *k < 0).map(|k| -k),
                score,
                snippet: snippets.best(&doc),
            });
        }
        Ok(hits)
    }

    /// Exclusions apply to whole conversations: `printer -monday` drops a
    /// conversation whose other message mentions Monday. Only the
    /// candidates are checked, so this stays cheap however common the
    /// excluded word is. Notes the searcher may not see never exclude
    /// (that would reveal what they say).
    fn excluded_conversations(
        &self,
        conversations: &mut ConversationIds<'_>,
        candidates: &[(f32, DocAddress, i64)],
        negated: Vec<Box<dyn Query>>,
        opts: &SearchOptions,
    ) -> Result<HashSet<i64>> {
        let f = &self.fields;
        if negated.is_empty() || candidates.is_empty() {
            return Ok(HashSet::new());
        }
        let ids: HashSet<i64> = candidates.iter().map(|c| c.2).collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                Box::new(TermSetQuery::new(
                    ids.iter()
                        .map(|i| Term::from_field_i64(f.conversation_id, *i)),
                )),
            ),
            (
                Occur::Must,
                Box::new(BooleanQuery::new(
                    negated.into_iter().map(|q| (Occur::Should, q)).collect(),
                )),
            ),
        ];
        if !opts.include_internal {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_bool(f.internal, true),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let matching = conversations
            .searcher
            .search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        let mut out = HashSet::new();
        for addr in matching {
            if let Some(c) = conversations.of(addr)? {
                out.insert(c);
            }
        }
        Ok(out)
    }

    fn filter_query(&self, filter: &Filter, me: Option<i64>) -> Box<dyn Query> {
        let f = &self.fields;
        let term =
            |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
        match filter {
            Filter::Status(list) => Box::new(TermSetQuery::new(
                list.iter().map(|s| Term::from_field_text(f.status, s)),
            )),
            Filter::Assignee(list) => {
                let ids: Vec<Term> = list
                    .iter()
                    .filter_map(|a| match a {
                        Assignee::User(id) => Some(*id),
                        Assignee::Nobody => Some(0),
                        Assignee::Me => me,
                        Assignee::Email(_) | Assignee::Unknown => None,
                    })
                    .map(|id| Term::from_field_i64(f.assignee_id, id))
                    .collect();
                if ids.is_empty() {
                    Box::new(EmptyQuery)
                } else {
                    Box::new(TermSetQuery::new(ids))
                }
            }
            Filter::Tag(t) => term(Term::from_field_text(f.tags, t)),
            Filter::From(v) if v.contains('@') || v.contains('.') => {
                term(Term::from_field_text(f.from, v))
            }
            // A name: the words of it in the customer field.
            Filter::From(v) => text_query(v, f.customer)
                .map_or_else(|| Box::new(EmptyQuery) as Box<dyn Query>, |(q, _)| q),
            Filter::Inbox(ids) => Box::new(TermSetQuery::new(
                ids.iter().map(|i| Term::from_field_i64(f.inbox_id, *i)),
            )),
            Filter::Before(ms) => Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Excluded(Term::from_field_i64(f.created_at, *ms)),
            )),
            Filter::After(ms) => Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.created_at, *ms)),
                Bound::Unbounded,
            )),
        }
    }
}

/// The query for one typed word or phrase: its terms (adjacent, when there
/// are several) in `field`. `None` when it has no terms at all (punctuation
/// only). The flag says whether it is a phrase query.
fn text_query(text: &str, field: Field) -> Option<(Box<dyn Query>, bool)> {
    let mut tokens = Vec::new();
    analyze(text, Mode::Query, &mut tokens);
    let first = tokens.first()?.position;
    if let [one] = &tokens[..] {
        let term = Term::from_field_text(field, &one.text);
        return Some((
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            false,
        ));
    }
    let terms = tokens
        .iter()
        .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
        .collect();
    Some((Box::new(PhraseQuery::new_with_offset(terms)), true))
}

/// Highlighted snippets: the query's terms in the `all` field, looked for
/// in each stored text in turn.
struct Snippets {
    generator: SnippetGenerator,
    fields: [Field; 4],
}

impl Snippets {
    fn new(
        searcher: &Searcher,
        query: &dyn Query,
        indexed: Field,
        fields: [Field; 4],
    ) -> Result<Snippets> {
        let mut generator = SnippetGenerator::create(searcher, query, indexed)?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        Ok(Snippets { generator, fields })
    }

    /// The first stored text with a highlighted match; else the start of the
    /// first field (the message text).
    fn best(&self, doc: &TantivyDocument) -> String {
        for field in self.fields {
            for value in doc.get_all(field) {
                let Some(text) = value.as_str() else { continue };
                let mut s = self.generator.snippet(text);
                if !s.is_empty() {
                    s.set_snippet_prefix_postfix("<mark>", "</mark>");
                    return s.to_html();
                }
            }
        }
        let text = doc
            .get_first(self.fields[0])
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let cut: String = text.chars().take(SNIPPET_CHARS).collect();
        escape_html(cut.trim())
    }
}

/// Reads the conversation of documents from the fast field (no
/// stored-document read), one column per segment.
pub(crate) struct ConversationIds<'s> {
    searcher: &'s Searcher,
    columns: HashMap<u32, Column<i64>>,
}

impl<'s> ConversationIds<'s> {
    pub(crate) fn new(searcher: &'s Searcher) -> Self {
        ConversationIds {
            searcher,
            columns: HashMap::new(),
        }
    }

    pub(crate) fn of(&mut self, addr: DocAddress) -> Result<Option<i64>> {
        let column = match self.columns.entry(addr.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                self.searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .i64("conversation_id")?,
            ),
        };
        Ok(column.first(addr.doc_id))
    }
}

/// The first i64 value of `field` in a stored document.
pub(crate) fn first_i64(doc: &TantivyDocument, field: Field) -> Option<i64> {
    doc.get_first(field)?.as_i64()
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
