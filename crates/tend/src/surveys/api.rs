//! `/api/v1` routes of the survey loop: tasks, stories, the CSAT report,
//! a conversation's surveys and the editable templates.

use axum::extract::State;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::extract::parse_id;
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams};
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{CsatReport, Story, Survey, Task, Template};
use super::tasks::{TaskChange, TaskQuery};
use super::{feedback, service, tasks, templates};

/// The survey loop's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks))
        .routes(routes!(update_task))
        .routes(routes!(list_stories))
        .routes(routes!(user_stories))
        .routes(routes!(csat_report))
        .routes(routes!(conversation_surveys))
        .routes(routes!(list_templates))
        .routes(routes!(get_template, put_template, reset_template))
}

/// `GET /tasks` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskListQuery {
    /// `me`, `none` (the supervisor queue) or a user id.
    assignee_id: Option<String>,
    /// `open` (default), `done` or `all`.
    status: Option<String>,
    /// Only this conversation's tasks.
    #[param(value_type = Option<i64>)]
    conversation_id: Option<String>,
    /// Page size, 1–200.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Cursor from `next_cursor`.
    cursor: Option<String>,
}

/// Follow-up tasks on conversations the caller may see, oldest first.
#[utoipa::path(get, path = "/tasks", tag = "surveys", params(TaskListQuery),
    responses((status = 200, description = "One page", body = Page<Task>),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "Invalid filter")))]
async fn list_tasks(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<TaskListQuery>,
) -> Result<axum::Json<Page<Task>>> {
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let assignee = match q.assignee_id.as_deref() {
        None | Some("") => None,
        Some("none") => Some(None),
        Some("me") => Some(Some(auth.0.user_id.unwrap_or(-1))),
        Some(s) => Some(parse_id("assignee_id", Some(s))?),
    };
    let done = match q.status.as_deref() {
        None | Some("") | Some("open") => Some(false),
        Some("done") => Some(true),
        Some("all") => None,
        Some(s) => {
            return Err(Error::invalid(
                "status",
                format!("unknown task status {s:?}; use open, done or all"),
            ));
        }
    };
    let (items, more) = tasks::list(
        &st,
        &auth.0,
        TaskQuery {
            assignee,
            done,
            conversation_id: parse_id("conversation_id", q.conversation_id.as_deref())?,
            after_id: page.cursor()?,
            limit: page.limit()?,
        },
    )
    .await?;
    Ok(axum::Json(Page::new(items, more, |t| t.id)))
}

/// `PATCH /tasks/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    /// `true` completes the task.
    done: Option<bool>,
    /// New assignee; `null` puts it in the supervisor queue. Admins and supervisors only.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<i64>)]
    assignee_id: Option<Option<i64>>,
}

/// Complete (or reassign) a task. Completing a follow-up while the
/// conversation is not closed schedules the next one, a business day later.
#[utoipa::path(patch, path = "/tasks/{id}", tag = "surveys",
    params(("id" = i64, Path, description = "Task id")),
    request_body = UpdateTask,
    responses((status = 200, description = "The task", body = Task),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not the assignee, a supervisor or an admin"),
              (status = 404, description = "No such task, or not visible"),
              (status = 422, description = "Invalid input")))]
async fn update_task(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UpdateTask>,
) -> Result<axum::Json<Task>> {
    Ok(axum::Json(
        tasks::update(
            &st,
            &auth.0,
            id,
            TaskChange {
                done: b.done,
                assignee_id: b.assignee_id,
            },
        )
        .await?,
    ))
}

/// Success stories (a rating of 4 or 5 with a comment), newest first,
/// credited to the agents who sent public replies.
#[utoipa::path(get, path = "/stories", tag = "surveys", params(PageParams),
    responses((status = 200, description = "One page", body = Page<Story>),
              (status = 401, description = "No or bad token"),
              (status = 422, description = "Invalid paging")))]
async fn list_stories(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Story>>> {
    let (items, more) = feedback::stories(&st, &auth.0, None, p.cursor()?, p.limit()?).await?;
    Ok(axum::Json(Page::new(items, more, |s| s.survey_id)))
}

/// The kind words about one agent.
#[utoipa::path(get, path = "/users/{id}/stories", tag = "surveys",
    params(("id" = i64, Path, description = "User id"), PageParams),
    responses((status = 200, description = "One page", body = Page<Story>),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such user"),
              (status = 422, description = "Invalid paging")))]
async fn user_stories(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Story>>> {
    let (items, more) = feedback::stories(&st, &auth.0, Some(id), p.cursor()?, p.limit()?).await?;
    Ok(axum::Json(Page::new(items, more, |s| s.survey_id)))
}

/// `GET /reports/csat` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsatQuery {
    /// `agent`, `team`, `inbox` or `channel`.
    group_by: String,
    /// Surveys sent on or after this date or RFC 3339 time.
    from: Option<String>,
    /// Surveys sent before this date or RFC 3339 time.
    to: Option<String>,
}

/// CSAT (share of ratings of 4 or 5) and response rate (answered / sent)
/// per agent, team, inbox or channel. Admins and supervisors only.
#[utoipa::path(get, path = "/reports/csat", tag = "surveys", params(CsatQuery),
    responses((status = 200, description = "The report", body = CsatReport),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 422, description = "Invalid parameter")))]
async fn csat_report(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CsatQuery>,
) -> Result<axum::Json<CsatReport>> {
    let date = |field: &str, v: Option<&str>| -> Result<Option<i64>> {
        match v.filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => crate::time::parse_ms(s).map(Some).ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("{field} must be a date like 2026-01-31 or an RFC 3339 time"),
                )
            }),
        }
    };
    let from = date("from", q.from.as_deref())?;
    let to = date("to", q.to.as_deref())?;
    Ok(axum::Json(
        feedback::csat(&st, &auth.0, &q.group_by, from, to).await?,
    ))
}

/// The surveys of a conversation (one per solve), oldest first.
#[utoipa::path(get, path = "/conversations/{id}/surveys", tag = "surveys",
    params(("id" = i64, Path, description = "Conversation id")),
    responses((status = 200, description = "The surveys", body = Page<Survey>),
              (status = 401, description = "No or bad token"),
              (status = 404, description = "No such conversation, or not visible")))]
async fn conversation_surveys(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Page<Survey>>> {
    let items = service::of_conversation(&st, &auth.0, id).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Every editable template in every locale. Admins only.
#[utoipa::path(get, path = "/templates", tag = "surveys",
    responses((status = 200, description = "Templates", body = Page<Template>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin")))]
async fn list_templates(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Page<Template>>> {
    Ok(axum::Json(Page {
        items: templates::list(&st, &auth.0).await?,
        next_cursor: None,
    }))
}

/// One template (the admin's version, else the built-in one). Admins only.
#[utoipa::path(get, path = "/templates/{name}/{locale}", tag = "surveys",
    params(("name" = String, Path, description = "survey_email_subject, survey_email_text or survey_page"),
           ("locale" = String, Path, description = "en, ja, ko, lv or ca")),
    responses((status = 200, description = "The template", body = Template),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such template or locale")))]
async fn get_template(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((name, locale)): ApiPath<(String, String)>,
) -> Result<axum::Json<Template>> {
    Ok(axum::Json(
        templates::get(&st, &auth.0, &name, &locale).await?,
    ))
}

/// `PUT /templates/{name}/{locale}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutTemplate {
    /// minijinja source.
    source: String,
}

/// Replace a template. It must compile and render with example data, or
/// the answer is 422 naming the line. Admins only.
#[utoipa::path(put, path = "/templates/{name}/{locale}", tag = "surveys",
    params(("name" = String, Path, description = "survey_email_subject, survey_email_text or survey_page"),
           ("locale" = String, Path, description = "en, ja, ko, lv or ca")),
    request_body = PutTemplate,
    responses((status = 200, description = "The template", body = Template),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such template or locale"),
              (status = 422, description = "The template does not compile or render")))]
async fn put_template(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((name, locale)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<PutTemplate>,
) -> Result<axum::Json<Template>> {
    Ok(axum::Json(
        templates::put(&st, &auth.0, &name, &locale, b.source).await?,
    ))
}

/// Go back to the built-in template. Admins only.
#[utoipa::path(delete, path = "/templates/{name}/{locale}", tag = "surveys",
    params(("name" = String, Path, description = "survey_email_subject, survey_email_text or survey_page"),
           ("locale" = String, Path, description = "en, ja, ko, lv or ca")),
    responses((status = 200, description = "The built-in template", body = Template),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such template or locale")))]
async fn reset_template(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((name, locale)): ApiPath<(String, String)>,
) -> Result<axum::Json<Template>> {
    Ok(axum::Json(
        templates::reset(&st, &auth.0, &name, &locale).await?,
    ))
}
