//! The composer's own routes and rules (issue 25, item 7), beside the
//! conversation page that shows it:
//! - `POST /c/{id}/draft` (`{"text", "internal"}`, `X-CSRF-Token`): the
//!   page's script saves the agent's draft as they type (debounced); the
//!   page shows it again on load, on any device;
//! - `POST /c/{id}/m/{mid}/undo`: "Sent · Undo" takes a held reply back
//!   (`conversations::undo`); its text returns to the composer;
//! - `POST /c/{id}/draft/images` (multipart, file parts `inline:ID`,
//!   `X-CSRF-Token`): the script keeps each picture pasted or dropped
//!   into the box with the draft at once, and `GET
//!   /c/{id}/draft/images/{cid}` shows it (`conversations::draft_images`);
//! - after "Send and solve", the next conversation of the inbox view the
//!   agent came from (the page's script keeps it per tab; without
//!   scripts, the default view).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::inbox_query;
use super::pages::{error_page, see_other};
use super::session::Agent;
use crate::conversations::draft_images;
use crate::conversations::drafts::{self, DraftInput};
use crate::state::AppState;
use crate::{Error, Result};

/// The composer's routes and its script.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{id}/draft", post(save_draft))
        .route("/c/{id}/m/{mid}/undo", post(undo))
        .route("/c/{id}/draft/images", post(keep_pictures))
        .route("/c/{id}/draft/images/{cid}", get(picture))
        .route("/assets/composer.js", get(script))
}

async fn script() -> Response {
    super::asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/composer.js"),
    )
}

/// `POST /c/{id}/draft`: saves (or, empty, removes) the agent's draft.
pub async fn save_draft(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Json(b): Json<DraftInput>,
) -> Response {
    match drafts::save(&st, &a.viewer, id, b).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e @ Error::Invalid { .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response()
        }
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /c/{id}/draft/images`: keeps the pictures of the agent's draft
/// (file parts named `inline:ID`); 422 with the reason for one that is
/// no PNG, JPEG, GIF or WebP image or has a bad ID.
pub async fn keep_pictures(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> Response {
    if let Err(e) = crate::conversations::service::get(&st, &a.viewer, id).await {
        return error_page(&a.tr, e);
    }
    let kept = match crate::conversations::api::read_multipart(&st, req).await {
        Ok((_, files)) => draft_images::keep(&st, &a.viewer, id, &files).await,
        Err(e) => Err(e),
    };
    match kept {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(Error::Invalid { .. }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            a.tr.t("composer-image-type"),
        )
            .into_response(),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `GET /c/{id}/draft/images/{cid}`: a picture of the agent's own draft.
pub async fn picture(
    State(st): State<AppState>,
    a: Agent,
    Path((id, cid)): Path<(i64, String)>,
) -> Response {
    match draft_images::get(&st, &a.viewer, id, &cid).await {
        Ok((img, bytes)) => {
            crate::attachments::api::download(bytes, &img.filename, &img.content_type)
        }
        Err(e) => error_page(&a.tr, e),
    }
}

/// The pictures of the draft the page shows: those its text names.
pub(super) async fn pictures(
    st: &AppState,
    a: &Agent,
    id: i64,
    draft: &str,
) -> Result<Vec<draft_images::DraftImage>> {
    if a.viewer.user_id.is_none() {
        return Ok(Vec::new());
    }
    let shown = draft_images::shown_ids(draft);
    if shown.is_empty() {
        return Ok(Vec::new());
    }
    let mut pictures: Vec<_> = draft_images::mine(st, &a.viewer, id)
        .await?
        .into_iter()
        .filter(|p| shown.contains(&p.content_id))
        .collect();
    // In the order the text shows them.
    pictures.sort_by_key(|p| draft.find(&format!("cid:{}", p.content_id)));
    Ok(pictures)
}

/// Before a reply goes: the pictures its text shows that the form did not
/// carry (the page shown again, another device, an undone send) come from
/// the agent's draft.
pub(super) async fn fill_pictures(
    st: &AppState,
    a: &Agent,
    id: i64,
    body: &crate::conversations::model::NewMessage,
    files: &mut Vec<crate::attachments::Upload>,
) -> Result<()> {
    let text = body.text.as_deref().unwrap_or_default();
    draft_images::fill(st, &a.viewer, id, text, files).await
}

/// The inline pictures among a reply's files (kept if it is refused).
pub(super) fn inline_of(files: &[crate::attachments::Upload]) -> Vec<crate::attachments::Upload> {
    files
        .iter()
        .filter(|u| u.content_id.is_some())
        .cloned()
        .collect()
}

/// A reply refused: its pictures wait with the draft, so the text shown
/// again shows them (and sending it sends them).
pub(super) async fn keep_pictures_of(
    st: &AppState,
    a: &Agent,
    id: i64,
    files: &[crate::attachments::Upload],
) {
    match draft_images::keep(st, &a.viewer, id, files).await {
        // A picture that is no picture is said beside the box instead.
        Ok(()) | Err(Error::Invalid { .. }) => {}
        Err(e) => {
            tracing::warn!(error = %e, conversation_id = id, "keeping a refused reply's pictures");
        }
    }
}

/// `POST /c/{id}/m/{mid}/undo`: takes back a held reply; the page comes
/// back with its text in the composer (or says it is too late).
pub async fn undo(
    State(st): State<AppState>,
    a: Agent,
    Path((id, mid)): Path<(i64, i64)>,
) -> Response {
    match crate::conversations::undo::undo_send(&st, &a.viewer, id, mid).await {
        Ok(_) => see_other(&format!("/c/{id}?undone=1#composer")),
        Err(Error::Conflict { .. }) => {
            super::conversation::again_with_error(
                &st,
                &a,
                id,
                StatusCode::CONFLICT,
                a.tr.t("composer-too-late"),
            )
            .await
        }
        Err(e) => error_page(&a.tr, e),
    }
}

/// How long replies wait for "Undo", in milliseconds (0: they go at once).
pub(super) fn hold_ms(st: &AppState) -> i64 {
    i64::try_from(st.config.undo_send.as_millis()).unwrap_or(0)
}

/// Where "Send and solve" leads: the first conversation other than `id`
/// in the inbox view `view_query` (an inbox query string, as the inbox's
/// links carry it), else that view's list.
pub(super) async fn next_after_solve(
    st: &AppState,
    a: &Agent,
    id: i64,
    view_query: &str,
) -> Result<String> {
    let query = view_query.trim_start_matches('?');
    let (mut spec, place) = inbox_query::read(query)?;
    if let Some(saved) = place.saved {
        spec = crate::saved_views::service::get(st, &a.viewer, saved)
            .await?
            .spec;
    }
    let mut filter = spec.filter(&a.viewer, st.clock.now_ms())?;
    filter.limit = 2;
    let (items, _) = crate::conversations::service::list(st, &a.viewer, filter).await?;
    Ok(match items.into_iter().find(|c| c.id != id) {
        Some(next) => format!("/c/{}", next.id),
        None if query.is_empty() => "/".to_string(),
        None => format!("/?{query}"),
    })
}

/// The composer's part of the conversation page: the agent's draft (when
/// the page does not already carry typed text), the "Sent · Undo" offer
/// for a reply `sent` that is still held, and the notice after an undo.
pub(super) async fn prepare(
    st: &AppState,
    a: &Agent,
    p: &mut super::conversation::ConvPage,
    id: i64,
    sent: Option<i64>,
    undone: bool,
) -> Result<()> {
    if p.draft.is_empty()
        && let Some(d) = drafts::mine(st, &a.viewer, id).await?
    {
        p.draft = d.text;
        p.draft_internal = d.internal;
    }
    if undone {
        p.notice = Some(a.tr.t("composer-undone"));
    }
    p.pictures = pictures(st, a, id, &p.draft).await?;
    let hold = hold_ms(st);
    if let (Some(mid), true) = (sent, hold > 0) {
        let (found, _) =
            crate::conversations::service::messages(st, &a.viewer, id, Some(mid - 1), 1).await?;
        if let Some(m) = found.into_iter().find(|m| m.id == mid)
            && m.delivery_status == Some(crate::vocab::DeliveryStatus::Queued)
            && m.author.id.is_some()
            && m.author.id == a.viewer.user_id
        {
            let left = super::timeline_items::ms(&m.created_at) + hold - st.clock.now_ms();
            if left > 0 {
                p.undo = Some((mid, (left + 999) / 1000));
            }
        }
    }
    Ok(())
}

/// "Send and solve": the reply is sent; the conversation is solved and
/// the agent goes on to the next one of their view. A solve the rules
/// refuse brings the page back with the reason.
pub(super) async fn solve_and_move_on(st: &AppState, a: &Agent, id: i64, back: &str) -> Response {
    let patch = crate::conversations::model::ConversationPatch {
        status: Some("solved".into()),
        ..Default::default()
    };
    if let Err(e) = crate::conversations::service::update(st, &a.viewer, id, patch).await {
        return super::conversation::again_with_error(
            st,
            a,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            e.to_string(),
        )
        .await;
    }
    match next_after_solve(st, a, id, back).await {
        Ok(to) => see_other(&to),
        Err(_) => see_other("/"),
    }
}
