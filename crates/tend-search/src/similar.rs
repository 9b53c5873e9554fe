//! Conversations like a conversation: a More-Like-This query
//! (`tantivy::query::MoreLikeThisQuery`) over the `all` field, built from
//! the stored subject and message texts of the conversation as indexed.
//! The terms are those of the index's own analyser, so it works alike in
//! Japanese and Korean (bigrams, no spaces needed), Latvian, Catalan and
//! English.
//!
//! Scores are BM25 sums, which mean nothing across queries; each hit also
//! carries its score relative to the conversation's own (the best any
//! document can do against its own terms), between 0 and 1, so that a
//! caller can hold a threshold.

use std::collections::HashMap;
use std::ops::Bound;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, MoreLikeThisQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value as _};
use tantivy::{TantivyDocument, Term};

use crate::Result;
use crate::index::SearchIndex;

/// The most text of a conversation a query is made from (bytes): its
/// subject and first messages say what it is about.
const SOURCE_BYTES: usize = 4_000;

/// The most terms a query holds (the conversation's most telling, by
/// term frequency × inverse document frequency).
const MAX_TERMS: usize = 64;

/// What to compare with.
#[derive(Debug, Clone, Default)]
pub struct SimilarOptions {
    /// At most this many conversations (besides the one compared).
    pub limit: usize,
    /// Only conversations in these inboxes; `None` for every inbox.
    pub inboxes: Option<Vec<i64>>,
    /// Only messages written at or after this instant (ms).
    pub since: Option<i64>,
    /// Only these conversations; `None` for all.
    pub among: Option<Vec<i64>>,
}

/// A conversation like the one compared.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarHit {
    /// The conversation.
    pub conversation_id: i64,
    /// BM25 score of its best message.
    pub score: f32,
    /// `score` over the compared conversation's own score, 0 to 1.
    pub relative: f32,
}

impl SearchIndex {
    /// The conversations most like `conversation_id`, best first (never
    /// itself). Empty when it is not indexed yet. Internal notes are
    /// neither compared nor matched: they are the desk's words, not the
    /// customer's.
    pub fn similar(&self, conversation_id: i64, opts: &SimilarOptions) -> Result<Vec<SimilarHit>> {
        if opts.limit == 0 || opts.among.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let searcher = self.reader.searcher();
        let own = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_i64(f.conversation_id, conversation_id),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (Occur::MustNot, not_internal(f.internal)),
        ]);
        let mut addrs: Vec<_> = searcher
            .search(&own, &DocSetCollector)?
            .into_iter()
            .collect();
        if addrs.is_empty() {
            return Ok(Vec::new());
        }
        addrs.sort();
        let mut subject = None;
        let mut texts: Vec<OwnedValue> = Vec::new();
        let mut bytes = 0;
        for addr in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if subject.is_none() {
                subject = doc
                    .get_first(f.subject)
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
            }
            if let Some(body) = doc.get_first(f.body).and_then(|v| v.as_str()) {
                let left = SOURCE_BYTES.saturating_sub(bytes);
                if left == 0 {
                    break;
                }
                let cut = prefix(body, left);
                bytes += cut.len();
                texts.push(OwnedValue::Str(cut.to_string()));
            }
        }
        if let Some(s) = subject {
            texts.insert(0, OwnedValue::Str(s));
        }
        // Terms only this conversation has stay in the query: they find
        // nothing else, but they weigh in its own score, so a conversation
        // that shares only common words with this one scores low relative
        // to it.
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_min_term_frequency(1)
            .with_max_query_terms(MAX_TERMS)
            .with_document_fields(vec![(f.all, texts)]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(mlt)),
            (Occur::MustNot, not_internal(f.internal)),
        ];
        if let Some(inboxes) = &opts.inboxes {
            // Itself always, to know its own score.
            let own_inbox = TermQuery::new(
                Term::from_field_i64(f.conversation_id, conversation_id),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(TermSetQuery::new(
                            inboxes.iter().map(|i| Term::from_field_i64(f.inbox_id, *i)),
                        )) as Box<dyn Query>,
                    ),
                    (Occur::Should, Box::new(own_inbox)),
                ])),
            ));
        }
        if let Some(among) = &opts.among {
            clauses.push((
                Occur::Must,
                Box::new(TermSetQuery::new(
                    among
                        .iter()
                        .chain(std::iter::once(&conversation_id))
                        .map(|i| Term::from_field_i64(f.conversation_id, *i)),
                )),
            ));
        }
        if let Some(since) = opts.since {
            clauses.push((
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(RangeQuery::new(
                            Bound::Included(Term::from_field_i64(f.created_at, since)),
                            Bound::Unbounded,
                        )) as Box<dyn Query>,
                    ),
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_i64(f.conversation_id, conversation_id),
                            IndexRecordOption::Basic,
                        )),
                    ),
                ])),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let fetch = opts
            .limit
            .saturating_add(1)
            .saturating_mul(8)
            .clamp(50, 2000);
        let docs = searcher.search(&query, &TopDocs::with_limit(fetch).order_by_score())?;
        let mut ids = crate::search::ConversationIds::new(&searcher);
        let mut best: HashMap<i64, f32> = HashMap::new();
        let mut order = Vec::new();
        for (score, addr) in docs {
            let Some(c) = ids.of(addr)? else { continue };
            match best.get_mut(&c) {
                Some(s) => *s = s.max(score),
                None => {
                    best.insert(c, score);
                    order.push(c);
                }
            }
        }
        let reference = best
            .get(&conversation_id)
            .copied()
            .or_else(|| best.values().copied().reduce(f32::max))
            .unwrap_or(1.0)
            .max(f32::MIN_POSITIVE);
        let mut hits: Vec<SimilarHit> = order
            .into_iter()
            .filter(|c| *c != conversation_id)
            .map(|c| {
                let score = best[&c];
                SimilarHit {
                    conversation_id: c,
                    score,
                    relative: (score / reference).min(1.0),
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(opts.limit);
        Ok(hits)
    }
}

fn not_internal(field: tantivy::schema::Field) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_bool(field, true),
        IndexRecordOption::Basic,
    ))
}

/// The longest prefix of `s` of at most `max` bytes that ends on a
/// character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConversationDoc, MessageDoc};

    fn conv(id: i64, inbox: i64, subject: &str, text: &str, at: i64) -> ConversationDoc {
        ConversationDoc {
            id,
            inbox_id: inbox,
            subject: subject.into(),
            status: "open".into(),
            messages: vec![MessageDoc {
                id: id * 10,
                text: text.into(),
                created_at: at,
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn index(convs: &[ConversationDoc]) -> SearchIndex {
        let index = SearchIndex::open_in_ram().unwrap();
        let mut w = index.writer(1, 20_000_000).unwrap();
        for c in convs {
            w.replace_conversation(c).unwrap();
        }
        w.commit("1").unwrap();
        index.reload().unwrap();
        index
    }

    fn ids(hits: &[SimilarHit]) -> Vec<i64> {
        hits.iter().map(|h| h.conversation_id).collect()
    }

    #[test]
    fn the_like_conversation_comes_first_in_five_languages() {
        let index = index(&[
            conv(
                1,
                1,
                "ログインできません",
                "パスワードを入力してもログインできません。エラーが出ます。",
                10,
            ),
            conv(
                2,
                1,
                "請求書の送付先",
                "請求書の送付先住所を変更したいです。",
                10,
            ),
            conv(
                3,
                1,
                "ログインエラー",
                "今朝からログインできません。パスワードは正しいです。",
                10,
            ),
            conv(
                4,
                1,
                "Printer jams",
                "The printer jams on every second page.",
                10,
            ),
            conv(
                5,
                1,
                "Cannot log in",
                "Since this morning I cannot log in, the password is refused.",
                10,
            ),
            conv(
                6,
                1,
                "Log in fails",
                "I cannot log in to my account: password refused since this morning.",
                10,
            ),
            conv(
                7,
                1,
                "배송 지연",
                "주문한 상품의 배송이 지연되고 있습니다.",
                10,
            ),
            conv(
                8,
                1,
                "배송이 늦어요",
                "상품 배송이 일주일째 지연되고 있어요.",
                10,
            ),
            conv(9, 1, "Rēķins", "Lūdzu, nosūtiet rēķinu par decembri.", 10),
            conv(
                10,
                1,
                "Rēķins par decembri",
                "Kur ir mans rēķins par decembri?",
                10,
            ),
            conv(
                11,
                1,
                "Factura",
                "Necessito la factura de desembre, si us plau.",
                10,
            ),
            conv(
                12,
                1,
                "Factura de desembre",
                "On és la meva factura de desembre?",
                10,
            ),
        ]);
        let opts = SimilarOptions {
            limit: 5,
            ..Default::default()
        };
        for (from, like) in [(1, 3), (5, 6), (7, 8), (9, 10), (11, 12)] {
            let hits = index.similar(from, &opts).unwrap();
            assert_eq!(ids(&hits).first(), Some(&like), "{from}: {hits:?}");
            assert!(!ids(&hits).contains(&from));
            assert!(hits[0].relative > 0.0 && hits[0].relative <= 1.0);
        }
    }

    #[test]
    fn filters_bound_what_is_compared() {
        let index = index(&[
            conv(1, 1, "Cannot log in", "The password is refused.", 100),
            conv(2, 2, "Cannot log in", "The password is refused again.", 100),
            conv(3, 1, "Cannot log in", "The password is refused, old.", 5),
        ]);
        let inbox_one = SimilarOptions {
            limit: 5,
            inboxes: Some(vec![1]),
            ..Default::default()
        };
        assert_eq!(ids(&index.similar(1, &inbox_one).unwrap()), vec![3]);
        let recent = SimilarOptions {
            limit: 5,
            since: Some(50),
            ..Default::default()
        };
        assert_eq!(ids(&index.similar(1, &recent).unwrap()), vec![2]);
        let among = SimilarOptions {
            limit: 5,
            among: Some(vec![3]),
            ..Default::default()
        };
        assert_eq!(ids(&index.similar(1, &among).unwrap()), vec![3]);
        assert!(index.similar(99, &inbox_one).unwrap().is_empty());
    }
}
