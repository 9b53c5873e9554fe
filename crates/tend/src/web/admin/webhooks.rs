//! `/admin/webhooks`: the webhook subscriptions (`crate::webhooks`), add
//! one (URL, event kinds, secret; the secret is never shown again) or
//! remove one, and each subscription's delivery log
//! (`/admin/webhooks/{id}`) with the response codes, the last errors and a
//! Redeliver button. Every post carries the CSRF token like every UI form.
//! Delivery states are named in the admin's language through
//! [`state_key`], an exhaustive `match`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Saved, admin_only};
use crate::Error;
use crate::http::PageParams;
use crate::state::AppState;
use crate::vocab::EventKind;
use crate::web::event_labels::event_kind_key;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::i18n::Tr;
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::session::Agent;
use crate::webhooks::{DeliveryState, WebhookInput, service};

/// The catalogue key of a delivery state.
pub fn state_key(s: DeliveryState) -> &'static str {
    match s {
        DeliveryState::Pending => "webhook-state-pending",
        DeliveryState::Failing => "webhook-state-failing",
        DeliveryState::Delivered => "webhook-state-delivered",
    }
}

/// A delivery state in the viewer's language.
pub fn state_label(tr: &Tr, s: DeliveryState) -> String {
    tr.t(state_key(s))
}

/// A subscription row.
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    /// Its event kinds, by their names in the viewer's language.
    pub events: String,
    pub created: String,
    /// The Delete button's accessible name.
    pub delete_name: String,
}

#[derive(Template)]
#[template(path = "web/admin/webhooks.html")]
struct WebhooksPage {
    c: Chrome,
    hooks: Vec<WebhookView>,
    /// Every event kind, for the checkboxes: (API name, name in words,
    /// checked).
    kinds: Vec<(&'static str, String, bool)>,
    url: String,
    notice: Option<String>,
    /// A mistake no field of the create form shows (a delete's).
    error: Option<String>,
    /// The create form's mistake, beside its field.
    errors: FieldErrors,
}

/// The create form's fields, by the names the service gives them.
const FIELDS: [&str; 3] = ["url", "events", "secret"];

/// The list; after a failed post, with its mistake: beside the create
/// form's field when `form` is that form as typed, else at the top.
async fn page(
    st: &AppState,
    a: &Agent,
    form: Option<&Fields>,
    notice: Option<String>,
    errors: FieldErrors,
) -> Response {
    let all = PageParams {
        limit: Some("200".into()),
        cursor: None,
    };
    let hooks = match service::list(st, &a.viewer, &all).await {
        Ok(p) => p.items,
        Err(e) => return error_page(&a.tr, e),
    };
    let (own, error) = match form {
        Some(_) => (errors.clone(), errors.elsewhere(FIELDS)),
        None => (FieldErrors::none(), errors.message()),
    };
    render_form(
        &errors,
        &WebhooksPage {
            c: Chrome::agent(a, a.tr.t("admin-webhooks"), "admin"),
            hooks: hooks
                .into_iter()
                .map(|w| WebhookView {
                    id: w.id,
                    delete_name: a.tr.s("webhooks-delete-name", "url", &w.url),
                    events: w
                        .events
                        .iter()
                        .map(|&e| a.tr.t(event_kind_key(e)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    url: w.url,
                    created: crate::time::parse_ms(&w.created_at)
                        .map(|ms| a.tr.datetime(ms, &a.tz))
                        .unwrap_or_default(),
                })
                .collect(),
            kinds: EventKind::ALL
                .iter()
                .map(|k| {
                    let on = form.is_some_and(|f| f.events.iter().any(|e| e == k.as_str()));
                    (k.as_str(), a.tr.t(event_kind_key(*k)), on)
                })
                .collect(),
            url: form.map(|f| f.url.clone()).unwrap_or_default(),
            notice,
            error: error.map(str::to_string),
            errors: own,
        },
    )
}

async fn failed(st: &AppState, a: &Agent, form: Option<&Fields>, e: Error) -> Response {
    match FieldErrors::of(&a.tr, e) {
        Ok(errors) => page(st, a, form, None, errors).await,
        Err(e) => error_page(&a.tr, e),
    }
}

/// `GET /admin/webhooks`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(&st, &a, None, s.notice(&a), FieldErrors::none()).await
}

/// The create form's fields (the checkboxes repeat `events`).
#[derive(Debug, Default)]
struct Fields {
    url: String,
    events: Vec<String>,
    secret: String,
}

impl Fields {
    fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        let mut f = Fields::default();
        for (k, v) in pairs {
            match k.as_str() {
                "url" => f.url = v,
                "events" => f.events.push(v),
                "secret" => f.secret = v,
                _ => {}
            }
        }
        f
    }
}

/// `POST /admin/webhooks`
pub async fn create(
    State(st): State<AppState>,
    a: Agent,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let f = Fields::from_pairs(pairs);
    let input = WebhookInput {
        url: f.url.clone(),
        events: f.events.clone(),
        secret: f.secret.clone(),
    };
    match service::create(&st, &a.viewer, input).await {
        Ok(_) => see_other("/admin/webhooks?saved=1"),
        Err(e) => failed(&st, &a, Some(&f), e).await,
    }
}

/// `POST /admin/webhooks/{id}/delete`
pub async fn delete(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match service::delete(&st, &a.viewer, id).await {
        Ok(()) => see_other("/admin/webhooks?saved=1"),
        Err(e) => failed(&st, &a, None, e).await,
    }
}

/// A delivery row.
pub struct DeliveryView {
    pub id: i64,
    pub event_id: i64,
    pub kind: &'static str,
    pub conversation_id: i64,
    /// The state's stored name (a CSS hook) and its words.
    pub state: &'static str,
    pub state_label: String,
    pub attempts: i64,
    /// The last HTTP status, or empty.
    pub code: String,
    pub error: String,
    pub next: String,
    pub delivered: String,
    /// The Redeliver button's accessible name.
    pub redeliver_name: String,
}

#[derive(Template)]
#[template(path = "web/admin/webhook.html")]
struct DeliveriesPage {
    c: Chrome,
    id: i64,
    title: String,
    items: Vec<DeliveryView>,
    /// The cursor of the next (older) page.
    older: Option<String>,
    notice: Option<String>,
    /// A redelivery's mistake (no field: at the top).
    error: Option<String>,
}

/// The query of `GET /admin/webhooks/{id}`.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    /// The delivery just redelivered (its notice is shown).
    redelivered: Option<String>,
    /// Older deliveries: the page's cursor.
    cursor: Option<String>,
}

fn local(a: &Agent, rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(crate::time::parse_ms)
        .map(|ms| a.tr.datetime(ms, &a.tz))
        .unwrap_or_default()
}

async fn log_page(
    st: &AppState,
    a: &Agent,
    id: i64,
    cursor: Option<String>,
    notice: Option<String>,
    errors: FieldErrors,
) -> Response {
    let built = async {
        let hook = service::get(st, &a.viewer, id).await?;
        let page = PageParams {
            limit: Some("50".into()),
            cursor,
        };
        let log = service::deliveries(st, &a.viewer, id, &page).await?;
        Ok::<_, Error>((hook, log))
    }
    .await;
    let (hook, log) = match built {
        Ok(b) => b,
        Err(e) => return error_page(&a.tr, e),
    };
    render_form(
        &errors,
        &DeliveriesPage {
            c: Chrome::agent(a, a.tr.t("admin-webhooks"), "admin"),
            id,
            title: a.tr.s("webhooks-deliveries-title", "url", &hook.url),
            items: log
                .items
                .into_iter()
                .map(|d| DeliveryView {
                    id: d.id,
                    event_id: d.event_id,
                    kind: d.kind.as_str(),
                    conversation_id: d.conversation_id,
                    state: d.status.as_str(),
                    state_label: state_label(&a.tr, d.status),
                    attempts: d.attempts,
                    code: d
                        .last_status_code
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                    error: d.last_error.unwrap_or_default(),
                    next: local(a, d.next_attempt_at.as_deref()),
                    delivered: local(a, d.delivered_at.as_deref()),
                    redeliver_name: a.tr.s("webhooks-redeliver-name", "id", d.id),
                })
                .collect(),
            older: log.next_cursor,
            notice,
            error: errors.message().map(str::to_string),
        },
    )
}

/// `GET /admin/webhooks/{id}`: the delivery log.
pub async fn show(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(q): Query<LogQuery>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let notice = q
        .redelivered
        .as_deref()
        .and_then(|d| d.parse::<i64>().ok())
        .map(|d| a.tr.s("webhooks-redelivered", "id", d));
    let cursor = q.cursor.filter(|c| c.parse::<i64>().is_ok());
    log_page(&st, &a, id, cursor, notice, FieldErrors::none()).await
}

/// `POST /admin/webhooks/{id}/deliveries/{delivery_id}/redeliver`
pub async fn redeliver(
    State(st): State<AppState>,
    a: Agent,
    Path((id, delivery_id)): Path<(i64, i64)>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match service::redeliver(&st, &a.viewer, id, delivery_id).await {
        Ok(_) => see_other(&format!("/admin/webhooks/{id}?redelivered={delivery_id}")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => log_page(&st, &a, id, None, None, errors).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::state_label;
    use crate::web::i18n::Tr;
    use crate::webhooks::DeliveryState;

    #[test]
    fn delivery_states_read_as_words_in_every_locale() {
        let en = Tr::new("en");
        assert_eq!(state_label(&en, DeliveryState::Failing), "Failing");
        for code in ["ja", "ko", "lv", "ca"] {
            let tr = Tr::new(code);
            for &s in DeliveryState::ALL {
                let l = state_label(&tr, s);
                assert_ne!(l, state_label(&en, s), "{code} {s}");
                assert!(!l.contains('⟦'), "{code} {s}");
            }
        }
    }
}
