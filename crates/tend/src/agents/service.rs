//! Use cases for users, tokens and teams.
//!
//! One file because the three share their checks (who may manage whom,
//! the last admin, membership) and their small `_in` helpers that other
//! domains call inside their own writes; split it by users, tokens and
//! teams when it grows past these few helpers (about 550 lines now, with
//! the recipients of mails by role).

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use sqlx::AnyConnection;

use crate::db::is_unique_violation;
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{EmailAddress, Role, Team, TokenInfo, User, parse_name};
use super::{Viewer, repo};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Optional password (for the web sign-in).
    pub password: Option<String>,
}

/// Creates a user. Admins only.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn create_user(st: &AppState, viewer: &Viewer, new: NewUser) -> Result<User> {
    viewer.require_admin()?;
    let email = EmailAddress::parse("email", &new.email)?;
    let name = parse_name("name", &new.name, 200)?;
    let hash = match new.password {
        Some(p) => Some(super::password::hash(&p).await?),
        None => None,
    };
    let now = st.clock.now_ms();
    let role = new.role;
    st.db
        .write(move |c| {
            Box::pin(async move {
                let id = repo::insert_user(c, email.as_str(), &name, role, hash, now)
                    .await
                    .map_err(|e| match e {
                        Error::Database(d) if is_unique_violation(&d) => Error::invalid(
                            "email",
                            format!("a user with the address {} already exists", email.as_str()),
                        ),
                        other => other,
                    })?;
                repo::user_by_id(c, id)
                    .await?
                    .map(repo::UserRow::into_user)
                    .ok_or(Error::NotFound("user"))
            })
        })
        .await
}

/// Every user (names are needed to pick assignees, so every role may list).
#[tracing::instrument(skip_all)]
pub async fn list_users(st: &AppState, _viewer: &Viewer) -> Result<Vec<User>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::list_users(&mut c)
        .await?
        .into_iter()
        .map(repo::UserRow::into_user)
        .collect())
}

/// One user by id.
#[tracing::instrument(skip_all, fields(target_user_id = id))]
pub async fn get_user(st: &AppState, id: i64) -> Result<User> {
    let mut c = st.db.pool().acquire().await?;
    user_in(&mut c, id).await
}

/// One user by id, inside another use case's transaction.
pub(crate) async fn user_in(c: &mut AnyConnection, id: i64) -> Result<User> {
    repo::user_by_id(c, id)
        .await?
        .map(repo::UserRow::into_user)
        .ok_or(Error::NotFound("user"))
}

/// The time zone a user chose for their pages (an IANA name), if any:
/// dates a user gives and sees are in it.
pub async fn time_zone(st: &AppState, id: i64) -> Result<Option<String>> {
    let mut c = st.db.pool().acquire().await?;
    repo::time_zone(&mut c, id).await
}

/// One user by sign-in address.
pub async fn user_by_email(st: &AppState, email: &str) -> Result<User> {
    let email = EmailAddress::parse("email", email)?;
    let mut c = st.db.pool().acquire().await?;
    repo::user_by_email(&mut c, email.as_str())
        .await?
        .map(repo::UserRow::into_user)
        .ok_or(Error::NotFound("user"))
}

/// Checks an email and password; `None` when they do not match an active
/// user. Every answer costs one password check, whether or not the address
/// exists or has a password (see `agents::password`).
#[tracing::instrument(skip_all)]
pub async fn verify_login(st: &AppState, email: &str, password: &str) -> Result<Option<User>> {
    let row = match EmailAddress::parse("email", email) {
        Ok(email) => {
            let mut c = st.db.pool().acquire().await?;
            repo::user_by_email(&mut c, email.as_str()).await?
        }
        Err(_) => None,
    };
    let hash = row.as_ref().and_then(|r| r.password_hash.as_deref());
    let ok = super::password::verify(password, hash).await;
    st.web()
        .password_checks
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    metrics::counter!("tend_sign_in_password_checks_total").increment(1);
    let Some(row) = row else {
        return Ok(None);
    };
    let user = row.into_user();
    Ok((ok && user.active).then_some(user))
}

/// Whether any active admin exists (first-run detection).
pub async fn has_admin(st: &AppState) -> Result<bool> {
    let mut c = st.db.pool().acquire().await?;
    has_admin_in(&mut c).await
}

/// Whether any active admin exists, inside another use case's
/// transaction (a setup link stops working once one does).
pub(crate) async fn has_admin_in(c: &mut AnyConnection) -> Result<bool> {
    Ok(repo::count_admins(c).await? > 0)
}

/// A freshly made API token: the secret is shown once, only its hash is kept.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Token id (for revocation).
    pub id: i64,
    /// The secret, `tend_…`.
    pub token: String,
}

/// Creates an API token for `user_id`. Admins only.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, target_user_id = user_id))]
pub async fn create_token(
    st: &AppState,
    viewer: &Viewer,
    user_id: i64,
    name: &str,
) -> Result<NewToken> {
    viewer.require_admin()?;
    let name = parse_name("name", name, 200)?;
    let token = random_token("tend_");
    let hash = token_hash(&token);
    let now = st.clock.now_ms();
    let id = st
        .db
        .write(move |c| {
            Box::pin(async move {
                user_in(c, user_id).await?;
                repo::insert_token(c, user_id, &name, &hash, now).await
            })
        })
        .await?;
    Ok(NewToken { id, token })
}

/// Revokes a token. Admins only.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, token_id = token_id))]
pub async fn revoke_token(st: &AppState, viewer: &Viewer, token_id: i64) -> Result<()> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    let done = st
        .db
        .write(move |c| Box::pin(async move { repo::revoke_token(c, token_id, now).await }))
        .await?;
    if done {
        Ok(())
    } else {
        Err(Error::NotFound("token"))
    }
}

/// The viewer a bearer token stands for, if it is valid.
pub async fn authenticate(st: &AppState, token: &str) -> Result<Option<Viewer>> {
    if !token.starts_with("tend_") || token.len() > 200 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(cache) = st.token_cache() else {
        let mut c = st.db.pool().acquire().await?;
        return repo::viewer_by_token_hash(&mut c, &hash).await;
    };
    if let Some(v) = cache.get(&hash) {
        return Ok(v);
    }
    let epoch = cache.epoch();
    let mut c = st.db.pool().acquire().await?;
    let viewer = repo::viewer_by_token_hash(&mut c, &hash).await?;
    cache.put(hash, viewer.clone(), epoch);
    Ok(viewer)
}

/// Creates a team. Admins only.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn create_team(st: &AppState, viewer: &Viewer, name: &str) -> Result<Team> {
    viewer.require_admin()?;
    let name = parse_name("name", name, 200)?;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                let id = repo::insert_team(c, &name, now)
                    .await
                    .map_err(|e| match e {
                        Error::Database(d) if is_unique_violation(&d) => {
                            Error::invalid("name", format!("a team named {name:?} already exists"))
                        }
                        other => other,
                    })?;
                team_in(c, id).await
            })
        })
        .await
}

/// Gives a team a business calendar (its working hours), or none. Admins
/// only.
pub async fn set_team_calendar(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    calendar_id: Option<i64>,
) -> Result<Team> {
    viewer.require_admin()?;
    st.db
        .write(move |c| {
            Box::pin(async move {
                if let Some(k) = calendar_id
                    && crate::calendars::service::name_in(c, k).await?.is_none()
                {
                    return Err(Error::invalid(
                        "calendar_id",
                        format!("there is no calendar {k}"),
                    ));
                }
                if !repo::set_team_calendar(c, id, calendar_id).await? {
                    return Err(Error::NotFound("team"));
                }
                team_in(c, id).await
            })
        })
        .await
}

/// One team, inside another use case's transaction.
pub(crate) async fn team_in(c: &mut AnyConnection, id: i64) -> Result<Team> {
    repo::list_teams(c, Some(id))
        .await?
        .pop()
        .ok_or(Error::NotFound("team"))
}

/// All teams with members and inboxes.
pub async fn list_teams(st: &AppState, _viewer: &Viewer) -> Result<Vec<Team>> {
    let mut c = st.db.pool().acquire().await?;
    repo::list_teams(&mut c, None).await
}

/// One team.
pub async fn get_team(st: &AppState, id: i64) -> Result<Team> {
    let mut c = st.db.pool().acquire().await?;
    team_in(&mut c, id).await
}

/// A change to a team's members or to the inboxes it may work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamChange {
    /// Adds a user to the team.
    AddMember(i64),
    /// Takes a user out of the team.
    RemoveMember(i64),
    /// Lets the team's agents see and work an inbox.
    GrantInbox(i64),
    /// Takes an inbox away from the team.
    RevokeInbox(i64),
}

/// Changes a team's members or inboxes. Admins only. Live streams re-check
/// what each user may see afterwards (`web::live`): a revoked inbox stops
/// streaming at once.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, team_id = team_id, change = ?change))]
pub async fn change_team(
    st: &AppState,
    viewer: &Viewer,
    team_id: i64,
    change: TeamChange,
) -> Result<Team> {
    viewer.require_admin()?;
    let changed = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if !repo::team_exists(c, team_id).await? {
                    return Err(Error::NotFound("team"));
                }
                match change {
                    TeamChange::AddMember(user_id) => {
                        user_in(c, user_id).await.map_err(|_| {
                            Error::invalid("user_id", format!("there is no user {user_id}"))
                        })?;
                        repo::add_member(c, team_id, user_id).await?;
                    }
                    TeamChange::RemoveMember(user_id) => {
                        repo::remove_member(c, team_id, user_id).await?;
                    }
                    TeamChange::GrantInbox(inbox_id) => {
                        crate::inboxes::service::inbox_in(c, inbox_id)
                            .await
                            .map_err(|_| {
                                Error::invalid("inbox_id", format!("there is no inbox {inbox_id}"))
                            })?;
                        repo::grant_inbox(c, team_id, inbox_id).await?;
                    }
                    TeamChange::RevokeInbox(inbox_id) => {
                        repo::revoke_inbox(c, team_id, inbox_id).await?;
                    }
                }
                team_in(c, team_id).await
            })
        })
        .await?;
    st.web().hub.access_changed();
    Ok(changed)
}

/// Every API token with its owner, newest first. Admins only.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn list_tokens(st: &AppState, viewer: &Viewer) -> Result<Vec<TokenInfo>> {
    viewer.require_admin()?;
    let mut c = st.db.pool().acquire().await?;
    repo::list_tokens(&mut c).await
}

/// Fails when changing `user` would leave Tend without an active admin.
async fn keep_an_admin(c: &mut AnyConnection, user: &User) -> Result<()> {
    if user.role == Role::Admin && user.active && repo::count_admins(c).await? <= 1 {
        return Err(Error::conflict(
            "last_admin",
            format!(
                "{} is the last active admin; make someone else an admin first",
                user.name
            ),
            serde_json::json!({"user_id": user.id}),
        ));
    }
    Ok(())
}

/// Changes a user's role. Admins only; the last active admin stays one.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, target_user_id = user_id, role = ?role))]
pub async fn set_role(st: &AppState, viewer: &Viewer, user_id: i64, role: Role) -> Result<User> {
    viewer.require_admin()?;
    let changed = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let user = user_in(c, user_id).await?;
                if user.role != role {
                    keep_an_admin(c, &user).await?;
                    repo::set_role(c, user_id, role).await?;
                }
                user_in(c, user_id).await
            })
        })
        .await?;
    // Live streams re-check what the user may see (`web::live`).
    st.web().hub.access_changed();
    Ok(changed)
}

/// Deactivates or reactivates a user, inside the caller's transaction (the
/// web UI ends the user's sessions in the same one). A deactivated user
/// cannot sign in and their API tokens stop working at once (both checks
/// read `users.active`). Admins only; nobody deactivates themselves, and
/// the last active admin stays.
pub(crate) async fn set_active_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    active: bool,
) -> Result<User> {
    viewer.require_admin()?;
    let user = user_in(c, user_id).await?;
    if !active && viewer.user_id == Some(user_id) {
        return Err(Error::invalid(
            "user_id",
            "you cannot deactivate yourself; ask another admin",
        ));
    }
    if user.active != active {
        if !active {
            keep_an_admin(c, &user).await?;
        }
        repo::set_active(c, user_id, active).await?;
    }
    user_in(c, user_id).await
}

/// Whether `user` may own conversations of an inbox, given whether one
/// of their teams was granted it: active admins and supervisors may own
/// any, active agents those of their teams' inboxes.
pub fn may_own(user: &User, team_sees_inbox: bool) -> bool {
    user.active
        && match user.role {
            Role::Admin | Role::Supervisor => true,
            Role::Agent => team_sees_inbox,
        }
}

/// Whether `user` may own conversations of `inbox_id` ([`may_own`]).
pub(crate) async fn may_work_inbox(
    c: &mut AnyConnection,
    user: &User,
    inbox_id: i64,
) -> Result<bool> {
    let sees = user.active
        && user.role == Role::Agent
        && repo::member_sees_inbox(c, user.id, inbox_id).await?;
    Ok(may_own(user, sees))
}

/// Whether a team exists (inside another use case's transaction).
pub(crate) async fn team_exists_in(c: &mut AnyConnection, team_id: i64) -> Result<bool> {
    repo::team_exists(c, team_id).await
}

/// Whether a user is a member of a team (inside another use case's
/// transaction).
pub(crate) async fn is_member_in(
    c: &mut AnyConnection,
    team_id: i64,
    user_id: i64,
) -> Result<bool> {
    repo::is_member(c, team_id, user_id).await
}

/// The teams a user is a member of (inside another use case's
/// transaction).
pub(crate) async fn team_ids_of_in(c: &mut AnyConnection, user_id: i64) -> Result<Vec<i64>> {
    repo::team_ids_of(c, user_id).await
}

/// A random URL-safe secret with a prefix.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // The OS RNG failing is unrecoverable for secrets; refuse to go on.
        std::process::abort();
    }
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token("tend_");
        let b = random_token("tend_");
        assert_ne!(a, b);
        assert!(a.starts_with("tend_") && a.len() > 40);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}

/// Someone to tell about the desk (a digest): an active admin or supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// User id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address.
    pub email: String,
    /// The language they chose for the workspace.
    pub language: Option<String>,
}

/// Every active admin and supervisor.
pub async fn supervisors(st: &AppState) -> Result<Vec<Recipient>> {
    in_roles(st, &[Role::Admin, Role::Supervisor]).await
}

/// Every active admin (alerts about the desk's channels).
pub async fn admins(st: &AppState) -> Result<Vec<Recipient>> {
    in_roles(st, &[Role::Admin]).await
}

async fn in_roles(st: &AppState, roles: &[Role]) -> Result<Vec<Recipient>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::active_in_roles(&mut c, roles)
        .await?
        .into_iter()
        .map(|(id, name, email, language)| Recipient {
            id,
            name,
            email,
            language,
        })
        .collect())
}

/// The active users among `ids`, to tell them something (notifications).
pub async fn recipients(st: &AppState, ids: &[i64]) -> Result<Vec<Recipient>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::active_among(&mut c, ids)
        .await?
        .into_iter()
        .map(|(id, name, email, language)| Recipient {
            id,
            name,
            email,
            language,
        })
        .collect())
}
