//! The agent workspace: server-rendered pages (askama templates in
//! `crates/tend/templates/web/`), strings through Fluent
//! (`crates/tend/locales/`), small hand-written assets (`assets/`), live
//! updates over SSE. Pages call the same domain services as the REST API,
//! with the signed-in agent as the viewer, so access rules are the same.

pub mod account;
pub mod admin;
pub mod auth;
pub mod automations_panel;
mod call_popup;
pub mod charts;
pub mod combine;
mod composer;
pub mod conversation;
mod conversation_controls;
pub mod conversation_side;
pub mod customers;
pub mod dashboard;
pub mod dashboard_filters;
pub mod dashboard_view;
pub mod dashboard_words;
pub mod event_labels;
pub mod form_errors;
pub mod forms;
mod grammar;
pub mod i18n;
pub mod inbox;
pub mod inbox_bulk;
mod inbox_query;
pub mod inbox_words;
pub mod kb_categories;
pub mod kb_editor;
pub mod kb_picker;
pub mod kb_reports;
pub mod kb_translation;
pub mod labels;
pub mod live;
pub mod macro_picker;
pub mod macros;
mod message_body;
pub mod monitor;
pub mod notifications;
pub mod pages;
pub mod people;
pub mod pickers;
pub mod presence;
pub mod problem_page;
pub mod problems;
pub mod radar;
pub mod redirect;
pub mod remedies;
pub mod reply_window;
mod repo;
pub mod reports;
mod saved_views;
pub mod search;
pub mod session;
pub mod side_conversations;
mod signatures;
pub mod signin_limit;
mod sla_alerts;
pub mod sla_cell;
pub mod sla_panel;
pub mod snooze;
pub mod stories;
pub(crate) mod timeline_items;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::state::AppState;

/// The UI's in-memory state on this node.
#[derive(Debug, Default)]
pub struct WebState {
    /// Sign-in attempts per address and account.
    pub login_limiter: signin_limit::LoginLimiter,
    /// Password checks made by sign-ins on this node (each costs the same
    /// Argon2 work, whether or not the address exists); also counted in
    /// `tend_sign_in_password_checks_total`.
    pub password_checks: std::sync::atomic::AtomicU64,
    /// Presence, live fan-out and counts cache.
    pub hub: live::Hub,
}

impl AppState {
    /// The UI's in-memory state on this node.
    pub fn web(&self) -> &WebState {
        self.slots.get()
    }
}

/// The UI routes.
pub fn router(st: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(inbox::page))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/setup/{token}", get(auth::setup_form).post(auth::setup))
        .route("/invite/{token}", get(auth::invite_form).post(auth::invite))
        .route("/account", get(account::account))
        .route("/account/preferences", post(account::save_preferences))
        .route("/account/password", post(account::change_password))
        .route("/bulk", post(inbox_bulk::bulk))
        .route("/views", post(saved_views::save))
        .route("/views/{id}/delete", post(saved_views::delete))
        .route("/ui/counts", get(live::counts_json))
        .route("/live", get(live::stream))
        .route("/c/{id}", get(conversation::page))
        .route("/c/{id}/timeline", get(conversation::timeline))
        .route("/c/{id}/reply", post(conversation::reply))
        .route("/c/{id}/update", post(conversation_controls::update))
        .route("/c/{id}/presence", post(live::presence))
        // The composer (issue 25, item 7).
        .merge(composer::router())
        .merge(signatures::router())
        // Merge, split and link (issue 25).
        .route("/c/{id}/merge", post(combine::merge))
        .route("/c/{id}/links", post(combine::link))
        .route("/c/{id}/side", post(side_conversations::start))
        .route(
            "/c/{id}/side/{side_id}/reply",
            post(side_conversations::reply),
        )
        .route("/c/{id}/links/{other}/remove", post(combine::unlink))
        .route("/c/{id}/m/{mid}/split", post(combine::split))
        .route("/c/{id}/macros/{macro_id}", post(macro_picker::apply))
        .route("/ui/macros", get(macro_picker::picker))
        // The knowledge base at work (issue 21).
        .route("/ui/kb/{id}", get(kb_picker::search))
        .route("/c/{id}/kb-draft", post(kb_picker::draft))
        // Remedies within limits (issue 23).
        .route("/c/{id}/remedies", post(remedies::record))
        .route("/remedies", get(remedies::queue))
        .route("/remedies/{id}/{what}", post(remedies::decide))
        // Problems (issue 23).
        .route("/problems", get(problems::list).post(problems::create))
        .route("/problems/{id}", get(problems::page).post(problems::update))
        .route("/problems/{id}/fix", post(problems::fix))
        .route("/problems/{id}/link", post(problems::link))
        .route("/problems/{id}/unlink", post(problems::unlink))
        .route("/reports/deflection", get(kb_reports::deflection))
        .route("/kb/unhelpful", get(kb_reports::unhelpful))
        // The knowledge-base editor (issue 21).
        .route("/kb", get(kb_editor::list))
        .route("/kb/new", get(kb_editor::new_form).post(kb_editor::create))
        .route(
            "/kb/categories",
            get(kb_categories::list).post(kb_categories::create),
        )
        .route("/kb/categories/{id}", post(kb_categories::update))
        .route("/kb/categories/{id}/delete", post(kb_categories::delete))
        .route(
            "/kb/{id}",
            get(kb_editor::article).post(kb_editor::settings),
        )
        .route(
            "/kb/{id}/revisions/{revision_id}/restore",
            post(kb_editor::restore),
        )
        .route(
            "/kb/{id}/{lang}",
            get(kb_translation::edit).post(kb_translation::save),
        )
        .route("/kb/{id}/{lang}/remove", post(kb_translation::remove))
        .route("/macros", get(macros::list).post(macros::create))
        .route("/macros/new", get(macros::new_form))
        .route("/macros/{id}", get(macros::edit_form).post(macros::update))
        .route("/macros/{id}/delete", post(macros::delete))
        .route("/c/{id}/m/{mid}/body", get(message_body::body))
        .route(
            "/c/{id}/side-mail/{smid}/body",
            get(message_body::side_body),
        )
        // Presence for the router, stories, profiles and reports (issues 7 and 8).
        .route("/ui/presence", post(presence::set))
        .route("/ui/presence/heartbeat", post(presence::heartbeat))
        .route("/stories", get(stories::feed))
        .route("/agents/{id}", get(stories::profile))
        .route("/teams/{id}", get(people::team))
        .route("/reports", get(dashboard::page))
        .route("/reports/csat", get(reports::csat))
        .route("/radar", get(radar::page))
        .route("/radar/{customer_id}/outreach", post(radar::outreach))
        .route("/monitor", get(monitor::page))
        // Search, customers and admin pages (issue 4, ui-admin).
        .route("/search", get(search::page))
        .route("/customers", get(customers::list))
        .route(
            "/customers/{id}",
            get(customers::profile).post(customers::update),
        )
        .route("/customers/{id}/merge", post(customers::merge))
        .route("/admin", get(admin::overview))
        .route(
            "/admin/users",
            get(admin::users::list).post(admin::users::invite),
        )
        .route("/admin/users/{id}/role", post(admin::users::set_role))
        .route("/admin/users/{id}/active", post(admin::users::set_active))
        .route("/admin/users/{id}/invite", post(admin::users::reinvite))
        .route(
            "/admin/teams",
            get(admin::teams::list).post(admin::teams::create),
        )
        .route("/admin/teams/{id}/members", post(admin::teams::add_member))
        .route(
            "/admin/teams/{id}/members/remove",
            post(admin::teams::remove_member),
        )
        .route("/admin/teams/{id}/inboxes", post(admin::teams::grant_inbox))
        .route(
            "/admin/teams/{id}/inboxes/revoke",
            post(admin::teams::revoke_inbox),
        )
        .route(
            "/admin/inboxes",
            get(admin::inboxes::list).post(admin::inboxes::create),
        )
        .route("/admin/inboxes/{id}", post(admin::inboxes::update))
        // Routing in the UI (issue 25, item 9).
        .route("/admin/routing", get(admin::routing::show))
        .route(
            "/admin/routing/inboxes/{id}",
            post(admin::routing::save_rule),
        )
        .route(
            "/admin/routing/agents/{id}",
            get(admin::routing_agent::show).post(admin::routing_agent::save),
        )
        .route(
            "/admin/inboxes/{id}/public",
            get(admin::public::show).post(admin::public::save),
        )
        .route(
            "/admin/tokens",
            get(admin::tokens::list).post(admin::tokens::create),
        )
        .route("/admin/tokens/{id}/revoke", post(admin::tokens::revoke))
        .route("/admin/quarantine", get(admin::quarantine::list))
        .route("/admin/quarantine/bulk", post(admin::quarantine_bulk::bulk))
        .route(
            "/admin/quarantine/{id}/retry",
            post(admin::quarantine::retry),
        )
        .route("/admin/jobs", get(admin::jobs::list))
        .route("/admin/jobs/{job}/{item}/retry", post(admin::jobs::retry))
        .route(
            "/admin/webhooks",
            get(admin::webhooks::list).post(admin::webhooks::create),
        )
        .route("/admin/webhooks/{id}", get(admin::webhooks::show))
        .route("/admin/webhooks/{id}/delete", post(admin::webhooks::delete))
        .route(
            "/admin/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            post(admin::webhooks::redeliver),
        )
        .route(
            "/admin/help-centre",
            get(admin::theme::show).post(admin::theme::save),
        )
        .route("/admin/templates", get(admin::templates::list))
        .route(
            "/admin/templates/{name}/{locale}",
            get(admin::templates::edit).post(admin::templates::save),
        )
        .route(
            "/admin/templates/{name}/{locale}/reset",
            post(admin::templates::reset),
        )
        .route("/admin/automations", get(admin::automations::list))
        .route(
            "/admin/automations/order",
            post(admin::automations::set_order),
        )
        .route(
            "/admin/automations/new",
            get(admin::automations::new_form).post(admin::automations::create),
        )
        .route(
            "/admin/automations/{id}",
            get(admin::automations::edit).post(admin::automations::save),
        )
        .route(
            "/admin/automations/{id}/move",
            post(admin::automations::move_rule),
        )
        .route(
            "/admin/automations/{id}/active",
            post(admin::automations::set_active),
        )
        .route(
            "/admin/automations/{id}/dry-run",
            post(admin::automations::dry_run),
        )
        .route(
            "/admin/automations/{id}/delete",
            get(admin::automations::confirm_delete).post(admin::automations::delete),
        )
        .route("/assets/app.css", get(css))
        .route("/assets/body.css", get(body_css))
        .route("/assets/app.js", get(js))
        .route("/assets/kb_picker.js", get(kb_js))
        // Notifications and snooze (issue 25).
        .merge(notifications::router())
        .route("/assets/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .layer(middleware::from_fn_with_state(
            st.clone(),
            session::csrf_guard,
        ))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
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

async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/app.css"),
    )
}

async fn body_css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/body.css"),
    )
}

async fn kb_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/kb_picker.js"),
    )
}

/// Tend's icon, for browser tabs and bookmarks (`/favicon.ico` too, for
/// browsers that ask there before reading the page).
async fn favicon() -> Response {
    asset("image/svg+xml", include_str!("../../assets/favicon.svg"))
}

async fn js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/app.js"),
    )
}
