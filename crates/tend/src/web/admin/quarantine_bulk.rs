//! `POST /admin/quarantine/bulk`: retry or delete the selected mail-log
//! entries (one row's Delete button is the same form with one id). Delete
//! asks first: without `confirm=1` the answer is a page that names what
//! goes; with it, the entries and their originals are deleted in one write.
//! A retry of each entry is `quarantine::retry`, which refuses an entry
//! already in a conversation, so a message is ingested once.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::admin_only;
use super::quarantine::{ListQuery, page, view_of};
use crate::Error;
use crate::channels::email::quarantine;
use crate::state::AppState;
use crate::web::pages::{Chrome, error_page, render, see_other};
use crate::web::session::Agent;

/// The bulk form: repeated `ids`, the action, the tab, the confirmation.
#[derive(Debug, Default)]
struct BulkForm {
    ids: Vec<i64>,
    action: String,
    view: Option<String>,
    confirm: bool,
}

fn read(body: &[u8]) -> BulkForm {
    let mut f = BulkForm::default();
    for (k, v) in url::form_urlencoded::parse(body) {
        match k.as_ref() {
            "ids" => {
                if let Ok(id) = v.parse::<i64>()
                    && !f.ids.contains(&id)
                {
                    f.ids.push(id);
                }
            }
            "action" => f.action = v.into_owned(),
            "view" => f.view = Some(v.into_owned()),
            "confirm" => f.confirm = v == "1",
            _ => {}
        }
    }
    f
}

#[derive(Template)]
#[template(path = "web/admin/quarantine_delete.html")]
struct ConfirmPage {
    c: Chrome,
    view: &'static str,
    count: i64,
    /// Id, sender, subject.
    entries: Vec<(i64, String, String)>,
}

/// `POST /admin/quarantine/bulk`
pub async fn bulk(State(st): State<AppState>, a: Agent, body: axum::body::Bytes) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let f = read(&body);
    let (view, _) = view_of(f.view.as_deref());
    let back = ListQuery::of_view(view);
    if f.ids.is_empty() {
        let e = a.tr.t("quarantine-none-selected");
        return page(&st, &a, &back, None, Some(e)).await;
    }
    match f.action.as_str() {
        "delete" if f.confirm => match quarantine::delete(&st, &a.viewer, &f.ids).await {
            Ok(gone) => see_other(&format!(
                "/admin/quarantine?view={view}&deleted={}",
                gone.len()
            )),
            Err(e) => error_page(&a.tr, e),
        },
        "delete" => {
            let mut entries = Vec::new();
            for id in &f.ids {
                match quarantine::get(&st, &a.viewer, *id).await {
                    Ok(e) => entries.push((
                        e.id,
                        e.sender
                            .filter(|s| !s.trim().is_empty())
                            .unwrap_or_else(|| a.tr.t("quarantine-no-sender")),
                        e.subject
                            .filter(|s| !s.trim().is_empty())
                            .unwrap_or_else(|| a.tr.t("quarantine-no-subject")),
                    )),
                    Err(Error::NotFound(_)) => {}
                    Err(e) => return error_page(&a.tr, e),
                }
            }
            if entries.is_empty() {
                return see_other(&format!("/admin/quarantine?view={view}"));
            }
            render(&ConfirmPage {
                c: Chrome::agent(&a, a.tr.t("quarantine-delete-title"), "admin"),
                view,
                count: entries.len() as i64,
                entries,
            })
        }
        "retry" => {
            let mut done = 0;
            let mut failed = Vec::new();
            for id in &f.ids {
                match quarantine::retry(&st, &a.viewer, *id).await {
                    Ok(_) => done += 1,
                    Err(Error::Conflict {
                        code: "already_retried",
                        details,
                        ..
                    }) => failed.push(a.tr.s(
                        "quarantine-already-retried",
                        "id",
                        details["conversation_id"].as_i64().unwrap_or_default(),
                    )),
                    Err(Error::Conflict { .. }) | Err(Error::NotFound(_)) => {
                        failed.push(a.tr.s("quarantine-cannot-retry", "id", id));
                    }
                    Err(e) => return error_page(&a.tr, e),
                }
            }
            if failed.is_empty() {
                return see_other(&format!("/admin/quarantine?view={view}&retried_n={done}"));
            }
            let notice = (done > 0).then(|| a.tr.n("quarantine-bulk-retried", done));
            page(&st, &a, &back, notice, Some(failed.join("\n"))).await
        }
        _ => error_page(&a.tr, Error::invalid("action", "choose retry or delete")),
    }
}
