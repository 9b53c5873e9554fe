//! Notifications in the workspace: the list (`/notifications`: read and
//! unread, open one, mark read, mark all read), the preferences
//! (`/notifications/preferences`: per kind, the workspace and mail; the
//! chat tone), the snooze form's route, and the live stream's
//! `notification` events (`live_event`), which `assets/notify.js` turns
//! into the bell's count, a browser notification and the tone.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::i18n::Tr;
use super::pages::{Chrome, error_page, render, see_other};
use super::session::Agent;
use crate::notifications::words::{kind_key, line};
use crate::notifications::{Delivery, NotificationKind, Notified, service};
use crate::state::AppState;

/// The routes of notifications and snooze in the workspace (under the
/// workspace's CSRF guard).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read-all", post(read_all))
        .route(
            "/notifications/preferences",
            get(preferences).post(save_preferences),
        )
        .route("/notifications/{id}/open", get(open))
        .route("/notifications/{id}/read", post(read))
        .route("/c/{id}/snooze", post(super::snooze::snooze))
        .route("/assets/notify.js", get(js))
}

/// One line of the list.
pub struct Line {
    id: i64,
    text: String,
    excerpt: String,
    when: String,
    unread: bool,
    kind: &'static str,
}

#[derive(Template)]
#[template(path = "web/notifications.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    unread_only: bool,
    next: String,
}

/// `?unread=1`, `?before=ID`.
#[derive(Deserialize)]
pub struct ListQuery {
    unread: Option<String>,
    before: Option<i64>,
}

/// Lines shown per page.
const PAGE: i64 = 50;

/// `GET /notifications`
pub async fn list(State(st): State<AppState>, a: Agent, Query(q): Query<ListQuery>) -> Response {
    let unread_only = q
        .unread
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "0");
    let page = match service::list(&st, &a.viewer, unread_only, q.before, PAGE).await {
        Ok(p) => p,
        Err(e) => return error_page(&a.tr, e),
    };
    let next = page.next_cursor.map_or_else(String::new, |cur| {
        format!(
            "/notifications?before={cur}{}",
            if unread_only { "&unread=1" } else { "" }
        )
    });
    let lines = page
        .items
        .into_iter()
        .map(|n| Line {
            id: n.id,
            text: line(
                &a.tr,
                n.kind,
                n.actor_name.as_deref(),
                n.conversation_id,
                &n.subject,
            ),
            excerpt: n.excerpt,
            when: crate::time::parse_ms(&n.created_at)
                .map(|ms| a.tr.datetime(ms, &a.tz))
                .unwrap_or_default(),
            unread: n.read_at.is_none(),
            kind: n.kind.as_str(),
        })
        .collect();
    render(&ListPage {
        c: Chrome::agent(&a, a.tr.t("notifications-title"), "notifications"),
        lines,
        unread_only,
        next,
    })
}

/// `GET /notifications/{id}/open`: marks it read and opens its
/// conversation.
pub async fn open(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    let conv = match one(&st, &a, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&a.tr, e),
    };
    match service::mark_read(&st, &a.viewer, id).await {
        Ok(_) => see_other(&format!("/c/{conv}")),
        Err(e) => error_page(&a.tr, e),
    }
}

/// The conversation of the agent's notification `id` (404 when not theirs).
async fn one(st: &AppState, a: &Agent, id: i64) -> crate::Result<i64> {
    service::conversation_of(st, &a.viewer, id).await
}

/// `POST /notifications/{id}/read`
pub async fn read(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    match service::mark_read(&st, &a.viewer, id).await {
        Ok(_) => see_other("/notifications"),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /notifications/read-all`
pub async fn read_all(State(st): State<AppState>, a: Agent) -> Response {
    match service::mark_all_read(&st, &a.viewer, None).await {
        Ok(_) => see_other("/notifications"),
        Err(e) => error_page(&a.tr, e),
    }
}

/// One kind's row of the preferences form.
pub struct KindRow {
    kind: &'static str,
    label: String,
    web: bool,
    mail: bool,
}

#[derive(Template)]
#[template(path = "web/notification_prefs.html")]
struct PrefsPage {
    c: Chrome,
    rows: Vec<KindRow>,
    sound: bool,
    saved: bool,
}

/// `?saved=1` after a save.
#[derive(Deserialize)]
pub struct PrefsQuery {
    saved: Option<String>,
}

/// `GET /notifications/preferences`
pub async fn preferences(
    State(st): State<AppState>,
    a: Agent,
    Query(q): Query<PrefsQuery>,
) -> Response {
    let p = match service::preferences(&st, &a.viewer).await {
        Ok(p) => p,
        Err(e) => return error_page(&a.tr, e),
    };
    let rows = NotificationKind::ALL
        .iter()
        .map(|k| {
            let d = p.kinds.get(k).copied().unwrap_or(Delivery::DEFAULT);
            KindRow {
                kind: k.as_str(),
                label: a.tr.t(kind_key(*k)),
                web: d.web,
                mail: d.mail,
            }
        })
        .collect();
    render(&PrefsPage {
        c: Chrome::agent(&a, a.tr.t("notifications-preferences"), "notifications"),
        rows,
        sound: p.sound,
        saved: q.saved.is_some(),
    })
}

/// `POST /notifications/preferences`: checkboxes `web-<kind>`,
/// `mail-<kind>` and `sound` (an unchecked box is absent).
pub async fn save_preferences(
    State(st): State<AppState>,
    a: Agent,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let has = |name: String| form.iter().any(|(k, _)| *k == name);
    let kinds = NotificationKind::ALL
        .iter()
        .map(|k| {
            let d = Delivery {
                web: has(format!("web-{}", k.as_str())),
                mail: has(format!("mail-{}", k.as_str())),
            };
            (k.as_str().to_string(), d)
        })
        .collect();
    let input = crate::notifications::model::PreferencesInput {
        kinds,
        sound: Some(has("sound".into())),
    };
    match service::set_preferences(&st, &a.viewer, input).await {
        Ok(_) => see_other("/notifications/preferences?saved=1"),
        Err(e) => error_page(&a.tr, e),
    }
}

/// The live stream's `notification` event for agent `me` of a new
/// notification, when it is theirs: the unread count, the line in their
/// language, and whether to sound the tone.
pub(super) async fn live_event(
    st: &AppState,
    me: i64,
    tr: &Tr,
    n: &Notified,
) -> crate::Result<Option<Value>> {
    if n.user_id != me {
        return Ok(None);
    }
    let Some(item) = service::get_one(st, me, n.id).await? else {
        return Ok(None);
    };
    let unread = service::unread(st, me).await?;
    let sound = n.kind.is_chat() && service::sound_of(st, me).await?;
    let text = line(
        tr,
        item.kind,
        item.actor_name.as_deref(),
        item.conversation_id,
        &item.subject,
    );
    Ok(Some(json!({
        "id": n.id,
        "kind": n.kind,
        "conversation_id": n.conversation_id,
        "unread": unread,
        "text": text,
        "sound": sound,
        "title": tr.t("notifications-title"),
    })))
}

async fn js() -> Response {
    let mut r = include_str!("../../assets/notify.js").into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}
