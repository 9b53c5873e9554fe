//! The agent's own account page (`/account`): the language and time zone
//! they read Tend in, and their password. A mistake brings the page back
//! (422) with the preferences as typed and the message beside its field;
//! passwords are never shown back.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::form_errors::{FieldErrors, render_form};
use super::i18n::{LOCALES_SUPPORTED, locale_name};
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::{self, Agent};
use crate::http::ClientIp;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "web/account.html")]
struct AccountPage {
    c: Chrome,
    email: String,
    /// The language and time zone, as saved or as typed.
    language: String,
    tz: String,
    /// The time zones to pick from (`web::pickers`), `tz` chosen.
    zones: Vec<super::pickers::Choice>,
    locales: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    /// The mistake, beside its field (or at the top when none shows it).
    errors: FieldErrors,
}

/// The preferences as the form shows them: saved, or as typed.
struct Prefs {
    language: String,
    tz: String,
}

impl Prefs {
    fn saved(a: &Agent) -> Prefs {
        Prefs {
            language: a.language.clone().unwrap_or_default(),
            tz: a.tz.clone(),
        }
    }
}

fn page(a: &Agent, prefs: Prefs, notice: Option<String>, errors: FieldErrors) -> AccountPage {
    AccountPage {
        c: Chrome::agent(a, a.tr.t("account-title"), "account"),
        email: a.email.clone(),
        language: prefs.language,
        zones: super::pickers::time_zones(&prefs.tz),
        tz: prefs.tz,
        locales: LOCALES_SUPPORTED
            .iter()
            .map(|c| (*c, locale_name(c)))
            .collect(),
        notice,
        errors,
    }
}

/// The page with a mistake of the password form (its fields: `current`,
/// `password`, `password2`).
fn password_mistake(a: &Agent, field: &str, message: String) -> Response {
    let errors = FieldErrors::on(field, message);
    render_form(&errors, &page(a, Prefs::saved(a), None, errors.clone()))
}

/// `GET /account`
pub async fn account(a: Agent) -> Response {
    let errors = FieldErrors::none();
    render_form(&errors, &page(&a, Prefs::saved(&a), None, errors.clone()))
}

#[derive(Deserialize)]
pub struct PrefsForm {
    language: Option<String>,
    timezone: Option<String>,
}

/// `POST /account/preferences`
pub async fn save_preferences(
    State(st): State<AppState>,
    a: Agent,
    Form(f): Form<PrefsForm>,
) -> Response {
    let language = f
        .language
        .clone()
        .filter(|l| LOCALES_SUPPORTED.contains(&l.as_str()));
    let tz = f
        .timezone
        .as_deref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    if let Some(t) = &tz
        && jiff::tz::TimeZone::get(t).is_err()
    {
        let errors = FieldErrors::on("timezone", a.tr.s("timezone-unknown", "tz", t));
        let typed = Prefs {
            language: language.unwrap_or_default(),
            tz: f.timezone.unwrap_or_default(),
        };
        return render_form(&errors, &page(&a, typed, None, errors.clone()));
    }
    match session::set_preferences(&st, a.id, language, tz).await {
        Ok(()) => see_other("/account?saved=1"),
        Err(e) => error_page(&a.tr, e),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    password: String,
    password2: String,
}

/// `POST /account/password`: needs the current password (checked under
/// the sign-in limits, so a stolen session cannot guess it); ends the
/// agent's other sessions.
pub async fn change_password(
    State(st): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    a: Agent,
    Form(f): Form<PasswordForm>,
) -> Response {
    let limiter = &st.web().login_limiter;
    let Some(attempt) = limiter.begin(ip, &a.email, st.clock.now_ms()) else {
        let errors = FieldErrors::on("", a.tr.t("sign-in-rate-limited"));
        return render_status(
            StatusCode::TOO_MANY_REQUESTS,
            &page(&a, Prefs::saved(&a), None, errors),
        );
    };
    match session::check_password(&st, a.id, &f.current).await {
        Ok(true) => limiter.succeeded(attempt),
        Ok(false) => return password_mistake(&a, "current", a.tr.t("password-current-wrong")),
        Err(e) => return error_page(&a.tr, e),
    }
    if f.password != f.password2 {
        return password_mistake(&a, "password2", a.tr.t("password-mismatch"));
    }
    let keep = session::cookie_value(&headers);
    match session::change_password(&st, a.id, &f.password, keep.as_deref()).await {
        Ok(()) => render_form(
            &FieldErrors::none(),
            &page(
                &a,
                Prefs::saved(&a),
                Some(a.tr.t("password-changed")),
                FieldErrors::none(),
            ),
        ),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => render_form(&errors, &page(&a, Prefs::saved(&a), None, errors.clone())),
            Err(e) => error_page(&a.tr, e),
        },
    }
}
