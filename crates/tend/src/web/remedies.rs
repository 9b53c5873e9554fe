//! Remedies in the workspace: the conversation page's remedies (in the
//! live-refreshed part, so an agent sees a supervisor's decision arrive)
//! and its form, and the supervisors' queue of remedies that wait
//! (`/remedies`), with approve and decline, and this month's remedies by
//! agent beside their CSAT and reopens.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::form_errors::FieldErrors;
use super::labels;
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::Agent;
use crate::remedies::model::{DecisionInput, Remedy, RemedyInput, RemedyQuery, money, parse_money};
use crate::remedies::{RemedyState, service};
use crate::state::AppState;
use crate::{Error, Result};

/// One remedy as the pages show it.
pub struct RemedyLine {
    pub id: i64,
    pub conversation_id: i64,
    pub kind: String,
    pub amount: String,
    /// The state's stored name (the CSS hook).
    pub state: &'static str,
    pub state_label: String,
    pub waiting: bool,
    pub note: String,
    pub by: String,
    pub when: String,
    pub decision: String,
    /// While it waits: when it should be decided by, in the viewer's time
    /// zone, and whether that has passed.
    pub due: String,
    pub overdue: bool,
}

/// A conversation's remedies, and what the viewer may do with them.
#[derive(Default)]
pub struct RemediesPanel {
    pub lines: Vec<RemedyLine>,
    /// Supervisors and admins decide the ones that wait.
    pub may_decide: bool,
    /// The kinds for the form: key and name.
    pub kinds: Vec<(String, String)>,
    /// The form as typed, after a mistake (`None`: as first shown).
    pub typed: Option<RemedyForm>,
    /// The form's mistake, beside its field.
    pub errors: FieldErrors,
}

impl RemediesPanel {
    /// A field of the form as typed (empty at first, EUR for the currency).
    pub fn typed(&self, field: &str) -> &str {
        let Some(t) = &self.typed else {
            return if field == "currency" { "EUR" } else { "" };
        };
        match field {
            "kind" => &t.kind,
            "amount" => &t.amount,
            "currency" => &t.currency,
            _ => &t.note,
        }
    }
}

fn line(
    a: &Agent,
    names: &HashMap<i64, String>,
    kinds: &[(String, String)],
    r: Remedy,
) -> RemedyLine {
    let given = kinds
        .iter()
        .find(|(k, _)| *k == r.kind)
        .map(|(_, n)| n.as_str());
    let kind = labels::remedy_kind(&a.tr, &r.kind, given);
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let decision = match (r.decided_by, r.decision_note.as_deref()) {
        (Some(by), Some(n)) if !n.is_empty() => format!("{}: {n}", name(by)),
        (Some(by), _) => name(by),
        _ => String::new(),
    };
    let ms = |s: &str| {
        s.parse::<jiff::Timestamp>()
            .map_or(0, |t| t.as_millisecond())
    };
    let created = ms(&r.created_at);
    let due = r
        .approval_due
        .as_deref()
        .map(|d| a.tr.datetime(ms(d), &a.tz))
        .unwrap_or_default();
    RemedyLine {
        id: r.id,
        conversation_id: r.conversation_id,
        kind,
        amount: money(r.amount, &r.currency),
        state: r.state.as_str(),
        state_label: a.tr.t(labels::remedy_state_key(r.state)),
        waiting: r.state == RemedyState::AwaitingApproval,
        note: r.note,
        by: name(r.requested_by),
        when: a.tr.datetime(created, &a.tz),
        decision,
        due,
        overdue: r.overdue,
    }
}

async fn names(st: &AppState, a: &Agent) -> Result<HashMap<i64, String>> {
    Ok(crate::agents::service::list_users(st, &a.viewer)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The kinds for the form: key and its name in the viewer's language.
async fn kinds(st: &AppState, a: &Agent) -> Result<Vec<(String, String)>> {
    Ok(crate::remedies::authority::kinds(st)
        .await?
        .into_iter()
        .map(|k| {
            let name = labels::remedy_kind(&a.tr, &k.key, Some(&k.name));
            (k.key, name)
        })
        .collect())
}

/// The remedies of conversation `id` for its page.
pub async fn panel(st: &AppState, a: &Agent, id: i64) -> Result<RemediesPanel> {
    let list = service::of_conversation(st, &a.viewer, id).await?;
    let kinds = kinds(st, a).await?;
    let names = if list.is_empty() {
        HashMap::new()
    } else {
        names(st, a).await?
    };
    Ok(RemediesPanel {
        lines: list
            .into_iter()
            .map(|r| line(a, &names, &kinds, r))
            .collect(),
        may_decide: a.viewer.sees_all(),
        kinds,
        typed: None,
        errors: FieldErrors::none(),
    })
}

/// The remedy form.
#[derive(Deserialize, Clone, Default)]
pub struct RemedyForm {
    kind: String,
    amount: String,
    currency: String,
    note: String,
}

/// `POST /c/{id}/remedies`: records a remedy, granted at once within the
/// agent's limits, else waiting for approval.
pub async fn record(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<RemedyForm>,
) -> Response {
    let typed = f.clone();
    let currency = f.currency.trim().to_uppercase();
    let outcome = match parse_money(&f.amount, &currency) {
        None => Err(Error::invalid("amount", "give the amount as a number")),
        Some(amount) => {
            let input = RemedyInput {
                kind: f.kind,
                amount,
                currency,
                note: f.note,
            };
            service::record(&st, &a.viewer, id, input).await
        }
    };
    match outcome {
        Ok(_) => see_other(&format!("/c/{id}#remedies")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => {
                let status = errors.status();
                super::conversation::again(&st, &a, id, status, |p| {
                    p.remedies.typed = Some(typed);
                    p.remedies.errors = errors;
                })
                .await
            }
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// The decision form.
#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    note: String,
    /// Where to come back to: `queue` (the queue), else the conversation.
    #[serde(default)]
    back: String,
}

/// `POST /remedies/{id}/approve` and `…/decline`.
pub async fn decide(
    State(st): State<AppState>,
    a: Agent,
    Path((id, what)): Path<(i64, String)>,
    axum::Form(f): axum::Form<DecisionForm>,
) -> Response {
    let approve = match what.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return error_page(&a.tr, Error::NotFound("page")),
    };
    match service::decide(&st, &a.viewer, id, approve, DecisionInput { note: f.note }).await {
        Ok(r) if f.back == "queue" => see_other(&format!("/remedies#r{}", r.id)),
        Ok(r) => see_other(&format!("/c/{}#remedies", r.conversation_id)),
        Err(Error::Conflict { .. }) => error_page(
            &a.tr,
            Error::Conflict {
                code: "remedy_decided",
                message: a.tr.t("remedy-decided-already"),
                details: serde_json::json!({}),
            },
        ),
        Err(e) => error_page(&a.tr, e),
    }
}

#[derive(Template)]
#[template(path = "web/remedies.html")]
struct QueuePage {
    c: Chrome,
    waiting: Vec<RemedyLine>,
    recent: Vec<RemedyLine>,
    month: Vec<OutcomeLine>,
}

/// A line of "this month by agent": what an agent gave, in one currency,
/// beside their CSAT and reopens per conversation (the reports' figures).
pub struct OutcomeLine {
    pub agent: String,
    pub given: String,
    pub count: i64,
    pub csat: String,
    pub reopen_rate: String,
}

/// This calendar month (UTC, as limits count it) by agent.
async fn this_month(
    st: &AppState,
    a: &Agent,
    names: &HashMap<i64, String>,
) -> Result<Vec<OutcomeLine>> {
    let q = crate::remedies::model::ReportQuery {
        group_by: Some("agent".into()),
        from: Some(format!("{}-01", service::month_of(st.clock.now_ms()))),
        ..Default::default()
    };
    Ok(crate::remedies::ledger::report(st, &a.viewer, &q)
        .await?
        .into_iter()
        .map(|l| OutcomeLine {
            agent: l
                .group
                .parse::<i64>()
                .ok()
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| format!("#{}", l.group)),
            given: money(l.total, &l.currency),
            count: l.count,
            csat: super::reports::percent(&a.tr, l.csat),
            reopen_rate: l
                .reopen_rate
                .map_or_else(|| "—".to_string(), |r| format!("{r:.2}")),
        })
        .collect())
}

/// `GET /remedies`: the remedies that wait for a supervisor, oldest first,
/// and the latest decided ones (supervisors and admins).
pub async fn queue(State(st): State<AppState>, a: Agent) -> Response {
    let page = async {
        a.viewer
            .require_supervisor("only admins and supervisors may approve remedies")?;
        let waiting_q = RemedyQuery {
            state: Some(RemedyState::AwaitingApproval.as_str().into()),
            ..RemedyQuery::default()
        };
        let mut waiting = service::list(&st, &a.viewer, &waiting_q, 200, None).await?;
        waiting.reverse();
        let recent: Vec<Remedy> = service::list(&st, &a.viewer, &RemedyQuery::default(), 50, None)
            .await?
            .into_iter()
            .filter(|r| r.state != RemedyState::AwaitingApproval)
            .collect();
        let names = names(&st, &a).await?;
        let kinds = kinds(&st, &a).await?;
        let month = this_month(&st, &a, &names).await?;
        Ok::<_, Error>(QueuePage {
            month,
            c: Chrome::agent(&a, a.tr.t("remedies-title"), "remedies"),
            waiting: waiting
                .into_iter()
                .map(|r| line(&a, &names, &kinds, r))
                .collect(),
            recent: recent
                .into_iter()
                .map(|r| line(&a, &names, &kinds, r))
                .collect(),
        })
    }
    .await;
    match page {
        Ok(p) => render_status(StatusCode::OK, &p),
        Err(e) => error_page(&a.tr, e),
    }
}
