//! `/admin/tokens`: every API token with its owner; create one for a user
//! (the secret is shown once, on a `no-store` page; Tend keeps only its
//! hash) and revoke (the token answers 401 from then on).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Saved, admin_only, secret_page};
use crate::agents::service as agents;
use crate::state::AppState;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::pages::{Chrome, error_page, see_other};
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
    /// Why revoking it failed, in the agent's language: shown in its row.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "web/admin/tokens.html")]
struct TokensPage {
    c: Chrome,
    tokens: Vec<TokenView>,
    users: Vec<(i64, String)>,
    notice: Option<String>,
    /// A mistake no field of the create form shows (a revoke's).
    error: Option<String>,
    /// The create form's mistake, beside its field.
    errors: FieldErrors,
    /// The create form as typed: the owner's id and the label.
    user_id: String,
    name: String,
}

/// The page; after a failed post, with its mistake: beside the create
/// form's field when `typed` is that form, in the row of the token `row`
/// when it was about one, else at the top.
async fn page(
    st: &AppState,
    a: &Agent,
    notice: Option<String>,
    errors: FieldErrors,
    typed: Option<&CreateForm>,
    row: Option<i64>,
) -> Response {
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
    let (own, mut error) = match typed {
        Some(_) => (errors.clone(), errors.elsewhere(["user_id", "name"])),
        None => (FieldErrors::none(), errors.message()),
    };
    let in_row = row.filter(|id| tokens.iter().any(|t| t.id == *id));
    let row_error = in_row.and_then(|_| error.take()).map(str::to_string);
    render_form(
        &errors,
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
                    error: (in_row == Some(t.id)).then(|| row_error.clone()).flatten(),
                })
                .collect(),
            users: users
                .into_iter()
                .filter(|u| u.active)
                .map(|u| (u.id, format!("{} <{}>", u.name, u.email)))
                .collect(),
            notice,
            error: error.map(str::to_string),
            errors: own,
            user_id: typed
                .map(|f| f.user_id.trim().to_string())
                .unwrap_or_default(),
            name: typed.map(|f| f.name.clone()).unwrap_or_default(),
        },
    )
}

async fn failed(
    st: &AppState,
    a: &Agent,
    e: Error,
    typed: Option<&CreateForm>,
    row: Option<i64>,
) -> Response {
    match FieldErrors::of(&a.tr, e) {
        Ok(errors) => page(st, a, None, errors, typed, row).await,
        Err(e) => error_page(&a.tr, e),
    }
}

/// `GET /admin/tokens`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(&st, &a, s.notice(&a), FieldErrors::none(), None, None).await
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
        Err(e) => failed(&st, &a, e, Some(&f), None).await,
    }
}

/// `POST /admin/tokens/{id}/revoke`
pub async fn revoke(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match agents::revoke_token(&st, &a.viewer, id).await {
        Ok(()) => see_other("/admin/tokens?saved=1"),
        // Revoked meanwhile (by another admin, or a second click): said
        // in its row, which shows it revoked.
        Err(Error::NotFound(_)) => {
            let e = crate::web::form_errors::said("", a.tr.t("token-revoke-gone"));
            failed(&st, &a, e, None, Some(id)).await
        }
        Err(e) => failed(&st, &a, e, None, Some(id)).await,
    }
}
