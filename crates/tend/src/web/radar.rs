//! `/radar`: customers at risk of leaving silently, lowest health first,
//! each with the reasons and a form to start proactive outreach; filters
//! by organisation, inbox and language; how outreach went. Supervisors
//! and admins (agents get the 403 page). The numbers are
//! `health::service::radar`, the service behind `GET /api/v1/radar`. An
//! outreach form with a mistake comes back open, as typed, the message
//! beside its field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::form_errors::{FieldErrors, render_form};
use super::i18n::Tr;
use super::labels::{outcome_key, signal_key};
use super::pages::{Chrome, error_page, see_other};
use super::session::{Agent, url_encode};
use crate::Result;
use crate::automation::LocalizedText;
use crate::health::Outcome;
use crate::health::model::{OutreachInput, OutreachSummary, RadarItem};
use crate::health::service::{self, RadarFilter};
use crate::state::AppState;

const PAGE: i64 = 50;

/// `?organization_id=&inbox_id=&language=&cursor=`
#[derive(Debug, Default, Deserialize)]
pub struct RadarQuery {
    organization_id: Option<String>,
    inbox_id: Option<String>,
    language: Option<String>,
    cursor: Option<String>,
    /// The outreach just started (its conversation).
    started: Option<i64>,
}

/// A choice of a filter.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One reason, in words.
pub struct Reason {
    pub kind: &'static str,
    pub text: String,
    pub weight: i64,
}

/// A customer's health, in words (the profile).
pub struct HealthView {
    pub score: i64,
    pub reasons: Vec<Reason>,
}

fn reasons(tr: &Tr, signals: &[crate::health::SignalView]) -> Vec<Reason> {
    signals
        .iter()
        .map(|s| Reason {
            kind: s.kind.as_str(),
            text: tr.n(signal_key(s.kind), s.count),
            weight: s.weight,
        })
        .collect()
}

/// A customer's health as the profile shows it.
pub fn health_view(tr: &Tr, h: &crate::health::Health) -> HealthView {
    HealthView {
        score: h.score,
        reasons: reasons(tr, &h.signals),
    }
}

/// One customer on the radar.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub score: i64,
    pub reasons: Vec<Reason>,
    pub since: String,
    /// The outreach form's defaults, in the customer's language (or as
    /// typed, when it came back).
    pub subject: String,
    pub text: String,
    /// The owner chosen (the agent's own id at first).
    pub owner: String,
    /// The outreach form's mistake, beside its field (none for the others).
    pub errors: FieldErrors,
}

impl Line {
    /// The attributes of this customer's outreach input `out-{id}-{name}`.
    pub fn attrs(&self, field: &str, name: &str) -> String {
        self.errors.attrs(field, &format!("out-{}-{name}", self.id))
    }

    /// The message beside this customer's outreach input `out-{id}-{name}`.
    pub fn note(&self, field: &str, name: &str) -> String {
        self.errors.note(field, &format!("out-{}-{name}", self.id))
    }

    /// The mistake none of the form's inputs shows (the customer's).
    pub fn form_error(&self) -> Option<&str> {
        self.errors.elsewhere(["assignee_id", "subject", "message"])
    }
}

/// An outcome and how many.
pub struct Count {
    pub key: &'static str,
    pub label: String,
    pub n: i64,
}

#[derive(Template)]
#[template(path = "web/radar.html")]
struct RadarPage {
    c: Chrome,
    organizations: Vec<Choice>,
    inboxes: Vec<Choice>,
    languages: Vec<Choice>,
    agents: Vec<Choice>,
    lines: Vec<Line>,
    total: i64,
    counts: Vec<Count>,
    next: Option<String>,
    started: Option<i64>,
    /// A mistake of an outreach form whose customer is not on this page.
    error: Option<String>,
}

/// An outreach form that came back: its customer, as typed, its mistake.
struct Typed {
    customer_id: i64,
    form: OutreachForm,
    errors: FieldErrors,
}

fn id_of(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

fn counts(tr: &Tr, s: &OutreachSummary) -> Vec<Count> {
    Outcome::ALL
        .iter()
        .map(|&o| Count {
            key: o.as_str(),
            label: tr.t(outcome_key(o)),
            n: match o {
                Outcome::Pending => s.pending,
                Outcome::Answered => s.answered,
                Outcome::Satisfied => s.satisfied,
                Outcome::Left => s.left,
            },
        })
        .collect()
}

fn line(tr: &Tr, tz: &str, me: String, i: RadarItem) -> Line {
    // The outreach's words are in the customer's language.
    let theirs = Tr::new(
        i.language
            .as_deref()
            .and_then(crate::locale::supported)
            .unwrap_or(tr.code()),
    );
    Line {
        id: i.customer_id,
        name: i
            .name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("#{}", i.customer_id)),
        score: i.score,
        reasons: reasons(tr, &i.signals),
        since: i
            .at_risk_since
            .as_deref()
            .and_then(crate::time::parse_ms)
            .map(|ms| tr.datetime(ms, tz))
            .unwrap_or_default(),
        subject: theirs.t("radar-outreach-default-subject"),
        text: theirs.t("radar-outreach-default-text"),
        owner: me,
        errors: FieldErrors::none(),
    }
}

async fn show(st: &AppState, a: &Agent, q: RadarQuery, typed: Option<Typed>) -> Result<Response> {
    let filter = RadarFilter {
        organization_id: id_of(&q.organization_id),
        inbox_id: id_of(&q.inbox_id),
        language: q.language.clone().filter(|l| !l.trim().is_empty()),
    };
    let page = service::radar(st, &a.viewer, &filter, q.cursor.as_deref(), PAGE).await?;
    let tr = &a.tr;
    let organizations = crate::customers::service::organizations(st)
        .await?
        .into_iter()
        .map(|(id, name)| Choice {
            selected: filter.organization_id == Some(id),
            value: id.to_string(),
            label: name,
        })
        .collect();
    let inboxes = crate::inboxes::service::visible_inboxes(st, &a.viewer)
        .await?
        .into_iter()
        .map(|i| Choice {
            selected: filter.inbox_id == Some(i.id),
            value: i.id.to_string(),
            label: i.name,
        })
        .collect();
    let languages = crate::locale::LOCALES
        .iter()
        .map(|code| Choice {
            selected: filter.language.as_deref() == Some(*code),
            value: (*code).to_string(),
            label: crate::locale::name(code).to_string(),
        })
        .collect();
    let agents = crate::agents::service::list_users(st, &a.viewer)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| Choice {
            selected: Some(u.id) == a.viewer.user_id,
            value: u.id.to_string(),
            label: u.name,
        })
        .collect();
    let next = page.next_cursor.map(|c| {
        let mut s = format!("/radar?cursor={}", url_encode(&c));
        for (k, v) in [
            ("organization_id", &q.organization_id),
            ("inbox_id", &q.inbox_id),
            ("language", &q.language),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                s.push_str(&format!("&{k}={}", url_encode(v)));
            }
        }
        s
    });
    let tz = a.tz.clone();
    let me = a
        .viewer
        .user_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    let mut lines: Vec<Line> = page
        .items
        .into_iter()
        .map(|i| line(tr, &tz, me.clone(), i))
        .collect();
    let errors = typed
        .as_ref()
        .map_or_else(FieldErrors::none, |t| t.errors.clone());
    let mut error = None;
    if let Some(t) = typed {
        match lines.iter_mut().find(|l| l.id == t.customer_id) {
            Some(l) => {
                l.subject = t.form.subject;
                l.text = t.form.text;
                l.owner = t.form.assignee_id.trim().to_string();
                l.errors = t.errors;
            }
            None => error = t.errors.message().map(str::to_string),
        }
    }
    Ok(render_form(
        &errors,
        &RadarPage {
            c: Chrome::agent(a, tr.t("radar-title"), "radar"),
            organizations,
            inboxes,
            languages,
            agents,
            lines,
            total: page.outreach.total,
            counts: counts(tr, &page.outreach),
            next,
            started: q.started,
            error,
        },
    ))
}

/// `GET /radar`
pub async fn page(State(st): State<AppState>, a: Agent, Query(q): Query<RadarQuery>) -> Response {
    match show(&st, &a, q, None).await {
        Ok(r) => r,
        Err(e) => error_page(&a.tr, e),
    }
}

/// The outreach form.
#[derive(Debug, Clone, Deserialize)]
pub struct OutreachForm {
    assignee_id: String,
    subject: String,
    text: String,
}

/// `POST /radar/{customer_id}/outreach`: starts outreach, then shows the
/// radar again (or the form's error on it).
pub async fn outreach(
    State(st): State<AppState>,
    a: Agent,
    Path(customer_id): Path<i64>,
    Form(f): Form<OutreachForm>,
) -> Response {
    let typed = f.clone();
    let done = match f.assignee_id.trim().parse::<i64>() {
        Ok(assignee_id) => {
            let input = OutreachInput {
                assignee_id,
                inbox_id: None,
                subject: LocalizedText {
                    text: f.subject,
                    translations: Default::default(),
                },
                message: Some(LocalizedText {
                    text: f.text,
                    translations: Default::default(),
                }),
                macro_id: None,
            };
            crate::health::outreach::start_outreach(&st, &a.viewer, customer_id, input).await
        }
        Err(_) => Err(super::form_errors::said(
            "assignee_id",
            a.tr.t("radar-pick-owner"),
        )),
    };
    match done {
        Ok(o) => see_other(&format!("/radar?started={}", o.conversation_id)),
        Err(e) => {
            let errors = match FieldErrors::of(&a.tr, e) {
                Ok(errors) => errors,
                Err(e) => return error_page(&a.tr, e),
            };
            let typed = Typed {
                customer_id,
                form: typed,
                errors,
            };
            match show(&st, &a, RadarQuery::default(), Some(typed)).await {
                Ok(r) => r,
                Err(e) => error_page(&a.tr, e),
            }
        }
    }
}
