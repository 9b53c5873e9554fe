//! Signature pages: an agent's own (`/account/signatures`) and an inbox's
//! (`/admin/inboxes/{id}/signatures`, admins): one box for any language
//! (the fallback) and one per workspace language; the API takes any
//! language code.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};

use super::i18n::{LOCALES_SUPPORTED, locale_name};
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::Agent;
use crate::signatures::{Owner, Signature, SignatureSet, service};
use crate::state::AppState;
use crate::{Error, Result};

/// The signature pages.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/account/signatures", get(mine).post(save_mine))
        .route(
            "/admin/inboxes/{id}/signatures",
            get(inbox).post(save_inbox),
        )
}

#[derive(Template)]
#[template(path = "web/signatures.html")]
struct SignaturesPage {
    c: Chrome,
    heading: String,
    action: String,
    /// (field code, label, text): `any` first, then each language.
    rows: Vec<(String, String, String)>,
    saved: bool,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<u8>,
}

async fn show(
    st: &AppState,
    a: &Agent,
    owner: Owner,
    status: StatusCode,
    saved: bool,
    error: Option<String>,
    typed: Option<SignatureSet>,
) -> Result<Response> {
    let set = match typed {
        Some(t) => t,
        None => service::get(st, &a.viewer, owner).await?,
    };
    let text_of = |l: Option<&str>| {
        set.items
            .iter()
            .find(|s| s.language.as_deref() == l)
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    let mut rows = vec![("any".to_string(), a.tr.t("signatures-any"), text_of(None))];
    for code in LOCALES_SUPPORTED {
        rows.push((
            code.to_string(),
            locale_name(code).to_string(),
            text_of(Some(code)),
        ));
    }
    let (heading, action, section) = match owner {
        Owner::Agent(_) => (
            a.tr.t("signatures-title"),
            "/account/signatures".to_string(),
            "account",
        ),
        Owner::Inbox(id) => {
            let inbox = crate::inboxes::service::get_inbox(st, &a.viewer, id).await?;
            (
                a.tr.s("signatures-inbox-title", "name", inbox.name),
                format!("/admin/inboxes/{id}/signatures"),
                "admin",
            )
        }
    };
    Ok(render_status(
        status,
        &SignaturesPage {
            c: Chrome::agent(a, heading.clone(), section),
            heading,
            action,
            rows,
            saved,
            error,
        },
    ))
}

/// The form's boxes as a set: `sig_any` and `sig_<language>`; other
/// languages the API set are kept.
async fn from_form(
    st: &AppState,
    a: &Agent,
    owner: Owner,
    form: &HashMap<String, String>,
) -> Result<SignatureSet> {
    let mut set = service::get(st, &a.viewer, owner).await?;
    let shown = |l: &Option<String>| l.as_deref().is_none_or(|l| LOCALES_SUPPORTED.contains(&l));
    set.items.retain(|s| !shown(&s.language));
    for (k, v) in form {
        let Some(code) = k.strip_prefix("sig_") else {
            continue;
        };
        let language = match code {
            "any" => None,
            c if LOCALES_SUPPORTED.contains(&c) => Some(c.to_string()),
            _ => continue,
        };
        set.items.push(Signature {
            language,
            text: v.replace("\r\n", "\n"),
        });
    }
    Ok(set)
}

async fn save(
    st: &AppState,
    a: &Agent,
    owner: Owner,
    form: HashMap<String, String>,
    back: &str,
) -> Response {
    let set = match from_form(st, a, owner, &form).await {
        Ok(s) => s,
        Err(e) => return error_page(&a.tr, e),
    };
    match service::replace(st, &a.viewer, owner, set.clone()).await {
        Ok(_) => see_other(&format!("{back}?saved=1")),
        Err(Error::Invalid { field, message }) => show(
            st,
            a,
            owner,
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            Some(super::form_errors::words(&a.tr, &field, &message)),
            Some(set),
        )
        .await
        .unwrap_or_else(|e| error_page(&a.tr, e)),
        Err(e) => error_page(&a.tr, e),
    }
}

fn me(a: &Agent) -> Owner {
    Owner::Agent(a.id)
}

/// A signatures page as first opened (or after a save): nothing typed, no
/// error.
async fn show_fresh(st: &AppState, a: &Agent, owner: Owner, q: &Saved) -> Response {
    show(st, a, owner, StatusCode::OK, q.saved.is_some(), None, None)
        .await
        .unwrap_or_else(|e| error_page(&a.tr, e))
}

/// `GET /account/signatures`
async fn mine(State(st): State<AppState>, a: Agent, Query(q): Query<Saved>) -> Response {
    show_fresh(&st, &a, me(&a), &q).await
}

/// `POST /account/signatures`
async fn save_mine(
    State(st): State<AppState>,
    a: Agent,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    save(&st, &a, me(&a), f, "/account/signatures").await
}

/// `GET /admin/inboxes/{id}/signatures`
async fn inbox(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(q): Query<Saved>,
) -> Response {
    show_fresh(&st, &a, Owner::Inbox(id), &q).await
}

/// `POST /admin/inboxes/{id}/signatures`
async fn save_inbox(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    save(
        &st,
        &a,
        Owner::Inbox(id),
        f,
        &format!("/admin/inboxes/{id}/signatures"),
    )
    .await
}
