//! The knowledge-base editor in the workspace, for those who write the
//! knowledge base (`kb::service::require_writer`: admins and
//! supervisors; everyone else gets the 403 page):
//!
//! - `/kb`: the articles, with the state of each translation in the
//!   workspace's languages (published, draft, outdated, missing);
//! - `/kb/new`: a new article with its first translation;
//! - `/kb/{id}`: an article's translations, its slug, category and source
//!   language, and its revisions, each of which can be restored.
//!
//! A translation's editor is `kb_translation.rs`, the categories
//! `kb_categories.rs`. Everything goes through `kb::service`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::form_errors::{FieldErrors, render_form};
use super::i18n::Tr;
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::Agent;
use crate::kb::model::{ArticleQuery, TranslationInput};
use crate::kb::{Article, ArticleInput, Category, service};
use crate::locale::LOCALES;
use crate::state::AppState;
use crate::{Error, Result};

/// The 403 page, unless the agent may write the knowledge base.
pub(super) fn writers_only(a: &Agent) -> Option<Response> {
    service::require_writer(&a.viewer)
        .err()
        .map(|e| error_page(&a.tr, e))
}

/// Where a translation stands, as the editor shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationState {
    /// In the help centre, up to date.
    Published,
    /// Not in the help centre yet.
    Draft,
    /// The source changed since it was written.
    Outdated,
    /// Not written.
    Missing,
}

impl TranslationState {
    /// The state of `lang` in `a` (outdated before published or draft:
    /// it is what needs doing).
    pub fn of(a: &Article, lang: &str) -> TranslationState {
        match a.translations.get(lang) {
            None => TranslationState::Missing,
            Some(t) if t.outdated => TranslationState::Outdated,
            Some(t) if t.published => TranslationState::Published,
            Some(_) => TranslationState::Draft,
        }
    }

    /// Its class and name in the viewer's language.
    pub fn label(self, tr: &Tr) -> (&'static str, String) {
        let key = match self {
            TranslationState::Published => "published",
            TranslationState::Draft => "draft",
            TranslationState::Outdated => "outdated",
            TranslationState::Missing => "missing",
        };
        (key, tr.t(&format!("kbe-state-{key}")))
    }
}

/// A category's name in the viewer's language (else its first).
pub(super) fn category_name(c: &Category, lang: &str) -> String {
    c.names
        .get(lang)
        .or_else(|| c.names.values().next())
        .cloned()
        .unwrap_or_else(|| c.slug.clone())
}

/// An article's title: in the source language, else any.
pub(super) fn title_of(a: &Article) -> String {
    a.translations
        .get(&a.source_lang)
        .or_else(|| a.translations.values().next())
        .map(|t| t.title.clone())
        .unwrap_or_else(|| a.slug.clone())
}

/// A state cell: (language, class, label).
type StateCell = (&'static str, &'static str, String);

struct Line {
    id: i64,
    title: String,
    category: String,
    states: Vec<StateCell>,
}

#[derive(Template)]
#[template(path = "web/kb_list.html")]
struct ListPage {
    c: Chrome,
    q: String,
    langs: Vec<(&'static str, &'static str)>,
    lines: Vec<Line>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    q: Option<String>,
}

/// `GET /kb`
pub async fn list(State(st): State<AppState>, a: Agent, Query(p): Query<ListParams>) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let q = p.q.unwrap_or_default();
    let load = async {
        let query = ArticleQuery {
            q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
            category: None,
            limit: Some(200),
        };
        let articles = service::list_articles(&st, &a.viewer, &query).await?;
        let cats = service::categories(&st).await?;
        Ok::<_, Error>((articles, cats))
    };
    let (articles, cats) = match load.await {
        Ok(v) => v,
        Err(e) => return error_page(&a.tr, e),
    };
    let lines = articles
        .iter()
        .map(|art| Line {
            id: art.id,
            title: title_of(art),
            category: art
                .category
                .and_then(|id| cats.iter().find(|c| c.id == id))
                .map(|c| category_name(c, a.tr.code()))
                .unwrap_or_default(),
            states: LOCALES
                .iter()
                .map(|l| {
                    let (class, label) = TranslationState::of(art, l).label(&a.tr);
                    (*l, class, label)
                })
                .collect(),
        })
        .collect();
    render_status(
        StatusCode::OK,
        &ListPage {
            c: Chrome::agent(&a, a.tr.t("kbe-title"), "kb"),
            q,
            langs: LOCALES
                .iter()
                .map(|l| (*l, crate::locale::name(l)))
                .collect(),
            lines,
        },
    )
}

#[derive(Template)]
#[template(path = "web/kb_new.html")]
struct NewPage {
    c: Chrome,
    errors: FieldErrors,
    /// The service's names of the title and body fields
    /// (`translations.{lang}.title`).
    title_field: String,
    body_field: String,
    f: NewForm,
    langs: Vec<(&'static str, &'static str)>,
    cats: Vec<(i64, String)>,
}

/// The new-article form.
#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    published: Option<String>,
}

async fn new_page(st: &AppState, a: &Agent, f: NewForm, errors: FieldErrors) -> Response {
    let cats = match service::categories(st).await {
        Ok(c) => c,
        Err(e) => return error_page(&a.tr, e),
    };
    render_form(
        &errors,
        &NewPage {
            c: Chrome::agent(a, a.tr.t("kbe-new"), "kb"),
            errors: errors.clone(),
            title_field: format!("translations.{}.title", f.lang),
            body_field: format!("translations.{}.body_markdown", f.lang),
            f,
            langs: LOCALES
                .iter()
                .map(|l| (*l, crate::locale::name(l)))
                .collect(),
            cats: cats
                .iter()
                .map(|c| (c.id, category_name(c, a.tr.code())))
                .collect(),
        },
    )
}

/// `GET /kb/new`
pub async fn new_form(State(st): State<AppState>, a: Agent) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let f = NewForm {
        lang: a.tr.code().to_string(),
        ..NewForm::default()
    };
    new_page(&st, &a, f, FieldErrors::none()).await
}

/// A category id from a form's select (empty: none).
pub(super) fn category_of(v: &str) -> Result<Option<i64>> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| Error::invalid("category", format!("{v:?} is not a category")))
}

/// `POST /kb/new`
pub async fn create(State(st): State<AppState>, a: Agent, Form(f): Form<NewForm>) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let made = async {
        let input = ArticleInput {
            slug: f.slug.clone(),
            category: category_of(&f.category)?,
            source_lang: Some(f.lang.clone()),
            translations: [(
                f.lang.clone(),
                TranslationInput {
                    title: f.title.clone(),
                    body_markdown: f.body.clone(),
                    published: f.published.is_some(),
                },
            )]
            .into(),
        };
        service::create_article(&st, &a.viewer, input).await
    };
    match made.await {
        Ok(art) => see_other(&format!("/kb/{}/{}?saved=1", art.id, art.source_lang)),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => new_page(&st, &a, f, errors).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// A translation in the article's table.
struct TranslationLine {
    lang: String,
    /// The language's name when Tend speaks it, else empty.
    name: &'static str,
    class: &'static str,
    state: String,
    title: String,
    /// Its help-centre address, when published.
    public: Option<String>,
}

struct RevisionLine {
    id: i64,
    when: String,
    author: String,
    langs: String,
}

#[derive(Template)]
#[template(path = "web/kb_article.html")]
struct ArticlePage {
    c: Chrome,
    notice: Option<String>,
    errors: FieldErrors,
    id: i64,
    title: String,
    slug: String,
    category: i64,
    source_lang: String,
    translations: Vec<TranslationLine>,
    cats: Vec<(i64, String)>,
    revisions: Vec<RevisionLine>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ArticleParams {
    saved: Option<String>,
    restored: Option<String>,
}

async fn article_page(
    st: &AppState,
    a: &Agent,
    id: i64,
    notice: Option<String>,
    errors: FieldErrors,
    typed: Option<&SettingsForm>,
) -> Result<Response> {
    let art = service::get_article(st, &a.viewer, id).await?;
    let cats = service::categories(st).await?;
    let revisions = service::revisions(st, &a.viewer, id).await?;
    let users = crate::agents::service::list_users(st, &a.viewer).await?;
    let mut langs: Vec<String> = LOCALES.iter().map(|l| l.to_string()).collect();
    langs.extend(
        art.translations
            .keys()
            .filter(|l| !LOCALES.contains(&l.as_str()))
            .cloned(),
    );
    let translations = langs
        .into_iter()
        .map(|l| {
            let (class, state) = TranslationState::of(&art, &l).label(&a.tr);
            let t = art.translations.get(&l);
            let public = t
                .filter(|t| t.published && LOCALES.contains(&l.as_str()))
                .map(|_| crate::kb::public::article_path(&l, id, &art.slug));
            let title = t.map(|t| t.title.clone()).unwrap_or_default();
            let name = crate::locale::supported(&l)
                .filter(|s| *s == l)
                .map_or("", crate::locale::name);
            TranslationLine {
                lang: l,
                name,
                class,
                state,
                title,
                public,
            }
        })
        .collect();
    let revisions = revisions
        .into_iter()
        .map(|r| RevisionLine {
            id: r.id,
            when: r
                .created_at
                .parse::<jiff::Timestamp>()
                .map(|t| a.tr.datetime(t.as_millisecond(), &a.tz))
                .unwrap_or_else(|_| r.created_at.clone()),
            author: r
                .author_id
                .and_then(|u| users.iter().find(|x| x.id == u))
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            langs: r
                .article
                .translations
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    Ok(render_form(
        &errors,
        &ArticlePage {
            c: Chrome::agent(a, title_of(&art), "kb"),
            notice,
            errors: errors.clone(),
            id,
            title: title_of(&art),
            slug: typed.map_or_else(|| art.slug.clone(), |t| t.slug.clone()),
            category: typed.map_or(art.category.unwrap_or(0), |t| {
                t.category.trim().parse().unwrap_or(0)
            }),
            source_lang: typed.map_or_else(|| art.source_lang.clone(), |t| t.source_lang.clone()),
            translations,
            cats: cats
                .iter()
                .map(|c| (c.id, category_name(c, a.tr.code())))
                .collect(),
            revisions,
        },
    ))
}

/// `GET /kb/{id}`
pub async fn article(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(p): Query<ArticleParams>,
) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let notice = if p.restored.is_some() {
        Some(a.tr.t("kbe-restored"))
    } else {
        p.saved.map(|_| a.tr.t("admin-saved"))
    };
    article_page(&st, &a, id, notice, FieldErrors::none(), None)
        .await
        .unwrap_or_else(|e| error_page(&a.tr, e))
}

/// The article's settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    slug: String,
    #[serde(default)]
    category: String,
    source_lang: String,
}

/// `POST /kb/{id}`: slug, category and source language.
pub async fn settings(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<SettingsForm>,
) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let saved = async {
        let mut input = service::get_article(&st, &a.viewer, id).await?.as_input();
        input.slug = f.slug.clone();
        input.category = category_of(&f.category)?;
        input.source_lang = Some(f.source_lang.clone());
        service::update_article(&st, &a.viewer, id, input).await
    };
    match saved.await {
        Ok(_) => see_other(&format!("/kb/{id}?saved=1")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => article_page(&st, &a, id, None, errors, Some(&f))
                .await
                .unwrap_or_else(|e| error_page(&a.tr, e)),
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `POST /kb/{id}/revisions/{revision_id}/restore`
pub async fn restore(
    State(st): State<AppState>,
    a: Agent,
    Path((id, revision_id)): Path<(i64, i64)>,
) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    match service::restore(&st, &a.viewer, id, revision_id).await {
        Ok(_) => see_other(&format!("/kb/{id}?restored=1")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => article_page(&st, &a, id, None, errors, None)
                .await
                .unwrap_or_else(|e| error_page(&a.tr, e)),
            Err(e) => error_page(&a.tr, e),
        },
    }
}
