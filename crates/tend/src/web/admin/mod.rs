//! The admin pages (admins only; everyone else gets the 403 page): users
//! (invite, role, deactivate), teams (members, inboxes), inboxes (email
//! settings), API tokens (shown once), the survey templates, the mail
//! quarantine (raw download, retry), the items background jobs could
//! not do (retry), the automation rules (built from lists, reordered,
//! dry-run, switched on and off), the webhooks (subscriptions, delivery
//! log, redeliver), the help centre's look (name, logo, colours) and
//! routing (inbox rules, agents' capacity, languages and skills; also for
//! supervisors).
//! Each page calls the owning domain's service with the admin as viewer, so the admin check and the rules live in one place;
//! the handlers check the role first only to answer with the page instead
//! of a half-built form.

pub mod automations;
pub mod inboxes;
pub mod jobs;
pub mod public;
pub mod quarantine;
pub mod quarantine_bulk;
pub mod routing;
pub mod routing_agent;
pub mod teams;
pub mod templates;
pub mod theme;
pub mod tokens;
pub mod users;
pub mod webhooks;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::pages::{Chrome, error_page, render};
use super::session::Agent;
use crate::Error;

/// The 403 page, unless the agent is an admin.
pub(crate) fn admin_only(a: &Agent) -> Option<Response> {
    a.viewer.require_admin().err().map(|e| error_page(&a.tr, e))
}

/// `?saved=1` after a successful post.
#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

impl Saved {
    /// The "saved" notice when the page follows a successful post.
    pub fn notice(&self, a: &Agent) -> Option<String> {
        self.saved.as_ref().map(|_| a.tr.t("admin-saved"))
    }
}

/// The status of a page that may carry an input error.
pub(crate) fn status_for(error: &Option<String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

#[derive(Template)]
#[template(path = "web/admin/overview.html")]
struct Overview {
    c: Chrome,
    users: usize,
    teams: usize,
    inboxes: usize,
    tokens: usize,
}

/// `GET /admin`
pub async fn overview(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    a: Agent,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let counts = async {
        let users = crate::agents::service::list_users(&st, &a.viewer)
            .await?
            .len();
        let teams = crate::agents::service::list_teams(&st, &a.viewer)
            .await?
            .len();
        let inboxes = crate::inboxes::service::list_inboxes(&st, &a.viewer)
            .await?
            .len();
        let tokens = crate::agents::service::list_tokens(&st, &a.viewer)
            .await?
            .iter()
            .filter(|t| t.revoked_at_ms.is_none())
            .count();
        Ok::<_, Error>((users, teams, inboxes, tokens))
    }
    .await;
    match counts {
        Ok((users, teams, inboxes, tokens)) => render(&Overview {
            c: Chrome::agent(&a, a.tr.t("admin-title"), "admin"),
            users,
            teams,
            inboxes,
            tokens,
        }),
        Err(e) => error_page(&a.tr, e),
    }
}

#[derive(Template)]
#[template(path = "web/admin/secret.html")]
struct SecretPage {
    c: Chrome,
    heading: String,
    intro: String,
    secret: String,
    back: &'static str,
}

/// A page that shows a secret once (an invite link, an API token). Like
/// every UI page it is sent with `Cache-Control: no-store`, so the browser
/// keeps no copy; Tend keeps only the secret's hash.
pub(crate) fn secret_page(
    a: &Agent,
    heading: String,
    intro: String,
    secret: String,
    back: &'static str,
) -> Response {
    render(&SecretPage {
        c: Chrome::agent(a, heading.clone(), "admin"),
        heading,
        intro,
        secret,
        back,
    })
}

#[cfg(test)]
mod tests {
    use crate::web::i18n::{LOCALES_SUPPORTED, MESSAGE_VARIABLES, Tr, keys_of};
    use fluent_templates::fluent_bundle::FluentValue;

    /// Words that are rightly the same as in English: names and acronyms
    /// everywhere, and a few words Catalan or Latvian share with English.
    const SAME_AS_ENGLISH: [(&str, &str); 40] = [
        ("*", "channel-api"),
        ("*", "channel-telegram"),
        ("*", "inbox-kind-telegram"),
        ("*", "channel-whatsapp"),
        ("*", "inbox-kind-whatsapp"),
        // "No", "Article" and "Articles" are Catalan too.
        ("ca", "kb-vote-no"),
        ("ca", "kb-col-unhelpful"),
        ("ca", "kb-col-article"),
        ("ca", "kb-picker-open"),
        ("*", "report-col-csat"),
        ("*", "report-metric-csat"),
        ("ja", "report-change-percent"),
        ("ko", "report-change-percent"),
        ("ca", "report-seconds"),
        ("ca", "report-dimension-agent"),
        ("ja", "report-percent"),
        ("ko", "report-percent"),
        ("*", "inbox-kind-api"),
        ("*", "author-system"),
        ("lv", "duration-minutes"),
        ("ca", "duration-minutes"),
        ("ca", "duration-hours-minutes"),
        ("ca", "duration-days-hours"),
        ("ca", "channel-portal"),
        ("ca", "priority-normal"),
        ("ca", "priority-urgent"),
        ("ca", "role-agent"),
        ("ca", "role-supervisor"),
        ("ca", "field-notes"),
        ("ca", "nav-macros"),
        ("ca", "macros-title"),
        ("ca", "macro-text"),
        ("ca", "macro-picker-open"),
        ("*", "webhooks-field-url"),
        ("ca", "admin-webhooks"),
        // "Revisions" and "Categories" are Catalan too.
        ("ca", "kbe-revisions"),
        ("ca", "kbe-categories"),
        // "Radar" is Catalan too.
        ("ca", "nav-radar"),
        // "Signatures" is Catalan too.
        ("ca", "signatures-title"),
        ("ca", "signatures-link"),
    ];

    #[test]
    fn no_english_is_left_in_the_translations() {
        let args: Vec<(&str, FluentValue<'static>)> = MESSAGE_VARIABLES
            .iter()
            .map(|v| (*v, FluentValue::from(3)))
            .collect();
        let en = Tr::new("en");
        for code in LOCALES_SUPPORTED.iter().filter(|c| **c != "en") {
            let tr = Tr::new(code);
            let same: Vec<String> = keys_of("en")
                .into_iter()
                .filter(|k| {
                    !SAME_AS_ENGLISH
                        .iter()
                        .any(|(c, key)| (*c == "*" || c == code) && key == k)
                })
                .filter(|k| tr.args(k, &args) == en.args(k, &args))
                .collect();
            assert!(same.is_empty(), "{code} still has English for {same:?}");
        }
    }
}
