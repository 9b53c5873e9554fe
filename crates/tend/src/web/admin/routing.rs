//! `/admin/routing`: who gets each inbox's conversations. Per inbox, whether
//! it is routed, the receiving team (only teams granted the inbox), the
//! strategy, skills first and sticky; below, the agents with a link to each
//! one's routing profile (`routing_agent.rs`). For admins and supervisors,
//! as the API (`/api/v1/inboxes/{id}/routing`): the page calls the same
//! `routing::service` functions, so the rules (the team must have been
//! granted the inbox) live in one place. A mistake brings the page back
//! with the inbox's form as typed and the message beside its field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::Saved;
use crate::agents::model::Role;
use crate::routing::Strategy;
use crate::routing::model::{InboxRouting, InboxRoutingInput, MAX_CAPACITY};
use crate::routing::service as routing;
use crate::state::AppState;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::i18n::Tr;
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::session::Agent;
use crate::{Error, Result};

/// The strategies, in the order the page offers them.
const STRATEGIES: [Strategy; 2] = [Strategy::LeastLoaded, Strategy::RoundRobin];

/// The catalogue key of a strategy.
fn strategy_key(s: Strategy) -> &'static str {
    match s {
        Strategy::RoundRobin => "routing-strategy-round-robin",
        Strategy::LeastLoaded => "routing-strategy-least-loaded",
    }
}

/// The 403 page, unless the agent is an admin or a supervisor (who set
/// routing through the API too).
pub(crate) fn supervisors_only(a: &Agent) -> Option<Response> {
    a.viewer
        .require_supervisor("only admins and supervisors may do this")
        .err()
        .map(|e| error_page(&a.tr, e))
}

/// A routing input error in the agent's language, by the field the routing
/// service named: its rules stay there, the words are the page's.
pub(crate) fn field_message(tr: &Tr, field: &str, message: String) -> String {
    match field {
        "team_id" => tr.t("routing-error-team"),
        "strategy" => tr.t("routing-error-strategy"),
        "languages" => tr.t("routing-error-languages"),
        f if f.starts_with("capacity.") => tr.s("routing-error-capacity", "count", MAX_CAPACITY),
        f if f.starts_with("skills") => tr.t("routing-error-skill"),
        _ => message,
    }
}

/// One inbox's rule form.
pub struct RuleCard {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
    pub routed: bool,
    pub team_id: i64,
    pub strategy: &'static str,
    pub skills_first: bool,
    pub sticky: bool,
    /// The teams granted the inbox: the only ones it may be routed to.
    pub teams: Vec<(i64, String)>,
    pub team_error: Option<String>,
    pub strategy_error: Option<String>,
    pub error: Option<String>,
}

/// One agent's line.
pub struct AgentLine {
    pub id: i64,
    pub name: String,
    pub role: String,
}

#[derive(Template)]
#[template(path = "web/admin/routing.html")]
struct RoutingPage {
    c: Chrome,
    notice: Option<String>,
    cards: Vec<RuleCard>,
    strategies: Vec<(&'static str, String)>,
    agents: Vec<AgentLine>,
}

/// The form of one inbox as typed, with the mistake, after a failed post.
struct Typed {
    inbox_id: i64,
    form: RuleForm,
    errors: FieldErrors,
}

async fn page(st: &AppState, a: &Agent, notice: Option<String>, typed: Option<Typed>) -> Response {
    let loaded = async {
        let inboxes = crate::inboxes::service::visible_inboxes(st, &a.viewer).await?;
        let ids: Vec<i64> = inboxes.iter().map(|i| i.id).collect();
        let rules = routing::rules(st, &a.viewer, &ids).await?;
        let teams = crate::agents::service::list_teams(st, &a.viewer).await?;
        let users = crate::agents::service::list_users(st, &a.viewer).await?;
        Ok::<_, Error>((inboxes, rules, teams, users))
    }
    .await;
    let (inboxes, rules, teams, users) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(&a.tr, e),
    };
    let errors = typed
        .as_ref()
        .map_or_else(FieldErrors::none, |t| t.errors.clone());
    let cards = inboxes
        .into_iter()
        .map(|i| {
            let rule: Option<&InboxRouting> = rules.iter().find(|r| r.inbox_id == i.id);
            let mut card = RuleCard {
                id: i.id,
                kind_label: a.tr.t(&format!("inbox-kind-{}", i.kind.as_str())),
                name: i.name,
                routed: rule.is_some(),
                team_id: rule.map_or(0, |r| r.team_id),
                strategy: rule
                    .and_then(|r| Strategy::parse(&r.strategy))
                    .unwrap_or(Strategy::LeastLoaded)
                    .as_str(),
                skills_first: rule.is_some_and(|r| r.skills_first),
                sticky: rule.is_some_and(|r| r.sticky),
                teams: teams
                    .iter()
                    .filter(|t| t.inbox_ids.contains(&i.id))
                    .map(|t| (t.id, t.name.clone()))
                    .collect(),
                team_error: None,
                strategy_error: None,
                error: None,
            };
            if let Some(t) = typed.as_ref().filter(|t| t.inbox_id == card.id) {
                t.form.keep(&mut card);
                let own = |f: &str| t.errors.at(f).map(str::to_string);
                card.team_error = own("team_id");
                card.strategy_error = own("strategy");
                card.error = t
                    .errors
                    .elsewhere(["team_id", "strategy"])
                    .map(str::to_string);
            }
            card
        })
        .collect();
    let agents = users
        .into_iter()
        .filter(|u| u.active)
        .map(|u| AgentLine {
            id: u.id,
            name: u.name,
            role: a.tr.t(match u.role {
                Role::Agent => "role-agent",
                Role::Supervisor => "role-supervisor",
                Role::Admin => "role-admin",
            }),
        })
        .collect();
    render_form(
        &errors,
        &RoutingPage {
            c: Chrome::agent(a, a.tr.t("routing-title"), "admin"),
            notice,
            cards,
            strategies: STRATEGIES
                .iter()
                .map(|s| (s.as_str(), a.tr.t(strategy_key(*s))))
                .collect(),
            agents,
        },
    )
}

/// `GET /admin/routing`
pub async fn show(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = supervisors_only(&a) {
        return r;
    }
    page(&st, &a, s.notice(&a), None).await
}

/// One inbox's rule form. Checkboxes are absent when unticked.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleForm {
    routed: Option<String>,
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    strategy: String,
    skills_first: Option<String>,
    sticky: Option<String>,
}

impl RuleForm {
    /// Shows the form as it was typed.
    fn keep(&self, card: &mut RuleCard) {
        card.routed = self.routed.is_some();
        card.team_id = self.team_id.trim().parse().unwrap_or(0);
        if let Some(s) = Strategy::parse(self.strategy.trim()) {
            card.strategy = s.as_str();
        }
        card.skills_first = self.skills_first.is_some();
        card.sticky = self.sticky.is_some();
    }
}

/// `POST /admin/routing/inboxes/{id}`: routes the inbox as the form says,
/// or stops routing it when "routed" is unticked.
pub async fn save_rule(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<RuleForm>,
) -> Response {
    if let Some(r) = supervisors_only(&a) {
        return r;
    }
    let done: Result<()> = if f.routed.is_some() {
        match f.team_id.trim().parse::<i64>() {
            Ok(team_id) => {
                let input = InboxRoutingInput {
                    team_id,
                    strategy: Some(f.strategy.trim().to_string()).filter(|s| !s.is_empty()),
                    skills_first: f.skills_first.is_some(),
                    sticky: f.sticky.is_some(),
                };
                routing::set_rule(&st, &a.viewer, id, input).await.map(drop)
            }
            Err(_) => Err(Error::invalid("team_id", "choose a team")),
        }
    } else {
        match routing::delete_rule(&st, &a.viewer, id).await {
            // Not routed before: nothing to stop.
            Err(Error::NotFound("routing rule")) => Ok(()),
            other => other,
        }
    };
    match done {
        Ok(()) => see_other(&format!("/admin/routing?saved=1#inbox-{id}")),
        Err(Error::Invalid { field, message }) => {
            let message = field_message(&a.tr, &field, message);
            let typed = Typed {
                inbox_id: id,
                form: f,
                errors: FieldErrors::on(field, message),
            };
            page(&st, &a, None, Some(typed)).await
        }
        Err(e) => error_page(&a.tr, e),
    }
}
