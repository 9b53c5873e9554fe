//! `POST /bulk`: one change on many conversations selected in the inbox.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::inbox::nonempty;
use super::pages::{error_page, see_other};
use super::session::Agent;
use crate::conversations::model::ConversationPatch;
use crate::state::AppState;
use crate::{Error, Result};

/// The bulk form: selected ids and one action.
#[derive(Debug, Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    ids: Vec<i64>,
    action: String,
    assignee: Option<String>,
    status: Option<String>,
    tag: Option<String>,
    reason: Option<String>,
    back: Option<String>,
}

/// `POST /bulk`: the same change on every selected conversation. Each one
/// goes through the conversation service (access, rules, events); the page
/// reports how many changed and why the others did not.
pub async fn bulk(State(st): State<AppState>, a: Agent, body: axum::body::Bytes) -> Response {
    let form: BulkForm = match serde_html_form(&body) {
        Ok(f) => f,
        Err(e) => return error_page(&a.tr, e),
    };
    let patch = match form.action.as_str() {
        "assign" => {
            let assignee = match nonempty(&form.assignee).as_deref() {
                None | Some("none") => None,
                Some("me") => Some(a.id),
                Some(v) => match v.parse::<i64>() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        return error_page(&a.tr, Error::invalid("assignee", "choose an agent"));
                    }
                },
            };
            ConversationPatch {
                assignee_id: Some(assignee),
                reason: nonempty(&form.reason)
                    .map(crate::routing::model::TransferReasonInput::Text),
                ..ConversationPatch::default()
            }
        }
        "status" => ConversationPatch {
            status: nonempty(&form.status),
            ..ConversationPatch::default()
        },
        "tag" => {
            let Some(tag) = nonempty(&form.tag) else {
                return error_page(&a.tr, Error::invalid("tag", "enter a tag"));
            };
            return bulk_tag(&st, &a, &form.ids, &tag, form.back.as_deref()).await;
        }
        _ => return error_page(&a.tr, Error::invalid("action", "unknown action")),
    };
    let mut failed = Vec::new();
    for id in &form.ids {
        if let Err(e) =
            crate::conversations::service::update(&st, &a.viewer, *id, patch.clone()).await
        {
            failed.push(format!("#{id}: {e}"));
        }
    }
    bulk_done(&a, &form.ids, failed, form.back.as_deref())
}

async fn bulk_tag(
    st: &AppState,
    a: &Agent,
    ids: &[i64],
    tag: &str,
    back: Option<&str>,
) -> Response {
    let mut failed = Vec::new();
    for id in ids {
        let r = crate::conversations::service::update(
            st,
            &a.viewer,
            *id,
            ConversationPatch {
                add_tags: Some(vec![tag.to_string()]),
                ..ConversationPatch::default()
            },
        )
        .await;
        if let Err(e) = r {
            failed.push(format!("#{id}: {e}"));
        }
    }
    bulk_done(a, ids, failed, back)
}

fn bulk_done(a: &Agent, ids: &[i64], failed: Vec<String>, back: Option<&str>) -> Response {
    if failed.is_empty() {
        // Back to the inbox view the change was made from, nowhere else.
        let back = super::redirect::safe_next(back);
        let back = if back == "/" || back.starts_with("/?") {
            back.as_str()
        } else {
            "/"
        };
        return see_other(back);
    }
    let ok = ids.len() - failed.len();
    super::pages::message_page(
        &a.tr,
        StatusCode::UNPROCESSABLE_ENTITY,
        &a.tr.n("bulk-partial", ok as i64),
        &failed.join("\n"),
    )
}

/// Parses an urlencoded form where `ids` may repeat.
fn serde_html_form(body: &[u8]) -> Result<BulkForm> {
    let mut ids = Vec::new();
    let mut f = BulkForm {
        ids: vec![],
        action: String::new(),
        assignee: None,
        status: None,
        tag: None,
        reason: None,
        back: None,
    };
    for (k, v) in url::form_urlencoded::parse(body) {
        match k.as_ref() {
            "ids" => ids.push(
                v.parse::<i64>()
                    .map_err(|_| Error::invalid("ids", "not a conversation number"))?,
            ),
            "action" => f.action = v.into_owned(),
            "assignee" => f.assignee = Some(v.into_owned()),
            "status" => f.status = Some(v.into_owned()),
            "tag" => f.tag = Some(v.into_owned()),
            "reason" => f.reason = Some(v.into_owned()),
            "back" => f.back = Some(v.into_owned()),
            _ => {}
        }
    }
    if ids.is_empty() {
        return Err(Error::invalid("ids", "select at least one conversation"));
    }
    f.ids = ids;
    Ok(f)
}
