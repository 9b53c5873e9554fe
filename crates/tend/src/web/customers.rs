//! Customers: the list with search, the profile (addresses, language,
//! local time, organisation, notes, every visible conversation), editing,
//! and merging two records of the same person.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::i18n::local_time;
use super::labels;
use super::pages::{Chrome, error_page, render, render_status, see_other};
use super::pickers::{self, Choice};
use super::session::{Agent, url_encode};
use crate::customers::model::CustomerPatch;
use crate::customers::{Customer, service};
use crate::state::AppState;
use crate::{Error, Result};

const PAGE: i64 = 50;

/// `?q=&before=`
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    before: Option<i64>,
}

/// One row of the list.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub emails: Vec<String>,
    pub organization: String,
    pub language: String,
    pub contacts: i64,
    pub last_seen: String,
}

#[derive(Template)]
#[template(path = "web/customers.html")]
struct ListPage {
    c: Chrome,
    q: String,
    rows: Vec<Row>,
    next: Option<String>,
}

fn ms(rfc: &str) -> i64 {
    crate::time::parse_ms(rfc).unwrap_or(0)
}

fn display_name(cu: &Customer) -> String {
    cu.name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| cu.emails.first().cloned())
        .unwrap_or_else(|| format!("#{}", cu.id))
}

/// `GET /customers?q=`
pub async fn list(State(st): State<AppState>, a: Agent, Query(q): Query<ListQuery>) -> Response {
    let text = q.q.unwrap_or_default().trim().to_string();
    let found = service::list(
        &st,
        &a.viewer,
        None,
        Some(text.as_str()).filter(|t| !t.is_empty()),
        q.before,
        PAGE + 1,
    )
    .await;
    let mut items = match found {
        Ok(items) => items,
        Err(e) => return error_page(&a.tr, e),
    };
    let more = items.len() as i64 > PAGE;
    items.truncate(PAGE as usize);
    let next = match (more, items.last()) {
        (true, Some(last)) => Some(format!(
            "/customers?q={}&before={}",
            url_encode(&text),
            last.id
        )),
        _ => None,
    };
    let rows = items
        .iter()
        .map(|cu| Row {
            id: cu.id,
            name: display_name(cu),
            emails: cu.emails.clone(),
            organization: cu
                .organization
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            language: cu
                .language
                .as_deref()
                .map(|l| pickers::language_name(&a.tr, l))
                .unwrap_or_default(),
            contacts: cu.conversation_count,
            last_seen: a.tr.datetime(ms(&cu.last_seen_at), &a.tz),
        })
        .collect();
    render(&ListPage {
        c: Chrome::agent(&a, a.tr.t("customers-title"), "customers"),
        q: text,
        rows,
        next,
    })
}

/// One conversation of the history.
pub struct HistoryRow {
    pub id: i64,
    pub subject: String,
    pub status: &'static str,
    pub status_label: String,
    pub channel: String,
    pub updated: String,
}

/// One call of the customer's (the phone system's), newest first.
pub struct CallRow {
    pub when: String,
    pub direction: String,
    pub number: String,
    pub outcome: &'static str,
    pub outcome_label: String,
    pub conversation_id: Option<i64>,
}

/// The customer's calls, in the agent's words; none when the agent may
/// not see their phone number.
async fn call_rows(st: &AppState, a: &Agent, cu: &Customer) -> Vec<CallRow> {
    use crate::channels::phone::model::{CallDirection, CallState};
    if cu.private_hidden {
        return Vec::new();
    }
    let calls = match crate::channels::phone::service::calls_of_customer(st, cu.id).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, customer_id = cu.id, "the customer's calls could not be read");
            return Vec::new();
        }
    };
    calls
        .into_iter()
        .map(|k| {
            let (outcome, key) = match (k.state, k.missed, k.answered_at.is_some()) {
                (_, true, _) => ("missed", "call-outcome-missed"),
                (_, false, true) => ("answered", "call-outcome-answered"),
                (CallState::Ended, false, false) => ("unanswered", "call-outcome-unanswered"),
                (CallState::New | CallState::Answered, false, false) => {
                    ("ringing", "call-outcome-ringing")
                }
            };
            let (direction, number) = match k.direction {
                CallDirection::In => (a.tr.t("call-direction-in"), k.from_e164.unwrap_or(k.from)),
                CallDirection::Out => (a.tr.t("call-direction-out"), k.to_e164.unwrap_or(k.to)),
            };
            let at = k.started_at.or(k.ended_at).or(k.answered_at);
            CallRow {
                when: at.map(|t| a.tr.datetime(ms(&t), &a.tz)).unwrap_or_default(),
                direction,
                number,
                outcome,
                outcome_label: a.tr.t(key),
                conversation_id: k.conversation_id,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "web/customer.html")]
struct ProfilePage {
    c: Chrome,
    id: i64,
    name: String,
    heading: String,
    emails: Vec<String>,
    phone: String,
    language: String,
    timezone: String,
    local_time: String,
    organization: String,
    notes: String,
    /// Whether the agent may see (and edit) phone, time zone, organisation
    /// and notes (`agents::access`).
    private: bool,
    first_seen: String,
    last_seen: String,
    contacts: i64,
    health: Option<super::radar::HealthView>,
    history: Vec<HistoryRow>,
    calls: Vec<CallRow>,
    notice: Option<String>,
    error: Option<String>,
    languages: Vec<Choice>,
    zones: Vec<Choice>,
    name_error: Option<String>,
    language_error: Option<String>,
    timezone_error: Option<String>,
    merge_error: Option<String>,
    merge_other: String,
}

/// What a failed post brings back: the form as typed and the error beside
/// its field.
#[derive(Default)]
struct Typed {
    form: Option<EditForm>,
    merge_other: String,
    /// The field the error is about (`name`, `language`, `timezone`,
    /// `other` of the merge form; anything else shows above the page).
    field: String,
    message: Option<String>,
}

/// `?saved=1` / `?merged=1` after a post.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    saved: Option<String>,
    merged: Option<String>,
}

/// `GET /customers/{id}`
pub async fn profile(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(d): Query<DoneQuery>,
) -> Response {
    let notice = if d.merged.is_some() {
        Some(a.tr.t("customer-merged"))
    } else if d.saved.is_some() {
        Some(a.tr.t("customer-saved"))
    } else {
        None
    };
    show(&st, &a, id, notice, Typed::default()).await
}

async fn show(st: &AppState, a: &Agent, id: i64, notice: Option<String>, t: Typed) -> Response {
    let cu = match service::get(st, &a.viewer, id).await {
        Ok(cu) => cu,
        Err(e) => return error_page(&a.tr, e),
    };
    if let Some(into) = cu.merged_into {
        // An old link to a merged record leads to the record it became.
        return see_other(&format!("/customers/{into}"));
    }
    let now = st.clock.now_ms();
    let history = cu
        .conversations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|h| HistoryRow {
            id: h.id,
            status_label: labels::status(&a.tr, h.status),
            status: h.status.as_str(),
            subject: h.subject,
            channel: labels::channel(&a.tr, h.channel),
            updated: a.tr.datetime(ms(&h.updated_at), &a.tz),
        })
        .collect();
    let calls = call_rows(st, a, &cu).await;
    let status = if t.message.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let heading = display_name(&cu);
    // The form as typed after an error, else the record.
    let typed = |v: Option<&Option<String>>, saved: Option<&str>| -> String {
        match v {
            Some(Some(s)) => s.trim().to_string(),
            Some(None) | None => saved.unwrap_or_default().to_string(),
        }
    };
    let f = t.form.as_ref();
    let name = typed(f.map(|f| &f.name), cu.name.as_deref());
    let language = typed(f.map(|f| &f.language), cu.language.as_deref());
    let timezone = typed(f.map(|f| &f.timezone), cu.timezone.as_deref());
    let phone = typed(f.map(|f| &f.phone), cu.phone.as_deref());
    let organization = typed(
        f.map(|f| &f.organization),
        cu.organization.as_ref().map(|o| o.name.as_str()),
    );
    let notes = match f.map(|f| &f.notes) {
        Some(Some(n)) => n.replace("\r\n", "\n"),
        _ => cu.notes.clone().unwrap_or_default(),
    };
    let beside = |field: &str| (t.field == field).then(|| t.message.clone()).flatten();
    let placed = ["name", "language", "timezone", "other"].contains(&t.field.as_str());
    render_status(
        status,
        &ProfilePage {
            c: Chrome::agent(a, heading.clone(), "customers"),
            id: cu.id,
            heading,
            languages: pickers::languages(&a.tr, &language),
            zones: pickers::time_zones(&timezone),
            name,
            emails: cu.emails.clone(),
            phone,
            language,
            local_time: cu
                .timezone
                .as_deref()
                .and_then(|tz| local_time(now, tz))
                .unwrap_or_default(),
            timezone,
            organization,
            notes,
            private: !cu.private_hidden,
            first_seen: a.tr.datetime(ms(&cu.first_seen_at), &a.tz),
            last_seen: a.tr.datetime(ms(&cu.last_seen_at), &a.tz),
            contacts: cu.conversation_count,
            health: cu
                .health
                .as_ref()
                .map(|h| super::radar::health_view(&a.tr, h)),
            history,
            calls,
            notice,
            error: (!placed).then(|| t.message.clone()).flatten(),
            name_error: beside("name"),
            language_error: beside("language"),
            timezone_error: beside("timezone"),
            merge_error: beside("other"),
            merge_other: t.merge_other,
        },
    )
}

/// The edit form.
#[derive(Debug, Clone, Deserialize)]
pub struct EditForm {
    name: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    organization: Option<String>,
    notes: Option<String>,
}

fn filled(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Input errors show on the profile, beside their field in the agent's
/// language, with the form as typed; anything else is an error page.
async fn failed(st: &AppState, a: &Agent, id: i64, e: Error, mut t: Typed) -> Response {
    let value = |f: fn(&EditForm) -> &Option<String>| {
        t.form
            .as_ref()
            .and_then(|form| f(form).clone())
            .unwrap_or_default()
    };
    let (field, message) = match e {
        Error::Invalid { field, .. } if field == "language" => (
            field,
            a.tr.s("customer-language-invalid", "value", value(|f| &f.language)),
        ),
        Error::Invalid { field, .. } if field == "timezone" => (
            field,
            a.tr.s("timezone-unknown", "tz", value(|f| &f.timezone)),
        ),
        Error::Invalid { field, .. } if field == "name" => (field, a.tr.t("customer-name-invalid")),
        // The merge form has one field, whatever the service calls it.
        Error::Invalid { field, message } if t.form.is_none() => (
            "other".to_string(),
            super::form_errors::words(&a.tr, &field, &message),
        ),
        Error::Conflict { message, .. } if t.form.is_none() => ("other".to_string(), message),
        Error::Invalid { field, message } => {
            let words = super::form_errors::words(&a.tr, &field, &message);
            (field, words)
        }
        Error::Conflict { message, .. } => (String::new(), message),
        other => return error_page(&a.tr, other),
    };
    t.field = field;
    t.message = Some(message);
    show(st, a, id, None, t).await
}

/// `POST /customers/{id}`: saves the profile. An empty name, language or
/// timezone keeps the current one; an empty phone, organisation or notes
/// field clears it.
pub async fn update(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Response {
    let typed = f.clone();
    let patch = CustomerPatch {
        name: filled(f.name),
        phone: f.phone.map(|p| p.trim().to_string()),
        language: filled(f.language),
        timezone: filled(f.timezone),
        notes: f.notes.map(|n| n.replace("\r\n", "\n")),
        organization: f.organization.map(|o| o.trim().to_string()),
    };
    match service::update(&st, &a.viewer, id, patch).await {
        Ok(_) => see_other(&format!("/customers/{id}?saved=1")),
        Err(e) => {
            let t = Typed {
                form: Some(typed),
                ..Typed::default()
            };
            failed(&st, &a, id, e, t).await
        }
    }
}

/// The merge form: the other record, by number or address.
#[derive(Debug, Deserialize)]
pub struct MergeForm {
    other: String,
}

/// `POST /customers/{id}/merge`: merges the other record into this one.
pub async fn merge(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<MergeForm>,
) -> Response {
    let other = f.other.trim().trim_start_matches('#');
    let from: Result<i64> = match other.parse::<i64>() {
        Ok(n) => Ok(n),
        Err(_) if other.contains('@') => service::id_by_email(&st, &a.viewer, other).await,
        Err(_) => Err(crate::web::form_errors::said(
            "other",
            a.tr.t("merge-other-invalid"),
        )),
    };
    let done = match from {
        Ok(from) => service::merge(&st, &a.viewer, id, from).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => see_other(&format!("/customers/{id}?merged=1")),
        Err(e) => {
            let t = Typed {
                merge_other: f.other.clone(),
                ..Typed::default()
            };
            failed(&st, &a, id, e, t).await
        }
    }
}
