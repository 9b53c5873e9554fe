//! `/admin/jobs`: the items background jobs could not do (`crate::jobs`),
//! those waiting out a backoff and those parked after five failures, with
//! the last error and a Retry button. A retry posts the form (CSRF-checked
//! like every UI form) and redirects back with `?retried=JOB&item=ID`,
//! whose notice says the item is due again. Each job is named in the
//! admin's language through [`job_key`], an exhaustive `match`, so a new
//! job does not compile until it has a catalogue key.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;

use super::{admin_only, status_for};
use crate::Error;
use crate::jobs::{Job, service};
use crate::state::AppState;
use crate::web::form_errors::FieldErrors;
use crate::web::i18n::Tr;
use crate::web::pages::{Chrome, error_page, render_status, see_other};
use crate::web::session::Agent;

/// The catalogue key of a job's name.
pub fn job_key(j: Job) -> &'static str {
    match j {
        Job::Survey => "job-survey",
        Job::QuietClose => "job-quiet-close",
        Job::SlaTimer => "job-sla-timer",
        Job::Outbox => "job-outbox",
        Job::AutomationTimer => "job-automation-timer",
        Job::AutomationReply => "job-automation-reply",
        Job::ChannelOutbox => "job-channel-outbox",
        Job::Snooze => "job-snooze",
    }
}

/// A job's name in the viewer's language.
pub fn job_label(tr: &Tr, j: Job) -> String {
    tr.t(job_key(j))
}

/// A message about one item of a job: `$value` is the job, `$id` the item.
fn about_item(tr: &Tr, key: &str, job: Job, item: i64) -> String {
    tr.args(
        key,
        &[
            ("value", FluentValue::from(job_label(tr, job))),
            ("id", FluentValue::from(item.to_string())),
        ],
    )
}

/// A failed item as the page shows it.
pub struct ItemView {
    /// The job's stored name, for the retry form's action.
    pub job: &'static str,
    /// The job in words.
    pub label: String,
    pub item: i64,
    /// Whether the item is a conversation (then it links to it).
    pub is_conversation: bool,
    pub attempts: i64,
    pub error: String,
    /// The last failure, in the agent's time zone.
    pub failed_at: String,
    /// "First failed …" when it failed more than once; empty otherwise.
    pub first_failed: String,
    /// "Retry at …" or "Parked".
    pub state: String,
    pub parked: bool,
    /// The Retry button's accessible name.
    pub retry_name: String,
}

#[derive(Template)]
#[template(path = "web/admin/jobs.html")]
struct JobsPage {
    c: Chrome,
    items: Vec<ItemView>,
    notice: Option<String>,
    error: Option<String>,
}

/// The query of `GET /admin/jobs`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// The job of the item just retried (its notice is shown).
    retried: Option<String>,
    /// The item just retried.
    item: Option<String>,
}

/// An RFC 3339 time in the agent's time zone.
fn local(a: &Agent, rfc3339: &str) -> String {
    crate::time::parse_ms(rfc3339)
        .map(|ms| a.tr.datetime(ms, &a.tz))
        .unwrap_or_default()
}

fn view(a: &Agent, f: crate::jobs::Failure) -> ItemView {
    let state = match (&f.retry_at, f.parked) {
        (Some(at), false) => a.tr.s("jobs-state-retry-at", "when", local(a, at)),
        _ => a.tr.t("jobs-state-parked"),
    };
    let first_failed = if f.attempts > 1 {
        a.tr.s("jobs-first-failed", "when", local(a, &f.first_failed_at))
    } else {
        String::new()
    };
    ItemView {
        job: f.job.as_str(),
        label: job_label(&a.tr, f.job),
        item: f.item,
        is_conversation: f.job.item_is_conversation(),
        attempts: f.attempts,
        failed_at: local(a, &f.failed_at),
        first_failed,
        state,
        parked: f.parked,
        retry_name: about_item(&a.tr, "jobs-retry-name", f.job, f.item),
        error: f.error,
    }
}

async fn page(st: &AppState, a: &Agent, notice: Option<String>, error: Option<String>) -> Response {
    let failures = match service::list(st, &a.viewer, None).await {
        Ok(l) => l,
        Err(e) => return error_page(&a.tr, e),
    };
    render_status(
        status_for(&error),
        &JobsPage {
            c: Chrome::agent(a, a.tr.t("admin-jobs"), "admin"),
            items: failures.into_iter().map(|f| view(a, f)).collect(),
            notice,
            error,
        },
    )
}

/// `GET /admin/jobs`
pub async fn list(State(st): State<AppState>, a: Agent, Query(q): Query<ListQuery>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let job = q.retried.as_deref().and_then(|j| Job::from_db(j).ok());
    let item = q.item.as_deref().and_then(|i| i.parse::<i64>().ok());
    let notice = job
        .zip(item)
        .map(|(job, item)| about_item(&a.tr, "jobs-retried", job, item));
    page(&st, &a, notice, None).await
}

/// `POST /admin/jobs/{job}/{item}/retry`
pub async fn retry(
    State(st): State<AppState>,
    a: Agent,
    Path((job, item)): Path<(String, i64)>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let Ok(job) = Job::from_db(&job) else {
        return error_page(&a.tr, Error::NotFound("failed job item"));
    };
    match service::retry(&st, &a.viewer, job, item).await {
        Ok(_) => see_other(&format!("/admin/jobs?retried={}&item={item}", job.as_str())),
        Err(e) => {
            let message = match e {
                // It succeeded (or was retried and succeeded) meanwhile.
                Error::NotFound(_) => about_item(&a.tr, "jobs-retry-gone", job, item),
                e => match FieldErrors::of(&a.tr, e) {
                    Ok(errors) => errors.message().unwrap_or_default().to_string(),
                    Err(e) => return error_page(&a.tr, e),
                },
            };
            page(&st, &a, None, Some(message)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{about_item, job_label};
    use crate::jobs::Job;
    use crate::web::i18n::Tr;

    #[test]
    fn jobs_and_their_items_read_as_words() {
        let en = Tr::new("en");
        assert_eq!(job_label(&en, Job::Survey), "Satisfaction surveys");
        assert_eq!(
            about_item(&en, "jobs-retry-name", Job::Outbox, 7),
            "Retry item 7 (Outgoing mail)"
        );
        for code in ["ja", "ko", "lv", "ca"] {
            let tr = Tr::new(code);
            for &job in Job::ALL {
                assert_ne!(job_label(&tr, job), job_label(&en, job), "{code} {job}");
                assert!(!job_label(&tr, job).contains('⟦'), "{code} {job}");
            }
        }
    }
}
