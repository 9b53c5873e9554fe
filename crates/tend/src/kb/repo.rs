//! The knowledge base's tables: `kb_categories`, `kb_articles`,
//! `kb_translations`, `kb_revisions` and `kb_votes`.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::db::Sql;

/// A stored article (without its translations).
#[derive(Debug, Clone, FromRow)]
pub(super) struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub category_id: Option<i64>,
    pub source_lang: String,
    pub created_at: i64,
    pub changed_at: i64,
}

/// A stored translation.
#[derive(Debug, Clone, FromRow)]
pub(super) struct TranslationRow {
    pub article_id: i64,
    pub lang: String,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    pub published: i64,
    pub author_id: Option<i64>,
    pub version: i64,
    pub source_version: i64,
    pub updated_at: i64,
}

/// A stored category.
#[derive(Debug, Clone, FromRow)]
pub(super) struct CategoryRow {
    pub id: i64,
    pub slug: String,
    pub position: i64,
    pub names: String,
}

/// A stored revision.
#[derive(Debug, Clone, FromRow)]
pub(super) struct RevisionRow {
    pub id: i64,
    pub snapshot: String,
    pub author_id: Option<i64>,
    pub created_at: i64,
}

const ARTICLE: &str =
    "SELECT id, slug, category_id, source_lang, created_at, changed_at FROM kb_articles";
const TRANSLATION: &str = "SELECT article_id, lang, title, body_markdown, body_html, published, \
     author_id, version, source_version, updated_at FROM kb_translations";

/// The next `changed_at`: now, but always past every article's, so that
/// each change moves the mark the search catalogues catch up by (even
/// with a clock that stands still).
pub(super) async fn next_change(c: &mut AnyConnection, now: i64) -> Result<i64> {
    let top: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(changed_at), 0) FROM kb_articles")
        .fetch_one(c)
        .await?;
    Ok(now.max(top + 1))
}

pub(super) async fn insert_article(
    c: &mut AnyConnection,
    slug: &str,
    category: Option<i64>,
    source_lang: &str,
    now: i64,
    changed: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO kb_articles (slug, category_id, source_lang, created_at, changed_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(slug)
    .bind(category)
    .bind(source_lang)
    .bind(now)
    .bind(changed)
    .fetch_one(c)
    .await?)
}

pub(super) async fn update_article(
    c: &mut AnyConnection,
    id: i64,
    slug: &str,
    category: Option<i64>,
    source_lang: &str,
    changed: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE kb_articles SET slug = $1, category_id = $2, source_lang = $3, changed_at = $4 \
         WHERE id = $5",
    )
    .bind(slug)
    .bind(category)
    .bind(source_lang)
    .bind(changed)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn delete_article(c: &mut AnyConnection, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM kb_articles WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// One article; `lock` takes its row for the rest of the transaction
/// (PostgreSQL; SQLite has one writer).
pub(super) async fn article(
    c: &mut AnyConnection,
    id: i64,
    lock: bool,
) -> Result<Option<ArticleRow>> {
    let mut sql = Sql::new(ARTICLE);
    sql.push(" WHERE id = ").bind(id);
    if lock && crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE");
    }
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// Articles, newest first; of one category when given.
pub(super) async fn articles(
    c: &mut AnyConnection,
    category: Option<i64>,
    ids: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<ArticleRow>> {
    let mut sql = Sql::new(ARTICLE);
    sql.push(" WHERE 1=1");
    if let Some(cat) = category {
        sql.push(" AND category_id = ").bind(cat);
    }
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        sql.push(" AND id IN ").bind_list(ids.iter().copied());
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(limit);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Whether another article has this slug.
pub(super) async fn slug_taken(
    c: &mut AnyConnection,
    slug: &str,
    except: Option<i64>,
) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM kb_articles WHERE slug = $1 AND id <> $2")
            .bind(slug)
            .bind(except.unwrap_or(-1))
            .fetch_one(c)
            .await?;
    Ok(n > 0)
}

/// The translations of these articles.
pub(super) async fn translations(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<TranslationRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = Sql::new(TRANSLATION);
    sql.push(" WHERE article_id IN ")
        .bind_list(ids.iter().copied())
        .push(" ORDER BY article_id, lang");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Replaces every translation of an article.
pub(super) async fn replace_translations(
    c: &mut AnyConnection,
    article_id: i64,
    rows: &[TranslationRow],
) -> Result<()> {
    sqlx::query("DELETE FROM kb_translations WHERE article_id = $1")
        .bind(article_id)
        .execute(&mut *c)
        .await?;
    for t in rows {
        sqlx::query(
            "INSERT INTO kb_translations (article_id, lang, title, body_markdown, body_html, \
             published, author_id, version, source_version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(article_id)
        .bind(&t.lang)
        .bind(&t.title)
        .bind(&t.body_markdown)
        .bind(&t.body_html)
        .bind(t.published)
        .bind(t.author_id)
        .bind(t.version)
        .bind(t.source_version)
        .bind(t.updated_at)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

pub(super) async fn insert_revision(
    c: &mut AnyConnection,
    article_id: i64,
    snapshot: &str,
    author_id: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO kb_revisions (article_id, snapshot, author_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(article_id)
    .bind(snapshot)
    .bind(author_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// An article's revisions, newest first; one of them when `id` is given.
pub(super) async fn revisions(
    c: &mut AnyConnection,
    article_id: i64,
    id: Option<i64>,
) -> Result<Vec<RevisionRow>> {
    let mut sql = Sql::new(
        "SELECT id, snapshot, author_id, created_at FROM kb_revisions WHERE article_id = ",
    );
    sql.bind(article_id);
    if let Some(id) = id {
        sql.push(" AND id = ").bind(id);
    }
    sql.push(" ORDER BY id DESC LIMIT 500");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// What the catalogues compare to know whether they are current: the
/// number of articles and the latest `changed_at`.
pub(super) async fn stamp(c: &mut AnyConnection) -> Result<(i64, i64)> {
    Ok(
        sqlx::query_as("SELECT COUNT(*), COALESCE(MAX(changed_at), 0) FROM kb_articles")
            .fetch_one(c)
            .await?,
    )
}

/// Articles changed at or after `since`.
pub(super) async fn changed_since(c: &mut AnyConnection, since: i64) -> Result<Vec<ArticleRow>> {
    let mut sql = Sql::new(ARTICLE);
    sql.push(" WHERE changed_at >= ").bind(since);
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Every article id.
pub(super) async fn all_ids(c: &mut AnyConnection) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM kb_articles")
        .fetch_all(c)
        .await?)
}

pub(super) async fn insert_vote(
    c: &mut AnyConnection,
    article_id: i64,
    lang: &str,
    helpful: bool,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO kb_votes (article_id, lang, helpful, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(article_id)
    .bind(lang)
    .bind(i64::from(helpful))
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn categories(c: &mut AnyConnection) -> Result<Vec<CategoryRow>> {
    Ok(
        sqlx::query_as("SELECT id, slug, position, names FROM kb_categories ORDER BY position, id")
            .fetch_all(c)
            .await?,
    )
}

pub(super) async fn category_exists(c: &mut AnyConnection, id: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kb_categories WHERE id = $1")
        .bind(id)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

pub(super) async fn category_slug_taken(
    c: &mut AnyConnection,
    slug: &str,
    except: Option<i64>,
) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM kb_categories WHERE slug = $1 AND id <> $2")
            .bind(slug)
            .bind(except.unwrap_or(-1))
            .fetch_one(c)
            .await?;
    Ok(n > 0)
}

pub(super) async fn insert_category(
    c: &mut AnyConnection,
    slug: &str,
    position: i64,
    names: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO kb_categories (slug, position, names, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(slug)
    .bind(position)
    .bind(names)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub(super) async fn update_category(
    c: &mut AnyConnection,
    id: i64,
    slug: &str,
    position: i64,
    names: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE kb_categories SET slug = $1, position = $2, names = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(slug)
    .bind(position)
    .bind(names)
    .bind(now)
    .bind(id)
    .execute(c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a category; its articles stay, without a category (and are
/// marked changed, so the catalogues see it).
pub(super) async fn delete_category(c: &mut AnyConnection, id: i64, changed: i64) -> Result<bool> {
    sqlx::query(
        "UPDATE kb_articles SET category_id = NULL, changed_at = $1 WHERE category_id = $2",
    )
    .bind(changed)
    .bind(id)
    .execute(&mut *c)
    .await?;
    let done = sqlx::query("DELETE FROM kb_categories WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}
