//! `/admin/routing/agents/{id}`: one agent's routing profile: capacity per
//! channel (every channel of `vocab::Channel`), the languages they speak
//! (picked from the languages conversations are detected in, named in the
//! viewer's language) and skills with levels 1–5. For admins and
//! supervisors; saved through `routing::service::update_profile`, the
//! API's own use case, so the limits are checked there once. A mistake
//! brings the form back as typed with the message beside its field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::Saved;
use super::routing::{field_message, supervisors_only};
use crate::Error;
use crate::routing::model::{AgentRouting, MAX_CAPACITY, RoutingProfileInput};
use crate::routing::service as routing;
use crate::state::AppState;
use crate::vocab::Channel;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::i18n::Tr;
use crate::web::labels;
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::pickers::language_name;
use crate::web::session::Agent;

/// Empty skill rows offered below the agent's skills.
const BLANK_SKILLS: usize = 3;

/// One channel's capacity field.
pub struct CapacityRow {
    pub channel: &'static str,
    pub label: String,
    pub value: String,
    pub load: u32,
    pub error: Option<String>,
}

/// One language of the picker.
pub struct LanguageChoice {
    pub code: String,
    pub name: String,
    pub checked: bool,
}

/// One skill row.
pub struct SkillRow {
    pub name: String,
    pub level: String,
    pub invalid: bool,
    /// A typed level that is none of 1–5 (offered as typed, beside the
    /// error).
    pub odd_level: bool,
}

#[derive(Template)]
#[template(path = "web/admin/routing_agent.html")]
struct AgentPage {
    c: Chrome,
    user_id: i64,
    notice: Option<String>,
    max_capacity: u32,
    capacity: Vec<CapacityRow>,
    languages: Vec<LanguageChoice>,
    languages_error: Option<String>,
    skills: Vec<SkillRow>,
    skills_error: Option<String>,
    levels: Vec<u8>,
    error: Option<String>,
}

/// The form as typed: pairs in order (languages and skill rows repeat).
struct Typed {
    capacity: Vec<(String, String)>,
    languages: Vec<String>,
    skills: Vec<(String, String)>,
}

impl Typed {
    fn of(pairs: &[(String, String)]) -> Typed {
        let values = |name: &str| -> Vec<String> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        let capacity = pairs
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("cap_")?.to_string(), v.clone())))
            .collect();
        let names = values("skill_name");
        let levels = values("skill_level");
        let skills = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, levels.get(i).cloned().unwrap_or_default()))
            .collect();
        Typed {
            capacity,
            languages: values("lang"),
            skills,
        }
    }

    /// The change for the routing service; a number that is not one is
    /// named by its field, as the service names the others.
    fn input(&self) -> Result<RoutingProfileInput, Error> {
        let mut capacity = std::collections::BTreeMap::new();
        for (ch, v) in &self.capacity {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let n = v
                .parse::<u32>()
                .map_err(|_| Error::invalid(format!("capacity.{ch}"), "a whole number"))?;
            capacity.insert(ch.clone(), n);
        }
        let mut skills = std::collections::BTreeMap::new();
        for (name, level) in &self.skills {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let level = level
                .trim()
                .parse::<u8>()
                .map_err(|_| Error::invalid(format!("skills.{name}"), "a level from 1 to 5"))?;
            skills.insert(name.to_string(), level);
        }
        Ok(RoutingProfileInput {
            capacity: Some(capacity),
            languages: Some(self.languages.clone()),
            skills: Some(skills),
        })
    }
}

async fn page(
    st: &AppState,
    a: &Agent,
    user_id: i64,
    notice: Option<String>,
    typed: Option<(Typed, String, String)>,
) -> Response {
    let loaded = async {
        let user = crate::agents::service::get_user(st, user_id).await?;
        let profile = routing::profile(st, &a.viewer, user_id).await?;
        Ok::<_, Error>((user, profile))
    }
    .await;
    let (user, profile) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(&a.tr, e),
    };
    let errors = typed.as_ref().map_or_else(FieldErrors::none, |(_, f, m)| {
        FieldErrors::on(f.clone(), m.clone())
    });
    let view = build(&a.tr, &profile, typed);
    render_form(
        &errors,
        &AgentPage {
            c: Chrome::agent(
                a,
                a.tr.s("routing-agent-title", "name", &user.name),
                "admin",
            ),
            user_id,
            notice,
            max_capacity: MAX_CAPACITY,
            capacity: view.0,
            languages: view.1,
            languages_error: view.2,
            skills: view.3,
            skills_error: view.4,
            levels: (1..=5).collect(),
            error: view.5,
        },
    )
}

type View = (
    Vec<CapacityRow>,
    Vec<LanguageChoice>,
    Option<String>,
    Vec<SkillRow>,
    Option<String>,
    Option<String>,
);

/// The form's rows: the profile, or what was typed with the mistake.
fn build(tr: &Tr, profile: &AgentRouting, typed: Option<(Typed, String, String)>) -> View {
    let (typed, field, message) = match typed {
        Some((t, f, m)) => (Some(t), f, Some(m)),
        None => (None, String::new(), None),
    };
    let mut placed = false;
    let capacity = Channel::ALL
        .iter()
        .map(|ch| {
            let name = ch.as_str();
            let value = typed
                .as_ref()
                .and_then(|t| t.capacity.iter().find(|(c, _)| c == name))
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| {
                    profile
                        .capacity
                        .get(name)
                        .map(u32::to_string)
                        .unwrap_or_default()
                });
            let error = (field == format!("capacity.{name}"))
                .then(|| message.clone())
                .flatten();
            placed |= error.is_some();
            CapacityRow {
                channel: name,
                label: labels::channel(tr, *ch),
                value,
                load: profile.load.get(name).copied().unwrap_or(0),
                error,
            }
        })
        .collect();
    let chosen: Vec<String> = match &typed {
        Some(t) => t.languages.clone(),
        None => profile.languages.clone(),
    };
    let mut codes: Vec<String> = tend_mail::DETECTED_LANGUAGES
        .iter()
        .map(|c| c.to_string())
        .collect();
    for c in &chosen {
        if !codes.contains(c) {
            codes.push(c.clone());
        }
    }
    let languages = codes
        .into_iter()
        .map(|code| LanguageChoice {
            name: language_name(tr, &code),
            checked: chosen.contains(&code),
            code,
        })
        .collect();
    let languages_error = (field == "languages").then(|| message.clone()).flatten();
    placed |= languages_error.is_some();
    let mut skills: Vec<SkillRow> = match &typed {
        Some(t) => t
            .skills
            .iter()
            .filter(|(n, _)| !n.trim().is_empty())
            .map(|(n, l)| SkillRow {
                invalid: field == format!("skills.{}", n.trim()),
                odd_level: !(1..=5).any(|x: u8| x.to_string() == l.trim()),
                name: n.clone(),
                level: l.clone(),
            })
            .collect(),
        None => profile
            .skills
            .iter()
            .map(|(n, l)| SkillRow {
                name: n.clone(),
                level: l.to_string(),
                invalid: false,
                odd_level: false,
            })
            .collect(),
    };
    for _ in 0..BLANK_SKILLS {
        skills.push(SkillRow {
            name: String::new(),
            level: "3".into(),
            invalid: false,
            odd_level: false,
        });
    }
    let skills_error = field
        .starts_with("skills")
        .then(|| message.clone())
        .flatten();
    placed |= skills_error.is_some();
    let error = if placed { None } else { message };
    (
        capacity,
        languages,
        languages_error,
        skills,
        skills_error,
        error,
    )
}

/// `GET /admin/routing/agents/{id}`
pub async fn show(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(s): Query<Saved>,
) -> Response {
    if let Some(r) = supervisors_only(&a) {
        return r;
    }
    page(&st, &a, id, s.notice(&a), None).await
}

/// `POST /admin/routing/agents/{id}`: the whole profile as the form shows
/// it (an empty capacity keeps the channel's value; no language ticked
/// clears the list; empty skill rows are left out).
pub async fn save(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = supervisors_only(&a) {
        return r;
    }
    let typed = Typed::of(&pairs);
    let done = match typed.input() {
        Ok(input) => routing::update_profile(&st, &a.viewer, id, input)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => see_other(&format!("/admin/routing/agents/{id}?saved=1")),
        Err(Error::Invalid { field, message }) => {
            let message = field_message(&a.tr, &field, message);
            page(&st, &a, id, None, Some((typed, field, message))).await
        }
        Err(e) => error_page(&a.tr, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::pickers::language_key;

    #[test]
    fn every_detected_language_is_named_in_every_locale() {
        for code in tend_mail::DETECTED_LANGUAGES {
            let key = language_key(code).unwrap_or_else(|| panic!("no name for {code}"));
            for locale in crate::web::i18n::LOCALES_SUPPORTED {
                let name = Tr::new(locale).t(key);
                assert!(!name.is_empty() && !name.contains('⟦'), "{locale} {key}");
            }
        }
    }
}
