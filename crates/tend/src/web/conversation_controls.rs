//! The conversation page's controls (`POST /c/{id}/update`): status,
//! priority, owner with a reason for transfers, team and tags. A mistake
//! brings the page back with what was typed and the message beside its
//! field.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::conversation::again;
use super::form_errors::FieldErrors;
use super::pages::{error_page, see_other};
use super::session::Agent;
use crate::conversations::model::ConversationPatch;
use crate::conversations::{Priority, Status};
use crate::state::AppState;

#[derive(Deserialize, Clone, Default)]
pub struct UpdateForm {
    status: Option<String>,
    priority: Option<String>,
    assignee: Option<String>,
    team: Option<String>,
    tags: Option<String>,
    reason_category: Option<String>,
    reason: Option<String>,
}

/// `POST /c/{id}/update`: the controls. Changing the owner of an assigned
/// conversation is a transfer and needs a reason (category and words).
pub async fn update(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<UpdateForm>,
) -> Response {
    let conv = match crate::conversations::service::get(&st, &a.viewer, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&a.tr, e),
    };
    let typed = f.clone();
    let mut patch = ConversationPatch::default();
    if let Some(s) = f
        .status
        .filter(|s| !s.is_empty() && *s != conv.status.as_str())
    {
        patch.status = Some(s);
    }
    if let Some(p) = f
        .priority
        .filter(|p| !p.is_empty() && *p != conv.priority.as_str())
    {
        patch.priority = Some(p);
    }
    let parse_id = |v: Option<String>| -> Option<Option<i64>> {
        let v = v?;
        match v.as_str() {
            "" => None,
            "none" | "0" => Some(None),
            "me" => Some(Some(a.id)),
            other => other.parse::<i64>().ok().map(Some),
        }
    };
    if let Some(to) = parse_id(f.assignee).filter(|to| *to != conv.assignee_id) {
        patch.assignee_id = Some(to);
    }
    if let Some(to) = parse_id(f.team).filter(|to| *to != conv.team_id) {
        patch.team_id = Some(to);
    }
    if let Some(tags) = f.tags {
        let list: Vec<String> = tags
            .split([',', '\n'])
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if list != conv.tags {
            patch.tags = Some(list);
        }
    }
    let words = f.reason.unwrap_or_default().trim().to_string();
    let category = f.reason_category.unwrap_or_default();
    if !words.is_empty() {
        use crate::routing::model::{StructuredReason, TransferReasonInput};
        patch.reason = Some(if category.is_empty() {
            TransferReasonInput::Text(words)
        } else {
            TransferReasonInput::Structured(StructuredReason {
                category,
                text: words,
            })
        });
    }
    match crate::conversations::service::update(&st, &a.viewer, id, patch).await {
        Ok(_) => see_other(&format!("/c/{id}")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            // A status that cannot follow the current one is the status's.
            Ok(errors) => kept(&st, &a, id, typed, errors.about("status")).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// The page again with the controls as they were typed, and the mistake
/// beside `field`.
async fn kept(st: &AppState, a: &Agent, id: i64, f: UpdateForm, errors: FieldErrors) -> Response {
    let agent_id = a.id;
    again(st, a, id, errors.status(), move |p| {
        if let Some(s) = f.status.as_deref().and_then(|s| Status::from_db(s).ok()) {
            p.status = s.as_str();
        }
        if let Some(v) = f
            .priority
            .as_deref()
            .and_then(|v| Priority::from_db(v).ok())
        {
            p.priority = v.as_str();
        }
        let id_of = |v: &Option<String>| match v.as_deref() {
            Some("none") | Some("0") => Some(0),
            Some("me") => Some(agent_id),
            Some(v) => v.parse().ok(),
            None => None,
        };
        if let Some(v) = id_of(&f.assignee) {
            p.assignee_id = v;
        }
        if let Some(v) = id_of(&f.team) {
            p.team_id = v;
        }
        if let Some(t) = f.tags {
            p.tags = t;
        }
        p.reason_category = f.reason_category.unwrap_or_default();
        p.reason_text = f.reason.unwrap_or_default();
        p.errors = errors;
    })
    .await
}
