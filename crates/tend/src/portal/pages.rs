//! The portal's handlers: thin, in the page's language (`?lang=`, else the
//! session's, else the browser's), merged beside the agent UI like the
//! contact form and the survey pages (the UI's `csrf_guard` does not
//! apply; the portal checks its own).
//!
//! - `GET /help/portal`: the sign-in form, or, signed in, the customer's
//!   conversations; `POST /help/portal/link` asks for a link.
//! - `GET /help/portal/signin/{token}` changes nothing (mail scanners open
//!   every link): it shows one button, whose `POST` spends the link and
//!   starts the session.
//! - `GET /help/portal/conversations/{id}` (and its files), `POST …/reply`
//!   (multipart, with files), `POST …/confirm`, `POST /help/portal/signout`.
//!
//! Every `POST` refuses what a browser marks as coming from another site;
//! those made while signed in must also carry the session's CSRF token
//! (`_csrf`). Another customer's conversation answers 404, like one that
//! does not exist.

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::state::AppState;
use crate::web::i18n::{LOCALES_SUPPORTED, Tr};
use crate::{Error, Result};

use super::model::status_key;
use super::render::{self, Frame, Item, ListPage, NoticePage, OpenLinkPage, SignInPage};
use super::service::{self, Asked, Session};
use super::{conversation, cookie, model};

pub(super) const HOME: &str = "/help/portal";

/// The portal's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(HOME, get(home))
        .route("/help/portal/link", post(ask))
        .route("/help/portal/signin/{token}", get(open_link).post(use_link))
        .route("/help/portal/signout", post(sign_out))
        .route("/help/portal/conversations/{id}", get(conversation::show))
        .route(
            "/help/portal/conversations/{id}/reply",
            post(conversation::reply),
        )
        .route(
            "/help/portal/conversations/{id}/confirm",
            post(conversation::confirm),
        )
        .route(
            "/help/portal/conversations/{id}/files/{file}",
            get(conversation::file),
        )
}

/// A query parameter.
pub(super) fn param(query: Option<&str>, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The page's language: asked for, else the session's, else the browser's.
pub(super) fn tr_for(asked: Option<&str>, session: Option<&Session>, headers: &HeaderMap) -> Tr {
    let known = |l: &str| LOCALES_SUPPORTED.iter().find(|c| **c == l).copied();
    match asked
        .and_then(known)
        .or_else(|| session.and_then(|s| s.language.as_deref()).and_then(known))
    {
        Some(code) => Tr::new(code),
        None => Tr::from_accept_language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    }
}

/// The session of the request's cookie, if it is live.
pub(super) async fn signed_in(st: &AppState, headers: &HeaderMap) -> Result<Option<Session>> {
    match cookie::value(headers) {
        Some(secret) => service::session(st, &secret).await,
        None => Ok(None),
    }
}

pub(super) fn see_other(to: &str) -> Response {
    crate::web::redirect::see_other(to)
}

/// A one-message page.
fn notice(
    f: &Frame,
    status: StatusCode,
    outcome: &'static str,
    title: &str,
    text: String,
) -> Response {
    let back = Some((f.here(HOME), f.tr.t("portal-back")));
    let title = f.tr.t(title);
    render::page(
        status,
        &NoticePage {
            f,
            title,
            outcome,
            text,
            reference: None,
            back,
        },
    )
}

pub(super) fn failed(f: &Frame, e: &Error) -> Response {
    tracing::error!(error = %e, "portal page failed");
    notice(
        f,
        StatusCode::INTERNAL_SERVER_ERROR,
        "error",
        "portal-error-title",
        f.tr.t("portal-error"),
    )
}

pub(super) fn forbidden(f: &Frame) -> Response {
    notice(
        f,
        StatusCode::FORBIDDEN,
        "forbidden",
        "portal-forbidden-title",
        f.tr.t("portal-forbidden"),
    )
}

/// The same page for a conversation that is someone else's and one that
/// does not exist (so no part of it names the address asked for).
pub(super) fn not_found(f: &Frame) -> Response {
    let f = Frame {
        path: HOME.to_string(),
        ..f.clone()
    };
    notice(
        &f,
        StatusCode::NOT_FOUND,
        "not-found",
        "portal-not-found-title",
        f.tr.t("portal-not-found"),
    )
}

/// `GET /help/portal`
async fn home(State(st): State<AppState>, req: Request) -> Response {
    let headers = req.headers();
    let lang = param(req.uri().query(), "lang");
    let session = match signed_in(&st, headers).await {
        Ok(s) => s,
        Err(e) => {
            return failed(
                &Frame::new(&st, tr_for(lang.as_deref(), None, headers), HOME).await,
                &e,
            );
        }
    };
    let f = Frame::new(
        &st,
        tr_for(lang.as_deref(), session.as_ref(), headers),
        HOME,
    )
    .await;
    let Some(session) = session else {
        let title = f.tr.t("portal-signin-title");
        return render::page(
            StatusCode::OK,
            &SignInPage {
                f: &f,
                title,
                email: String::new(),
                error: None,
            },
        );
    };
    let convs = match service::conversations_of(&st, session.customer_id).await {
        Ok(c) => c,
        Err(e) => return failed(&f, &e),
    };
    let items = convs
        .into_iter()
        .map(|c| Item {
            id: c.id,
            href: f.here(&format!("/help/portal/conversations/{}", c.id)),
            subject: c.subject,
            status: c.status.as_str(),
            status_label: f.tr.t(status_key(c.status)),
            updated: c.updated_at.chars().take(10).collect(),
        })
        .collect();
    let title = f.tr.t("portal-title");
    render::page(
        StatusCode::OK,
        &ListPage {
            f: &f,
            title,
            csrf: session.csrf,
            items,
        },
    )
}

/// `POST /help/portal/link`
async fn ask(State(st): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let client = crate::http::proxy::client_of(&st, req.extensions(), &headers).ip;
    let mut f = Frame::new(&st, tr_for(None, None, &headers), HOME).await;
    if crate::surveys::pages::from_another_site(&headers) {
        return forbidden(&f);
    }
    let body = match crate::http::extract::read_body(req, crate::http::limits::FORM_LIMIT).await {
        Ok(b) => b,
        Err(e) => return failed(&f, &e),
    };
    let (mut email, mut lang) = (String::new(), None);
    for (k, v) in url::form_urlencoded::parse(&body) {
        match &*k {
            "email" => email = v.into_owned(),
            "lang" => lang = Some(v.into_owned()),
            _ => {}
        }
    }
    f.tr = tr_for(lang.as_deref(), None, &headers);
    match service::ask_for_link(&st, &email, f.tr.code(), client).await {
        Ok(Asked::Taken) => {
            let text = f.tr.args(
                "portal-link-sent",
                &[
                    ("to", email.trim().to_lowercase().into()),
                    ("minutes", (model::LINK_TTL_MS / 60_000).into()),
                ],
            );
            notice(
                &f,
                StatusCode::OK,
                "link-sent",
                "portal-link-sent-title",
                text,
            )
        }
        Ok(Asked::RateLimited) => {
            let mut resp = notice(
                &f,
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "portal-rate-limited-title",
                f.tr.t("portal-rate-limited"),
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
            resp
        }
        Err(Error::Invalid { .. }) => {
            let title = f.tr.t("portal-signin-title");
            let error = Some(f.tr.t("portal-error-email"));
            render::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SignInPage {
                    f: &f,
                    title,
                    email,
                    error,
                },
            )
        }
        Err(e) => failed(&f, &e),
    }
}

/// `GET /help/portal/signin/{token}`
async fn open_link(
    State(st): State<AppState>,
    Path(token): Path<String>,
    req: Request,
) -> Response {
    let lang = param(req.uri().query(), "lang");
    let mut f = Frame::new(&st, tr_for(lang.as_deref(), None, req.headers()), HOME).await;
    match service::live_link(&st, &token).await {
        Ok(Some(link)) => {
            if lang.is_none()
                && let Some(l) = link.language.as_deref()
            {
                f.tr = Tr::new(l);
            }
            f.path = format!("/help/portal/signin/{token}");
            let title = f.tr.t("portal-open-title");
            render::page(
                StatusCode::OK,
                &OpenLinkPage {
                    f: &f,
                    title,
                    action: f.path.clone(),
                },
            )
        }
        Ok(None) => invalid_link(&f),
        Err(e) => failed(&f, &e),
    }
}

fn invalid_link(f: &Frame) -> Response {
    let minutes = model::LINK_TTL_MS / 60_000;
    notice(
        f,
        StatusCode::NOT_FOUND,
        "link-invalid",
        "portal-link-invalid-title",
        f.tr.n("portal-link-invalid", minutes),
    )
}

/// `POST /help/portal/signin/{token}`
async fn use_link(State(st): State<AppState>, Path(token): Path<String>, req: Request) -> Response {
    let headers = req.headers();
    let f = Frame::new(
        &st,
        tr_for(param(req.uri().query(), "lang").as_deref(), None, headers),
        HOME,
    )
    .await;
    if crate::surveys::pages::from_another_site(headers) {
        return forbidden(&f);
    }
    match service::sign_in(&st, &token).await {
        Ok(Some(secret)) => {
            let https = crate::http::proxy::is_https(&st, req.extensions(), headers);
            let mut resp = see_other(HOME);
            resp.headers_mut()
                .insert(header::SET_COOKIE, cookie::set(https, Some(&secret)));
            resp
        }
        Ok(None) => invalid_link(&f),
        Err(e) => failed(&f, &e),
    }
}

/// The session's CSRF token matches the form's, and the browser does not
/// mark the post as coming from another site.
pub(super) fn form_is_ours(headers: &HeaderMap, session: &Session, given: Option<&str>) -> bool {
    !crate::surveys::pages::from_another_site(headers)
        && given.is_some_and(|g| crate::crypto::same_secret(g, &session.csrf))
}

/// An urlencoded form's fields.
pub(super) async fn form_fields(req: Request) -> Result<Vec<(String, String)>> {
    let body = crate::http::extract::read_body(req, crate::http::limits::FORM_LIMIT).await?;
    Ok(url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `POST /help/portal/signout`
async fn sign_out(State(st): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let https = crate::http::proxy::is_https(&st, req.extensions(), &headers);
    let f = Frame::new(&st, tr_for(None, None, &headers), HOME).await;
    let (secret, session) = match (cookie::value(&headers), signed_in(&st, &headers).await) {
        (Some(secret), Ok(Some(s))) => (secret, s),
        (_, Err(e)) => return failed(&f, &e),
        _ => return see_other(HOME),
    };
    let fields = match form_fields(req).await {
        Ok(x) => x,
        Err(e) => return failed(&f, &e),
    };
    if !form_is_ours(&headers, &session, field(&fields, "_csrf")) {
        return forbidden(&f);
    }
    if let Err(e) = service::sign_out(&st, &secret).await {
        return failed(&f, &e);
    }
    let mut resp = see_other(HOME);
    resp.headers_mut()
        .insert(header::SET_COOKIE, cookie::set(https, None));
    resp
}
