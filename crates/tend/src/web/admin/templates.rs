//! `/admin/templates`: the survey's email subject, email text and customer
//! page in each locale. Admins see which ones they changed, edit one
//! (`surveys::templates::put` checks that it compiles and renders with
//! example data; the error, with its line, is shown above the form with the
//! source as typed) or go back to the built-in one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Saved, admin_only, status_for};
use crate::state::AppState;
use crate::surveys::model::LOCALES;
use crate::surveys::templates::{self, NAMES};
use crate::web::form_errors::FieldErrors;
use crate::web::i18n::{Tr, locale_name};
use crate::web::pages::{Chrome, error_page, render, render_status, see_other};
use crate::web::session::{Agent, url_encode};

/// A template's label, e.g. "Survey email: subject".
fn label(tr: &Tr, name: &str) -> String {
    tr.t(&format!("template-{}", name.replace('_', "-")))
}

/// One cell of the overview: a template in one locale.
pub struct Cell {
    pub href: String,
    pub locale: &'static str,
    pub customized: bool,
    /// "<template> in <language>", for screen readers (the visible text is
    /// only "built-in" or "changed").
    pub what: String,
}

/// One row of the overview: a template in every locale.
pub struct Row {
    pub label: String,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "web/admin/templates.html")]
struct ListPage {
    c: Chrome,
    locales: Vec<(&'static str, &'static str)>,
    rows: Vec<Row>,
}

fn edit_path(name: &str, locale: &str) -> String {
    format!(
        "/admin/templates/{}/{}",
        url_encode(name),
        url_encode(locale)
    )
}

/// `GET /admin/templates`
pub async fn list(State(st): State<AppState>, a: Agent) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let all = match templates::list(&st, &a.viewer).await {
        Ok(t) => t,
        Err(e) => return error_page(&a.tr, e),
    };
    let rows = NAMES
        .iter()
        .map(|name| Row {
            label: label(&a.tr, name),
            cells: LOCALES
                .iter()
                .map(|locale| Cell {
                    href: edit_path(name, locale),
                    locale,
                    customized: all
                        .iter()
                        .any(|t| t.name == *name && t.locale == *locale && t.customized),
                    what: a.tr.args(
                        "template-edit-in",
                        &[
                            ("name", label(&a.tr, name).into()),
                            ("to", locale_name(locale).into()),
                        ],
                    ),
                })
                .collect(),
        })
        .collect();
    render(&ListPage {
        c: Chrome::agent(&a, a.tr.t("admin-templates"), "admin"),
        locales: LOCALES.iter().map(|l| (*l, locale_name(l))).collect(),
        rows,
    })
}

#[derive(Template)]
#[template(path = "web/admin/template.html")]
struct EditPage {
    c: Chrome,
    heading: String,
    action: String,
    locale: String,
    source: String,
    customized: bool,
    updated: String,
    variables: Vec<String>,
    notice: Option<String>,
    error: Option<String>,
}

/// The edit page with `source` (the stored one, or what the admin typed).
async fn edit_page(
    st: &AppState,
    a: &Agent,
    name: &str,
    locale: &str,
    typed: Option<String>,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let t = match templates::get(st, &a.viewer, name, locale).await {
        Ok(t) => t,
        Err(e) => return error_page(&a.tr, e),
    };
    let heading = a.tr.args(
        "template-edit-in",
        &[
            ("name", label(&a.tr, name).into()),
            ("to", locale_name(locale).into()),
        ],
    );
    render_status(
        status_for(&error),
        &EditPage {
            c: Chrome::agent(a, heading.clone(), "admin"),
            heading,
            action: edit_path(name, locale),
            locale: t.locale,
            source: typed.unwrap_or(t.source),
            customized: t.customized,
            updated: t
                .updated_at
                .as_deref()
                .and_then(crate::time::parse_ms)
                .map(|ms| a.tr.datetime(ms, &a.tz))
                .unwrap_or_default(),
            variables: templates::variables(name),
            notice,
            error,
        },
    )
}

/// `GET /admin/templates/{name}/{locale}`
pub async fn edit(
    State(st): State<AppState>,
    a: Agent,
    Path((name, locale)): Path<(String, String)>,
    Query(s): Query<Saved>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    edit_page(&st, &a, &name, &locale, None, s.notice(&a), None).await
}

/// The edit form.
#[derive(Debug, Deserialize)]
pub struct SourceForm {
    source: String,
}

/// `POST /admin/templates/{name}/{locale}`
pub async fn save(
    State(st): State<AppState>,
    a: Agent,
    Path((name, locale)): Path<(String, String)>,
    Form(f): Form<SourceForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    // Browsers send CRLF line ends from a textarea; the built-in templates
    // and the API use LF.
    let source = f.source.replace("\r\n", "\n");
    match templates::put(&st, &a.viewer, &name, &locale, source.clone()).await {
        Ok(_) => see_other(&format!("{}?saved=1", edit_path(&name, &locale))),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => {
                let m = errors.message().unwrap_or_default().to_string();
                edit_page(&st, &a, &name, &locale, Some(source), None, Some(m)).await
            }
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `POST /admin/templates/{name}/{locale}/reset`
pub async fn reset(
    State(st): State<AppState>,
    a: Agent,
    Path((name, locale)): Path<(String, String)>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match templates::reset(&st, &a.viewer, &name, &locale).await {
        Ok(_) => see_other(&format!("{}?saved=1", edit_path(&name, &locale))),
        Err(e) => error_page(&a.tr, e),
    }
}
