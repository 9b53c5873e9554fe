//! `/admin/users`: the list, inviting (a user without a password and a
//! one-time link to choose one, shown once), role changes, deactivation
//! (which also ends the user's sessions; their API tokens stop working
//! because token checks read `users.active`), and fresh invite links.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderMap};
use axum::response::Response;
use serde::Deserialize;

use super::{Saved, admin_only, secret_page};
use crate::agents::model::Role;
use crate::agents::service::{self as agents, NewUser};
use crate::state::AppState;
use crate::web::auth::{INVITE_TTL_MS, public_base};
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::session::{self, Agent};

/// One user row.
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub active: bool,
    pub created: String,
    pub is_me: bool,
    /// Why a change of this row's was refused (a role change that would
    /// leave no admin, say), in the agent's language: shown in the row.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "web/admin/users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, String)>,
    notice: Option<String>,
    /// A mistake no field of the invite form shows (or a row's).
    error: Option<String>,
    /// The invite form's mistake, beside its field.
    errors: FieldErrors,
    /// The invite form as typed, after a mistake.
    form_name: String,
    form_email: String,
    form_role: String,
}

/// The invite form's fields, by the names the service gives them.
const INVITE_FIELDS: [&str; 3] = ["name", "email", "role"];

fn roles(a: &Agent) -> Vec<(&'static str, String)> {
    [Role::Agent, Role::Supervisor, Role::Admin]
        .into_iter()
        .map(|r| (r.as_str(), a.tr.t(&format!("role-{}", r.as_str()))))
        .collect()
}

/// Where a failed post's mistake shows: beside the invite form's field,
/// in the row of the user it was about, or at the top.
enum Failed<'a> {
    Invite(&'a InviteForm),
    Row(i64),
    Page,
}

/// The page; after a failed post, with its mistake where `at` says.
async fn page(
    st: &AppState,
    a: &Agent,
    notice: Option<String>,
    errors: FieldErrors,
    at: Failed<'_>,
) -> Response {
    let form = match at {
        Failed::Invite(f) => Some(f),
        Failed::Row(_) | Failed::Page => None,
    };
    let row = match at {
        Failed::Row(id) => Some(id),
        Failed::Invite(_) | Failed::Page => None,
    };
    let users = match agents::list_users(st, &a.viewer).await {
        Ok(u) => u,
        Err(e) => return error_page(&a.tr, e),
    };
    let users = users
        .into_iter()
        .map(|u| UserRow {
            is_me: u.id == a.id,
            id: u.id,
            name: u.name,
            email: u.email,
            role: u.role.as_str(),
            active: u.active,
            created: a
                .tr
                .datetime(crate::time::parse_ms(&u.created_at).unwrap_or(0), &a.tz),
            error: (row == Some(u.id))
                .then(|| errors.message().map(str::to_string))
                .flatten(),
        })
        .collect::<Vec<_>>();
    let shown_in_row = users.iter().any(|u| u.error.is_some());
    let (own, error) = match form {
        Some(_) => (errors.clone(), errors.elsewhere(INVITE_FIELDS)),
        None if shown_in_row => (FieldErrors::none(), None),
        None => (FieldErrors::none(), errors.message()),
    };
    render_form(
        &errors,
        &UsersPage {
            c: Chrome::agent(a, a.tr.t("admin-users"), "admin"),
            users,
            roles: roles(a),
            notice,
            error: error.map(str::to_string),
            errors: own,
            form_name: form.map(|f| f.name.clone()).unwrap_or_default(),
            form_email: form.map(|f| f.email.clone()).unwrap_or_default(),
            form_role: form.map_or_else(|| Role::Agent.as_str().to_string(), |f| f.role.clone()),
        },
    )
}

async fn failed(st: &AppState, a: &Agent, e: crate::Error, at: Failed<'_>) -> Response {
    match FieldErrors::of(&a.tr, e) {
        Ok(errors) => page(st, a, None, errors, at).await,
        Err(e) => error_page(&a.tr, e),
    }
}

/// `GET /admin/users`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(&st, &a, s.notice(&a), FieldErrors::none(), Failed::Page).await
}

/// The invite form.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    name: String,
    email: String,
    role: String,
}

/// A new invite link for the user; any older unused one stops working.
async fn invite_link(
    st: &AppState,
    ext: &Extensions,
    headers: &HeaderMap,
    user_id: i64,
) -> crate::Result<String> {
    let secret = session::new_link(st, "invite", Some(user_id), INVITE_TTL_MS).await?;
    Ok(format!("{}/invite/{secret}", public_base(st, ext, headers)))
}

fn link_page(a: &Agent, name: &str, link: String) -> Response {
    secret_page(
        a,
        a.tr.t("invite-link-title"),
        a.tr.s("invite-link-intro", "name", name),
        link,
        "/admin/users",
    )
}

/// `POST /admin/users`: creates the user without a password and shows the
/// one-time invite link.
pub async fn invite(
    State(st): State<AppState>,
    headers: HeaderMap,
    ext: Extensions,
    a: Agent,
    Form(f): Form<InviteForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let role = match Role::parse(&f.role) {
        Ok(r) => r,
        Err(e) => return failed(&st, &a, e, Failed::Invite(&f)).await,
    };
    let new = NewUser {
        email: f.email.clone(),
        name: f.name.clone(),
        role,
        password: None,
    };
    let user = match agents::create_user(&st, &a.viewer, new).await {
        Ok(u) => u,
        Err(e) => return failed(&st, &a, e, Failed::Invite(&f)).await,
    };
    match invite_link(&st, &ext, &headers, user.id).await {
        Ok(link) => link_page(&a, &user.name, link),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /admin/users/{id}/invite`: a fresh one-time link (for a lost
/// invitation, or a forgotten password: the link sets a new one).
pub async fn reinvite(
    State(st): State<AppState>,
    headers: HeaderMap,
    ext: Extensions,
    a: Agent,
    Path(id): Path<i64>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let user = match agents::get_user(&st, id).await {
        Ok(u) => u,
        Err(e) => return error_page(&a.tr, e),
    };
    if !user.active {
        return failed(
            &st,
            &a,
            crate::web::form_errors::said("user_id", a.tr.t("invite-inactive")),
            Failed::Row(id),
        )
        .await;
    }
    match invite_link(&st, &ext, &headers, user.id).await {
        Ok(link) => link_page(&a, &user.name, link),
        Err(e) => error_page(&a.tr, e),
    }
}

/// The role form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /admin/users/{id}/role`
pub async fn set_role(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let done = match Role::parse(&f.role) {
        Ok(role) => agents::set_role(&st, &a.viewer, id, role).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => see_other("/admin/users?saved=1"),
        Err(e) => failed(&st, &a, e, Failed::Row(id)).await,
    }
}

/// The activation form.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    /// `1` to reactivate, `0` to deactivate.
    active: String,
}

/// `POST /admin/users/{id}/active`: deactivating ends every session of the
/// user in the same transaction.
pub async fn set_active(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let active = f.active == "1";
    let viewer = a.viewer.clone();
    let done = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let user = agents::set_active_in(c, &viewer, id, active).await?;
                if !active {
                    crate::web::repo::delete_user_sessions(c, id, None).await?;
                }
                Ok(user)
            })
        })
        .await;
    if done.is_ok() {
        st.web().hub.access_changed();
    }
    match done {
        Ok(_) => see_other("/admin/users?saved=1"),
        Err(e) => failed(&st, &a, e, Failed::Row(id)).await,
    }
}
