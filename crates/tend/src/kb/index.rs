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
    /// `accept(article_id, lang, published)` says which translations count;
    /// it is asked in the order of relevance, only until `limit` articles
    /// are found.
    ///
    /// Each word's postings are in document order (a document's slot only
    /// grows), so the words are intersected by walking the lists, from the
    /// rarest word; only the best few candidates are sorted.
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
        let Some(mut lists) = terms
            .iter()
            .map(|t| self.postings.get(*t))
            .collect::<Option<Vec<_>>>()
        else {
            return vec![];
        };
        if lists.is_empty() || self.live == 0 || limit == 0 {
            return vec![];
        }
        let n = self.live as f32;
        let avg = (self.total_len as f32 / n).max(1.0);
        let idf = |len: usize| (1.0 + (n - len as f32 + 0.5) / (len as f32 + 0.5)).ln();
        let part = |idf: f32, tf: u16, doc_len: u32| {
            let tf = f32::from(tf);
            idf * (tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * doc_len as f32 / avg)))
        };
        // Start from the rarest word: every document must have them all.
        lists.sort_by_key(|l| l.len());
        let first = idf(lists[0].len());
        let mut found: Vec<(u32, f32)> = lists[0]
            .iter()
            .filter_map(|(slot, tf)| {
                let doc = self.docs[*slot as usize].as_ref()?;
                Some((*slot, part(first, *tf, doc.len)))
            })
            .collect();
        for list in &lists[1..] {
            let idf = idf(list.len());
            let mut at = 0;
            found.retain_mut(|(slot, score)| {
                at += list[at..].partition_point(|(s, _)| *s < *slot);
                match list.get(at) {
                    Some((s, tf)) if *s == *slot => {
                        let len = self.docs[*slot as usize].as_ref().map_or(0, |d| d.len);
                        *score += part(idf, *tf, len);
                        true
                    }
                    _ => false,
                }
            });
            if found.is_empty() {
                return vec![];
            }
        }
        self.best(found, limit, accept)
    }

    /// The best `limit` articles among the scored documents: each
    /// article's best translation that `accept` allows, best first (ties
    /// by article id).
    fn best(
        &self,
        mut found: Vec<(u32, f32)>,
        limit: usize,
        accept: impl Fn(i64, &str, bool) -> bool,
    ) -> Vec<Hit> {
        let doc = |slot: u32| self.docs[slot as usize].as_ref();
        let article = |slot: u32| doc(slot).map_or(0, |d| d.article_id);
        let order = |a: &(u32, f32), b: &(u32, f32)| {
            b.1.total_cmp(&a.1)
                .then_with(|| article(a.0).cmp(&article(b.0)))
                .then(a.0.cmp(&b.0))
        };
        let mut hits: Vec<Hit> = Vec::with_capacity(limit);
        // Most searches end among the first few candidates: sort those,
        // and the rest only when they are not enough.
        let head = (limit * 8).max(32);
        let mut from = 0;
        while from < found.len() && hits.len() < limit {
            let rest = &mut found[from..];
            let upto = if rest.len() > head {
                rest.select_nth_unstable_by(head, order);
                head
            } else {
                rest.len()
            };
            rest[..upto].sort_unstable_by(order);
            for &(slot, score) in &rest[..upto] {
                let Some(d) = doc(slot) else { continue };
                if hits.iter().any(|h| h.article_id == d.article_id)
                    || !accept(d.article_id, &d.lang, d.published)
                {
                    continue;
                }
                hits.push(Hit {
                    article_id: d.article_id,
                    lang: d.lang.to_string(),
                    score,
                });
                if hits.len() == limit {
                    break;
                }
            }
            from += upto;
        }
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
    fn many_articles_best_first_each_once_with_every_word() {
        let mut ix = Index::default();
        // "common" is in every article, "rare" in every seventh, "rare"
        // twice in every 21st; each article in two languages.
        for id in 1..=300 {
            let rare = match id % 21 {
                0 => "rare rare",
                7 | 14 => "rare",
                _ => "",
            };
            let body = format!("common words {rare} and filler");
            ix.put(
                id,
                entry(),
                &[
                    doc("en", "Title", &body, true),
                    doc("lv", "Virsraksts", &body, true),
                ],
            );
        }
        // Articles put again get new documents (later slots).
        ix.put(21, entry(), &[doc("en", "Title", "common words", true)]);
        let all = |_: i64, _: &str, _: bool| true;
        let hits = ix.search("rare common", 100, all);
        let want: Vec<i64> = (1..=300).filter(|id| id % 7 == 0 && *id != 21).collect();
        let mut got = ids(&hits);
        got.sort_unstable();
        assert_eq!(got, want, "each article with both words, once");
        // Twice "rare" ranks first; equal scores by article id.
        assert_eq!(ids(&hits)[..3], [42, 63, 84]);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        // The limit, and `accept` asked only until it is reached.
        let asked = std::cell::Cell::new(0);
        let counted = |_: i64, lang: &str, _: bool| {
            asked.set(asked.get() + 1);
            lang == "lv"
        };
        let hits = ix.search("common", 3, counted);
        assert_eq!(hits.len(), 3);
        assert!(hits.iter().all(|h| h.lang == "lv"));
        assert!(asked.get() < 50, "accept asked {} times", asked.get());
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
