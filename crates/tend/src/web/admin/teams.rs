//! `/admin/teams`: create teams, add and remove members, grant and revoke
//! inboxes (what the team's agents may see and work).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Saved, admin_only};
use crate::Result;
use crate::agents::service::{self as agents, TeamChange};
use crate::state::AppState;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::session::Agent;

/// A team as the page shows it.
pub struct TeamView {
    pub id: i64,
    pub name: String,
    /// (user id, name)
    pub members: Vec<(i64, String)>,
    /// Active users not in the team.
    pub candidates: Vec<(i64, String)>,
    /// (inbox id, label)
    pub inboxes: Vec<(i64, String)>,
    /// Inboxes not granted yet.
    pub grantable: Vec<(i64, String)>,
    /// Why a change of this team's was refused, in the agent's language:
    /// shown on the team's card.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "web/admin/teams.html")]
struct TeamsPage {
    c: Chrome,
    teams: Vec<TeamView>,
    notice: Option<String>,
    /// A mistake no field of the create form shows (a team's own forms').
    error: Option<String>,
    /// The create form's mistake, beside its field.
    errors: FieldErrors,
    /// The create form's name as typed.
    name: String,
}

async fn views(st: &AppState, a: &Agent) -> Result<Vec<TeamView>> {
    let users = agents::list_users(st, &a.viewer).await?;
    let names: HashMap<i64, String> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    let inboxes: Vec<(i64, String)> = crate::inboxes::service::list_inboxes(st, &a.viewer)
        .await?
        .into_iter()
        .map(|i| {
            let label = match i.address {
                Some(ad) if ad != i.name => format!("{} ({ad})", i.name),
                _ => i.name,
            };
            (i.id, label)
        })
        .collect();
    let teams = agents::list_teams(st, &a.viewer).await?;
    Ok(teams
        .into_iter()
        .map(|t| TeamView {
            members: t
                .member_ids
                .iter()
                .map(|id| (*id, names.get(id).cloned().unwrap_or_default()))
                .collect(),
            candidates: users
                .iter()
                .filter(|u| u.active && !t.member_ids.contains(&u.id))
                .map(|u| (u.id, u.name.clone()))
                .collect(),
            inboxes: inboxes
                .iter()
                .filter(|(id, _)| t.inbox_ids.contains(id))
                .cloned()
                .collect(),
            grantable: inboxes
                .iter()
                .filter(|(id, _)| !t.inbox_ids.contains(id))
                .cloned()
                .collect(),
            id: t.id,
            name: t.name,
            error: None,
        })
        .collect())
}

/// The page; after a failed post, with its mistake: beside the create
/// form's name when `typed` is the name it was given, on the card of the
/// team `team` whose form it was, else at the top.
async fn page(
    st: &AppState,
    a: &Agent,
    notice: Option<String>,
    errors: FieldErrors,
    typed: Option<&str>,
    team: Option<i64>,
) -> Response {
    let (own, mut error) = match typed {
        Some(_) => (errors.clone(), errors.elsewhere(["name"])),
        None => (FieldErrors::none(), errors.message()),
    };
    match views(st, a).await {
        Ok(mut teams) => {
            if let Some(t) = teams.iter_mut().find(|t| Some(t.id) == team) {
                t.error = error.take().map(str::to_string);
            }
            render_form(
                &errors,
                &TeamsPage {
                    c: Chrome::agent(a, a.tr.t("admin-teams"), "admin"),
                    teams,
                    notice,
                    error: error.map(str::to_string),
                    errors: own,
                    name: typed.unwrap_or_default().to_string(),
                },
            )
        }
        Err(e) => error_page(&a.tr, e),
    }
}

async fn done<T>(
    st: &AppState,
    a: &Agent,
    r: Result<T>,
    typed: Option<&str>,
    team: Option<i64>,
) -> Response {
    match r {
        Ok(_) => see_other("/admin/teams?saved=1"),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => page(st, a, None, errors, typed, team).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `GET /admin/teams`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(&st, &a, s.notice(&a), FieldErrors::none(), None, None).await
}

/// The create form.
#[derive(Debug, Deserialize)]
pub struct NameForm {
    name: String,
}

/// `POST /admin/teams`
pub async fn create(State(st): State<AppState>, a: Agent, Form(f): Form<NameForm>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let r = agents::create_team(&st, &a.viewer, &f.name).await;
    done(&st, &a, r, Some(&f.name), None).await
}

/// Member forms.
#[derive(Debug, Deserialize)]
pub struct MemberForm {
    user_id: String,
}

/// Inbox forms.
#[derive(Debug, Deserialize)]
pub struct InboxForm {
    inbox_id: String,
}

fn id_of(a: &Agent, field: &str, v: &str) -> Result<i64> {
    v.trim()
        .parse::<i64>()
        .map_err(|_| crate::web::form_errors::said(field, a.tr.t("admin-choose-one")))
}

/// Applies a team form: the chosen user or inbox (`field`), added or
/// removed by `change`.
async fn change(
    st: &AppState,
    a: &Agent,
    team: i64,
    field: &str,
    chosen: &str,
    change: fn(i64) -> TeamChange,
) -> Response {
    if let Some(r) = admin_only(a) {
        return r;
    }
    let r = match id_of(a, field, chosen) {
        Ok(x) => agents::change_team(st, &a.viewer, team, change(x)).await,
        Err(e) => Err(e),
    };
    done(st, a, r, None, Some(team)).await
}

/// `POST /admin/teams/{id}/members`
pub async fn add_member(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> Response {
    change(&st, &a, id, "user_id", &f.user_id, TeamChange::AddMember).await
}

/// `POST /admin/teams/{id}/members/remove`
pub async fn remove_member(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> Response {
    change(&st, &a, id, "user_id", &f.user_id, TeamChange::RemoveMember).await
}

/// `POST /admin/teams/{id}/inboxes`
pub async fn grant_inbox(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<InboxForm>,
) -> Response {
    change(&st, &a, id, "inbox_id", &f.inbox_id, TeamChange::GrantInbox).await
}

/// `POST /admin/teams/{id}/inboxes/revoke`
pub async fn revoke_inbox(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<InboxForm>,
) -> Response {
    change(
        &st,
        &a,
        id,
        "inbox_id",
        &f.inbox_id,
        TeamChange::RevokeInbox,
    )
    .await
}
