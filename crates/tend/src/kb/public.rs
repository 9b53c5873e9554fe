//! What the help centre reads: the catalogue (caught up with the database
//! before each use), published articles in a page's language with the
//! fallback, search with snippets, and votes. Drafts never leave here.

use std::collections::HashMap;

use sqlx::AnyConnection;
use tend_search::tokenizer::{Mode, analyze};

use crate::state::AppState;
use crate::{Error, Result};

use super::fallback::{chain, pick};
use super::index::{DocText, Entry};
use super::model::Article;
use super::repo;
use super::service::{articles_by_id, assemble};

/// Catches this node's catalogue up with the database: the articles
/// changed since it last looked are read again, and when the number of
/// articles then differs, the removed ones are dropped. One query when
/// nothing changed, asked at most once a [`super::FRESH`] (at once after
/// this node's own writes).
pub(super) async fn sync(st: &AppState) -> Result<()> {
    let kb = st.kb();
    let Some(comparing) = kb.comparing() else {
        return Ok(());
    };
    catch_up(st).await?;
    kb.compared(comparing);
    Ok(())
}

/// Builds the catalogue at start, so that the first visitor does not wait
/// for it; a failure is logged (the first read tries again).
pub async fn warm(st: AppState) {
    if let Err(e) = sync(&st).await {
        tracing::warn!(error = %e, "the help centre's catalogue could not be built at start");
    }
}

/// [`sync`]'s comparison with the database, and the catch-up.
async fn catch_up(st: &AppState) -> Result<()> {
    let kb = st.kb();
    let mut c = st.db.pool().acquire().await?;
    let stamp = repo::stamp(&mut c).await?;
    let known = *kb
        .synced
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if known == Some(stamp) {
        return Ok(());
    }
    let _one = kb.syncing.lock().await;
    let known = *kb
        .synced
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if known == Some(stamp) {
        return Ok(());
    }
    let since = known.map_or(i64::MIN, |(_, at)| at);
    let changed = repo::changed_since(&mut c, since).await?;
    for chunk in changed.chunks(500) {
        load(&mut c, st, chunk).await?;
    }
    let count = kb.index.read().map_or(0, |ix| ix.articles.len());
    if i64::try_from(count).ok() != Some(stamp.0) {
        let ids: std::collections::HashSet<i64> =
            repo::all_ids(&mut c).await?.into_iter().collect();
        let mut ix = kb
            .index
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let gone: Vec<i64> = ix
            .articles
            .keys()
            .filter(|id| !ids.contains(id))
            .copied()
            .collect();
        for id in gone {
            ix.remove(id);
        }
    }
    *kb.synced
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(stamp);
    Ok(())
}

/// Puts these articles (as now stored) into the catalogue.
async fn load(c: &mut AnyConnection, st: &AppState, rows: &[repo::ArticleRow]) -> Result<()> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let trs = repo::translations(c, &ids).await?;
    let articles = assemble(rows.to_vec(), trs);
    let docs: Vec<(i64, Entry, Vec<DocText>)> = articles
        .into_iter()
        .zip(rows)
        .map(|(a, r)| {
            let texts = a
                .translations
                .iter()
                .map(|(lang, t)| DocText {
                    lang: lang.clone(),
                    title: t.title.clone(),
                    body: crate::html::to_text(&t.body_html),
                    published: t.published,
                })
                .collect();
            let entry = Entry {
                slug: a.slug,
                category: a.category,
                source_lang: a.source_lang,
                changed_at: r.changed_at,
                titles: a
                    .translations
                    .into_iter()
                    .map(|(l, t)| (l, (t.title, t.published)))
                    .collect(),
            };
            (a.id, entry, texts)
        })
        .collect();
    let mut ix = st
        .kb()
        .index
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (id, entry, texts) in docs {
        ix.put(id, entry, &texts);
    }
    Ok(())
}

/// The ids of the articles whose translations match `q` best (drafts
/// too), where `accept(entry, lang, published)` allows.
pub(super) async fn search_ids(
    st: &AppState,
    q: &str,
    limit: usize,
    accept: impl Fn(&Entry, &str, bool) -> bool,
) -> Result<Vec<i64>> {
    sync(st).await?;
    let ix = st.kb().index.read().map_err(|_| poisoned())?;
    Ok(ix
        .search(q, limit, |id, lang, published| {
            ix.articles
                .get(&id)
                .is_some_and(|e| accept(e, lang, published))
        })
        .into_iter()
        .map(|h| h.article_id)
        .collect())
}

fn poisoned() -> Error {
    Error::Internal(anyhow::anyhow!(
        "the knowledge base's catalogue lock is poisoned"
    ))
}

/// The translation a page in `lang` shows of an article: see `fallback`.
fn shown<'e>(st: &AppState, e: &'e Entry, lang: &str) -> Option<&'e str> {
    let published: Vec<&str> = e
        .titles
        .iter()
        .filter(|(_, (_, p))| *p)
        .map(|(l, _)| l.as_str())
        .collect();
    pick(
        &chain(&st.config.help_fallback, lang),
        &e.source_lang,
        &published,
    )
}

/// An article as the help centre lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Id.
    pub id: i64,
    /// Slug.
    pub slug: String,
    /// Category.
    pub category: Option<i64>,
    /// Title in the language shown.
    pub title: String,
    /// The language shown (another than the page's when not translated).
    pub lang: String,
    /// A snippet of the text around the words searched for.
    pub snippet: String,
    /// The whole text, plain (searches only; empty in listings).
    pub text: String,
}

impl Listed {
    /// The article's address in the help centre in `lang`.
    pub fn path(&self, lang: &str) -> String {
        article_path(lang, self.id, &self.slug)
    }
}

/// `/help/{lang}/articles/{id}-{slug}`.
pub fn article_path(lang: &str, id: i64, slug: &str) -> String {
    format!("/help/{lang}/articles/{id}-{slug}")
}

/// The published articles of a category (all when `None`), each in the
/// language a page in `lang` shows, by title.
pub async fn listing(
    st: &AppState,
    lang: &str,
    category: Option<Option<i64>>,
) -> Result<Vec<Listed>> {
    sync(st).await?;
    let ix = st.kb().index.read().map_err(|_| poisoned())?;
    let mut out: Vec<Listed> = ix
        .articles
        .iter()
        .filter(|(_, e)| category.is_none_or(|c| e.category == c))
        .filter_map(|(id, e)| {
            let l = shown(st, e, lang)?;
            let title = e.titles.get(l).map(|(t, _)| t.clone())?;
            Some(Listed {
                id: *id,
                slug: e.slug.clone(),
                category: e.category,
                title,
                lang: l.to_string(),
                snippet: String::new(),
                text: String::new(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Published articles matching `q` for a page in `lang`: translations in
/// the page's fallback chain, or the one the page would show, count; each
/// article is shown in the page's language with the fallback, with a
/// snippet around the first word found.
pub async fn search(st: &AppState, lang: &str, q: &str, limit: usize) -> Result<Vec<Listed>> {
    let langs: Vec<String> = chain(&st.config.help_fallback, lang)
        .into_iter()
        .map(str::to_string)
        .collect();
    let ids = search_ids(st, q, limit, |e, l, published| {
        published && (langs.iter().any(|x| x == l) || shown(st, e, lang) == Some(l))
    })
    .await?;
    let picked: Vec<(i64, String, String)> = {
        let ix = st.kb().index.read().map_err(|_| poisoned())?;
        ids.iter()
            .filter_map(|id| {
                let e = ix.articles.get(id)?;
                Some((*id, e.slug.clone(), shown(st, e, lang)?.to_string()))
            })
            .collect()
    };
    let mut c = st.db.pool().acquire().await?;
    let mut articles: HashMap<i64, Article> = articles_by_id(&mut c, &ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(picked
        .into_iter()
        .filter_map(|(id, slug, l)| {
            let a = articles.remove(&id)?;
            let t = a.translations.get(&l)?;
            let text = crate::html::to_text(&t.body_html);
            Some(Listed {
                id,
                slug,
                category: a.category,
                title: t.title.clone(),
                snippet: snippet(&text, q),
                text,
                lang: l,
            })
        })
        .collect())
}

/// About 160 characters of `text` around the first word of `q` in it (its
/// start when none is).
pub fn snippet(text: &str, q: &str) -> String {
    const BEFORE: usize = 40;
    const LEN: usize = 160;
    let mut words = Vec::new();
    analyze(q, Mode::Query, &mut words);
    let mut tokens = Vec::new();
    analyze(text, Mode::Query, &mut tokens);
    let at = tokens
        .iter()
        .find(|t| words.iter().any(|w| w.text == t.text))
        .map_or(0, |t| t.offset_from);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let pos = chars.iter().position(|(i, _)| *i >= at).unwrap_or(0);
    let start = pos.saturating_sub(BEFORE);
    let end = (start + LEN).min(chars.len());
    let piece: String = chars[start..end].iter().map(|(_, c)| *c).collect();
    let piece = piece.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&piece);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// An article as a page in `lang` shows it: its published translations
/// only, and which one is shown. `None` when it does not exist or has no
/// published translation.
pub async fn article(st: &AppState, id: i64, lang: &str) -> Result<Option<(Article, String)>> {
    let mut c = st.db.pool().acquire().await?;
    let Some(mut a) = articles_by_id(&mut c, &[id]).await?.pop() else {
        return Ok(None);
    };
    a.translations.retain(|_, t| t.published);
    let published: Vec<&str> = a.translations.keys().map(String::as_str).collect();
    let Some(l) = pick(
        &chain(&st.config.help_fallback, lang),
        &a.source_lang,
        &published,
    )
    .map(str::to_string) else {
        return Ok(None);
    };
    Ok(Some((a, l)))
}

/// Records a "Did this help?" answer for a published article.
pub async fn vote(st: &AppState, id: i64, lang: &str, helpful: bool) -> Result<()> {
    if article(st, id, lang).await?.is_none() {
        return Err(Error::NotFound("article"));
    }
    let now = st.clock.now_ms();
    let lang = lang.to_string();
    st.db
        .write(move |c| {
            Box::pin(async move { repo::insert_vote(c, id, &lang, helpful, now).await })
        })
        .await
}

/// The slug and a title of each of these articles, for reports: the
/// translation a page in `lang` would show, drafts counted too (an
/// article unpublished since keeps its name). Missing ones are left out.
pub async fn labels(
    st: &AppState,
    ids: &[i64],
    lang: &str,
) -> Result<HashMap<i64, (String, String)>> {
    sync(st).await?;
    let ix = st.kb().index.read().map_err(|_| poisoned())?;
    let langs = chain(&st.config.help_fallback, lang);
    Ok(ids
        .iter()
        .filter_map(|id| {
            let e = ix.articles.get(id)?;
            let all: Vec<&str> = e.titles.keys().map(String::as_str).collect();
            let l = pick(&langs, &e.source_lang, &all)?;
            let title = e.titles.get(l).map(|(t, _)| t.clone())?;
            Some((*id, (e.slug.clone(), title)))
        })
        .collect())
}

/// Every public article with its published languages (for the sitemap),
/// by id.
pub async fn published(st: &AppState) -> Result<Vec<(i64, String, i64, Vec<String>)>> {
    sync(st).await?;
    let ix = st.kb().index.read().map_err(|_| poisoned())?;
    let mut out: Vec<(i64, String, i64, Vec<String>)> = ix
        .articles
        .iter()
        .filter(|(_, e)| e.is_public())
        .map(|(id, e)| {
            let langs = e
                .titles
                .iter()
                .filter(|(_, (_, p))| *p)
                .map(|(l, _)| l.clone())
                .collect();
            (*id, e.slug.clone(), e.changed_at, langs)
        })
        .collect();
    out.sort_by_key(|a| a.0);
    Ok(out)
}
