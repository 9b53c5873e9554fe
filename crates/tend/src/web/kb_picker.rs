//! The knowledge base in the conversation page: the composer's article
//! search (`kb_picker.js`: `GET /ui/kb/{id}?q=` answers the articles in
//! the conversation's language with the fallback, to insert as a link or
//! as text; failures are `{"error"}`), and `POST /c/{id}/kb-draft`, which
//! turns the conversation into a draft article and comes back to it with
//! a notice.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};

use super::pages::{error_page, see_other};
use super::session::Agent;
use crate::Error;
use crate::kb::desk::{self, ComposerQuery};
use crate::state::AppState;

/// `GET /ui/kb/{id}?q=`: the composer's articles.
pub async fn search(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(q): Query<ComposerQuery>,
) -> Response {
    match desk::for_conversation(&st, &a.viewer, id, &q).await {
        Ok(found) => Json(found).into_response(),
        Err(e) => {
            let status = e.status();
            let message = match &e {
                Error::Database(_) | Error::Internal(_) => {
                    tracing::error!(error = %e, "the composer's article search failed");
                    a.tr.t("error-internal")
                }
                other => other.to_string(),
            };
            (status, Json(serde_json::json!({ "error": message }))).into_response()
        }
    }
}

/// `POST /c/{id}/kb-draft`: a draft article from the conversation.
pub async fn draft(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    match desk::draft_from_conversation(&st, &a.viewer, id).await {
        Ok(article) => see_other(&format!("/c/{id}?kb_draft={}", article.id)),
        Err(Error::Invalid { field, .. }) if field == "conversation" => error_page(
            &a.tr,
            Error::invalid("conversation", a.tr.t("kb-draft-no-answer")),
        ),
        Err(e) => error_page(&a.tr, e),
    }
}
