//! Things agents make for themselves or share (macros, saved views): who
//! may see one and who may write it. Personal ones are their owner's
//! alone; a team's are its members' (and admins' and supervisors'); global
//! ones are everyone's, and admins write them.

use sqlx::AnyConnection;

use crate::agents::{Role, Viewer};
use crate::db::Sql;
use crate::vocab::closed_set;
use crate::{Error, Result};

closed_set! {
    /// Who a shared thing belongs to.
    pub enum Scope ("scope") {
        /// Its owner's alone.
        Personal = "personal",
        /// A team's: its members, and admins and supervisors.
        Team = "team",
        /// Everyone's; admins write them.
        Global = "global",
    }
}

impl Scope {
    /// The owner a new one of this scope gets: the writer, when personal.
    pub fn owner_for(self, viewer: &Viewer) -> Option<i64> {
        match self {
            Scope::Personal => viewer.user_id,
            Scope::Team | Scope::Global => None,
        }
    }
}

/// Checks that a team scope names its team and only it does.
pub fn check_team(scope: Scope, team_id: Option<i64>) -> Result<()> {
    match (scope, team_id) {
        (Scope::Team, None) => Err(Error::invalid("team_id", "a team's one needs its team_id")),
        (Scope::Personal | Scope::Global, Some(_)) => Err(Error::invalid(
            "team_id",
            "only a team's one has a team_id; use scope \"team\"",
        )),
        _ => Ok(()),
    }
}

/// Whether `viewer` may write one of `scope` (with `owner_id`, `team_id`).
pub async fn may_write(
    c: &mut AnyConnection,
    viewer: &Viewer,
    scope: Scope,
    owner_id: Option<i64>,
    team_id: Option<i64>,
) -> Result<()> {
    match scope {
        Scope::Personal => {
            if viewer.user_id.is_none() {
                return Err(Error::invalid(
                    "scope",
                    "a personal one belongs to a user; sign in as one",
                ));
            }
            if owner_id != viewer.user_id {
                return Err(Error::Forbidden("only its owner may change a personal one"));
            }
        }
        Scope::Team => {
            let team_id = team_id
                .ok_or_else(|| Error::invalid("team_id", "a team's one needs its team_id"))?;
            let team = crate::agents::service::team_in(c, team_id)
                .await
                .map_err(|_| Error::invalid("team_id", format!("there is no team {team_id}")))?;
            let member = viewer.user_id.is_some_and(|u| team.member_ids.contains(&u));
            if !viewer.sees_all() && !member {
                return Err(Error::Forbidden(
                    "only the team's members, admins and supervisors may write the team's",
                ));
            }
        }
        Scope::Global => {
            if viewer.role != Role::Admin {
                return Err(Error::Forbidden("only admins may write global ones"));
            }
        }
    }
    Ok(())
}

/// Appends the rows (of table alias `t`, with columns `scope`, `owner_id`
/// and `team_id`) that `viewer` may see: global ones, their own personal
/// ones, and their teams' (every team's for admins and supervisors).
pub fn restrict(sql: &mut Sql, viewer: &Viewer, t: &str) {
    sql.push(&format!(
        " AND ({t}.scope = 'global' OR ({t}.scope = 'personal' AND {t}.owner_id = "
    ))
    .bind(viewer.user_id.unwrap_or(-1))
    .push(&format!(") OR ({t}.scope = 'team'"));
    viewer.restrict_teams(sql, &format!("{t}.team_id"));
    sql.push("))");
}

/// [`may_write`] as a yes or no (for the pages' buttons).
pub async fn may_change(
    c: &mut AnyConnection,
    viewer: &Viewer,
    scope: Scope,
    owner_id: Option<i64>,
    team_id: Option<i64>,
) -> Result<bool> {
    match may_write(c, viewer, scope, owner_id, team_id).await {
        Ok(()) => Ok(true),
        Err(Error::Forbidden(_) | Error::Invalid { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}
