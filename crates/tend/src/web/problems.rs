//! Problems in the workspace: the list (`/problems`, with a form to open
//! one and what is trending), a problem's page (`/problems/{id}`: edit,
//! linked conversations, mark fixed with one message), and the
//! conversation page's "Problem" panel: the linked problem, or the
//! proposals and a known problem's suggested answer, each with a Link
//! button. The rules are `problems::service`'s; these only translate forms.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::form_errors::{FieldErrors, render_form};
use super::labels;
use super::pages::{Chrome, error_page, see_other};
pub use super::problem_page::page;
use super::problem_page::problem_page;
use super::session::Agent;
use crate::problems::model::{
    Cluster, FixMessage, LinkInput, Problem, ProblemInput, ProblemPatch, ProblemQuery, Suggestion,
};
use crate::problems::{ProblemStatus, service, similar};
use crate::state::AppState;
use crate::{Error, Result};

/// The languages the fix form offers a text in, in its order (the first
/// filled is the fallback).
pub(super) const FIX_LANGUAGES: [&str; 5] = ["en", "ja", "ko", "lv", "ca"];

/// A problem as a line of a list.
pub struct ProblemLine {
    pub id: i64,
    pub title: String,
    /// The status's stored name (the CSS hook).
    pub status: &'static str,
    pub status_label: String,
    pub owner: String,
    pub linked: i64,
}

pub(super) fn line(a: &Agent, names: &HashMap<i64, String>, p: &Problem) -> ProblemLine {
    ProblemLine {
        id: p.id,
        title: p.title.clone(),
        status: p.status.as_str(),
        status_label: labels::problem_status(&a.tr, p.status),
        owner: p
            .owner_id
            .and_then(|o| names.get(&o).cloned())
            .unwrap_or_default(),
        linked: p.linked_count,
    }
}

async fn names(st: &AppState, a: &Agent) -> Result<HashMap<i64, String>> {
    Ok(crate::agents::service::list_users(st, &a.viewer)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The conversation page's "Problem" panel.
pub struct ProblemPanel {
    /// The problem it is linked to.
    pub linked: Option<ProblemLine>,
    /// A known problem's workaround, suggested as the answer.
    pub suggestion: Option<Suggestion>,
    /// Likely problems: line and likeness in percent.
    pub proposals: Vec<(ProblemLine, i64)>,
    /// Similar recent conversations: id, subject, status label.
    pub similar: Vec<(i64, String, String)>,
    /// Open problems to link to by hand.
    pub open: Vec<(i64, String)>,
}

/// The "Problem" panel of conversation `id`.
pub async fn panel(st: &AppState, a: &Agent, id: i64) -> Result<ProblemPanel> {
    let p = similar::proposals(st, &a.viewer, id).await?;
    let names = names(st, a).await?;
    let mut open = Vec::new();
    if p.linked.is_none() {
        for status in [ProblemStatus::Known, ProblemStatus::Investigating] {
            let q = ProblemQuery {
                status: Some(status.as_str().into()),
            };
            for pr in service::list(st, &a.viewer, &q, 100, None).await? {
                open.push((pr.id, pr.title));
            }
        }
    }
    Ok(ProblemPanel {
        linked: p.linked.as_ref().map(|l| line(a, &names, l)),
        suggestion: p.suggestion,
        proposals: p
            .problems
            .iter()
            .map(|pp| {
                (
                    line(a, &names, &pp.problem),
                    (pp.score * 100.0).round() as i64,
                )
            })
            .collect(),
        similar: p
            .similar
            .into_iter()
            .map(|s| {
                (
                    s.conversation_id,
                    s.subject,
                    labels::status(&a.tr, s.status),
                )
            })
            .collect(),
        open,
    })
}

#[derive(Template)]
#[template(path = "web/problems.html")]
struct ListPage {
    c: Chrome,
    /// The new-problem form as typed, and its mistake.
    typed: ProblemForm,
    errors: FieldErrors,
    filter: String,
    statuses: Vec<(&'static str, String)>,
    problems: Vec<ProblemLine>,
    trending: Vec<Cluster>,
}

/// `?status=`
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

/// `GET /problems`: problems, newest first, a form to open one, and the
/// clusters of the last 24 hours.
pub async fn list(State(st): State<AppState>, a: Agent, Query(q): Query<ListQuery>) -> Response {
    list_page(&st, &a, q, ProblemForm::default(), FieldErrors::none()).await
}

/// The list, with the new-problem form as `typed` and `errors` say.
async fn list_page(
    st: &AppState,
    a: &Agent,
    q: ListQuery,
    typed: ProblemForm,
    errors: FieldErrors,
) -> Response {
    let page = async {
        let query = ProblemQuery {
            status: Some(q.status.clone()).filter(|s| !s.is_empty()),
        };
        let problems = service::list(st, &a.viewer, &query, 200, None).await?;
        let names = names(st, a).await?;
        let trending = similar::trending(st, &a.viewer, 24).await?;
        Ok::<_, Error>(ListPage {
            c: Chrome::agent(a, a.tr.t("problems-title"), "problems"),
            typed,
            errors: errors.clone(),
            filter: q.status.clone(),
            statuses: ProblemStatus::ALL
                .iter()
                .map(|&s| (s.as_str(), labels::problem_status(&a.tr, s)))
                .collect(),
            problems: problems.iter().map(|p| line(a, &names, p)).collect(),
            trending,
        })
    }
    .await;
    match page {
        Ok(p) => render_form(&errors, &p),
        Err(e) => error_page(&a.tr, e),
    }
}

/// The form that opens or edits a problem.
#[derive(Deserialize, Clone, Default)]
pub struct ProblemForm {
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) workaround: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) owner_id: String,
    /// Open it with this conversation linked.
    #[serde(default)]
    conversation_id: Option<i64>,
}

pub(super) fn status_of(s: &str) -> Result<Option<ProblemStatus>> {
    if s.is_empty() {
        return Ok(None);
    }
    ProblemStatus::parse("status", s).map(Some)
}

fn owner_of(s: &str) -> Result<Option<i64>> {
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| Error::invalid("owner_id", "choose an owner"))
}

/// `POST /problems`: opens a problem (with a conversation linked, when
/// opened from one).
pub async fn create(
    State(st): State<AppState>,
    a: Agent,
    axum::Form(f): axum::Form<ProblemForm>,
) -> Response {
    let typed = f.clone();
    let done = async {
        let p = service::create(
            &st,
            &a.viewer,
            ProblemInput {
                title: f.title,
                description: f.description,
                status: status_of(&f.status)?,
                owner_id: owner_of(&f.owner_id)?,
                workaround: Some(f.workaround),
            },
        )
        .await?;
        if let Some(c) = f.conversation_id {
            service::link(&st, &a.viewer, p.id, LinkInput { conversation_id: c }).await?;
            return Ok::<String, Error>(format!("/c/{c}#problem"));
        }
        Ok::<String, Error>(format!("/problems/{}", p.id))
    }
    .await;
    match (done, typed.conversation_id) {
        (Ok(to), _) => see_other(&to),
        (Err(e), conv) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => match conv {
                // Opened from a conversation: its page, with the message.
                Some(c) => {
                    let message = errors.message().unwrap_or_default().to_string();
                    let status = errors.status();
                    super::conversation::again_with_error(&st, &a, c, status, message).await
                }
                None => list_page(&st, &a, ListQuery::default(), typed, errors).await,
            },
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `POST /problems/{id}`: saves the edit form.
pub async fn update(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<ProblemForm>,
) -> Response {
    let typed = f.clone();
    let done = async {
        let patch = ProblemPatch {
            title: Some(f.title),
            description: Some(f.description),
            status: status_of(&f.status)?,
            owner_id: owner_of(&f.owner_id)?,
            workaround: Some(f.workaround),
            message: None,
        };
        service::update(&st, &a.viewer, id, patch).await
    }
    .await;
    match done {
        Ok(_) => see_other(&format!("/problems/{id}")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => problem_page(&st, &a, id, Some(typed), None, errors).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `POST /problems/{id}/fix`: marks it fixed with the message (fields
/// `text_en`, `text_ja`, … in [`FIX_LANGUAGES`]' order; blank ones are
/// left out).
pub async fn fix(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> Response {
    let message = FixMessage(
        FIX_LANGUAGES
            .iter()
            .filter_map(|l| {
                f.get(&format!("text_{l}"))
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| (l.to_string(), t.clone()))
            })
            .collect(),
    );
    let patch = ProblemPatch {
        status: Some(ProblemStatus::Fixed),
        message: Some(message),
        ..ProblemPatch::default()
    };
    match service::update(&st, &a.viewer, id, patch).await {
        Ok(_) => see_other(&format!("/problems/{id}")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => problem_page(&st, &a, id, None, Some(f), errors).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// The link and unlink forms.
#[derive(Deserialize)]
pub struct LinkForm {
    conversation_id: i64,
    /// Where to come back to: `problem` (its page), else the conversation.
    #[serde(default)]
    back: String,
    /// The problem, when chosen in the form (`/c/{id}/problem`).
    #[serde(default)]
    problem_id: Option<i64>,
}

fn back(f: &LinkForm, problem: i64) -> String {
    if f.back == "problem" {
        format!("/problems/{problem}")
    } else {
        format!("/c/{}#problem", f.conversation_id)
    }
}

/// `POST /problems/{id}/link`
pub async fn link(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<LinkForm>,
) -> Response {
    let id = f.problem_id.unwrap_or(id);
    let input = LinkInput {
        conversation_id: f.conversation_id,
    };
    match service::link(&st, &a.viewer, id, input).await {
        Ok(_) => see_other(&back(&f, id)),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /problems/{id}/unlink`
pub async fn unlink(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<LinkForm>,
) -> Response {
    match service::unlink(&st, &a.viewer, id, f.conversation_id).await {
        Ok(_) => see_other(&back(&f, id)),
        Err(e) => error_page(&a.tr, e),
    }
}
