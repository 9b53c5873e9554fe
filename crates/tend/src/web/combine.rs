//! The conversation page's merge form ("Merge into…": another open
//! conversation of the same customer), its "Linked" panel (add by number,
//! remove), and "Split into new conversation" on each message (issue 25).
//! A refused merge or link comes back on the page with the error beside
//! its field and the input kept.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::conversation::load;
use super::labels;
use super::pages::{error_page, render_status, see_other};
use super::session::Agent;
use crate::conversations::combine::Refusal;
use crate::conversations::model::ListFilter;
use crate::state::AppState;
use crate::vocab::Status;
use crate::{Error, Result};

/// The merge form and the related conversations.
#[derive(Default)]
pub struct CombinePanel {
    /// Conversations this one may be merged into: (id, "#id subject").
    pub targets: Vec<(i64, String)>,
    /// What was picked (kept after a refusal).
    pub into: String,
    /// Why the merge was refused.
    pub merge_error: Option<String>,
    /// Related conversations: (id, subject, status, status label).
    pub links: Vec<(i64, String, &'static str, String)>,
    /// The number typed to link (kept after a refusal).
    pub link: String,
    /// Why the link was refused.
    pub link_error: Option<String>,
}

/// Most targets offered in the merge form.
const MAX_TARGETS: i64 = 50;

/// The panel of conversation `id`.
pub async fn panel(st: &AppState, a: &Agent, id: i64) -> Result<CombinePanel> {
    let conv = crate::conversations::service::get(st, &a.viewer, id).await?;
    let filter = ListFilter {
        customer_id: Some(conv.customer.id),
        inbox_id: Some(conv.inbox_id),
        statuses: Status::ALL
            .iter()
            .copied()
            .filter(|s| *s != Status::Closed)
            .collect(),
        limit: MAX_TARGETS,
        ..ListFilter::default()
    };
    let (others, _) = crate::conversations::service::list(st, &a.viewer, filter).await?;
    let targets = others
        .into_iter()
        .filter(|c| c.id != id && c.merged_into.is_none())
        .map(|c| (c.id, format!("#{} {}", c.id, c.subject)))
        .collect();
    let links = crate::conversations::links::links(st, &a.viewer, id)
        .await?
        .into_iter()
        .map(|r| {
            let label = labels::status(&a.tr, r.status);
            (r.id, r.subject, r.status.as_str(), label)
        })
        .collect();
    Ok(CombinePanel {
        targets,
        links,
        ..CombinePanel::default()
    })
}

/// The page again (422) with the panel changed by `f`.
async fn refused(st: &AppState, a: &Agent, id: i64, f: impl FnOnce(&mut CombinePanel)) -> Response {
    let page = async {
        let mut p = load(st, a, id).await?;
        let mut panel = panel(st, a, id).await?;
        f(&mut panel);
        p.combine = Some(panel);
        Ok::<_, Error>(p)
    }
    .await;
    match page {
        Ok(p) => render_status(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(e) => error_page(&a.tr, e),
    }
}

/// A conversation number as typed: `123` or `#123`.
fn number(s: &str) -> Option<i64> {
    s.trim().trim_start_matches('#').parse().ok()
}

/// The merge form.
#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
}

/// `POST /c/{id}/merge`: to the surviving conversation.
pub async fn merge(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<MergeForm>,
) -> Response {
    let refusal = match number(&f.into) {
        None => Refusal::Unknown,
        Some(into) => {
            match crate::conversations::combine::merge_or_refusal(&st, &a.viewer, id, into).await {
                Ok(Ok(c)) => return see_other(&format!("/c/{}", c.id)),
                Ok(Err(r)) => r,
                Err(e) => return error_page(&a.tr, e),
            }
        }
    };
    let message = a.tr.t(labels::refusal_key(refusal));
    refused(&st, &a, id, |p| {
        p.into = f.into;
        p.merge_error = Some(message);
    })
    .await
}

/// The link form.
#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    conversation: String,
}

/// `POST /c/{id}/links`: back to the panel.
pub async fn link(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> Response {
    let refusal = match number(&f.conversation) {
        None => Refusal::Unknown,
        Some(other) => match crate::conversations::links::link(&st, &a.viewer, id, other).await {
            Ok(Ok(_)) => return see_other(&format!("/c/{id}#links")),
            Ok(Err(r)) => r,
            Err(e) => return error_page(&a.tr, e),
        },
    };
    let message = a.tr.t(labels::refusal_key(refusal));
    refused(&st, &a, id, |p| {
        p.link = f.conversation;
        p.link_error = Some(message);
    })
    .await
}

/// `POST /c/{id}/links/{other}/remove`: back to the panel.
pub async fn unlink(
    State(st): State<AppState>,
    a: Agent,
    Path((id, other)): Path<(i64, i64)>,
) -> Response {
    match crate::conversations::links::unlink(&st, &a.viewer, id, other).await {
        Ok(()) => see_other(&format!("/c/{id}#links")),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /c/{id}/m/{mid}/split`: to the new conversation.
pub async fn split(
    State(st): State<AppState>,
    a: Agent,
    Path((id, mid)): Path<(i64, i64)>,
) -> Response {
    match crate::conversations::split::split(&st, &a.viewer, id, mid).await {
        Ok(c) => see_other(&format!("/c/{}", c.id)),
        Err(Error::Invalid { field, .. }) if field == "message_id" => {
            super::conversation::again_with_error(
                &st,
                &a,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                a.tr.t("split-refused"),
            )
            .await
        }
        Err(e) => error_page(&a.tr, e),
    }
}
