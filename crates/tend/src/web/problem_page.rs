//! A problem's page (`/problems/{id}`): edit, linked conversations, mark
//! fixed with one message; a mistake in the edit or fix form brings the
//! page back with what was typed and the message beside its field.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::form_errors::{FieldErrors, render_form};
use super::labels;
use super::pages::{Chrome, error_page};
use super::problems::{FIX_LANGUAGES, ProblemForm, ProblemLine, line, status_of};
use super::session::Agent;
use crate::Error;
use crate::problems::{ProblemStatus, service};
use crate::state::AppState;

/// A linked conversation as the problem page shows it.
pub struct LinkLine {
    pub id: i64,
    pub subject: String,
    pub status: &'static str,
    pub status_label: String,
    pub language: String,
    pub notified: String,
}

#[derive(Template)]
#[template(path = "web/problem.html")]
struct ProblemPage {
    c: Chrome,
    p: ProblemLine,
    /// The mistake of the edit or fix form that came back.
    errors: FieldErrors,
    /// The edit form's title.
    title: String,
    description: String,
    workaround: String,
    owner_id: i64,
    fixed: String,
    fixed_by: String,
    /// The fix message as sent, by language.
    fix_message: Vec<(String, String)>,
    statuses: Vec<(&'static str, String)>,
    agents: Vec<(i64, String)>,
    links: Vec<LinkLine>,
    /// The fix form's texts by language, in [`FIX_LANGUAGES`]' order.
    fix_texts: Vec<(&'static str, String)>,
    /// The owner, supervisors and admins mark it fixed.
    may_fix: bool,
}

/// `GET /problems/{id}`
pub async fn page(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    problem_page(&st, &a, id, None, None, FieldErrors::none()).await
}

/// A problem's page, with the edit form (`edit`) or the fix form's texts
/// (`fix`) as typed, and their mistake.
pub(super) async fn problem_page(
    st: &AppState,
    a: &Agent,
    id: i64,
    edit: Option<ProblemForm>,
    fix: Option<HashMap<String, String>>,
    errors: FieldErrors,
) -> Response {
    let page = async {
        let p = service::get(st, &a.viewer, id).await?;
        let users = crate::agents::service::list_users(st, &a.viewer).await?;
        let names: HashMap<i64, String> = users.iter().map(|u| (u.id, u.name.clone())).collect();
        let mut line = line(a, &names, &p);
        let mut title = p.title.clone();
        let mut description = p.description.clone();
        let mut workaround = p.workaround.clone().unwrap_or_default();
        let mut owner_id = p.owner_id.unwrap_or(0);
        if let Some(f) = &edit {
            title = f.title.clone();
            description = f.description.clone();
            workaround = f.workaround.clone();
            owner_id = f.owner_id.parse().unwrap_or(0);
            if let Ok(Some(s)) = status_of(&f.status) {
                line.status = s.as_str();
            }
        }
        let fix_texts = FIX_LANGUAGES
            .iter()
            .map(|l| {
                let text = fix.as_ref().and_then(|f| f.get(&format!("text_{l}")));
                (*l, text.cloned().unwrap_or_default())
            })
            .collect();
        let ms = |s: &str| {
            s.parse::<jiff::Timestamp>()
                .map_or(0, |t| t.as_millisecond())
        };
        Ok::<_, Error>(ProblemPage {
            c: Chrome::agent(a, p.title.clone(), "problems"),
            p: line,
            errors: errors.clone(),
            title,
            description,
            workaround,
            owner_id,
            fixed: p
                .fixed_at
                .as_deref()
                .map(|t| a.tr.datetime(ms(t), &a.tz))
                .unwrap_or_default(),
            fixed_by: p
                .fixed_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            fix_message: p
                .fix_message
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            statuses: [ProblemStatus::Investigating, ProblemStatus::Known]
                .iter()
                .map(|&s| (s.as_str(), labels::problem_status(&a.tr, s)))
                .collect(),
            agents: users.into_iter().map(|u| (u.id, u.name)).collect(),
            links: p
                .conversations
                .iter()
                .map(|l| LinkLine {
                    id: l.conversation_id,
                    subject: l.subject.clone(),
                    status: l.status.as_str(),
                    status_label: labels::status(&a.tr, l.status),
                    language: l.language.clone().unwrap_or_default(),
                    notified: l
                        .notified_at
                        .as_deref()
                        .map(|t| a.tr.datetime(ms(t), &a.tz))
                        .unwrap_or_default(),
                })
                .collect(),
            fix_texts,
            may_fix: a.viewer.sees_all()
                || (a.viewer.user_id.is_some() && a.viewer.user_id == p.owner_id),
        })
    }
    .await;
    match page {
        Ok(p) => render_form(&errors, &p),
        Err(e) => error_page(&a.tr, e),
    }
}
