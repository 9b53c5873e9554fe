//! Macro use cases: write (personal: anyone for themselves; team: its
//! members, admins and supervisors; global: admins), list for the
//! composer, and apply to a conversation.

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::agents::sharing::{may_change, may_write};
use crate::automation::Action;
use crate::conversations::Conversation;
use crate::conversations::model::ConversationPatch;
use crate::db::is_unique_violation;
use crate::state::AppState;
use crate::templates::Localized;
use crate::{Error, Result};

use super::model::{Applied, ApplyInput, Checked, Macro, MacroInput, MacroQuery};
use super::repo::{self, Written};

/// What the actions name must exist: the teams and agents they assign to.
async fn check_targets(c: &mut AnyConnection, actions: &[Action]) -> Result<()> {
    for (i, a) in actions.iter().enumerate() {
        let missing = match a {
            Action::AssignTeam { value } => (!crate::agents::service::team_exists_in(c, *value)
                .await?)
                .then(|| format!("there is no team {value}")),
            Action::AssignAgent { value } => crate::agents::service::user_in(c, *value)
                .await
                .is_err()
                .then(|| format!("there is no user {value}")),
            _ => None,
        };
        if let Some(why) = missing {
            return Err(Error::invalid(format!("actions[{i}].value"), why));
        }
    }
    Ok(())
}

/// Checks and writes `m` (a new macro when `id` is none), inside the
/// transaction.
async fn write_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: Option<i64>,
    m: &Checked,
    now: i64,
) -> Result<i64> {
    if let Some(id) = id {
        let old = repo::get(c, viewer, id)
            .await?
            .ok_or(Error::NotFound("macro"))?;
        may_write(c, viewer, old.scope, old.owner_id, old.team_id).await?;
    }
    let owner_id = m.scope.owner_for(viewer);
    may_write(c, viewer, m.scope, owner_id, m.team_id).await?;
    check_targets(c, &m.actions).await?;
    let w = Written::of(m, owner_id)?;
    if repo::name_taken(c, &w, id).await? {
        return Err(taken(m));
    }
    let written = match id {
        Some(id) => repo::update(c, id, &w, now).await.map(|()| id),
        None => repo::insert(c, &w, now).await,
    };
    // Two writers with the same new name at once (PostgreSQL): the index
    // refuses the second, which is the same mistake as above.
    written.map_err(|e| match e {
        Error::Database(d) if is_unique_violation(&d) => taken(m),
        other => other,
    })
}

fn taken(m: &Checked) -> Error {
    Error::invalid(
        "name",
        format!(
            "a {} macro named {:?} exists already; choose another name",
            m.scope, m.name
        ),
    )
}

/// Creates a macro.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn create(st: &AppState, viewer: &Viewer, input: MacroInput) -> Result<Macro> {
    let m = input.check()?;
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let id = st
        .db
        .write(move |c| Box::pin(async move { write_in(c, &v, None, &m, now).await }))
        .await?;
    get(st, viewer, id).await
}

/// Replaces a macro (its usage count stays).
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, macro_id = id))]
pub async fn update(st: &AppState, viewer: &Viewer, id: i64, input: MacroInput) -> Result<Macro> {
    let m = input.check()?;
    let now = st.clock.now_ms();
    let v = viewer.clone();
    st.db
        .write(move |c| Box::pin(async move { write_in(c, &v, Some(id), &m, now).await }))
        .await?;
    get(st, viewer, id).await
}

/// Removes a macro.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, macro_id = id))]
pub async fn delete(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    let v = viewer.clone();
    st.db
        .write(move |c| {
            Box::pin(async move {
                let old = repo::get(c, &v, id)
                    .await?
                    .ok_or(Error::NotFound("macro"))?;
                may_write(c, &v, old.scope, old.owner_id, old.team_id).await?;
                repo::delete(c, id).await
            })
        })
        .await
}

/// One macro the viewer may use.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Macro> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("macro"))
}

/// The macros the viewer may use, the most used first, then by name.
pub async fn list(st: &AppState, viewer: &Viewer, q: &MacroQuery) -> Result<Vec<Macro>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Error::invalid("limit", "limit must be between 1 and 200"));
    }
    let mut c = st.db.pool().acquire().await?;
    repo::list(&mut c, viewer, q.q.as_deref(), limit).await
}

/// Which of `macros` the viewer may write (for the pages' links), on one
/// connection.
pub async fn editable(st: &AppState, viewer: &Viewer, macros: &[Macro]) -> Result<Vec<bool>> {
    let mut c = st.db.pool().acquire().await?;
    let mut out = Vec::with_capacity(macros.len());
    for m in macros {
        out.push(may_change(&mut c, viewer, m.scope, m.owner_id, m.team_id).await?);
    }
    Ok(out)
}

/// The actions that change `conv`, as they apply: tags it has (or lacks)
/// and values it already has are left out.
pub fn changes_for(conv: &Conversation, actions: &[Action]) -> Vec<Action> {
    let mut tags = conv.tags.clone();
    let mut out = Vec::new();
    for a in actions {
        let change = match a {
            Action::SetStatus { value } => (*value != conv.status).then(|| a.clone()),
            Action::SetPriority { value } => (*value != conv.priority).then(|| a.clone()),
            Action::AssignTeam { value } => (Some(*value) != conv.team_id).then(|| a.clone()),
            Action::AssignAgent { value } => (Some(*value) != conv.assignee_id).then(|| a.clone()),
            Action::AddTags { value } => {
                let new: Vec<String> = value
                    .iter()
                    .filter(|t| !tags.contains(t))
                    .cloned()
                    .collect();
                tags.extend(new.iter().cloned());
                (!new.is_empty()).then_some(Action::AddTags { value: new })
            }
            Action::RemoveTags { value } => {
                let gone: Vec<String> =
                    value.iter().filter(|t| tags.contains(t)).cloned().collect();
                tags.retain(|t| !gone.contains(t));
                (!gone.is_empty()).then_some(Action::RemoveTags { value: gone })
            }
            Action::Reply { .. } | Action::Note { .. } | Action::Webhook { .. } => None,
        };
        out.extend(change);
    }
    out
}

/// The patch that makes `changes`, with a transfer reason naming the
/// macro when it moves the conversation from one owner to another.
fn patch_of(changes: &[Action], macro_name: &str) -> ConversationPatch {
    let mut p = ConversationPatch::default();
    for a in changes {
        match a {
            Action::SetStatus { value } => p.status = Some(value.as_str().to_string()),
            Action::SetPriority { value } => p.priority = Some(value.as_str().to_string()),
            Action::AssignTeam { value } => p.team_id = Some(Some(*value)),
            Action::AssignAgent { value } => {
                p.assignee_id = Some(Some(*value));
                p.reason = Some(crate::routing::model::TransferReasonInput::Text(format!(
                    "macro {macro_name:?}"
                )));
            }
            Action::AddTags { value } => p
                .add_tags
                .get_or_insert_with(Vec::new)
                .extend(value.iter().cloned()),
            Action::RemoveTags { value } => p
                .remove_tags
                .get_or_insert_with(Vec::new)
                .extend(value.iter().cloned()),
            Action::Reply { .. } | Action::Note { .. } | Action::Webhook { .. } => {}
        }
    }
    p
}

/// Applies a macro to a conversation as `viewer`: its actions through
/// `conversations::service::update` (every permission and status rule
/// holds), one more use counted, and its text rendered in the
/// conversation's language for the composer (not sent). With `preview`,
/// nothing changes.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, conversation_id = conversation_id, macro_id = macro_id))]
pub async fn apply(
    st: &AppState,
    viewer: &Viewer,
    conversation_id: i64,
    macro_id: i64,
    input: ApplyInput,
) -> Result<Applied> {
    let conv = crate::conversations::service::get(st, viewer, conversation_id).await?;
    let m = get(st, viewer, macro_id).await?;
    let text = Localized::parse(
        "",
        &crate::automation::LocalizedText {
            text: m.text.clone(),
            translations: m.translations.clone(),
        },
    )
    .map_err(|e| {
        Error::Internal(anyhow::anyhow!(
            "macro {macro_id}: its stored template does not parse ({e})"
        ))
    })?;
    let changes = changes_for(&conv, &m.actions);
    let applied = !input.preview;
    if applied {
        let patch = patch_of(&changes, &m.name);
        if !changes.is_empty() {
            crate::conversations::service::update(st, viewer, conversation_id, patch).await?;
        }
        st.db
            .write(move |c| Box::pin(async move { repo::count_use(c, macro_id).await }))
            .await?;
    }
    let mut c = st.db.pool().acquire().await?;
    let vars =
        crate::conversations::service::template_vars_in(&mut c, conversation_id, viewer.user_id)
            .await?;
    let (language, template) = text.choose(vars.conversation_language.as_deref());
    Ok(Applied {
        text: template.render(&vars),
        language: language.map(str::to_string),
        changes,
        applied,
    })
}
