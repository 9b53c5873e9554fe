//! One translation in the knowledge-base editor: `/kb/{id}/{lang}`.
//!
//! - Title, Markdown body and published, saved through
//!   `kb::service::update_article` (the article as stored, with this
//!   translation replaced), so versions, the outdated rule and the
//!   revision are the service's.
//! - When the translation is outdated, what changed in the source since
//!   it was written (`kb::history`), as a list of lines marked added or
//!   removed (escaped like every value of the page).
//! - A picture uploaded with the same form (`kb::images::upload`: PNG,
//!   JPEG, GIF or WebP, judged from the bytes) is added to the body as
//!   `![alt](/help/images/…)`; the form comes back with it, to save.
//!
//! The form is multipart (for the picture), so its CSRF token rides in
//! the address (`?_csrf=`), like the conversation's reply.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use serde::Deserialize;

use super::form_errors::{FieldErrors, render_form};
use super::kb_editor::{TranslationState, title_of, writers_only};
use super::pages::{Chrome, error_page, see_other};
use super::session::Agent;
use crate::Result;
use crate::customers::model::parse_language;
use crate::kb::history::{Change, SourceChange};
use crate::kb::model::TranslationInput;
use crate::kb::{Article, images, service};
use crate::state::AppState;

/// A line of the source's diff: (class, label for screen readers, text).
type Line = (&'static str, String, String);

#[derive(Template)]
#[template(path = "web/kb_translation.html")]
struct EditPage {
    c: Chrome,
    notice: Option<String>,
    errors: FieldErrors,
    /// The service's names of this translation's title and body fields
    /// (`translations.{lang}.title`).
    title_field: String,
    body_field: String,
    id: i64,
    article_title: String,
    lang: String,
    lang_name: String,
    state_class: &'static str,
    state: String,
    is_source: bool,
    source_lang: String,
    /// The source language's name.
    source_name: String,
    source_text: String,
    /// The diff of the source, when outdated: `None` inside when the old
    /// text is no longer kept.
    change: Option<Option<Vec<Line>>>,
    title: String,
    body: String,
    published: bool,
    action: String,
    exists: bool,
}

/// What the form holds.
#[derive(Debug, Default)]
struct Typed {
    title: String,
    body: String,
    published: bool,
}

fn lines_of(a: &Agent, change: SourceChange) -> Option<Vec<Line>> {
    change.lines.map(|lines| {
        lines
            .into_iter()
            .map(|l| {
                let (class, key) = match l.change {
                    Change::Same => ("same", "kbe-diff-same"),
                    Change::Added => ("added", "kbe-diff-added"),
                    Change::Removed => ("removed", "kbe-diff-removed"),
                };
                (class, a.tr.t(key), l.text)
            })
            .collect()
    })
}

async fn edit_page(
    st: &AppState,
    a: &Agent,
    art: &Article,
    lang: &str,
    typed: Option<Typed>,
    notice: Option<String>,
    errors: FieldErrors,
) -> Result<Response> {
    let t = art.translations.get(lang);
    let (state_class, state) = TranslationState::of(art, lang).label(&a.tr);
    let change = crate::kb::history::source_change(st, &a.viewer, art, lang)
        .await?
        .map(|c| lines_of(a, c));
    let source = art.translations.get(&art.source_lang);
    let typed = typed.unwrap_or_else(|| Typed {
        title: t.map(|t| t.title.clone()).unwrap_or_default(),
        body: t.map(|t| t.body_markdown.clone()).unwrap_or_default(),
        published: t.is_some_and(|t| t.published),
    });
    let lang_name = crate::kb::language_name(lang);
    Ok(render_form(
        &errors,
        &EditPage {
            c: Chrome::agent(a, format!("{} · {lang_name}", title_of(art)), "kb"),
            notice,
            errors: errors.clone(),
            title_field: format!("translations.{lang}.title"),
            body_field: format!("translations.{lang}.body_markdown"),
            id: art.id,
            article_title: title_of(art),
            lang: lang.to_string(),
            lang_name,
            state_class,
            state,
            is_source: lang == art.source_lang,
            source_lang: art.source_lang.clone(),
            source_name: crate::kb::language_name(&art.source_lang),
            source_text: source
                .map(|s| format!("{}\n\n{}", s.title, s.body_markdown))
                .unwrap_or_default(),
            change,
            title: typed.title,
            body: typed.body,
            published: typed.published,
            action: format!("/kb/{}/{lang}?_csrf={}", art.id, a.csrf),
            exists: t.is_some(),
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    saved: Option<String>,
}

/// The language of the address, as the knowledge base spells it.
fn lang_of(lang: &str) -> Result<String> {
    parse_language("lang", lang)
}

/// `GET /kb/{id}/{lang}`
pub async fn edit(
    State(st): State<AppState>,
    a: Agent,
    Path((id, lang)): Path<(i64, String)>,
    Query(p): Query<Params>,
) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let page = async {
        let lang = lang_of(&lang)?;
        let art = service::get_article(&st, &a.viewer, id).await?;
        let notice = p.saved.map(|_| a.tr.t("admin-saved"));
        edit_page(&st, &a, &art, &lang, None, notice, FieldErrors::none()).await
    };
    page.await.unwrap_or_else(|e| error_page(&a.tr, e))
}

/// `POST /kb/{id}/{lang}` (multipart: `title`, `body`, `published`,
/// `action` = `save` or `image` with `image` and `alt`).
pub async fn save(
    State(st): State<AppState>,
    a: Agent,
    Path((id, lang)): Path<(i64, String)>,
    req: Request,
) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let lang = match lang_of(&lang) {
        Ok(l) => l,
        Err(e) => return error_page(&a.tr, e),
    };
    let art = match service::get_article(&st, &a.viewer, id).await {
        Ok(art) => art,
        Err(e) => return error_page(&a.tr, e),
    };
    let mut form = match super::forms::Multipart::read(&st, req).await {
        Ok(f) => f,
        Err(e) => return error_page(&a.tr, e),
    };
    let mut typed = Typed {
        title: form.field("title"),
        body: form.field("body"),
        published: !form.field("published").is_empty(),
    };
    let done = if form.field("action") == "image" {
        let alt = form.field("alt");
        insert_image(&st, &a, &mut typed, form.files.pop(), alt).await
    } else {
        let mut input = art.as_input();
        input.translations.insert(
            lang.clone(),
            TranslationInput {
                title: typed.title.clone(),
                body_markdown: typed.body.clone(),
                published: typed.published,
            },
        );
        match service::update_article(&st, &a.viewer, id, input).await {
            Ok(_) => return see_other(&format!("/kb/{id}/{lang}?saved=1")),
            Err(e) => Err(e),
        }
    };
    let (notice, errors) = match done {
        Ok(notice) => (Some(notice), FieldErrors::none()),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => (None, errors),
            Err(e) => return error_page(&a.tr, e),
        },
    };
    edit_page(&st, &a, &art, &lang, Some(typed), notice, errors)
        .await
        .unwrap_or_else(|e| error_page(&a.tr, e))
}

/// Uploads the form's picture and adds it to the typed body; answers the
/// notice to show.
async fn insert_image(
    st: &AppState,
    a: &Agent,
    typed: &mut Typed,
    file: Option<crate::attachments::Upload>,
    alt: String,
) -> Result<String> {
    let Some(file) = file else {
        return Err(super::form_errors::said("image", a.tr.t("kbe-image-none")));
    };
    let image = images::upload(st, &a.viewer, file).await?;
    // The alt text is Markdown link text: no brackets or line breaks.
    let alt: String = alt
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '\n' | '\r'))
        .collect();
    let alt = alt.trim();
    if !typed.body.is_empty() && !typed.body.ends_with('\n') {
        typed.body.push('\n');
    }
    typed.body.push_str(&format!("\n![{alt}]({})\n", image.url));
    Ok(a.tr.t("kbe-image-inserted"))
}

/// `POST /kb/{id}/{lang}/remove`: the article without this translation.
pub async fn remove(
    State(st): State<AppState>,
    a: Agent,
    Path((id, lang)): Path<(i64, String)>,
) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    let removed = async {
        let lang = lang_of(&lang)?;
        let mut input = service::get_article(&st, &a.viewer, id).await?.as_input();
        input.translations.remove(&lang);
        service::update_article(&st, &a.viewer, id, input).await
    };
    match removed.await {
        Ok(_) => see_other(&format!("/kb/{id}?saved=1")),
        Err(e) => error_page(&a.tr, e),
    }
}
