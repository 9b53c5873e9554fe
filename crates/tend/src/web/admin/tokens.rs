//! `/admin/tokens`: every API token with its owner; create one for a user
//! (the secret is shown once, on a `no-store` page; Tend keeps only its
//! hash) and revoke (the token answers 401 from then on).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Failure, Saved, admin_only, failure, secret_page, status_for};
use crate::agents::service as agents;
use crate::state::AppState;
use crate::web::pages::{Chrome, error_page, render_status, see_other};
use crate::web::session::Agent;
use crate::{Error, Result};

/// A token row.
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub created: String,
    /// Empty while the token works.
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "web/admin/tokens.html")]
struct TokensPage {
    c: Chrome,
    tokens: Vec<TokenView>,
    users: Vec<(i64, String)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn page(st: &AppState, a: &Agent, notice: Option<String>, error: Option<String>) -> Response {
    let built = async {
        let tokens = agents::list_tokens(st, &a.viewer).await?;
        let users = agents::list_users(st, &a.viewer).await?;
        Ok::<_, Error>((tokens, users))
    }
    .await;
    let (tokens, users) = match built {
        Ok(t) => t,
        Err(e) => return error_page(&a.tr, e),
    };
    let emails: HashMap<i64, String> = users.iter().map(|u| (u.id, u.email.clone())).collect();
    render_status(
        status_for(&error),
        &TokensPage {
            c: Chrome::agent(a, a.tr.t("admin-tokens"), "admin"),
            tokens: tokens
                .into_iter()
                .map(|t| TokenView {
                    id: t.id,
                    owner: match emails.get(&t.user_id) {
                        Some(e) => format!("{} <{e}>", t.user_name),
                        None => t.user_name,
                    },
                    name: t.name,
                    created: a.tr.datetime(t.created_at_ms, &a.tz),
                    revoked: t
                        .revoked_at_ms
                        .map(|ms| a.tr.datetime(ms, &a.tz))
                        .unwrap_or_default(),
                })
                .collect(),
            users: users
                .into_iter()
                .filter(|u| u.active)
                .map(|u| (u.id, format!("{} <{}>", u.name, u.email)))
                .collect(),
            notice,
            error,
        },
    )
}

async fn failed(st: &AppState, a: &Agent, e: Error) -> Response {
    match failure(a, e) {
        Failure::Input(m) => page(st, a, None, Some(m)).await,
        Failure::Page(r) => r,
    }
}

/// `GET /admin/tokens`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(&st, &a, s.notice(&a), None).await
}

/// The create form.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    user_id: String,
    name: String,
}

/// `POST /admin/tokens`: the secret is on the answer page and nowhere else.
pub async fn create(State(st): State<AppState>, a: Agent, Form(f): Form<CreateForm>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let made: Result<_> = async {
        let user_id =
            f.user_id.trim().parse::<i64>().map_err(|_| {
                crate::web::form_errors::said("user_id", a.tr.t("admin-choose-one"))
            })?;
        let user = agents::get_user(&st, user_id)
            .await
            .map_err(|_| crate::web::form_errors::said("user_id", a.tr.t("admin-choose-one")))?;
        let t = agents::create_token(&st, &a.viewer, user_id, &f.name).await?;
        Ok((user, t))
    }
    .await;
    match made {
        Ok((user, t)) => secret_page(
            &a,
            a.tr.t("token-created-title"),
            a.tr.s("token-created-intro", "name", &user.name),
            t.token,
            "/admin/tokens",
        ),
        Err(e) => failed(&st, &a, e).await,
    }
}

/// `POST /admin/tokens/{id}/revoke`
pub async fn revoke(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match agents::revoke_token(&st, &a.viewer, id).await {
        Ok(()) => see_other("/admin/tokens?saved=1"),
        Err(e) => failed(&st, &a, e).await,
    }
}
