//! `/api/v1/users`, `/api/v1/teams`, `/api/v1/me` and `/api/v1/agents`.
//! Managing users, tokens and teams is for admins; every signed-in user may
//! read the agent directory (to pick an assignee) and themselves.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::{ApiJson, ApiPath, Auth, Page, created, no_store};
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{Role, Team, User};
use super::service::{self, NewUser};

/// The agent routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(agent_directory))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user))
        .routes(routes!(create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_teams, create_team))
        .routes(routes!(get_team, patch_team))
        .routes(routes!(add_member))
        .routes(routes!(grant_inbox))
}

/// `POST /users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Sign-in address.
    email: String,
    /// Display name.
    name: String,
    /// `admin`, `supervisor` or `agent`.
    role: String,
    /// Password for the web sign-in (at least 8 characters).
    password: Option<String>,
}

/// `POST /users/{id}/tokens`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// A label, e.g. the integration's name.
    name: Option<String>,
}

/// A new token; the secret is shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    /// Token id (for revocation).
    id: i64,
    /// The bearer token.
    token: String,
}

/// `POST /teams`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    /// Unique name.
    name: String,
}

/// `PATCH /teams/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeam {
    /// The team's business calendar (its working hours); `null`: none.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<i64>)]
    calendar_id: Option<Option<i64>>,
}

/// `POST /teams/{id}/members`: by id or by address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// User id.
    user_id: Option<i64>,
    /// Or the user's address.
    email: Option<String>,
}

/// `POST /teams/{id}/inboxes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInbox {
    /// Inbox id.
    inbox_id: i64,
}

/// An entry of the agent directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentCard {
    /// User id.
    id: i64,
    /// Name.
    name: String,
    /// Role.
    role: Role,
}

/// The caller.
#[utoipa::path(get, path = "/me", tag = "users",
    responses((status = 200, description = "The caller", body = User),
              (status = 401, description = "No or bad token")))]
async fn me(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<User>> {
    let id = auth.0.user_id.ok_or(Error::NotFound("user"))?;
    Ok(axum::Json(service::get_user(&st, id).await?))
}

/// Active agents, for choosing an assignee.
#[utoipa::path(get, path = "/agents", tag = "users",
    responses((status = 200, description = "Active users", body = Page<AgentCard>),
              (status = 401, description = "No or bad token")))]
async fn agent_directory(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Page<AgentCard>>> {
    let items = service::list_users(&st, &auth.0)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| AgentCard {
            id: u.id,
            name: u.name,
            role: u.role,
        })
        .collect();
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

/// All users. Admins only.
#[utoipa::path(get, path = "/users", tag = "users",
    responses((status = 200, description = "Users", body = Page<User>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin")))]
async fn list_users(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<Page<User>>> {
    auth.0.require_admin()?;
    let items = service::list_users(&st, &auth.0).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Create a user. Admins only.
#[utoipa::path(post, path = "/users", tag = "users", request_body = CreateUser,
    responses((status = 201, description = "Created", body = User),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input")))]
async fn create_user(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CreateUser>,
) -> Result<Response> {
    auth.0.require_admin()?;
    let user = service::create_user(
        &st,
        &auth.0,
        NewUser {
            email: b.email,
            name: b.name,
            role: Role::parse(&b.role)?,
            password: b.password,
        },
    )
    .await?;
    Ok(created(user))
}

/// One user. Admins only.
#[utoipa::path(get, path = "/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The user", body = User),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such user")))]
async fn get_user(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<User>> {
    auth.0.require_admin()?;
    Ok(axum::Json(service::get_user(&st, id).await?))
}

/// Create an API token for a user; the secret is shown once. Admins only.
#[utoipa::path(post, path = "/users/{id}/tokens", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = CreateToken,
    responses((status = 201, description = "Created", body = TokenCreated),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such user")))]
async fn create_token(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CreateToken>,
) -> Result<Response> {
    auth.0.require_admin()?;
    let t = service::create_token(&st, &auth.0, id, b.name.as_deref().unwrap_or("api")).await?;
    Ok(no_store(created(TokenCreated {
        id: t.id,
        token: t.token,
    })))
}

/// Revoke a token. Admins only.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "users",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such active token")))]
async fn revoke_token(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::revoke_token(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// All teams. Admins only.
#[utoipa::path(get, path = "/teams", tag = "teams",
    responses((status = 200, description = "Teams", body = Page<Team>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin")))]
async fn list_teams(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<Page<Team>>> {
    auth.0.require_admin()?;
    let items = service::list_teams(&st, &auth.0).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Create a team. Admins only.
#[utoipa::path(post, path = "/teams", tag = "teams", request_body = CreateTeam,
    responses((status = 201, description = "Created", body = Team),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input")))]
async fn create_team(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CreateTeam>,
) -> Result<Response> {
    Ok(created(service::create_team(&st, &auth.0, &b.name).await?))
}

/// One team. Admins only.
#[utoipa::path(get, path = "/teams/{id}", tag = "teams",
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, description = "The team", body = Team),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such team")))]
async fn get_team(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Team>> {
    auth.0.require_admin()?;
    Ok(axum::Json(service::get_team(&st, id).await?))
}

/// Change a team: its business calendar. Admins only.
#[utoipa::path(patch, path = "/teams/{id}", tag = "teams", request_body = UpdateTeam,
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, description = "The team", body = Team),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such team"),
              (status = 422, description = "Invalid input")))]
async fn patch_team(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateTeam>,
) -> Result<axum::Json<Team>> {
    match b.calendar_id {
        Some(cal) => Ok(axum::Json(
            service::set_team_calendar(&st, &auth.0, id, cal).await?,
        )),
        None => {
            auth.0.require_admin()?;
            Ok(axum::Json(service::get_team(&st, id).await?))
        }
    }
}

/// Add a user to a team. Admins only.
#[utoipa::path(post, path = "/teams/{id}/members", tag = "teams",
    params(("id" = i64, Path, description = "Team id")),
    request_body = AddMember,
    responses((status = 200, description = "The team", body = Team),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such team"),
              (status = 422, description = "No such user")))]
async fn add_member(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AddMember>,
) -> Result<axum::Json<Team>> {
    auth.0.require_admin()?;
    let user_id = match (b.user_id, b.email.as_deref()) {
        (Some(u), _) => u,
        (None, Some(e)) => {
            service::user_by_email(&st, e)
                .await
                .map_err(|_| {
                    Error::invalid("email", format!("there is no user with the address {e}"))
                })?
                .id
        }
        (None, None) => return Err(Error::invalid("user_id", "give user_id or email")),
    };
    Ok(axum::Json(
        service::change_team(&st, &auth.0, id, service::TeamChange::AddMember(user_id)).await?,
    ))
}

/// Let a team's agents see and work an inbox. Admins only.
#[utoipa::path(post, path = "/teams/{id}/inboxes", tag = "teams",
    params(("id" = i64, Path, description = "Team id")),
    request_body = GrantInbox,
    responses((status = 200, description = "The team", body = Team),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such team"),
              (status = 422, description = "No such inbox")))]
async fn grant_inbox(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<GrantInbox>,
) -> Result<axum::Json<Team>> {
    Ok(axum::Json(
        service::change_team(
            &st,
            &auth.0,
            id,
            service::TeamChange::GrantInbox(b.inbox_id),
        )
        .await?,
    ))
}
