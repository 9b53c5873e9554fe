//! `/api/v1/kb/…`: articles, their revisions and categories, for the desk.
//! Admins and supervisors write; everyone signed in reads, drafts included.
//! Also the deflection report, the unhelpful articles, and for a
//! conversation the composer's article search and a draft from it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Result;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, created};
use crate::state::AppState;

use serde::Deserialize;
use utoipa::IntoParams;

use super::deflection::{self, DeflectionReport};
use super::desk::{self, ComposerArticles, ComposerQuery, Unhelpful};
use super::model::{Article, ArticleInput, ArticleQuery, Category, CategoryInput, Revision};
use super::service;

/// The knowledge base's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_kb_articles, create_kb_article))
        .routes(routes!(get_kb_article, put_kb_article, delete_kb_article))
        .routes(routes!(list_kb_revisions))
        .routes(routes!(restore_kb_revision))
        .routes(routes!(list_kb_categories, create_kb_category))
        .routes(routes!(put_kb_category, delete_kb_category))
        .routes(routes!(kb_deflection_report))
        .routes(routes!(list_kb_unhelpful))
        .routes(routes!(search_kb_for_conversation))
        .routes(routes!(create_kb_draft_from_conversation))
}

/// `GET /kb/deflection` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeflectionQuery {
    /// From this date (`YYYY-MM-DD` in the caller's time zone, included)
    /// or RFC 3339 time; default 30 days before `to`.
    from: Option<String>,
    /// To this date (included) or RFC 3339 time (excluded); default today.
    to: Option<String>,
    /// The time zone of the dates (an IANA name); by default the caller's
    /// own, else UTC.
    tz: Option<String>,
    /// The language of the article titles (default `en`; the help
    /// centre's fallback applies).
    lang: Option<String>,
}

/// The range `[from, to)` of a report in ms: the dates in `tz`, by default
/// the 30 days up to today.
pub async fn range(
    st: &AppState,
    viewer: &crate::agents::Viewer,
    from: Option<&str>,
    to: Option<&str>,
    tz: Option<&str>,
) -> Result<(i64, i64)> {
    use crate::reports::service::{instant, time_zone};
    const DAY_MS: i64 = 86_400_000;
    let tz = time_zone(st, viewer, tz).await?;
    let blank = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let to = match blank(to) {
        Some(t) => instant("to", &t, &tz, true)?,
        None => {
            let today = jiff::Timestamp::from_millisecond(st.clock.now_ms())
                .map_err(|e| crate::Error::Internal(e.into()))?
                .to_zoned_datetime(tz.clone())
                .date();
            instant("to", &today.to_string(), &tz, true)?
        }
    };
    let from = match blank(from) {
        Some(f) => instant("from", &f, &tz, false)?,
        None => to - 30 * DAY_MS,
    };
    if from >= to {
        return Err(crate::Error::invalid("from", "from must be before to"));
    }
    Ok((from, to))
}

/// Answers before asking: per article and per inbox, the visits shown
/// suggestions, those that opened one, those that sent their message
/// anyway, and the deflection rate (opened and sent nothing, over shown).
#[utoipa::path(get, path = "/kb/deflection", tag = "knowledge base", params(DeflectionQuery),
    responses((status = 200, description = "The report", body = DeflectionReport),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 422, description = "Invalid parameter")))]
async fn kb_deflection_report(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DeflectionQuery>,
) -> Result<axum::Json<DeflectionReport>> {
    let (from, to) = range(
        &st,
        &auth.0,
        q.from.as_deref(),
        q.to.as_deref(),
        q.tz.as_deref(),
    )
    .await?;
    let lang = q.lang.as_deref().unwrap_or(crate::locale::DEFAULT);
    Ok(axum::Json(
        deflection::report(&st, &auth.0, from, to, lang).await?,
    ))
}

/// `GET /kb/unhelpful` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnhelpfulQuery {
    /// The language of the titles (default `en`, with the fallback).
    lang: Option<String>,
}

/// The articles customers found unhelpful: those with a "No" to "Did this
/// help?", the most "No" first, with both counts.
#[utoipa::path(get, path = "/kb/unhelpful", tag = "knowledge base", params(UnhelpfulQuery),
    responses((status = 200, description = "Articles", body = Page<Unhelpful>),
              (status = 401, description = "No or bad token")))]
async fn list_kb_unhelpful(
    State(st): State<AppState>,
    _auth: Auth,
    ApiQuery(q): ApiQuery<UnhelpfulQuery>,
) -> Result<axum::Json<Page<Unhelpful>>> {
    let lang = q.lang.as_deref().unwrap_or(crate::locale::DEFAULT);
    Ok(axum::Json(Page {
        items: desk::unhelpful(&st, lang).await?,
        next_cursor: None,
    }))
}

/// Published articles for a reply: each in the conversation's language
/// (its own, else its customer's) with the help centre's fallback, with
/// its address and its text to insert.
#[utoipa::path(get, path = "/conversations/{id}/kb-articles", tag = "knowledge base",
    params(("id" = i64, Path, description = "Conversation id"), ComposerQuery),
    responses((status = 200, description = "Articles", body = ComposerArticles),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation, or not yours to see"),
              (status = 422, description = "Invalid limit")))]
async fn search_kb_for_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ComposerQuery>,
) -> Result<axum::Json<ComposerArticles>> {
    Ok(axum::Json(
        desk::for_conversation(&st, &auth.0, id, &q).await?,
    ))
}

/// Turn an answered conversation into a draft article in its language:
/// the subject (else the question) as the title, the question quoted and
/// the first public answer as the body. Anyone who may see the
/// conversation; the draft is published by an admin or supervisor.
#[utoipa::path(post, path = "/conversations/{id}/kb-draft", tag = "knowledge base",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 201, description = "The draft", body = Article),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation, or not yours to see"),
              (status = 422, description = "No public answer to a question yet")))]
async fn create_kb_draft_from_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    Ok(created(
        desk::draft_from_conversation(&st, &auth.0, id).await?,
    ))
}

/// Articles, newest first; with `q`, the best matches first, in any
/// language, drafts included.
#[utoipa::path(get, path = "/kb/articles", tag = "knowledge base", params(ArticleQuery),
    responses((status = 200, description = "Articles", body = Page<Article>),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "Invalid limit")))]
async fn list_kb_articles(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ArticleQuery>,
) -> Result<axum::Json<Page<Article>>> {
    Ok(axum::Json(Page {
        items: service::list_articles(&st, &auth.0, &q).await?,
        next_cursor: None,
    }))
}

/// Create an article with its translations (admins and supervisors).
#[utoipa::path(post, path = "/kb/articles", tag = "knowledge base", request_body = ArticleInput,
    responses((status = 201, description = "Created", body = Article),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Only admins and supervisors write articles"),
              (status = 422, description = "Invalid input; the message names the field")))]
async fn create_kb_article(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ArticleInput>,
) -> Result<Response> {
    Ok(created(service::create_article(&st, &auth.0, b).await?))
}

/// One article, every translation with `outdated`.
#[utoipa::path(get, path = "/kb/articles/{id}", tag = "knowledge base",
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, description = "The article", body = Article),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such article")))]
async fn get_kb_article(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Article>> {
    Ok(axum::Json(service::get_article(&st, &auth.0, id).await?))
}

/// Replace an article (the whole of it: a translation left out is
/// removed); a revision keeps what it was.
#[utoipa::path(put, path = "/kb/articles/{id}", tag = "knowledge base",
    params(("id" = i64, Path, description = "Article id")),
    request_body = ArticleInput,
    responses((status = 200, description = "The article", body = Article),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Only admins and supervisors write articles"),
              (status = 404, description = "No such article"),
              (status = 422, description = "Invalid input")))]
async fn put_kb_article(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ArticleInput>,
) -> Result<axum::Json<Article>> {
    Ok(axum::Json(
        service::update_article(&st, &auth.0, id, b).await?,
    ))
}

/// Remove an article with its translations, revisions and votes.
#[utoipa::path(delete, path = "/kb/articles/{id}", tag = "knowledge base",
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Only admins and supervisors write articles"),
              (status = 404, description = "No such article")))]
async fn delete_kb_article(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete_article(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// An article's revisions, newest first: the article as it was after
/// each change.
#[utoipa::path(get, path = "/kb/articles/{id}/revisions", tag = "knowledge base",
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, description = "Revisions", body = Page<Revision>),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such article")))]
async fn list_kb_revisions(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Page<Revision>>> {
    Ok(axum::Json(Page {
        items: service::revisions(&st, &auth.0, id).await?,
        next_cursor: None,
    }))
}

/// Restore a revision: the article is written again as it was then (a
/// change like any other, kept as a new revision).
#[utoipa::path(post, path = "/kb/articles/{id}/revisions/{revision_id}/restore", tag = "knowledge base",
    params(("id" = i64, Path, description = "Article id"),
           ("revision_id" = i64, Path, description = "Revision id")),
    responses((status = 200, description = "The article", body = Article),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Only admins and supervisors write articles"),
              (status = 404, description = "No such article or revision"),
              (status = 422, description = "Its slug is another article's now")))]
async fn restore_kb_revision(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, revision_id)): ApiPath<(i64, i64)>,
) -> Result<axum::Json<Article>> {
    Ok(axum::Json(
        service::restore(&st, &auth.0, id, revision_id).await?,
    ))
}

/// Every category, in order.
#[utoipa::path(get, path = "/kb/categories", tag = "knowledge base",
    responses((status = 200, description = "Categories", body = Page<Category>),
              (status = 401, description = "No or bad token")))]
async fn list_kb_categories(
    State(st): State<AppState>,
    _auth: Auth,
) -> Result<axum::Json<Page<Category>>> {
    Ok(axum::Json(Page {
        items: service::categories(&st).await?,
        next_cursor: None,
    }))
}

/// Create a category (admins and supervisors).
#[utoipa::path(post, path = "/kb/categories", tag = "knowledge base", request_body = CategoryInput,
    responses((status = 201, description = "Created", body = Category),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Only admins and supervisors write categories"),
              (status = 422, description = "Invalid input")))]
async fn create_kb_category(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CategoryInput>,
) -> Result<Response> {
    Ok(created(
        service::write_category(&st, &auth.0, None, b).await?,
    ))
}

/// Replace a category.
#[utoipa::path(put, path = "/kb/categories/{id}", tag = "knowledge base",
    params(("id" = i64, Path, description = "Category id")),
    request_body = CategoryInput,
    responses((status = 200, description = "The category", body = Category),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Only admins and supervisors write categories"),
              (status = 404, description = "No such category"),
              (status = 422, description = "Invalid input")))]
async fn put_kb_category(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CategoryInput>,
) -> Result<axum::Json<Category>> {
    Ok(axum::Json(
        service::write_category(&st, &auth.0, Some(id), b).await?,
    ))
}

/// Remove a category; its articles stay, without one.
#[utoipa::path(delete, path = "/kb/categories/{id}", tag = "knowledge base",
    params(("id" = i64, Path, description = "Category id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Only admins and supervisors write categories"),
              (status = 404, description = "No such category")))]
async fn delete_kb_category(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete_category(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
