//! The only SQL about users, tokens and teams.

use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::time::rfc3339;

use super::Viewer;
use super::model::{Role, Team, TokenInfo, User};

#[derive(FromRow)]
pub(super) struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    active: i64,
    created_at: i64,
    pub(super) password_hash: Option<String>,
}

impl UserRow {
    pub(super) fn into_user(self) -> User {
        User {
            id: self.id,
            email: self.email,
            name: self.name,
            role: Role::parse(&self.role).unwrap_or(Role::Agent),
            active: self.active != 0,
            created_at: rfc3339(self.created_at),
        }
    }
}

const USER_COLUMNS: &str = "id, email, name, role, active, created_at, password_hash";

pub(super) async fn insert_user(
    c: &mut AnyConnection,
    email: &str,
    name: &str,
    role: Role,
    password_hash: Option<String>,
    now: i64,
) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO users (email, name, role, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(id)
}

pub(super) async fn user_by_id(c: &mut AnyConnection, id: i64) -> Result<Option<UserRow>> {
    let q = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// A user's saved time zone (an IANA name), if any.
pub(super) async fn time_zone(c: &mut AnyConnection, id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT timezone FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
            .flatten(),
    )
}

pub(super) async fn user_by_email(c: &mut AnyConnection, email: &str) -> Result<Option<UserRow>> {
    let q = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(email)
        .fetch_optional(c)
        .await?)
}

pub(super) async fn list_users(c: &mut AnyConnection) -> Result<Vec<UserRow>> {
    let q = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(q)).fetch_all(c).await?)
}

pub(super) async fn count_admins(c: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
            .fetch_one(c)
            .await?,
    )
}

pub(super) async fn insert_token(
    c: &mut AnyConnection,
    user_id: i64,
    name: &str,
    hash: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(hash)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub(super) async fn revoke_token(c: &mut AnyConnection, id: i64, now: i64) -> Result<bool> {
    crate::db::changes::API_TOKENS.mark();
    let r =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(c)
            .await?;
    Ok(r.rows_affected() > 0)
}

#[derive(FromRow)]
struct ViewerRow {
    id: i64,
    name: String,
    role: String,
}

pub(super) async fn viewer_by_token_hash(
    c: &mut AnyConnection,
    hash: &str,
) -> Result<Option<Viewer>> {
    let row: Option<ViewerRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1",
    )
    .bind(hash)
    .fetch_optional(c)
    .await?;
    Ok(row.map(|r| Viewer {
        user_id: Some(r.id),
        role: Role::parse(&r.role).unwrap_or(Role::Agent),
        name: r.name,
    }))
}

pub(super) async fn insert_team(c: &mut AnyConnection, name: &str, now: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(now)
            .fetch_one(c)
            .await?,
    )
}

#[derive(FromRow)]
struct TeamRow {
    id: i64,
    name: String,
    calendar_id: Option<i64>,
    created_at: i64,
}

pub(super) async fn list_teams(c: &mut AnyConnection, only: Option<i64>) -> Result<Vec<Team>> {
    let rows: Vec<TeamRow> = sqlx::query_as(
        "SELECT id, name, calendar_id, created_at FROM teams WHERE ($1 IS NULL OR id = $1) ORDER BY id",
    )
    .bind(only)
    .fetch_all(&mut *c)
    .await?;
    let members: Vec<(i64, i64)> =
        sqlx::query_as("SELECT team_id, user_id FROM team_members WHERE ($1 IS NULL OR team_id = $1) ORDER BY user_id")
            .bind(only)
            .fetch_all(&mut *c)
            .await?;
    let inboxes: Vec<(i64, i64)> =
        sqlx::query_as("SELECT team_id, inbox_id FROM team_inboxes WHERE ($1 IS NULL OR team_id = $1) ORDER BY inbox_id")
            .bind(only)
            .fetch_all(&mut *c)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| Team {
            id: r.id,
            name: r.name,
            member_ids: members
                .iter()
                .filter(|m| m.0 == r.id)
                .map(|m| m.1)
                .collect(),
            inbox_ids: inboxes
                .iter()
                .filter(|m| m.0 == r.id)
                .map(|m| m.1)
                .collect(),
            calendar_id: r.calendar_id,
            created_at: rfc3339(r.created_at),
        })
        .collect())
}

/// Gives a team a calendar (`None`: none); false when there is no such team.
pub(super) async fn set_team_calendar(
    c: &mut AnyConnection,
    id: i64,
    calendar_id: Option<i64>,
) -> Result<bool> {
    let n = sqlx::query("UPDATE teams SET calendar_id = $1 WHERE id = $2")
        .bind(calendar_id)
        .bind(id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub(super) async fn add_member(c: &mut AnyConnection, team_id: i64, user_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT (team_id, user_id) DO NOTHING",
    )
    .bind(team_id)
    .bind(user_id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn grant_inbox(c: &mut AnyConnection, team_id: i64, inbox_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO team_inboxes (team_id, inbox_id) VALUES ($1, $2) ON CONFLICT (team_id, inbox_id) DO NOTHING",
    )
    .bind(team_id)
    .bind(inbox_id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn team_exists(c: &mut AnyConnection, team_id: i64) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = $1")
        .bind(team_id)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

/// Whether `user_id` is a member of `team_id`.
pub(super) async fn is_member(c: &mut AnyConnection, team_id: i64, user_id: i64) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .fetch_one(c)
            .await?;
    Ok(n > 0)
}

/// The teams `user_id` is a member of.
pub(super) async fn team_ids_of(c: &mut AnyConnection, user_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT team_id FROM team_members WHERE user_id = $1 ORDER BY team_id")
            .bind(user_id)
            .fetch_all(c)
            .await?,
    )
}

/// Whether `user_id` may work `inbox_id` (through any team), ignoring role.
pub(super) async fn member_sees_inbox(
    c: &mut AnyConnection,
    user_id: i64,
    inbox_id: i64,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM team_inboxes ti JOIN team_members tm ON tm.team_id = ti.team_id \
         WHERE tm.user_id = $1 AND ti.inbox_id = $2",
    )
    .bind(user_id)
    .bind(inbox_id)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

pub(super) async fn set_role(c: &mut AnyConnection, id: i64, role: Role) -> Result<()> {
    crate::db::changes::API_TOKENS.mark();
    sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
        .bind(id)
        .bind(role.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub(super) async fn set_active(c: &mut AnyConnection, id: i64, active: bool) -> Result<()> {
    crate::db::changes::API_TOKENS.mark();
    sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(active))
        .execute(c)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    user_name: String,
    name: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

/// Every API token (never the secret: only its hash is stored), newest first.
pub(super) async fn list_tokens(c: &mut AnyConnection) -> Result<Vec<TokenInfo>> {
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT t.id, t.user_id, u.name AS user_name, t.name, t.created_at, t.revoked_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC",
    )
    .fetch_all(c)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TokenInfo {
            id: r.id,
            user_id: r.user_id,
            user_name: r.user_name,
            name: r.name,
            created_at_ms: r.created_at,
            revoked_at_ms: r.revoked_at,
        })
        .collect())
}

pub(super) async fn remove_member(c: &mut AnyConnection, team_id: i64, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .bind(team_id)
        .bind(user_id)
        .execute(c)
        .await?;
    Ok(())
}

pub(super) async fn revoke_inbox(c: &mut AnyConnection, team_id: i64, inbox_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM team_inboxes WHERE team_id = $1 AND inbox_id = $2")
        .bind(team_id)
        .bind(inbox_id)
        .execute(c)
        .await?;
    Ok(())
}

/// Active users among `ids`: (id, name, email, language).
pub(super) async fn active_among(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, String, String, Option<String>)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::db::Sql::new(
        "SELECT id, name, email, language FROM users WHERE active = 1 AND id IN ",
    );
    sql.bind_list(ids.iter().copied());
    sql.push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Active users of `roles`: id, name, address, chosen language.
pub(super) async fn active_in_roles(
    c: &mut AnyConnection,
    roles: &[Role],
) -> Result<Vec<(i64, String, String, Option<String>)>> {
    let mut sql = crate::db::Sql::new(
        "SELECT id, name, email, language FROM users WHERE active = 1 AND role IN ",
    );
    sql.bind_list(roles.iter().map(|r| r.as_str().to_string()));
    sql.push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

pub(super) async fn set_password_hash(c: &mut AnyConnection, id: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(c)
        .await?;
    Ok(())
}
