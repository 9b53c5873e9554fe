//! The inbox's "Save this view" and "Delete this view" forms.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;

use super::form_errors::{FieldErrors, Kept};
use super::pages::error_page;
use super::redirect::see_other;
use super::session::Agent;
use crate::Result;
use crate::agents::sharing::Scope;
use crate::saved_views::{SavedViewInput, service};
use crate::state::AppState;

/// "Save this view" as typed, when it comes back with a mistake (the
/// inbox page shows it open, the name and sharing kept).
#[derive(Debug, Clone, Default)]
pub struct SaveForm {
    /// The name typed (`None`: as first shown).
    pub name: Option<String>,
    /// Who shares it (`personal`, `team-ID`, `global`).
    pub share: String,
    /// The mistake, beside its field.
    pub errors: FieldErrors,
}

impl SaveForm {
    /// Whether it was shared with team `id`.
    pub fn shares_team(&self, id: i64) -> bool {
        self.share == format!("team-{id}")
    }
}

fn input_of(form: &[(String, String)]) -> Result<(Option<i64>, SavedViewInput)> {
    let one = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    // The list's own query string, read as the inbox reads it.
    let (spec, _) = super::inbox_query::read(&one("qs"))?;
    let share = one("share");
    let (scope, team_id) = match share.strip_prefix("team-") {
        Some(id) => (
            Scope::Team,
            Some(id.parse().map_err(|_| {
                crate::Error::invalid("share", "choose who shares the view".to_string())
            })?),
        ),
        None if share.is_empty() => (Scope::Personal, None),
        None => (Scope::parse("share", &share)?, None),
    };
    let id = one("id").parse().ok();
    Ok((
        id,
        SavedViewInput {
            name: one("name"),
            scope,
            team_id,
            spec,
        },
    ))
}

/// `POST /views`: saves the list as it is shown (a new view, or the
/// current one with `id`), then shows it.
pub async fn save(
    State(st): State<AppState>,
    a: Agent,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let saved = match input_of(&form) {
        Ok((Some(id), input)) => service::update(&st, &a.viewer, id, input).await,
        Ok((None, input)) => service::create(&st, &a.viewer, input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(v) => see_other(&format!("/?saved={}", v.id)),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            // The list the agent was on, with the form as typed.
            Ok(errors) => {
                let f = Kept(&form);
                let mut query = f.one("qs");
                if let Ok(id) = f.one("id").trim().parse::<i64>() {
                    query = format!("{query}&from_saved={id}");
                }
                let save = SaveForm {
                    name: Some(f.one("name")),
                    share: f.one("share"),
                    errors: errors.about("name"),
                };
                super::inbox::build(&st, &a, &query, save)
                    .await
                    .unwrap_or_else(|e| error_page(&a.tr, e))
            }
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `POST /views/{id}/delete`
pub async fn delete(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    match service::delete(&st, &a.viewer, id).await {
        Ok(()) => see_other("/"),
        Err(e) => error_page(&a.tr, e),
    }
}
