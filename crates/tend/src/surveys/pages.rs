//! The customer-facing survey pages under `/help/survey/…`: public, no
//! sign-in, server-rendered HTML (no JavaScript) in the customer's
//! language, falling back to the browser's `Accept-Language`, then English.
//!
//! - `GET /help/survey/{token}/{yes|no|1…5}/{sig}` changes nothing: it shows
//!   the form with the link's answer or rating already chosen, and one
//!   button that sends it. Mail security scanners fetch (and some render,
//!   scripts included) every link in a mail; a GET that recorded the
//!   answer would close or reopen conversations nobody answered. The page
//!   has no script and never submits itself.
//! - `GET /help/survey/{token}/form/{sig}` shows the form;
//!   `POST` to the same address submits it (`answer`, `rating`, `comment`).
//!   Only the form link takes a POST; the answer links are for reading.
//!
//! The form needs no CSRF token of its own: there is no session or cookie
//! for another site to ride on. The only authority is the signed link in
//! the address, which a forged cross-site form would have to know already.
//! A post that a browser marks as coming from another site is refused all
//! the same. Forged or tampered links answer 404 with a page that says so;
//! a replayed post changes nothing (each answer is kept the first time it
//! is given).

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use minijinja::context;

use crate::state::AppState;
use crate::{Error, Result};

use super::model::{Answer, LinkAction, locale_from_accept_language, parse_response};
use super::service::{self, PageView};
use super::templates;

/// Largest form body accepted.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/help/survey/{token}/{action}/{sig}",
        get(open_link).post(submit_form),
    )
}

fn browser_locale(headers: &HeaderMap) -> &'static str {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(locale_from_accept_language)
        .unwrap_or("en")
}

async fn open_link(
    State(st): State<AppState>,
    Path((token, action, sig)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let Some(a) = service::verify_link(&st, &token, &action, &sig).await? else {
            return Ok((None, Preset::default()));
        };
        let preset = match a {
            LinkAction::Answer(answer) => Preset {
                answer: Some(answer),
                rating: None,
            },
            LinkAction::Rate(n) => Preset {
                answer: None,
                rating: Some(n),
            },
            LinkAction::Form => Preset::default(),
        };
        // Read only: the customer confirms with the form's button (a POST).
        Ok((service::view(&st, &token).await?, preset))
    }
    .await;
    match result {
        Ok((view, preset)) => finish(&st, &headers, Ok(view), false, false, preset).await,
        Err(e) => finish(&st, &headers, Err(e), false, false, Preset::default()).await,
    }
}

/// What the link a customer followed chose, to show already selected on
/// the form they confirm.
#[derive(Debug, Clone, Copy, Default)]
struct Preset {
    answer: Option<Answer>,
    rating: Option<i64>,
}

/// Whether a browser says this post comes from another site (`Origin` of
/// another host, or `Sec-Fetch-Site: cross-site`). No header at all (a
/// script, an old browser) is let through: the signed link is the
/// authority, this only keeps other sites from posting with it. The pages
/// send `Referrer-Policy: no-referrer`, so browsers post them with
/// `Origin: null`; that is not taken as foreign.
pub(crate) fn from_another_site(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None | Some("null") => false,
        Some(_) => !crate::web::session::same_origin(headers),
    }
}

async fn submit_form(
    State(st): State<AppState>,
    Path((token, action, sig)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    if from_another_site(&headers) {
        return page(
            StatusCode::FORBIDDEN,
            "this form can only be sent from its own page".into(),
            "text/plain; charset=utf-8",
        );
    }
    let result = async {
        if service::verify_link(&st, &token, &action, &sig).await? != Some(LinkAction::Form) {
            return Ok((None, false));
        }
        let body = crate::http::extract::read_body(req, MAX_FORM_BYTES).await?;
        let mut answer = None;
        let mut rating = None;
        let mut comment = None;
        for (k, v) in url::form_urlencoded::parse(&body) {
            match &*k {
                "answer" => answer = Some(v.into_owned()),
                "rating" => rating = Some(v.into_owned()),
                "comment" => comment = Some(v.into_owned()),
                _ => {}
            }
        }
        match parse_response(answer.as_deref(), rating.as_deref(), comment.as_deref()) {
            Ok(r) => Ok((service::respond(&st, &token, r).await?, false)),
            Err(_) => Ok((service::view(&st, &token).await?, true)),
        }
    }
    .await;
    match result {
        Ok((view, bad_input)) => {
            finish(&st, &headers, Ok(view), true, bad_input, Preset::default()).await
        }
        Err(e) => finish(&st, &headers, Err(e), true, false, Preset::default()).await,
    }
}

/// Renders the page for a result: the survey's state, the invalid-link
/// page (404), or a plain 500 / 413.
async fn finish(
    st: &AppState,
    headers: &HeaderMap,
    result: Result<Option<PageView>>,
    submitted: bool,
    bad_input: bool,
    preset: Preset,
) -> Response {
    let view = match result {
        Ok(v) => v,
        Err(e @ Error::PayloadTooLarge(_)) => {
            return page(e.status(), e.to_string(), "text/plain; charset=utf-8");
        }
        Err(e) => {
            tracing::error!(error = %e, "survey page failed");
            return page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; please try again later".into(),
                "text/plain; charset=utf-8",
            );
        }
    };
    let fallback = browser_locale(headers);
    let (status, locale, ctx) = match &view {
        None => (
            StatusCode::NOT_FOUND,
            fallback,
            context! { lang => fallback, invalid => true },
        ),
        Some(v) => {
            let locale = v
                .language
                .as_deref()
                .and_then(super::model::supported_locale)
                .unwrap_or(fallback);
            let complete = (submitted && !bad_input)
                || (v.answer.is_some() && v.rating.is_some() && v.has_comment);
            // What the link chose and is not recorded yet: shown selected,
            // waiting for the customer's click.
            let preset_answer = preset.answer.filter(|_| v.answer.is_none());
            let preset_rating = preset.rating.filter(|_| v.rating.is_none());
            let form_url = match service::link_key(st).await {
                Ok(key) => service::link_path(&key, &v.token, LinkAction::Form),
                Err(_) => String::new(),
            };
            (
                if bad_input {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::OK
                },
                locale,
                context! {
                    lang => locale,
                    invalid => false,
                    subject => v.subject.clone(),
                    conversation_id => v.conversation_id,
                    answer => v.answer.map(|a| a.as_str()),
                    rating => v.rating,
                    complete => complete,
                    need_answer => v.answer.is_none(),
                    need_rating => v.rating.is_none(),
                    need_comment => !v.has_comment,
                    error => bad_input,
                    form_url => form_url,
                    preset_answer => preset_answer.map(|a| a.as_str()),
                    preset_rating => preset_rating,
                    confirm => !complete && (preset_answer.is_some() || preset_rating.is_some()),
                },
            )
        }
    };
    let html = async {
        let mut c = st.db.pool().acquire().await?;
        templates::render_in(&mut c, "survey_page", locale, ctx).await
    }
    .await;
    match html {
        Ok(h) => page(status, h, "text/html; charset=utf-8"),
        Err(e) => {
            tracing::error!(error = %e, "rendering the survey page failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; please try again later".into(),
                "text/plain; charset=utf-8",
            )
        }
    }
}

fn page(status: StatusCode, body: String, content_type: &'static str) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The address is a credential: never hand it to other sites.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
    );
    resp
}
