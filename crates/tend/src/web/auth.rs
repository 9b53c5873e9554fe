//! Sign-in, sign-out, first-run setup and invitations (the agent's own
//! account page is `account.rs`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::Extensions;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use super::i18n::Tr;
use super::pages::{Chrome, error_page, message_page, render, render_status, see_other};
use super::session::{self, Agent};
use crate::agents::access::Viewer;
use crate::agents::model::Role;
use crate::agents::service::NewUser;
use crate::http::ClientIp;
use crate::http::proxy::is_https;
use crate::state::AppState;

fn browser_tr(headers: &HeaderMap) -> Tr {
    Tr::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

pub(crate) use super::redirect::safe_next;

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`
pub async fn login_form(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let tr = browser_tr(&headers);
    render(&LoginPage {
        c: Chrome::public(&tr, tr.t("sign-in-title")),
        next: safe_next(q.next.as_deref()),
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`. The attempt is counted before the password is checked
/// (per client address and per account, see `web::signin_limit::LoginLimiter`).
pub async fn login(
    State(st): State<AppState>,
    headers: HeaderMap,
    ext: Extensions,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> Response {
    let tr = browser_tr(&headers);
    let now = st.clock.now_ms();
    let page = |status, error: String| {
        render_status(
            status,
            &LoginPage {
                c: Chrome::public(&tr, tr.t("sign-in-title")),
                next: safe_next(f.next.as_deref()),
                email: f.email.clone(),
                error: Some(error),
            },
        )
    };
    let Some(attempt) = st.web().login_limiter.begin(ip, &f.email, now) else {
        tracing::info!(%ip, "sign-in refused: too many attempts");
        return page(StatusCode::TOO_MANY_REQUESTS, tr.t("sign-in-rate-limited"));
    };
    match crate::agents::service::verify_login(&st, &f.email, &f.password).await {
        Ok(Some(user)) => {
            st.web().login_limiter.succeeded(attempt);
            let https = is_https(&st, &ext, &headers);
            signed_in(&st, user.id, &safe_next(f.next.as_deref()), https).await
        }
        Ok(None) => {
            tracing::info!(%ip, "sign-in failed");
            page(StatusCode::UNAUTHORIZED, tr.t("sign-in-failed"))
        }
        Err(e) => error_page(&tr, e),
    }
}

/// `POST /logout`: signing out means leaving, so the agent goes offline
/// first: the router sends them nothing more, and their unsolved chats go
/// back to the queue for someone who is there. (Email conversations stay
/// theirs.) Should that fail, the agent is still signed out.
pub async fn logout(State(st): State<AppState>, headers: HeaderMap, ext: Extensions) -> Response {
    // `csrf_guard` put the agent here when the session was live.
    if let Some(a) = ext.get::<Agent>()
        && let Err(e) =
            crate::routing::service::set_presence(&st, &a.viewer, crate::routing::Presence::Offline)
                .await
    {
        tracing::warn!(user_id = a.id, error = %e, "could not set the agent offline at sign-out");
    }
    if let Some(secret) = session::cookie_value(&headers)
        && let Err(e) = session::end(&st, &secret).await
    {
        return error_page(&browser_tr(&headers), e);
    }
    let mut resp = see_other("/login");
    resp.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(is_https(&st, &ext, &headers), None),
    );
    resp
}

#[derive(Template)]
#[template(path = "web/setup.html")]
struct SetupPage {
    c: Chrome,
    /// `setup` (first admin) or `invite` (set a password).
    purpose: &'static str,
    action: String,
    name: String,
    email: String,
    error: Option<String>,
}

/// How long the first-run setup link stays valid.
const SETUP_TTL_MS: i64 = 24 * 3600 * 1000;
/// How long an invitation stays valid.
pub const INVITE_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// At start-up without an admin: a fresh one-time setup link.
pub async fn setup_link(st: &AppState, base: &str) -> crate::Result<String> {
    let secret = session::new_link(st, "setup", None, SETUP_TTL_MS).await?;
    Ok(format!("{}/setup/{secret}", base.trim_end_matches('/')))
}

/// `GET /setup/{token}`
pub async fn setup_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let tr = browser_tr(&headers);
    match session::check_link(&st, &token, "setup").await {
        Ok(_) => render(&SetupPage {
            c: Chrome::public(&tr, tr.t("setup-title")),
            purpose: "setup",
            action: format!("/setup/{}", session::url_encode(&token)),
            name: String::new(),
            email: String::new(),
            error: None,
        }),
        Err(_) => link_gone(&tr),
    }
}

fn link_gone(tr: &Tr) -> Response {
    message_page(
        tr,
        StatusCode::NOT_FOUND,
        &tr.t("link-gone-title"),
        &tr.t("link-gone"),
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    name: Option<String>,
    email: Option<String>,
    password: String,
    password2: String,
}

/// `POST /setup/{token}`: creates the first admin and signs them in. The
/// link works only while no admin exists.
pub async fn setup(
    State(st): State<AppState>,
    headers: HeaderMap,
    ext: Extensions,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> Response {
    let tr = browser_tr(&headers);
    if session::check_link(&st, &token, "setup").await.is_err() {
        return link_gone(&tr);
    }
    let again = |error: String| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                c: Chrome::public(&tr, tr.t("setup-title")),
                purpose: "setup",
                action: format!("/setup/{}", session::url_encode(&token)),
                name: f.name.clone().unwrap_or_default(),
                email: f.email.clone().unwrap_or_default(),
                error: Some(error),
            },
        )
    };
    if f.password != f.password2 {
        return again(tr.t("password-mismatch"));
    }
    if let Err(e) = crate::agents::password::check_strength(&f.password) {
        return again(e.to_string());
    }
    let new = NewUser {
        email: f.email.clone().unwrap_or_default(),
        name: f.name.clone().unwrap_or_default(),
        role: Role::Admin,
        password: Some(f.password.clone()),
    };
    // Spend the link first, so that two racing posts create one admin.
    let now = st.clock.now_ms();
    let tok = token.clone();
    if st
        .db
        .write(move |c| Box::pin(async move { session::use_link_in(c, &tok, "setup", now).await }))
        .await
        .is_err()
    {
        return link_gone(&tr);
    }
    let user = match crate::agents::service::create_user(&st, &Viewer::system(), new).await {
        Ok(u) => u,
        Err(e) => {
            // The link was spent; print a new one so the admin can retry.
            if let Ok(url) = setup_link(&st, &public_base(&st, &ext, &headers)).await {
                tracing::warn!("the setup failed ({e}); a new one-time setup link: {url}");
            }
            return again(e.to_string());
        }
    };
    signed_in(&st, user.id, "/", is_https(&st, &ext, &headers)).await
}

/// Starts a session and sends the browser on to `to` with its cookie.
async fn signed_in(st: &AppState, user_id: i64, to: &str, https: bool) -> Response {
    match session::start(st, user_id).await {
        Ok(secret) => {
            let mut resp = see_other(to);
            resp.headers_mut().insert(
                header::SET_COOKIE,
                session::set_cookie(https, Some(&secret)),
            );
            resp
        }
        Err(e) => error_page(&Tr::new("en"), e),
    }
}

/// The base URL for links: the configured public URL, else this request's
/// host, over https when the client's connection is (a trusted proxy says
/// so, see `http::proxy`).
pub fn public_base(st: &AppState, ext: &Extensions, headers: &HeaderMap) -> String {
    if let Some(u) = &st.config.public_url {
        return u.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if is_https(st, ext, headers) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// `GET /invite/{token}`: an invited agent chooses a password.
pub async fn invite_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let tr = browser_tr(&headers);
    match session::check_link(&st, &token, "invite").await {
        Ok(Some(uid)) => {
            let user = crate::agents::service::get_user(&st, uid).await;
            let (name, email) = user.map(|u| (u.name, u.email)).unwrap_or_default();
            render(&SetupPage {
                c: Chrome::public(&tr, tr.t("invite-title")),
                purpose: "invite",
                action: format!("/invite/{}", session::url_encode(&token)),
                name,
                email,
                error: None,
            })
        }
        _ => link_gone(&tr),
    }
}

/// `POST /invite/{token}`: sets the password (an invitation, or a new
/// link for a forgotten one). Using the link ends every other session of
/// the user.
pub async fn invite(
    State(st): State<AppState>,
    headers: HeaderMap,
    ext: Extensions,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> Response {
    let tr = browser_tr(&headers);
    let Ok(Some(_)) = session::check_link(&st, &token, "invite").await else {
        return link_gone(&tr);
    };
    if f.password != f.password2 {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                c: Chrome::public(&tr, tr.t("invite-title")),
                purpose: "invite",
                action: format!("/invite/{}", session::url_encode(&token)),
                name: String::new(),
                email: String::new(),
                error: Some(tr.t("password-mismatch")),
            },
        );
    }
    let hash = match crate::agents::password::hash(&f.password).await {
        Ok(h) => h,
        Err(e) => {
            return message_page(
                &tr,
                StatusCode::UNPROCESSABLE_ENTITY,
                &tr.t("error-invalid-title"),
                &e.to_string(),
            );
        }
    };
    let now = st.clock.now_ms();
    let tok = token.clone();
    let done = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let Some(uid) = session::use_link_in(c, &tok, "invite", now).await? else {
                    return Err(crate::Error::NotFound("link"));
                };
                crate::agents::password::set_hash_in(c, uid, &hash).await?;
                Ok(uid)
            })
        })
        .await;
    let Ok(uid) = done else {
        return link_gone(&tr);
    };
    st.web().hub.access_changed();
    signed_in(&st, uid, "/", is_https(&st, &ext, &headers)).await
}
