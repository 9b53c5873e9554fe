//! Macros in the workspace.
//!
//! - `/macros`: the macros an agent may use, and the forms to write them
//!   (their own, their teams'; admins also the global ones): the template,
//!   a translation per language, and the actions chosen from lists.
//! - The composer's picker is `macro_picker.rs`.
//!
//! Everything goes through `macros::service`, as the signed-in agent.
//!
//! Just over 500 lines: the page's form and its parsing, which belong
//! together.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::form_errors::{FieldErrors, Kept, render_form};
use super::i18n::Tr;
use super::labels;
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::Agent;
use crate::automation::Action;
use crate::conversations::{Priority, Status};
use crate::locale::LOCALES;
use crate::macros::model::MacroQuery;
use crate::macros::{Macro, MacroInput, Scope, service};
use crate::state::AppState;
use crate::{Error, Result};

/// A macro as the list shows it.
pub struct MacroLine {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub text: String,
    pub changes: Vec<String>,
    pub usage_count: i64,
    pub editable: bool,
}

#[derive(Template)]
#[template(path = "web/macros.html")]
struct ListPage {
    c: Chrome,
    macros: Vec<MacroLine>,
}

/// A translation row of the form: (tag, label, template).
type TranslationRow = (String, String, String);

#[derive(Template)]
#[template(path = "web/macro_edit.html")]
struct EditPage {
    c: Chrome,
    /// 0 for a new macro.
    id: i64,
    /// The mistake of a form that came back, beside its field.
    errors: FieldErrors,
    name: String,
    scope: &'static str,
    team_id: i64,
    text: String,
    /// One row per locale of the workspace, then the other languages given.
    translations: Vec<TranslationRow>,
    extra: Vec<(String, String)>,
    scopes: Vec<(&'static str, String)>,
    teams: Vec<(i64, String)>,
    agents: Vec<(i64, String)>,
    statuses: Vec<(&'static str, String)>,
    priorities: Vec<(&'static str, String)>,
    status: String,
    priority: String,
    add_tags: String,
    remove_tags: String,
    assign_team: i64,
    assign_agent: i64,
    variables: Vec<&'static str>,
    filters: Vec<&'static str>,
    /// Every team, for the assign-team action.
    all_teams: Vec<(i64, String)>,
    /// A placeholder, as the help shows it.
    example: &'static str,
}

/// Names of teams and users, for the changes in words.
pub(super) struct Names {
    teams: HashMap<i64, String>,
    users: HashMap<i64, String>,
}

impl Names {
    pub(super) async fn load(st: &AppState, a: &Agent) -> Result<Names> {
        Ok(Names {
            teams: crate::agents::service::list_teams(st, &a.viewer)
                .await?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            users: crate::agents::service::list_users(st, &a.viewer)
                .await?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect(),
        })
    }

    pub(super) fn changes(&self, tr: &Tr, actions: &[Action]) -> Vec<String> {
        let team = |id: i64| {
            self.teams
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}"))
        };
        let user = |id: i64| {
            self.users
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}"))
        };
        actions
            .iter()
            .map(|a| labels::macro_change(tr, a, &team, &user))
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// `GET /macros`
pub async fn list(State(st): State<AppState>, a: Agent) -> Response {
    let load = async {
        let all = service::list(
            &st,
            &a.viewer,
            &MacroQuery {
                q: None,
                limit: Some(200),
            },
        )
        .await?;
        let names = Names::load(&st, &a).await?;
        let editable = service::editable(&st, &a.viewer, &all).await?;
        let macros: Vec<MacroLine> = all
            .into_iter()
            .zip(editable)
            .map(|(m, editable)| MacroLine {
                editable,
                scope: a.tr.t(labels::macro_scope_key(m.scope)),
                changes: names.changes(&a.tr, &m.actions),
                text: m.text,
                id: m.id,
                name: m.name,
                usage_count: m.usage_count,
            })
            .collect();
        Ok::<_, Error>(macros)
    };
    match load.await {
        Ok(macros) => render_status(
            StatusCode::OK,
            &ListPage {
                c: Chrome::agent(&a, a.tr.t("macros-title"), "macros"),
                macros,
            },
        ),
        Err(e) => error_page(&a.tr, e),
    }
}

async fn edit_page(st: &AppState, a: &Agent, id: i64, m: Option<&Macro>) -> Result<EditPage> {
    let tr = &a.tr;
    let team_list = crate::agents::service::list_teams(st, &a.viewer).await?;
    let all_teams: Vec<(i64, String)> = team_list.iter().map(|t| (t.id, t.name.clone())).collect();
    let teams: Vec<(i64, String)> = team_list
        .into_iter()
        .filter(|t| a.viewer.sees_all() || t.member_ids.contains(&a.id))
        .map(|t| (t.id, t.name))
        .collect();
    let agents = crate::agents::service::list_users(st, &a.viewer)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, u.name))
        .collect();
    let mut scopes = vec![(
        Scope::Personal.as_str(),
        tr.t(labels::macro_scope_key(Scope::Personal)),
    )];
    if !teams.is_empty() {
        scopes.push((
            Scope::Team.as_str(),
            tr.t(labels::macro_scope_key(Scope::Team)),
        ));
    }
    if a.is_admin() {
        scopes.push((
            Scope::Global.as_str(),
            tr.t(labels::macro_scope_key(Scope::Global)),
        ));
    }
    let mut page = EditPage {
        c: Chrome::agent(
            a,
            m.map_or_else(|| tr.t("macro-new"), |m| m.name.clone()),
            "macros",
        ),
        id,
        errors: FieldErrors::none(),
        name: String::new(),
        scope: Scope::Personal.as_str(),
        team_id: 0,
        text: String::new(),
        translations: Vec::new(),
        extra: Vec::new(),
        scopes,
        teams,
        agents,
        statuses: Status::ALL
            .iter()
            .map(|&s| (s.as_str(), labels::status(tr, s)))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|&p| (p.as_str(), labels::priority(tr, p)))
            .collect(),
        status: String::new(),
        priority: String::new(),
        add_tags: String::new(),
        remove_tags: String::new(),
        assign_team: 0,
        assign_agent: 0,
        variables: crate::templates::VARIABLES
            .iter()
            .map(|(n, _)| *n)
            .collect(),
        filters: crate::templates::FILTERS.to_vec(),
        all_teams,
        example: "{{ customer.first_name | default(\"…\") }}",
    };
    let given = m.map(|m| m.translations.clone()).unwrap_or_default();
    page.fill_translations(&given);
    if let Some(m) = m {
        page.name = m.name.clone();
        page.scope = m.scope.as_str();
        page.team_id = m.team_id.unwrap_or(0);
        page.text = m.text.clone();
        page.fill_actions(&m.actions);
    }
    Ok(page)
}

impl EditPage {
    fn fill_translations(&mut self, given: &BTreeMap<String, String>) {
        self.translations = LOCALES
            .iter()
            .map(|l| {
                (
                    l.to_string(),
                    crate::locale::name(l).to_string(),
                    given.get(*l).cloned().unwrap_or_default(),
                )
            })
            .collect();
        self.extra = given
            .iter()
            .filter(|(k, _)| !LOCALES.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // Room for one more language.
        self.extra.push((String::new(), String::new()));
    }

    fn fill_actions(&mut self, actions: &[Action]) {
        for a in actions {
            match a {
                Action::SetStatus { value } => self.status = value.as_str().to_string(),
                Action::SetPriority { value } => self.priority = value.as_str().to_string(),
                Action::AddTags { value } => self.add_tags = value.join(", "),
                Action::RemoveTags { value } => self.remove_tags = value.join(", "),
                Action::AssignTeam { value } => self.assign_team = *value,
                Action::AssignAgent { value } => self.assign_agent = *value,
                Action::Reply { .. } | Action::Note { .. } | Action::Webhook { .. } => {}
            }
        }
    }
}

/// `GET /macros/new`
pub async fn new_form(State(st): State<AppState>, a: Agent) -> Response {
    match edit_page(&st, &a, 0, None).await {
        Ok(p) => render_status(StatusCode::OK, &p),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `GET /macros/{id}`
pub async fn edit_form(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    let page = async {
        let m = service::get(&st, &a.viewer, id).await?;
        if !service::editable(&st, &a.viewer, std::slice::from_ref(&m))
            .await?
            .first()
            .copied()
            .unwrap_or(false)
        {
            return Err(Error::Forbidden("not yours to change"));
        }
        edit_page(&st, &a, id, Some(&m)).await
    };
    match page.await {
        Ok(p) => render_status(StatusCode::OK, &p),
        Err(e) => error_page(&a.tr, e),
    }
}

/// The form as a macro: the fields, a textarea per language (`tr_<lang>`,
/// and `extra_lang`/`extra_text` pairs for others) and the actions chosen
/// from lists (an empty choice is no action).
fn input_of(form: &[(String, String)]) -> Result<MacroInput> {
    let one = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let id_of = |k: &str| -> Result<Option<i64>> {
        let v = one(k);
        if v.is_empty() || v == "0" {
            return Ok(None);
        }
        v.parse()
            .map(Some)
            .map_err(|_| Error::invalid(k, format!("{v:?} is not an id")))
    };
    let mut translations = BTreeMap::new();
    for (k, v) in form {
        if let Some(lang) = k.strip_prefix("tr_")
            && !v.trim().is_empty()
        {
            translations.insert(lang.to_string(), v.clone());
        }
    }
    let langs = form
        .iter()
        .filter(|(k, _)| k == "extra_lang")
        .map(|(_, v)| v);
    let texts = form
        .iter()
        .filter(|(k, _)| k == "extra_text")
        .map(|(_, v)| v);
    for (lang, text) in langs.zip(texts) {
        match (lang.trim().is_empty(), text.trim().is_empty()) {
            (true, true) => {}
            (true, false) => {
                return Err(Error::invalid(
                    "translations",
                    "give the language of the other translation (a tag like pt-BR)",
                ));
            }
            _ => {
                translations.insert(lang.trim().to_string(), text.clone());
            }
        }
    }
    let tags = |k: &str| -> Vec<String> {
        one(k)
            .split([',', '\n'])
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    };
    let mut actions = Vec::new();
    let status = one("status");
    if !status.is_empty() {
        actions.push(Action::SetStatus {
            value: Status::parse("status", &status)?,
        });
    }
    let priority = one("priority");
    if !priority.is_empty() {
        actions.push(Action::SetPriority {
            value: Priority::parse("priority", &priority)?,
        });
    }
    let add = tags("add_tags");
    if !add.is_empty() {
        actions.push(Action::AddTags { value: add });
    }
    let remove = tags("remove_tags");
    if !remove.is_empty() {
        actions.push(Action::RemoveTags { value: remove });
    }
    if let Some(t) = id_of("assign_team")? {
        actions.push(Action::AssignTeam { value: t });
    }
    if let Some(u) = id_of("assign_agent")? {
        actions.push(Action::AssignAgent { value: u });
    }
    let scope = Scope::parse("scope", &one("scope"))?;
    Ok(MacroInput {
        name: one("name"),
        scope,
        team_id: if scope == Scope::Team {
            id_of("team_id")?
        } else {
            None
        },
        text: form
            .iter()
            .find(|(k, _)| k == "text")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        translations,
        actions,
    })
}

/// Saves the form; a mistake shows the form again with what was typed.
async fn save(st: &AppState, a: &Agent, id: Option<i64>, form: Vec<(String, String)>) -> Response {
    let saved = match input_of(&form) {
        Ok(input) => match id {
            Some(id) => service::update(st, &a.viewer, id, input).await,
            None => service::create(st, &a.viewer, input).await,
        },
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => see_other("/macros"),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => match edit_page(st, a, id.unwrap_or(0), None).await {
                Ok(mut p) => {
                    p.errors = errors;
                    refill(&mut p, &form);
                    render_form(&p.errors, &p)
                }
                Err(e) => error_page(&a.tr, e),
            },
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// Puts what was typed back into the form.
fn refill(p: &mut EditPage, form: &[(String, String)]) {
    let f = Kept(form);
    p.name = f.one("name");
    p.scope = Scope::from_db(&f.one("scope")).map_or(Scope::Personal.as_str(), Scope::as_str);
    p.team_id = f.one("team_id").parse().unwrap_or(0);
    p.text = f.one("text");
    for row in &mut p.translations {
        row.2 = f.one(&format!("tr_{}", row.0));
    }
    p.extra = f
        .all("extra_lang")
        .into_iter()
        .zip(f.all("extra_text"))
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .collect();
    if p.extra.is_empty() {
        p.extra.push((String::new(), String::new()));
    }
    p.status = f.one("status");
    p.priority = f.one("priority");
    p.add_tags = f.one("add_tags");
    p.remove_tags = f.one("remove_tags");
    p.assign_team = f.one("assign_team").parse().unwrap_or(0);
    p.assign_agent = f.one("assign_agent").parse().unwrap_or(0);
}

/// `POST /macros`
pub async fn create(
    State(st): State<AppState>,
    a: Agent,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save(&st, &a, None, form).await
}

/// `POST /macros/{id}`
pub async fn update(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    save(&st, &a, Some(id), form).await
}

/// `POST /macros/{id}/delete`
pub async fn delete(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    match service::delete(&st, &a.viewer, id).await {
        Ok(()) => see_other("/macros"),
        Err(e) => error_page(&a.tr, e),
    }
}
