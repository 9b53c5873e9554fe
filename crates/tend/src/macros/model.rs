//! Macros as the API shows and takes them, and the checks of their input.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::automation::{Action, LocalizedText};
use crate::templates::Localized;
use crate::{Error, Result};

pub use crate::agents::sharing::Scope;

/// A macro.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Macro {
    /// Id.
    pub id: i64,
    /// Name, as the composer's search finds it.
    pub name: String,
    /// `personal`, `team` or `global`.
    pub scope: Scope,
    /// The owner of a personal macro.
    pub owner_id: Option<i64>,
    /// The team of a team macro.
    pub team_id: Option<i64>,
    /// The template used when no translation fits the conversation's
    /// language.
    pub text: String,
    /// Templates by language tag (`ja`, `pt-br`, …).
    pub translations: BTreeMap<String, String>,
    /// What applying it changes (every action but `reply`, `note` and
    /// `webhook`).
    pub actions: Vec<Action>,
    /// How often it was applied (previews do not count).
    pub usage_count: i64,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// `POST /macros` and `PUT /macros/{id}`: the whole macro.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroInput {
    /// Name (1–200 characters), unique among the owner's (the user's, the
    /// team's, or the global) macros, ignoring case.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `personal` (yours), `team` (needs `team_id`) or `global` (admins).
    pub scope: Scope,
    /// The team of a `team` macro.
    #[serde(default)]
    pub team_id: Option<i64>,
    /// The template, e.g. `Hello {{ customer.first_name | default("there") }}`;
    /// checked when saved.
    #[serde(default)]
    pub text: String,
    /// Templates by language tag, picked by the conversation's language
    /// (exact tag, then its primary subtag), else `text`.
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
    /// Changes applied with it.
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// A checked input: its name and templates parsed.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub name: String,
    pub scope: Scope,
    pub team_id: Option<i64>,
    pub text: LocalizedText,
    pub actions: Vec<Action>,
}

impl MacroInput {
    /// Checks what needs no database: the name, the templates (every
    /// placeholder, in every translation), the scope's team and the
    /// kinds of action.
    pub(crate) fn check(self) -> Result<Checked> {
        let name = crate::agents::model::parse_name("name", &self.name, 200)?;
        let text = LocalizedText {
            text: self.text,
            translations: self.translations,
        };
        let parsed = Localized::parse("", &text)?;
        // Keys as parsing folded them (`pt-BR` is stored as `pt-br`).
        let translations: BTreeMap<String, String> = text
            .translations
            .iter()
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.clone()))
            .collect();
        if parsed.pick(None).is_empty() && self.actions.is_empty() {
            return Err(Error::invalid(
                "text",
                "a macro needs a text or actions; give it at least one",
            ));
        }
        crate::agents::sharing::check_team(self.scope, self.team_id)?;
        let mut actions = Vec::with_capacity(self.actions.len());
        for (i, a) in self.actions.into_iter().enumerate() {
            actions.push(check_action(i, a)?);
        }
        Ok(Checked {
            name,
            scope: self.scope,
            team_id: self.team_id,
            text: LocalizedText {
                text: text.text,
                translations,
            },
            actions,
        })
    }
}

/// A macro's action: no `reply` or `note` (its text is the reply) and no
/// `webhook`; tags in their stored form.
fn check_action(i: usize, a: Action) -> Result<Action> {
    let field = format!("actions[{i}]");
    Ok(match a {
        Action::Reply { .. } | Action::Note { .. } => {
            return Err(Error::invalid(
                format!("{field}.type"),
                "a macro's text is its reply: put the words in \"text\" instead of a reply or note action",
            ));
        }
        Action::Webhook { .. } => {
            return Err(Error::invalid(
                format!("{field}.type"),
                "macros cannot call webhooks; use an automation rule",
            ));
        }
        Action::AddTags { value } => Action::AddTags {
            value: tags(&field, &value)?,
        },
        Action::RemoveTags { value } => Action::RemoveTags {
            value: tags(&field, &value)?,
        },
        other => other,
    })
}

fn tags(field: &str, value: &[String]) -> Result<Vec<String>> {
    if value.is_empty() {
        return Err(Error::invalid(
            format!("{field}.value"),
            "name at least one tag",
        ));
    }
    crate::conversations::parse_tags(value).map_err(|e| match e {
        Error::Invalid { message, .. } => Error::invalid(format!("{field}.value"), message),
        other => other,
    })
}

/// Query of `GET /macros`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MacroQuery {
    /// Words of the name, any case, any language.
    pub q: Option<String>,
    /// At most this many (default 50, at most 200).
    pub limit: Option<i64>,
}

/// `POST /conversations/{id}/macros/{macro_id}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyInput {
    /// `true`: show what it would do, change nothing.
    #[serde(default)]
    pub preview: bool,
}

/// What applying a macro gave.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Applied {
    /// The text, rendered for this conversation, for the composer (never
    /// sent by applying the macro: the agent edits and sends it).
    pub text: String,
    /// The language whose translation was used; `null`: the macro's
    /// `text` (no translation fits the conversation's language).
    pub language: Option<String>,
    /// The actions that change something, as they apply (tags already
    /// there, or a status it already has, are left out).
    pub changes: Vec<Action>,
    /// Whether the changes were made (false for a preview).
    pub applied: bool,
}
