//! Browser sessions: the cookie, the signed-in agent extractor, CSRF
//! checks, and the login rate limiter.
//!
//! - The cookie `tend_session` holds a random secret; the database keeps only
//!   its SHA-256. It is `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure`
//!   when the public URL is https.
//! - Every state-changing request (any method but GET/HEAD) must come from
//!   Tend's own origin (`Origin`, else `Sec-Fetch-Site`) and, once signed in,
//!   carry the session's CSRF token (form field `_csrf`, query `_csrf` for
//!   multipart uploads, or header `X-CSRF-Token`).

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::i18n::Tr;
use super::repo;
use crate::agents::access::Viewer;
use crate::agents::model::Role;
use crate::agents::service::{random_token, token_hash};
use crate::routing::Presence;
use crate::state::AppState;
use crate::{Error, Result};

/// The session cookie's name.
pub const COOKIE: &str = "tend_session";
/// Sessions end after this long without a request.
const IDLE_MS: i64 = 14 * 24 * 3600 * 1000;
/// `last_seen_at` is written at most this often (reads stay reads).
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// The signed-in agent of a UI request.
#[derive(Debug, Clone)]
pub struct Agent {
    /// For the domain services.
    pub viewer: Viewer,
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// This session's CSRF token.
    pub csrf: String,
    /// The agent's locale.
    pub tr: Tr,
    /// The agent's timezone (IANA name).
    pub tz: String,
    /// The agent's chosen locale, if any (None follows the browser).
    pub language: Option<String>,
    /// The agent's presence for the router, shown in every page's header.
    pub presence: Presence,
    /// Unread notifications (the header's bell).
    pub unread: i64,
    /// The page being shown (path and query) on a GET, so that a form in the
    /// header can come back to it; empty otherwise.
    pub here: String,
}

impl Agent {
    /// Whether the agent is an admin.
    pub fn is_admin(&self) -> bool {
        self.viewer.role == Role::Admin
    }
}

/// The session secret from the request's cookies.
pub fn cookie_value(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

/// The value of the request's cookie `name` (the agents' session, the
/// customer portal's).
pub fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The `Set-Cookie` value for a new session (or, with `None`, one that
/// clears it). `Secure` when the client's connection is https: the public
/// URL is https, or a trusted proxy says so (`http::proxy::is_https`).
pub fn set_cookie(https: bool, value: Option<&str>) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    let s = match value {
        Some(v) => format!(
            "{COOKIE}={v}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            IDLE_MS / 1000
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&s)
        .unwrap_or_else(|_| HeaderValue::from_static("tend_session=; Max-Age=0"))
}

/// Starts a session for `user_id`; returns the cookie secret.
pub async fn start(st: &AppState, user_id: i64) -> Result<String> {
    let secret = random_token("s_");
    let csrf = random_token("");
    let now = st.clock.now_ms();
    let hash = token_hash(&secret);
    st.db
        .write(move |c| {
            Box::pin(async move {
                repo::delete_expired_sessions(c, now).await?;
                repo::insert_session(c, &hash, user_id, &csrf, now, now + IDLE_MS).await
            })
        })
        .await?;
    Ok(secret)
}

/// Ends the session with this cookie secret.
pub async fn end(st: &AppState, secret: &str) -> Result<()> {
    let hash = token_hash(secret);
    st.db
        .write(move |c| Box::pin(async move { repo::delete_session(c, &hash).await }))
        .await?;
    st.web().hub.access_changed();
    Ok(())
}

/// Who a session signs in now (role and active read again), without
/// touching it; `None` once it has ended, expired, or its user was
/// deactivated. Live streams call it to re-check.
pub async fn viewer_of(st: &AppState, secret: &str) -> Result<Option<Viewer>> {
    let row = {
        let mut c = st.db.pool().acquire().await?;
        repo::session(&mut c, &token_hash(secret)).await?
    };
    match row {
        Some(row) if is_live(&row, st.clock.now_ms()) => Ok(Some(Viewer {
            user_id: Some(row.user_id),
            role: Role::parse(&row.role)?,
            name: row.name,
        })),
        _ => Ok(None),
    }
}

/// Whether a session row still signs its user in.
fn is_live(row: &repo::SessionRow, now: i64) -> bool {
    row.expires_at >= now && row.active != 0
}

/// The agent signed in with this cookie secret, if the session is live.
pub async fn lookup(st: &AppState, secret: &str, headers: &HeaderMap) -> Result<Option<Agent>> {
    let hash = token_hash(secret);
    let (row, presence, unread) = {
        let mut c = st.db.pool().acquire().await?;
        let Some(row) = repo::session(&mut c, &hash).await? else {
            return Ok(None);
        };
        let presence = crate::routing::service::presence_in(&mut c, row.user_id).await?;
        let unread = crate::notifications::service::unread_in(&mut c, row.user_id).await?;
        (row, presence, unread)
    };
    let now = st.clock.now_ms();
    if !is_live(&row, now) {
        return Ok(None);
    }
    if now - row.last_seen_at > TOUCH_EVERY_MS {
        let h = hash.clone();
        st.db
            .write(move |c| {
                Box::pin(async move { repo::touch_session(c, &h, now, now + IDLE_MS).await })
            })
            .await?;
    }
    let role = Role::parse(&row.role)?;
    let tr = match row.language.as_deref() {
        Some(l) => Tr::new(l),
        None => Tr::from_accept_language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    };
    Ok(Some(Agent {
        viewer: Viewer {
            user_id: Some(row.user_id),
            role,
            name: row.name.clone(),
        },
        id: row.user_id,
        name: row.name,
        email: row.email,
        csrf: row.csrf_token,
        tr,
        tz: row.timezone.unwrap_or_else(|| "UTC".into()),
        language: row.language,
        presence,
        unread,
        here: String::new(),
    }))
}

/// Redirect to the sign-in page, remembering where the agent was going.
pub fn to_login(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let target = format!("/login?next={}", url_encode(next));
    super::redirect::see_other(&target)
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl FromRequestParts<AppState> for Agent {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        st: &AppState,
    ) -> std::result::Result<Self, Response> {
        if let Some(a) = parts.extensions.get::<Agent>() {
            return Ok(a.clone());
        }
        let Some(secret) = cookie_value(&parts.headers) else {
            return Err(to_login(parts));
        };
        match lookup(st, &secret, &parts.headers).await {
            Ok(Some(mut a)) => {
                if parts.method == Method::GET {
                    a.here = parts
                        .uri
                        .path_and_query()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default();
                }
                parts.extensions.insert(a.clone());
                Ok(a)
            }
            Ok(None) => Err(to_login(parts)),
            Err(e) => Err(super::pages::error_page(&Tr::new("en"), e)),
        }
    }
}

/// Whether the request comes from Tend's own pages: the `Origin` header (or
/// the older `Referer`) names this host, or `Sec-Fetch-Site` says
/// same-origin. Requests without any of them (non-browser clients) pass;
/// they cannot carry a victim's cookies cross-site.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = |v: &str| {
        url::Url::parse(v).ok().map(|u| match u.port() {
            Some(p) => format!("{}:{p}", u.host_str().unwrap_or("")),
            None => u.host_str().unwrap_or("").to_string(),
        })
    };
    if let Some(o) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return o != "null" && origin_host(o).is_some_and(|h| h.eq_ignore_ascii_case(host));
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    if let Some(r) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        return origin_host(r).is_some_and(|h| h.eq_ignore_ascii_case(host));
    }
    true
}

/// Middleware for the UI routes: state-changing requests must be same-origin
/// and, with a session, carry its CSRF token. Urlencoded bodies are read (up
/// to the route's form limit) to find `_csrf` and handed on unchanged.
pub async fn csrf_guard(
    axum::extract::State(st): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let tr = Tr::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    if !same_origin(req.headers()) {
        return forbidden(&tr);
    }
    let Some(secret) = cookie_value(req.headers()) else {
        // Not signed in: only the sign-in and setup forms may be posted.
        return next.run(req).await;
    };
    let agent = match lookup(&st, &secret, req.headers()).await {
        Ok(Some(a)) => a,
        Ok(None) => return next.run(req).await,
        Err(e) => return super::pages::error_page(&tr, e),
    };
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned())
    });
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (req, from_form) = if from_header.is_none() && from_query.is_none() && is_form {
        let limit = crate::http::limits::limit_for(
            req.extensions()
                .get::<axum::extract::MatchedPath>()
                .map_or("", |m| m.as_str()),
            "application/x-www-form-urlencoded",
            &st.config,
        );
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
        };
        let token = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned());
        (
            Request::from_parts(parts, axum::body::Body::from(bytes)),
            token,
        )
    } else {
        (req, None)
    };
    let given = from_header.or(from_query).or(from_form);
    if given.as_deref() != Some(agent.csrf.as_str()) {
        return forbidden(&agent.tr);
    }
    let mut req = req;
    req.extensions_mut().insert(agent);
    next.run(req).await
}

fn forbidden(tr: &Tr) -> Response {
    super::pages::message_page(
        tr,
        StatusCode::FORBIDDEN,
        &tr.t("error-forbidden-title"),
        &tr.t("error-csrf"),
    )
}

/// Hashes and stores a new password; ends the user's other sessions.
pub async fn change_password(
    st: &AppState,
    user_id: i64,
    new_password: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    let hash = crate::agents::password::hash(new_password).await?;
    let keep = keep_session.map(token_hash);
    st.db
        .write(move |c| {
            Box::pin(async move {
                crate::agents::password::set_hash_in(c, user_id, &hash).await?;
                repo::delete_user_sessions(c, user_id, keep.as_deref()).await
            })
        })
        .await?;
    st.web().hub.access_changed();
    Ok(())
}

/// Checks the current password of a user.
pub async fn check_password(st: &AppState, user_id: i64, password: &str) -> Result<bool> {
    let hash = {
        let mut c = st.db.pool().acquire().await?;
        repo::password_hash(&mut c, user_id).await?
    };
    Ok(crate::agents::password::verify(password, hash.as_deref()).await)
}

/// Makes a one-time link token of `purpose` valid for `ttl_ms`; returns the
/// secret. Older unused links of the same purpose (for the same user) stop
/// working: only the newest link a person was given opens anything.
pub async fn new_link(
    st: &AppState,
    purpose: &'static str,
    user_id: Option<i64>,
    ttl_ms: i64,
) -> Result<String> {
    let secret = random_token("");
    let hash = token_hash(&secret);
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                repo::expire_links(c, purpose, user_id, now).await?;
                repo::insert_link(c, &hash, purpose, user_id, now, now + ttl_ms).await
            })
        })
        .await?;
    Ok(secret)
}

/// A live, unused link of `purpose`, or `NotFound`. A setup link works only
/// while no admin exists.
pub async fn check_link(st: &AppState, secret: &str, purpose: &str) -> Result<Option<i64>> {
    let mut c = st.db.pool().acquire().await?;
    let row = repo::link(&mut c, &token_hash(secret)).await?;
    match row {
        Some(l)
            if l.purpose == purpose && l.used_at.is_none() && l.expires_at > st.clock.now_ms() =>
        {
            if purpose == "setup" && crate::agents::service::has_admin_in(&mut c).await? {
                return Err(Error::NotFound("link"));
            }
            Ok(l.user_id)
        }
        _ => Err(Error::NotFound("link")),
    }
}

/// Spends a link inside a write; fails if it was used meanwhile (or, for
/// a setup link, if an admin exists by now). Spending a link that belongs
/// to a user ends all of that user's sessions: whoever held them, the
/// person with the link is the one who sets the password now.
pub(crate) async fn use_link_in(
    c: &mut sqlx::AnyConnection,
    secret: &str,
    purpose: &str,
    now: i64,
) -> Result<Option<i64>> {
    let hash = token_hash(secret);
    let Some(link) = repo::link(c, &hash).await? else {
        return Err(Error::NotFound("link"));
    };
    if link.purpose != purpose
        || link.expires_at <= now
        || (purpose == "setup" && crate::agents::service::has_admin_in(c).await?)
        || !repo::use_link(c, &hash, now).await?
    {
        return Err(Error::NotFound("link"));
    }
    // Other unused links of the same kind stop working too.
    repo::expire_links(c, purpose, link.user_id, now).await?;
    if let Some(uid) = link.user_id {
        repo::delete_user_sessions(c, uid, None).await?;
    }
    Ok(link.user_id)
}

/// Saves the agent's locale and timezone.
pub async fn set_preferences(
    st: &AppState,
    user_id: i64,
    language: Option<String>,
    timezone: Option<String>,
) -> Result<()> {
    st.db
        .write(move |c| {
            Box::pin(async move {
                repo::set_preferences(c, user_id, language.as_deref(), timezone.as_deref()).await
            })
        })
        .await
}
