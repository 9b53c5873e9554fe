//! The help centre's look (`/admin/help-centre`, admins): the company's
//! name, its logo (a picture, same rules as an article's) and the primary
//! colour with the colour of text on it, saved through `kb::theme::save`.
//! The page warns when the pair fails WCAG AA (4.5:1). The form is
//! multipart (for the logo), so its CSRF token rides in the address.

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::response::Response;

use super::{Saved, admin_only};
use crate::kb::theme::{self, AA_CONTRAST, Colour, Theme, ThemeInput, contrast};
use crate::state::AppState;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::session::Agent;

#[derive(Template)]
#[template(path = "web/admin/theme.html")]
struct Page {
    c: Chrome,
    notice: Option<String>,
    /// The mistake, beside its field (or at the top when no field shows it).
    errors: FieldErrors,
    action: String,
    shown: Shown,
    /// The contrast of the pair, written out, and whether it passes AA
    /// (none while a colour does not read).
    ratio: Option<(String, bool)>,
}

/// What the form shows: the saved look, or what was typed.
struct Shown {
    company_name: String,
    primary: String,
    text: String,
    logo: Option<String>,
}

impl Shown {
    fn of(t: &Theme) -> Shown {
        Shown {
            company_name: t.company_name.clone(),
            primary: t.primary.as_str().to_string(),
            text: t.text.as_str().to_string(),
            logo: t.logo.clone(),
        }
    }
}

fn page(a: &Agent, shown: Shown, notice: Option<String>, errors: FieldErrors) -> Response {
    let ratio = match (
        Colour::parse("primary", &shown.primary),
        Colour::parse("text", &shown.text),
    ) {
        (Ok(p), Ok(t)) => {
            let r = contrast(&p, &t);
            // Rounded down, so 4.499 never reads as passing.
            Some((
                format!("{:.2}", (r * 100.0).floor() / 100.0),
                r >= AA_CONTRAST,
            ))
        }
        _ => None,
    };
    render_form(
        &errors,
        &Page {
            c: Chrome::agent(a, a.tr.t("theme-title"), "admin"),
            notice,
            errors: errors.clone(),
            action: format!("/admin/help-centre?_csrf={}", a.csrf),
            shown,
            ratio,
        },
    )
}

/// `GET /admin/help-centre`
pub async fn show(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(
        &a,
        Shown::of(&theme::current(&st).await),
        s.notice(&a),
        FieldErrors::none(),
    )
}

/// `POST /admin/help-centre` (multipart: `company_name`, `primary`,
/// `text`, `logo`, `remove_logo`).
pub async fn save(State(st): State<AppState>, a: Agent, req: Request) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let mut form = match crate::web::forms::Multipart::read(&st, req).await {
        Ok(f) => f,
        Err(e) => return error_page(&a.tr, e),
    };
    let typed = Shown {
        company_name: form.field("company_name"),
        primary: form.field("primary"),
        text: form.field("text"),
        logo: None,
    };
    let input = ThemeInput {
        company_name: typed.company_name.clone(),
        primary: typed.primary.clone(),
        text: typed.text.clone(),
        logo: form.files.pop(),
        remove_logo: !form.field("remove_logo").is_empty(),
    };
    match theme::save(&st, &a.viewer, input).await {
        Ok(_) => see_other("/admin/help-centre?saved=1"),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => {
                let logo = theme::current(&st).await.logo;
                page(&a, Shown { logo, ..typed }, None, errors)
            }
            Err(e) => error_page(&a.tr, e),
        },
    }
}
