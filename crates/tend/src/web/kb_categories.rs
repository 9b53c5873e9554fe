//! The help centre's categories in the knowledge-base editor:
//! `/kb/categories` lists them, each with its form (slug, position, a
//! name per language of the workspace), and a form for a new one; a
//! category can be removed (its articles stay, without one). Everything
//! goes through `kb::service::write_category` / `delete_category`; a
//! mistake brings that form back as typed, the message beside its field.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::admin::Saved;
use super::form_errors::{FieldErrors, Kept, render_form};
use super::kb_editor::writers_only;
use super::pages::{Chrome, error_page, see_other};
use super::session::Agent;
use crate::kb::{Category, CategoryInput, service};
use crate::locale::LOCALES;
use crate::state::AppState;

/// A category's form: id (0 for a new one), slug, position, and a name per
/// language (tag, language's name, name).
struct Row {
    id: i64,
    slug: String,
    position: String,
    names: Vec<(&'static str, &'static str, String)>,
    /// This form's mistake, when it came back.
    errors: FieldErrors,
}

impl Row {
    fn of(c: Option<&Category>) -> Row {
        Row {
            id: c.map_or(0, |c| c.id),
            slug: c.map(|c| c.slug.clone()).unwrap_or_default(),
            position: c.map_or(0, |c| c.position).to_string(),
            names: LOCALES
                .iter()
                .map(|l| {
                    let name = c.and_then(|c| c.names.get(*l)).cloned();
                    (*l, crate::locale::name(l), name.unwrap_or_default())
                })
                .collect(),
            errors: FieldErrors::none(),
        }
    }

    /// The id of its slug's input.
    fn slug_id(&self) -> String {
        format!("cat-{}-slug", self.id)
    }

    /// The form as typed (`slug`, `position`, `name_<lang>`), with its
    /// mistake.
    fn keep(&mut self, form: &[(String, String)], errors: FieldErrors) {
        let f = Kept(form);
        self.slug = f.one("slug");
        self.position = f.one("position");
        for (code, _, name) in &mut self.names {
            *name = f.one(&format!("name_{code}"));
        }
        self.errors = errors;
    }
}

/// A form that came back: which (0: the new one), as typed, and why.
type Returned<'a> = (i64, &'a [(String, String)], FieldErrors);

#[derive(Template)]
#[template(path = "web/kb_categories.html")]
struct Page {
    c: Chrome,
    notice: Option<String>,
    rows: Vec<Row>,
}

async fn page(
    st: &AppState,
    a: &Agent,
    notice: Option<String>,
    kept: Option<Returned<'_>>,
) -> Response {
    let cats = match service::categories(st).await {
        Ok(c) => c,
        Err(e) => return error_page(&a.tr, e),
    };
    let mut rows: Vec<Row> = cats.iter().map(|c| Row::of(Some(c))).collect();
    rows.push(Row::of(None));
    let mut errors = FieldErrors::none();
    if let Some((id, form, e)) = kept
        && let Some(row) = rows.iter_mut().find(|r| r.id == id)
    {
        errors = e.clone();
        row.keep(form, e);
    }
    render_form(
        &errors,
        &Page {
            c: Chrome::agent(a, a.tr.t("kbe-categories"), "kb"),
            notice,
            rows,
        },
    )
}

/// `GET /kb/categories`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    page(&st, &a, s.notice(&a), None).await
}

/// A category from its form: `slug`, `position`, `name_<lang>`.
fn input_of(form: &[(String, String)]) -> Result<CategoryInput, crate::Error> {
    let one = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let position = match one("position").as_str() {
        "" => 0,
        p => p.parse().map_err(|_| {
            crate::Error::invalid("position", format!("{p:?} is not a whole number"))
        })?,
    };
    let names: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("name_")?.to_string(), v.trim().to_string())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Ok(CategoryInput {
        slug: one("slug"),
        position,
        names,
    })
}

async fn save(st: &AppState, a: &Agent, id: Option<i64>, form: &[(String, String)]) -> Response {
    if let Some(r) = writers_only(a) {
        return r;
    }
    let saved = match input_of(form) {
        Ok(input) => service::write_category(st, &a.viewer, id, input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => see_other("/kb/categories?saved=1"),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => page(st, a, None, Some((id.unwrap_or(0), form, errors))).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `POST /kb/categories`
pub async fn create(
    State(st): State<AppState>,
    a: Agent,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save(&st, &a, None, &form).await
}

/// `POST /kb/categories/{id}`
pub async fn update(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save(&st, &a, Some(id), &form).await
}

/// `POST /kb/categories/{id}/delete`
pub async fn delete(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    if let Some(r) = writers_only(&a) {
        return r;
    }
    match service::delete_category(&st, &a.viewer, id).await {
        Ok(()) => see_other("/kb/categories?saved=1"),
        Err(e) => error_page(&a.tr, e),
    }
}
