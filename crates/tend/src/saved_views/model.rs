//! Saved views as the API shows and takes them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Result;
use crate::agents::sharing::{Scope, check_team};
use crate::conversations::views::ViewSpec;

/// A saved view of the inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedView {
    /// Id.
    pub id: i64,
    /// Name, as the inbox's navigation shows it.
    pub name: String,
    /// `personal` (its owner's), `team` (the team's members') or `global`.
    pub scope: Scope,
    /// The owner of a personal view.
    pub owner_id: Option<i64>,
    /// The team of a team view.
    pub team_id: Option<i64>,
    /// What it shows.
    pub spec: ViewSpec,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// `POST /views` and `PUT /views/{id}`: the whole view.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedViewInput {
    /// Name (1–100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// `personal` (the default), `team` (needs `team_id`) or `global`
    /// (admins).
    #[serde(default = "personal")]
    pub scope: Scope,
    /// The team of a `team` view.
    #[serde(default)]
    pub team_id: Option<i64>,
    /// What it shows.
    #[serde(default)]
    pub spec: ViewSpec,
}

fn personal() -> Scope {
    Scope::Personal
}

impl SavedViewInput {
    /// Checks what needs no database.
    pub(crate) fn check(mut self) -> Result<SavedViewInput> {
        self.name = crate::agents::model::parse_name("name", &self.name, 100)?;
        check_team(self.scope, self.team_id)?;
        self.spec = self.spec.normalised()?;
        Ok(self)
    }
}
