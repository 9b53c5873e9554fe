//! What customers said, for the whole team: the success-story feed
//! (`/stories`) and each agent's profile with the kind words credited to
//! them (`/agents/{id}`). Both read `surveys::feedback::stories` with the
//! signed-in agent as viewer, so an agent sees the stories of the
//! conversations they may see, exactly as `GET /api/v1/stories` answers.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::i18n::Tr;
use super::pages::{Chrome, error_page, render};
use super::session::Agent;
use crate::state::AppState;
use crate::surveys::feedback;
use crate::surveys::model::Story;
use crate::{Error, Result};

/// Stories per page unless `?limit=` says otherwise (1–50).
const PAGE: i64 = 20;

/// `?before=&limit=`: the page of stories older than survey `before`.
#[derive(Debug, Default, Deserialize)]
pub struct StoriesQuery {
    before: Option<i64>,
    limit: Option<i64>,
}

impl StoriesQuery {
    fn limit(&self) -> Result<i64> {
        match self.limit {
            None => Ok(PAGE),
            Some(n) if (1..=50).contains(&n) => Ok(n),
            Some(_) => Err(Error::invalid("limit", "limit must be from 1 to 50")),
        }
    }

    /// The link to the next (older) page after survey `last`.
    fn older(&self, path: &str, last: i64) -> String {
        match self.limit {
            Some(n) => format!("{path}?before={last}&limit={n}"),
            None => format!("{path}?before={last}"),
        }
    }
}

/// A story, ready to show.
pub struct StoryView {
    pub conversation_id: i64,
    pub subject: String,
    pub customer: String,
    pub rating: i64,
    /// Filled and empty stars, e.g. `★★★★☆` (hidden from screen readers,
    /// which read the rating's label instead).
    pub stars: String,
    pub comment: String,
    /// The customer's language for `lang` (empty when unknown).
    pub lang: String,
    /// Credited agents: (user id, name).
    pub agents: Vec<(i64, String)>,
    pub when: String,
}

fn view(tr: &Tr, tz: &str, s: Story) -> StoryView {
    let rating = s.rating.clamp(0, 5);
    StoryView {
        conversation_id: s.conversation_id,
        customer: s
            .customer_name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| tr.t("story-customer-unnamed")),
        subject: s.subject,
        rating: s.rating,
        stars: "★".repeat(rating as usize) + &"☆".repeat(5 - rating as usize),
        comment: s.comment,
        lang: s.language.unwrap_or_default(),
        agents: s.agents.into_iter().map(|c| (c.id, c.name)).collect(),
        when: tr.datetime(crate::time::parse_ms(&s.answered_at).unwrap_or(0), tz),
    }
}

/// One page of stories (all, or those credited to `user_id`) and the link
/// to the older ones.
async fn page_of(
    st: &AppState,
    a: &Agent,
    user_id: Option<i64>,
    q: &StoriesQuery,
    path: &str,
) -> Result<(Vec<StoryView>, Option<String>)> {
    let (items, more) = feedback::stories(st, &a.viewer, user_id, q.before, q.limit()?).await?;
    let older = match (more, items.last()) {
        (true, Some(last)) => Some(q.older(path, last.survey_id)),
        _ => None,
    };
    Ok((
        items.into_iter().map(|s| view(&a.tr, &a.tz, s)).collect(),
        older,
    ))
}

#[derive(Template)]
#[template(path = "web/stories.html")]
struct FeedPage {
    c: Chrome,
    stories: Vec<StoryView>,
    older: Option<String>,
    /// Whether this is a later page (offer the way back to the newest).
    paged: bool,
    /// Who fixed the causes of problems (on the first page): user id,
    /// name, conversations.
    credits: Vec<(i64, String, i64)>,
}

/// `GET /stories`
pub async fn feed(State(st): State<AppState>, a: Agent, Query(q): Query<StoriesQuery>) -> Response {
    let built = async {
        let (stories, older) = page_of(&st, &a, None, &q, "/stories").await?;
        let credits = if q.before.is_none() {
            crate::problems::service::credits(&st)
                .await?
                .into_iter()
                .take(10)
                .map(|c| (c.user_id, c.name, c.conversations))
                .collect()
        } else {
            Vec::new()
        };
        Ok::<_, Error>((stories, older, credits))
    }
    .await;
    match built {
        Ok((stories, older, credits)) => render(&FeedPage {
            c: Chrome::agent(&a, a.tr.t("stories-title"), "stories"),
            stories,
            older,
            paged: q.before.is_some(),
            credits,
        }),
        Err(e) => error_page(&a.tr, e),
    }
}

#[derive(Template)]
#[template(path = "web/agent.html")]
struct ProfilePage {
    c: Chrome,
    name: String,
    role: String,
    active: bool,
    /// (team id, name).
    teams: Vec<(i64, String)>,
    is_me: bool,
    /// Their last 30 days beside their teams' and the desk's (themselves,
    /// supervisors and admins; empty for other agents).
    figures: super::people::Figures,
    stories: Vec<StoryView>,
    older: Option<String>,
    paged: bool,
}

/// `GET /agents/{id}`: who the agent is (role, teams), what they achieved
/// over the last 30 days beside their teams (`web::people`), and the kind
/// words customers said about them.
pub async fn profile(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(q): Query<StoriesQuery>,
) -> Response {
    let built = async {
        let user = crate::agents::service::get_user(&st, id).await?;
        let teams: Vec<crate::agents::model::Team> =
            crate::agents::service::list_teams(&st, &a.viewer)
                .await?
                .into_iter()
                .filter(|t| t.member_ids.contains(&id))
                .collect();
        let figures = super::people::of_agent(&st, &a, id, &teams).await?;
        let teams = teams.into_iter().map(|t| (t.id, t.name)).collect();
        let (stories, older) = page_of(&st, &a, Some(id), &q, &format!("/agents/{id}")).await?;
        Ok::<_, Error>((user, teams, figures, stories, older))
    }
    .await;
    match built {
        Ok((user, teams, figures, stories, older)) => render(&ProfilePage {
            figures,
            c: Chrome::agent(
                &a,
                user.name.clone(),
                if id == a.id { "account" } else { "agents" },
            ),
            role: a.tr.t(&format!("role-{}", user.role.as_str())),
            active: user.active,
            name: user.name,
            teams,
            is_me: id == a.id,
            stories,
            older,
            paged: q.before.is_some(),
        }),
        Err(e) => error_page(&a.tr, e),
    }
}
