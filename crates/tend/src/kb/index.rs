//! The knowledge base's catalogue on each node: every article's slug,
//! category and titles, and an inverted index of its translations' words,
//! in memory. Words are analysed by `tend-search`'s tokenizer, the one
//! conversations are searched with: Japanese and Korean as bigrams (no
//! spaces or dictionaries needed, particles do not hide a word), Latvian
//! and Catalan diacritics folded. A knowledge base is small (thousands of
//! articles), so a change replaces the article's documents in place and no
//! index files are kept; the service catches the catalogue up with the
//! database before it answers (`service::catalogue`). No IO here.

use std::collections::{BTreeMap, HashMap};

use tend_search::tokenizer::{Mode, analyze};

/// What the catalogue knows of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Slug.
    pub slug: String,
    /// Category id.
    pub category: Option<i64>,
    /// Source language.
    pub source_lang: String,
    /// Its `changed_at`.
    pub changed_at: i64,
    /// Each translation's title and whether it is published, by language.
    pub titles: BTreeMap<String, (String, bool)>,
}

impl Entry {
    /// Whether any translation is published (else the help centre does
    /// not show the article at all).
    pub fn is_public(&self) -> bool {
        self.titles.values().any(|(_, p)| *p)
    }
}

/// The text of one translation, to index.
#[derive(Debug, Clone)]
pub struct DocText {
    /// Language.
    pub lang: String,
    /// Title (weighs three times the body).
    pub title: String,
    /// Body as plain text.
    pub body: String,
    /// Published.
    pub published: bool,
}

#[derive(Debug, Clone)]
struct Doc {
    article_id: i64,
    lang: Box<str>,
    published: bool,
    len: u32,
}

/// One found translation.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Article.
    pub article_id: i64,
    /// The translation whose words matched best.
    pub lang: String,
    /// Relevance (BM25, titles counted thrice).
    pub score: f32,
}

/// The catalogue and its word index.
#[derive(Debug, Default)]
pub struct Index {
    /// Every article, by id.
    pub articles: HashMap<i64, Entry>,
    docs: Vec<Option<Doc>>,
    postings: HashMap<Box<str>, Vec<(u32, u16)>>,
    by_article: HashMap<i64, Vec<u32>>,
    live: usize,
    dead: usize,
    total_len: u64,
}

/// How often a title's words count, against once for the body's.
const TITLE_WEIGHT: u16 = 3;

impl Index {
    /// Puts an article in place of what was known of it.
    pub fn put(&mut self, id: i64, entry: Entry, texts: &[DocText]) {
        self.remove(id);
        self.articles.insert(id, entry);
        let mut tokens = Vec::new();
        let mut slots = Vec::with_capacity(texts.len());
        for t in texts {
            let mut tf: HashMap<String, u16> = HashMap::new();
            for (text, weight) in [(&t.title, TITLE_WEIGHT), (&t.body, 1)] {
                tokens.clear();
                analyze(text, Mode::Index, &mut tokens);
                for tok in tokens.drain(..) {
                    let n = tf.entry(tok.text).or_default();
                    *n = n.saturating_add(weight);
                }
            }
            let len: u32 = tf.values().map(|n| u32::from(*n)).sum();
            let slot = u32::try_from(self.docs.len()).unwrap_or(u32::MAX);
            self.docs.push(Some(Doc {
                article_id: id,
                lang: t.lang.as_str().into(),
                published: t.published,
                len,
            }));
            for (term, n) in tf {
                self.postings
                    .entry(term.into_boxed_str())
                    .or_default()
                    .push((slot, n));
            }
            self.live += 1;
            self.total_len += u64::from(len);
            slots.push(slot);
        }
        self.by_article.insert(id, slots);
    }

    /// Forgets an article.
    pub fn remove(&mut self, id: i64) {
        self.articles.remove(&id);
        for slot in self.by_article.remove(&id).unwrap_or_default() {
            if let Some(doc) = self.docs.get_mut(slot as usize).and_then(Option::take) {
                self.live -= 1;
                self.dead += 1;
                self.total_len -= u64::from(doc.len);
            }
        }
        if self.dead > 1000 && self.dead > self.live {
            self.compact();
        }
    }

    /// Drops the postings of forgotten documents.
    fn compact(&mut self) {
        let docs = &self.docs;
        self.postings.retain(|_, list| {
            list.retain(|(slot, _)| docs[*slot as usize].is_some());
            !list.is_empty()
        });
        self.dead = 0;
    }

    /// The translations that contain every word of `query`, best first,
    /// one per article (its best-matching translation), at most `limit`.
    /// `accept(article_id, lang, published)` says which translations count.
    pub fn search(
        &self,
        query: &str,
        limit: usize,
        accept: impl Fn(i64, &str, bool) -> bool,
    ) -> Vec<Hit> {
        let mut tokens = Vec::new();
        analyze(query, Mode::Query, &mut tokens);
        let mut terms: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        terms.sort_unstable();
        terms.dedup();
        let Some(lists) = terms
            .iter()
            .map(|t| self.postings.get(*t))
            .collect::<Option<Vec<_>>>()
        else {
            return vec![];
        };
        if lists.is_empty() || self.live == 0 {
            return vec![];
        }
        let n = self.live as f32;
        let avg = (self.total_len as f32 / n).max(1.0);
        // Start from the rarest word: every document must have them all.
        let mut order: Vec<usize> = (0..lists.len()).collect();
        order.sort_by_key(|i| lists[*i].len());
        let mut scores: HashMap<u32, f32> = HashMap::new();
        for (rank, i) in order.iter().enumerate() {
            let list = lists[*i];
            let idf = (1.0 + (n - list.len() as f32 + 0.5) / (list.len() as f32 + 0.5)).ln();
            let mut next: HashMap<u32, f32> = HashMap::new();
            for (slot, tf) in list {
                let Some(doc) = self.docs[*slot as usize].as_ref() else {
                    continue;
                };
                let so_far = if rank == 0 {
                    if !accept(doc.article_id, &doc.lang, doc.published) {
                        continue;
                    }
                    0.0
                } else {
                    match scores.get(slot) {
                        Some(s) => *s,
                        None => continue,
                    }
                };
                let tf = f32::from(*tf);
                let norm = tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * doc.len as f32 / avg));
                next.insert(*slot, so_far + idf * norm);
            }
            scores = next;
            if scores.is_empty() {
                return vec![];
            }
        }
        let mut best: HashMap<i64, Hit> = HashMap::new();
        for (slot, score) in scores {
            let Some(doc) = self.docs[slot as usize].as_ref() else {
                continue;
            };
            let better = best.get(&doc.article_id).is_none_or(|h| score > h.score);
            if better {
                best.insert(
                    doc.article_id,
                    Hit {
                        article_id: doc.article_id,
                        lang: doc.lang.to_string(),
                        score,
                    },
                );
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.article_id.cmp(&b.article_id))
        });
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            slug: "x".into(),
            category: None,
            source_lang: "en".into(),
            changed_at: 1,
            titles: BTreeMap::new(),
        }
    }

    fn doc(lang: &str, title: &str, body: &str, published: bool) -> DocText {
        DocText {
            lang: lang.into(),
            title: title.into(),
            body: body.into(),
            published,
        }
    }

    fn ids(hits: &[Hit]) -> Vec<i64> {
        hits.iter().map(|h| h.article_id).collect()
    }

    #[test]
    fn every_word_must_match_and_titles_weigh_more() {
        let mut ix = Index::default();
        ix.put(
            1,
            entry(),
            &[doc("en", "Refunds", "How to get your money back", true)],
        );
        ix.put(
            2,
            entry(),
            &[doc(
                "en",
                "Shipping",
                "Refunds are not about shipping",
                true,
            )],
        );
        let all = |_: i64, _: &str, _: bool| true;
        assert_eq!(ids(&ix.search("refunds", 10, all)), [1, 2]);
        assert_eq!(ids(&ix.search("refunds shipping", 10, all)), [2]);
        assert!(ix.search("nothing here", 10, all).is_empty());
        assert!(ix.search("", 10, all).is_empty());
    }

    #[test]
    fn cjk_is_found_without_spaces_and_with_particles() {
        let mut ix = Index::default();
        ix.put(
            1,
            entry(),
            &[doc(
                "ja",
                "返金について",
                "ご注文の返金手続きは三日以内に完了します",
                true,
            )],
        );
        ix.put(
            2,
            entry(),
            &[doc(
                "ko",
                "환불 안내",
                "환불은 영업일 기준 3일 이내에 처리됩니다",
                true,
            )],
        );
        let all = |_: i64, _: &str, _: bool| true;
        assert_eq!(ids(&ix.search("返金手続き", 10, all)), [1]);
        assert_eq!(ids(&ix.search("환불", 10, all)), [2]);
        assert_eq!(ids(&ix.search("처리", 10, all)), [2]);
    }

    #[test]
    fn replaced_and_removed_articles_are_not_found_and_filters_apply() {
        let mut ix = Index::default();
        ix.put(
            1,
            entry(),
            &[doc("lv", "Piegāde", "Piegāde notiek trīs dienās", false)],
        );
        let published = |_: i64, _: &str, p: bool| p;
        assert!(ix.search("piegade", 10, published).is_empty());
        assert_eq!(ids(&ix.search("piegade", 10, |_, _, _| true)), [1]);
        ix.put(
            1,
            entry(),
            &[doc("lv", "Atgriešana", "Nauda tiek atgriezta", true)],
        );
        assert!(ix.search("piegade", 10, |_, _, _| true).is_empty());
        assert_eq!(ids(&ix.search("atgriesana", 10, published)), [1]);
        ix.remove(1);
        assert!(ix.search("atgriesana", 10, |_, _, _| true).is_empty());
        assert!(ix.articles.is_empty());
    }
}
