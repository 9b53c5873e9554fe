//! Knowledge-base use cases for the desk: admins and supervisors write
//! articles and categories; everyone signed in reads them, drafts
//! included. Every change of an article keeps a revision (the article as
//! it then was), and restoring one writes it again as a new change.

use std::collections::{BTreeMap, HashMap};

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::db::is_unique_violation;
use crate::state::AppState;
use crate::time::rfc3339;
use crate::{Error, Result};

use super::model::{
    Article, ArticleInput, ArticleQuery, Category, CategoryInput, Checked, Revision, Translation,
    TranslationInput, Versioned, outdated, versions,
};
use super::repo::{self, ArticleRow, CategoryRow, TranslationRow};

const WRITERS: &str = "only admins and supervisors may write the knowledge base";

/// Fails unless the viewer may write the knowledge base (admins and
/// supervisors): the one rule for the API, the editor and image uploads.
pub fn require_writer(viewer: &Viewer) -> Result<()> {
    viewer.require_supervisor(WRITERS)
}

/// Whether the viewer may write the knowledge base ([`require_writer`]).
pub fn may_write(viewer: &Viewer) -> bool {
    require_writer(viewer).is_ok()
}

fn broken(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!(
        "knowledge base: stored {what} does not read ({e})"
    ))
}

/// Builds articles from their rows (in the rows' order).
pub(super) fn assemble(rows: Vec<ArticleRow>, translations: Vec<TranslationRow>) -> Vec<Article> {
    let mut by_article: HashMap<i64, Vec<TranslationRow>> = HashMap::new();
    for t in translations {
        by_article.entry(t.article_id).or_default().push(t);
    }
    rows.into_iter()
        .map(|a| {
            let ts = by_article.remove(&a.id).unwrap_or_default();
            let source_now = ts
                .iter()
                .find(|t| t.lang == a.source_lang)
                .map_or(0, |t| t.version);
            let translations = ts
                .into_iter()
                .map(|t| {
                    let tr = Translation {
                        outdated: outdated(&t.lang, &a.source_lang, source_now, t.source_version),
                        title: t.title,
                        body_markdown: t.body_markdown,
                        body_html: t.body_html,
                        published: t.published != 0,
                        author_id: t.author_id,
                        updated_at: rfc3339(t.updated_at),
                        version: t.version,
                        source_version: t.source_version,
                    };
                    (t.lang, tr)
                })
                .collect();
            Article {
                id: a.id,
                slug: a.slug,
                category: a.category_id,
                source_lang: a.source_lang,
                created_at: rfc3339(a.created_at),
                updated_at: rfc3339(a.changed_at),
                translations,
            }
        })
        .collect()
}

/// Articles by id, in the order of `ids` (missing ones left out).
pub(super) async fn articles_by_id(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Article>> {
    let limit = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let rows = repo::articles(c, None, Some(ids), limit).await?;
    let trs = repo::translations(c, ids).await?;
    let mut found: HashMap<i64, Article> =
        assemble(rows, trs).into_iter().map(|a| (a.id, a)).collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Writes a checked article (a new one when `id` is none) and its
/// revision, inside the transaction. Callers check who may write.
async fn write_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: Option<i64>,
    m: &Checked,
    now: i64,
) -> Result<i64> {
    if let Some(cat) = m.category
        && !repo::category_exists(c, cat).await?
    {
        return Err(Error::invalid(
            "category",
            format!("there is no category {cat}"),
        ));
    }
    if repo::slug_taken(c, &m.slug, id).await? {
        return Err(slug_taken(&m.slug));
    }
    let changed = repo::next_change(c, now).await?;
    let (old, old_source) = match id {
        Some(id) => {
            let a = repo::article(c, id, true)
                .await?
                .ok_or(Error::NotFound("article"))?;
            (repo::translations(c, &[id]).await?, Some(a.source_lang))
        }
        None => (vec![], None),
    };
    let source = match (&m.source_lang, &old_source) {
        (Some(s), _) => s.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => m.new_source_lang()?,
    };
    if !m.translations.contains_key(&source) {
        return Err(Error::invalid(
            "translations",
            format!(
                "the source language {source} cannot be left out; give its translation or choose another source_lang"
            ),
        ));
    }
    let stored: Vec<Versioned> = old
        .iter()
        .map(|t| Versioned {
            lang: t.lang.clone(),
            title: t.title.clone(),
            body_markdown: t.body_markdown.clone(),
            version: t.version,
            source_version: t.source_version,
        })
        .collect();
    let vs = versions(
        &stored,
        old_source.as_deref().unwrap_or(&source),
        &source,
        &m.translations,
    );
    let rows: Vec<TranslationRow> = m
        .translations
        .iter()
        .map(|(lang, t)| {
            let (version, source_version) = vs.get(lang).copied().unwrap_or((1, 1));
            let prev = old.iter().find(|o| o.lang == *lang);
            let same = prev.is_some_and(|o| {
                o.title == t.title
                    && o.body_markdown == t.body_markdown
                    && (o.published != 0) == t.published
            });
            TranslationRow {
                article_id: id.unwrap_or(0),
                lang: lang.clone(),
                title: t.title.clone(),
                body_markdown: t.body_markdown.clone(),
                body_html: t.body_html.clone(),
                published: i64::from(t.published),
                author_id: if same {
                    prev.and_then(|o| o.author_id)
                } else {
                    viewer.user_id
                },
                version,
                source_version,
                updated_at: match prev {
                    Some(o) if same => o.updated_at,
                    _ => now,
                },
            }
        })
        .collect();
    let id = match id {
        Some(id) => {
            repo::update_article(c, id, &m.slug, m.category, &source, changed).await?;
            id
        }
        None => repo::insert_article(c, &m.slug, m.category, &source, now, changed).await?,
    };
    repo::replace_translations(c, id, &rows).await?;
    let snapshot = ArticleInput {
        slug: m.slug.clone(),
        category: m.category,
        source_lang: Some(source),
        translations: m
            .translations
            .iter()
            .map(|(l, t)| {
                let t = TranslationInput {
                    title: t.title.clone(),
                    body_markdown: t.body_markdown.clone(),
                    published: t.published,
                };
                (l.clone(), t)
            })
            .collect(),
    };
    let snapshot = serde_json::to_string(&snapshot).map_err(|e| Error::Internal(e.into()))?;
    repo::insert_revision(c, id, &snapshot, viewer.user_id, now).await?;
    Ok(id)
}

fn slug_taken(slug: &str) -> Error {
    Error::invalid(
        "slug",
        format!("another article has the slug {slug:?}; choose another"),
    )
}

/// Runs a write of an article and answers it as stored.
async fn write(st: &AppState, viewer: &Viewer, id: Option<i64>, m: Checked) -> Result<Article> {
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let slug = m.slug.clone();
    let id = st
        .db
        .write(move |c| Box::pin(async move { write_in(c, &v, id, &m, now).await }))
        .await
        // Two writers with the same new slug at once (PostgreSQL).
        .map_err(|e| match e {
            Error::Database(d) if is_unique_violation(&d) => slug_taken(&slug),
            other => other,
        })?;
    st.kb().touched();
    get_article(st, viewer, id).await
}

/// Creates an article.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn create_article(
    st: &AppState,
    viewer: &Viewer,
    input: ArticleInput,
) -> Result<Article> {
    require_writer(viewer)?;
    write(st, viewer, None, input.check()?).await
}

/// Creates a draft: an article none of whose translations is published.
/// Every user may propose one (an agent from a conversation,
/// `desk::draft_from_conversation`): it stays out of the help centre until
/// an admin or a supervisor publishes it.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn create_draft(st: &AppState, viewer: &Viewer, input: ArticleInput) -> Result<Article> {
    let m = input.check()?;
    if m.translations.values().any(|t| t.published) {
        require_writer(viewer)?;
    }
    write(st, viewer, None, m).await
}

/// Replaces an article (translations left out are removed).
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, article_id = id))]
pub async fn update_article(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: ArticleInput,
) -> Result<Article> {
    require_writer(viewer)?;
    write(st, viewer, Some(id), input.check()?).await
}

/// Removes an article, its translations, revisions and votes.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, article_id = id))]
pub async fn delete_article(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    require_writer(viewer)?;
    let gone = st
        .db
        .write(move |c| Box::pin(async move { repo::delete_article(c, id).await }))
        .await?;
    st.kb().touched();
    if gone {
        Ok(())
    } else {
        Err(Error::NotFound("article"))
    }
}

/// One article with every translation (drafts too).
pub async fn get_article(st: &AppState, _viewer: &Viewer, id: i64) -> Result<Article> {
    let mut c = st.db.pool().acquire().await?;
    articles_by_id(&mut c, &[id])
        .await?
        .pop()
        .ok_or(Error::NotFound("article"))
}

/// Articles, newest first, or with `q` the best matches first (drafts
/// included, any language).
pub async fn list_articles(
    st: &AppState,
    _viewer: &Viewer,
    q: &ArticleQuery,
) -> Result<Vec<Article>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Error::invalid("limit", "limit must be between 1 and 200"));
    }
    if let Some(words) = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        let ids = super::public::search_ids(
            st,
            words,
            usize::try_from(limit).unwrap_or(50),
            |e, _, _| q.category.is_none() || e.category == q.category,
        )
        .await?;
        let mut c = st.db.pool().acquire().await?;
        return articles_by_id(&mut c, &ids).await;
    }
    let mut c = st.db.pool().acquire().await?;
    let rows = repo::articles(&mut c, q.category, None, limit).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let trs = repo::translations(&mut c, &ids).await?;
    Ok(assemble(rows, trs))
}

/// An article's revisions, newest first.
pub async fn revisions(st: &AppState, viewer: &Viewer, id: i64) -> Result<Vec<Revision>> {
    get_article(st, viewer, id).await?;
    let mut c = st.db.pool().acquire().await?;
    repo::revisions(&mut c, id, None)
        .await?
        .into_iter()
        .map(|r| {
            Ok(Revision {
                id: r.id,
                author_id: r.author_id,
                created_at: rfc3339(r.created_at),
                article: serde_json::from_str(&r.snapshot).map_err(|e| broken("revision", e))?,
            })
        })
        .collect()
}

/// Writes a revision again, as a new change (itself kept as a revision).
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, article_id = id))]
pub async fn restore(st: &AppState, viewer: &Viewer, id: i64, revision_id: i64) -> Result<Article> {
    require_writer(viewer)?;
    let mut c = st.db.pool().acquire().await?;
    let row = repo::revisions(&mut c, id, Some(revision_id))
        .await?
        .pop()
        .ok_or(Error::NotFound("revision"))?;
    drop(c);
    let mut input: ArticleInput =
        serde_json::from_str(&row.snapshot).map_err(|e| broken("revision", e))?;
    // A category removed since then: the article comes back without one.
    let mut c = st.db.pool().acquire().await?;
    if let Some(cat) = input.category
        && !repo::category_exists(&mut c, cat).await?
    {
        input.category = None;
    }
    drop(c);
    write(st, viewer, Some(id), input.check()?).await
}

fn category_of(r: CategoryRow) -> Result<Category> {
    Ok(Category {
        names: serde_json::from_str(&r.names).map_err(|e| broken("category names", e))?,
        id: r.id,
        slug: r.slug,
        position: r.position,
    })
}

/// Every category, in order.
pub async fn categories(st: &AppState) -> Result<Vec<Category>> {
    let mut c = st.db.pool().acquire().await?;
    repo::categories(&mut c)
        .await?
        .into_iter()
        .map(category_of)
        .collect()
}

/// Creates (`id` none) or replaces a category.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn write_category(
    st: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
    input: CategoryInput,
) -> Result<Category> {
    require_writer(viewer)?;
    let m = input.check()?;
    let names: BTreeMap<String, String> = m.names.clone();
    let names = serde_json::to_string(&names).map_err(|e| Error::Internal(e.into()))?;
    let now = st.clock.now_ms();
    let slug = m.slug.clone();
    let id = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if repo::category_slug_taken(c, &m.slug, id).await? {
                    return Err(Error::invalid(
                        "slug",
                        format!("another category has the slug {:?}; choose another", m.slug),
                    ));
                }
                match id {
                    Some(id) => repo::update_category(c, id, &m.slug, m.position, &names, now)
                        .await?
                        .then_some(id)
                        .ok_or(Error::NotFound("category")),
                    None => repo::insert_category(c, &m.slug, m.position, &names, now).await,
                }
            })
        })
        .await
        .map_err(|e| match e {
            Error::Database(d) if is_unique_violation(&d) => Error::invalid(
                "slug",
                format!("another category has the slug {slug:?}; choose another"),
            ),
            other => other,
        })?;
    categories(st)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(Error::NotFound("category"))
}

/// Removes a category; its articles stay, without a category.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, category_id = id))]
pub async fn delete_category(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    require_writer(viewer)?;
    let now = st.clock.now_ms();
    let gone = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let changed = repo::next_change(c, now).await?;
                repo::delete_category(c, id, changed).await
            })
        })
        .await?;
    if gone {
        Ok(())
    } else {
        Err(Error::NotFound("category"))
    }
}
