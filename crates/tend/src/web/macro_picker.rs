//! The composer's macro picker (app.js): `GET /ui/macros?q=` lists the
//! agent's macros by name as they type; `POST /c/{id}/macros/{macro_id}`
//! (JSON, `X-CSRF-Token`) previews one (`{"preview": true}`) or applies
//! it, and answers the text for the composer, the changes in words and the
//! conversation's controls as they now are. Failures are `{"error"}`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::labels;
use super::macros::Names;
use super::session::Agent;
use crate::Error;
use crate::macros::model::{ApplyInput, MacroQuery};
use crate::macros::service;
use crate::state::AppState;

/// One macro in the picker.
#[derive(Serialize)]
struct PickerItem {
    id: i64,
    name: String,
    scope: String,
}

/// `GET /ui/macros?q=`: the picker's list, the most used first.
pub async fn picker(State(st): State<AppState>, a: Agent, Query(q): Query<MacroQuery>) -> Response {
    let q = MacroQuery {
        q: q.q,
        limit: Some(q.limit.unwrap_or(20).clamp(1, 50)),
    };
    match service::list(&st, &a.viewer, &q).await {
        Ok(list) => Json(serde_json::json!({
            "items": list
                .into_iter()
                .map(|m| PickerItem {
                    scope: a.tr.t(labels::macro_scope_key(m.scope)),
                    id: m.id,
                    name: m.name,
                })
                .collect::<Vec<_>>()
        }))
        .into_response(),
        Err(e) => json_error(e),
    }
}

/// The conversation's controls after a macro, for the page to show.
#[derive(Serialize)]
struct Controls {
    status: &'static str,
    status_label: String,
    priority: &'static str,
    assignee_id: i64,
    team_id: i64,
    tags: String,
}

/// `POST /c/{id}/macros/{macro_id}` (JSON `{"preview": bool}`).
pub async fn apply(
    State(st): State<AppState>,
    a: Agent,
    Path((id, macro_id)): Path<(i64, i64)>,
    Json(input): Json<ApplyInput>,
) -> Response {
    let done = async {
        let applied = service::apply(&st, &a.viewer, id, macro_id, input).await?;
        let names = Names::load(&st, &a).await?;
        let conv = crate::conversations::service::get(&st, &a.viewer, id).await?;
        Ok::<_, Error>(serde_json::json!({
            "text": applied.text,
            "language": applied.language,
            "changes": names.changes(&a.tr, &applied.changes),
            "applied": applied.applied,
            "controls": Controls {
                status: conv.status.as_str(),
                status_label: labels::status(&a.tr, conv.status),
                priority: conv.priority.as_str(),
                assignee_id: conv.assignee_id.unwrap_or(0),
                team_id: conv.team_id.unwrap_or(0),
                tags: conv.tags.join(", "),
            },
        }))
    };
    match done.await {
        Ok(v) => Json(v).into_response(),
        Err(e) => json_error(e),
    }
}

/// A failure as the picker shows it: `{"error": message}`.
fn json_error(e: Error) -> Response {
    let status = e.status();
    let message = match &e {
        Error::Database(_) | Error::Internal(_) => {
            tracing::error!(error = %e, "a macro request failed");
            "internal error; see the server log".to_string()
        }
        other => other.to_string(),
    };
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}
