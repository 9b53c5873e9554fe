//! `/admin/inboxes/{id}/public`: a chat or web inbox's public settings
//! (allowed sites, pre-chat questions, identity secret, office hours, the
//! longest wait before email is offered) and the code to embed the widget
//! or the contact form. The identity secret is never shown back. A
//! mistake brings the form back as typed (but the secret), the message
//! beside its field.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Saved, admin_only};
use crate::Error;
use crate::inboxes::InboxKind;
use crate::inboxes::public::{self, DAYS, OfficeHours, PublicSettingsInput};
use crate::state::AppState;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::session::Agent;

#[derive(Template)]
#[template(path = "web/admin/inbox_public.html")]
struct PublicPage {
    c: Chrome,
    id: i64,
    name: String,
    is_chat: bool,
    origins: String,
    require_name: bool,
    require_email: bool,
    has_secret: bool,
    timezone: String,
    /// The time zones to pick from (`web::pickers`), `timezone` chosen.
    zones: Vec<crate::web::pickers::Choice>,
    days: Vec<DayField>,
    max_wait_minutes: String,
    embed: String,
    notice: Option<String>,
    /// The mistake, beside its field (or at the top when none shows it).
    errors: FieldErrors,
    /// The message of office hours as a whole (no one day's, no zone's).
    hours_note: String,
    hours_attrs: String,
}

/// One day's opening hours input.
struct DayField {
    key: &'static str,
    label: String,
    /// "09:00-17:00, …"
    spans: String,
    /// Its mistake's attributes and message.
    attrs: String,
    note: String,
}

fn spans_text(spans: &[[String; 2]]) -> String {
    spans
        .iter()
        .map(|[a, b]| format!("{a}-{b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The page: the saved settings, or (after a mistake) the form as typed.
async fn page(
    st: &AppState,
    a: &Agent,
    id: i64,
    notice: Option<String>,
    errors: FieldErrors,
    typed: Option<&PublicForm>,
) -> Response {
    let inbox = match crate::inboxes::service::get_inbox(st, &a.viewer, id).await {
        Ok(i) => i,
        Err(e) => return error_page(&a.tr, e),
    };
    let s = match public::get_for(st, &a.viewer, id).await {
        Ok(s) => s,
        Err(e) => return error_page(&a.tr, e),
    };
    let base = st.link_base();
    let base = base.trim_end_matches('/');
    let is_chat = inbox.kind == InboxKind::Chat;
    let embed = if is_chat {
        format!("<script src=\"{base}/widget.js\" data-inbox=\"{id}\" async></script>")
    } else {
        format!(
            "<iframe src=\"{base}/help/contact?inbox={id}&embed=1\" title=\"Contact\" style=\"width:100%;min-height:640px;border:0\"></iframe>"
        )
    };
    let hours = s.office_hours.clone();
    let whole = errors.field() == "office_hours";
    // As saved, or as picked when the form comes back.
    let timezone = typed.map_or_else(
        || {
            hours
                .as_ref()
                .map_or_else(|| "UTC".to_string(), |h| h.timezone.clone())
        },
        |f| f.timezone.clone(),
    );
    render_form(
        &errors,
        &PublicPage {
            c: Chrome::agent(a, a.tr.s("public-title", "name", &inbox.name), "admin"),
            id,
            name: inbox.name,
            is_chat,
            origins: typed.map_or_else(|| s.allowed_origins.join("\n"), |f| f.origins.clone()),
            require_name: typed.map_or(s.require_name, |f| f.require_name.is_some()),
            require_email: typed.map_or(s.require_email, |f| f.require_email.is_some()),
            has_secret: s.identity_verification,
            zones: if is_chat {
                crate::web::pickers::time_zones(&timezone)
            } else {
                Vec::new()
            },
            timezone,
            days: DAYS
                .iter()
                .map(|d| {
                    let spans = match typed {
                        Some(f) => f.day(d).to_string(),
                        None => hours
                            .as_ref()
                            .and_then(|h| h.days.get(*d))
                            .map(|v| spans_text(v))
                            .unwrap_or_default(),
                    };
                    let field = format!("office_hours.{d}");
                    let input = format!("day-{d}");
                    DayField {
                        key: d,
                        label: a.tr.t(&format!("widget-day-{d}")),
                        spans,
                        attrs: errors.attrs_help(&field, &input, "hours-help"),
                        note: errors.note(&field, &input),
                    }
                })
                .collect(),
            max_wait_minutes: typed.map_or_else(
                || (s.max_wait_secs / 60).to_string(),
                |f| f.max_wait_minutes.clone(),
            ),
            embed,
            notice,
            hours_note: if whole {
                errors.note("office_hours", "hours")
            } else {
                String::new()
            },
            hours_attrs: if whole {
                errors.attrs("office_hours", "hours")
            } else {
                String::new()
            },
            errors: errors.clone(),
        },
    )
}

/// `GET /admin/inboxes/{id}/public`
pub async fn show(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(s): Query<Saved>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(&st, &a, id, s.notice(&a), FieldErrors::none(), None).await
}

/// The form. Checkboxes are absent when unticked; day fields are
/// `day_mon` … `day_sun`.
#[derive(Debug, Deserialize)]
pub struct PublicForm {
    origins: String,
    require_name: Option<String>,
    require_email: Option<String>,
    secret: Option<String>,
    secret_off: Option<String>,
    timezone: String,
    max_wait_minutes: String,
    #[serde(flatten)]
    days: BTreeMap<String, String>,
}

impl PublicForm {
    /// The hours typed for day `d` (`mon` … `sun`).
    fn day(&self, d: &str) -> &str {
        self.days
            .get(&format!("day_{d}"))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// Parses "09:00-17:00, 18:00-20:00".
fn parse_spans(day: &str, text: &str) -> Result<Vec<[String; 2]>, Error> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|span| {
            let (a, b) = span.split_once(['-', '–']).ok_or_else(|| {
                Error::invalid(
                    format!("office_hours.{day}"),
                    format!("{day}: write times as 09:00-17:00, got {span:?}"),
                )
            })?;
            Ok([a.trim().to_string(), b.trim().to_string()])
        })
        .collect()
}

fn input_of(f: &PublicForm) -> Result<PublicSettingsInput, Error> {
    let mut days = BTreeMap::new();
    for d in DAYS {
        let spans = parse_spans(d, f.day(d))?;
        if !spans.is_empty() {
            days.insert(d.to_string(), spans);
        }
    }
    let office_hours = (!days.is_empty()).then(|| OfficeHours {
        timezone: f.timezone.trim().to_string(),
        days,
    });
    let minutes: i64 = f.max_wait_minutes.trim().parse().map_err(|_| {
        Error::invalid(
            "max_wait_secs",
            "the wait must be a whole number of minutes",
        )
    })?;
    let secret = f.secret.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(PublicSettingsInput {
        allowed_origins: Some(
            f.origins
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        require_name: Some(f.require_name.is_some()),
        require_email: Some(f.require_email.is_some()),
        identity_secret: if f.secret_off.is_some() {
            Some(None)
        } else {
            secret.map(|s| Some(s.to_string()))
        },
        office_hours: Some(office_hours),
        max_wait_secs: Some(minutes.saturating_mul(60)),
    })
}

/// `POST /admin/inboxes/{id}/public`
pub async fn save(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<PublicForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let r = match input_of(&f) {
        Ok(input) => public::update(&st, &a.viewer, id, input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => see_other(&format!("/admin/inboxes/{id}/public?saved=1")),
        Err(e) => match FieldErrors::of(&a.tr, placed(e)) {
            Ok(errors) => page(&st, &a, id, None, errors, Some(&f)).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// Office hours' mistake placed beside its input: the calendar names the
/// zone (`timezone: …`) or the day (`hours.mon[1]: …`) in its words.
fn placed(e: Error) -> Error {
    match e {
        Error::Invalid { field, message } if field == "office_hours" => {
            let day = message
                .strip_prefix("hours.")
                .and_then(|rest| DAYS.iter().find(|d| rest.starts_with(**d)));
            let field = match day {
                Some(d) => format!("office_hours.{d}"),
                None if message.starts_with("timezone") => "office_hours.timezone".to_string(),
                None => field,
            };
            Error::Invalid { field, message }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_hours_are_read_from_short_text() {
        assert_eq!(
            parse_spans("mon", "09:00-12:00, 13:00–17:30").unwrap(),
            [
                ["09:00".to_string(), "12:00".to_string()],
                ["13:00".to_string(), "17:30".to_string()]
            ]
        );
        assert!(parse_spans("mon", "").unwrap().is_empty());
        assert!(parse_spans("mon", "nine to five").is_err());
    }
}
