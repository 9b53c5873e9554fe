//! The web contact form at `/help/contact`: a public page (no sign-in, no
//! JavaScript) that turns a visitor's message and files into a
//! conversation on the `web` channel, and that other sites may embed in an
//! iframe (`?embed=1`).
//!
//! - `GET /help/contact` (`?inbox=ID`, `?lang=`, `?embed=1`) shows the form.
//! - `POST /help/contact` (multipart) checks, in this order: the per-IP rate
//!   limit (`st.public().per_ip`), the body (files over
//!   `max_attachment_bytes` are dropped with an error on the field), the
//!   inbox (it must be a `web` inbox: the form is enabled on those only,
//!   whether or not the post sends an `Origin`), the `Origin` (when sent:
//!   Tend's own, or one of the inbox's allowed origins), the honeypot, the
//!   fields; then stores the files and creates the conversation.
//!
//! There is no CSRF token: the form is meant to be posted from other
//! sites, carries no session and grants nothing a stranger could not do by
//! filling it in. The `Origin` check is what stops a site that the inbox
//! does not allow. The agent UI's `csrf_guard` is not applied (this router
//! is merged beside it, like the survey pages).

pub mod form;
pub mod page;

use axum::Router;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::agents::Viewer;
use crate::conversations::model::{NewBody, NewConversation, NewCustomer};
use crate::conversations::service::{self as conversations, AttachmentMeta};
use crate::inboxes::model::InboxKind;
use crate::inboxes::public;
use crate::state::AppState;
use crate::vocab::Channel;
use crate::web::i18n::{LOCALES_SUPPORTED, Tr};
use crate::{Error, Result};

use form::{FieldError, Submission, Valid};
use page::{Frame, Refusal, Values};

/// The contact form's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/help/contact", get(show).post(submit))
        .route("/help/assets/help.css", get(css))
        .route("/help/assets/suggest.js", get(suggest_js))
        .route("/help/assets/callback.js", get(callback_js))
}

/// The frame from the address (`inbox`, `lang`, `embed`), the headers and
/// the help centre's look.
async fn frame(st: &AppState, query: Option<&str>, headers: &HeaderMap) -> Frame {
    let (mut inbox, mut lang, mut embed) = (None, None, false);
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match &*k {
            "inbox" => inbox = Some(v.trim().to_string()).filter(|v| !v.is_empty()),
            "lang" => lang = LOCALES_SUPPORTED.iter().find(|c| **c == v).copied(),
            "embed" => embed = matches!(&*v, "1" | "true" | "yes"),
            _ => {}
        }
    }
    let tr = match lang {
        Some(code) => Tr::new(code),
        None => Tr::from_accept_language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    };
    Frame {
        tr,
        embed,
        inbox,
        ancestors: vec![],
        theme: crate::kb::theme::current(st).await,
    }
}

/// The inbox a form posts to: the one asked for, else the first `web`
/// inbox. The form is a channel of `web` inboxes only: `None` when the one
/// asked for does not exist, is not a number or is not a `web` inbox, or
/// when none was asked for and there is no `web` inbox. Posts are checked
/// by this alone, whatever their `Origin` header says or whether they send
/// one at all (a script sends none).
async fn resolve_inbox(st: &AppState, asked: Option<&str>) -> Result<Option<i64>> {
    let system = Viewer::system();
    if let Some(a) = asked {
        let Ok(id) = a.parse::<i64>() else {
            return Ok(None);
        };
        return match crate::inboxes::service::get_inbox(st, &system, id).await {
            Ok(i) => Ok(form_enabled(i.kind).then_some(i.id)),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        };
    }
    let all = crate::inboxes::service::list_inboxes(st, &system).await?;
    Ok(all
        .iter()
        .filter(|i| form_enabled(i.kind))
        .map(|i| i.id)
        .min())
}

/// Whether an inbox of this kind takes contact-form posts: only `web`
/// inboxes do (as only `chat` inboxes take the chat widget). An email or
/// API inbox, the default inbox among them, is never written to by
/// strangers through the form.
fn form_enabled(kind: InboxKind) -> bool {
    kind == InboxKind::Web
}

/// Sets the frame's extra `frame-ancestors` from the inbox's settings.
async fn allow_framing(
    st: &AppState,
    f: &mut Frame,
    inbox_id: i64,
) -> Result<public::PublicSettings> {
    let settings = public::get(st, inbox_id).await?;
    f.ancestors.clone_from(&settings.allowed_origins);
    Ok(settings)
}

/// A refusal that comes before the inbox is known. Embedded, the page must
/// be framable by the same sites as the form, or the visitor would see the
/// browser's error instead of ours: so the inbox in the address is looked
/// up for its origins.
async fn refuse(st: &AppState, f: &mut Frame, r: Refusal) -> Response {
    if f.embed
        && let Ok(Some(id)) = resolve_inbox(st, f.inbox.as_deref()).await
        && let Err(e) = allow_framing(st, f, id).await
    {
        tracing::warn!(error = %e, "contact form: no framing settings for a refusal");
    }
    page::refusal(f, r)
}

/// `GET /help/contact`
async fn show(State(st): State<AppState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let mut f = frame(&st, q.as_deref(), &headers).await;
    let inbox = match resolve_inbox(&st, f.inbox.as_deref()).await {
        Ok(Some(id)) => id,
        Ok(None) => return page::refusal(&f, Refusal::NotFound),
        Err(e) => return failed(&f, &e),
    };
    if let Err(e) = allow_framing(&st, &mut f, inbox).await {
        return failed(&f, &e);
    }
    let max = st.config.max_attachment_bytes;
    // The phone queue's wait is long: offer a callback too.
    let callback = crate::channels::phone::service::offer_callback(&st, inbox, Channel::Phone)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "contact form: the phone queue's wait could not be read");
            false
        });
    page::form(
        &f,
        StatusCode::OK,
        inbox,
        &Values::default(),
        &[],
        max,
        callback,
    )
}

/// `POST /help/contact`
async fn submit(State(st): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let mut f = frame(&st, req.uri().query(), &headers).await;
    // The client behind a trusted proxy, as every rate limit counts it.
    let ip = crate::http::proxy::client_of(&st, req.extensions(), &headers).ip;
    let outcome = |o: &'static str| {
        metrics::counter!("tend_contact_submissions_total", "outcome" => o).increment(1);
    };
    // Every post counts, valid or not: the limit is on what a client sends.
    if !st
        .public()
        .per_ip
        .hit(&crate::ratelimit::ip_key(ip), st.clock.now_ms())
    {
        outcome("rate_limited");
        tracing::info!(%ip, "contact form: rate limited");
        return refuse(&st, &mut f, Refusal::RateLimited).await;
    }
    let limit = st.config.max_attachment_bytes;
    let sub = match form::read(req, limit).await {
        Ok(s) => s,
        Err(Error::PayloadTooLarge(_)) => {
            outcome("too_large");
            return refuse(&st, &mut f, Refusal::TooLarge(limit / 1_000_000)).await;
        }
        Err(e) => {
            outcome("unreadable");
            tracing::info!(%ip, error = %e, "contact form: unreadable body");
            return refuse(&st, &mut f, Refusal::BadRequest).await;
        }
    };
    let asked = f.inbox.clone().or_else(|| sub.inbox.clone());
    let inbox = match resolve_inbox(&st, asked.as_deref()).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            outcome("no_inbox");
            return page::refusal(&f, Refusal::NotFound);
        }
        Err(e) => return failed(&f, &e),
    };
    let settings = match allow_framing(&st, &mut f, inbox).await {
        Ok(s) => s,
        Err(e) => return failed(&f, &e),
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        let ours = crate::web::session::same_origin(&headers)
            || settings.origin_allowed(origin, &public::own_origins(&st));
        if !ours {
            outcome("forbidden_origin");
            tracing::info!(%ip, inbox, origin, "contact form: origin not allowed for the inbox");
            return page::refusal(&f, Refusal::Forbidden);
        }
    }
    if !sub.honeypot.trim().is_empty() {
        // Answer like a success, so a bot learns nothing; keep nothing.
        outcome("spam");
        tracing::info!(%ip, inbox, "contact form: honeypot filled, submission dropped");
        return page::thanks(&f, sub.email.trim(), None);
    }
    let valid = match form::validate(&sub, limit) {
        Ok(v) => v,
        Err(errors) => {
            outcome("invalid");
            return invalid(&f, inbox, &sub, &errors, limit);
        }
    };
    let shown = Values::from(&sub);
    let token = sub
        .deflection_token
        .as_deref()
        .and_then(crate::kb::deflection::VisitToken::parse);
    match create(&st, inbox, &valid, sub.files).await {
        Ok(id) => {
            outcome("created");
            tracing::info!(
                conversation_id = id,
                inbox,
                "contact form: conversation created"
            );
            if let Some(t) = token {
                sent_anyway(&st, &t, inbox, id).await;
            }
            page::thanks(&f, valid.email.as_str(), Some(id))
        }
        Err(Error::Invalid { field, .. }) => {
            // The service's own checks go further than the form's (rare).
            outcome("invalid");
            let errors = [FieldError {
                field: form_field(&field),
                key: "contact-error-invalid",
                count: None,
            }];
            page::form(
                &f,
                StatusCode::UNPROCESSABLE_ENTITY,
                inbox,
                &shown,
                &errors,
                limit,
                false,
            )
        }
        Err(e) => failed(&f, &e),
    }
}

/// The form again, with the input and its errors (413 for files over the
/// limit, 422 otherwise).
fn invalid(
    f: &Frame,
    inbox: i64,
    sub: &Submission,
    errors: &[FieldError],
    limit: usize,
) -> Response {
    let status = if sub.files_too_large {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page::form(f, status, inbox, &Values::from(sub), errors, limit, false)
}

/// The form field for a field the conversation service named.
fn form_field(service_field: &str) -> &'static str {
    match service_field {
        "customer.email" | "email" => "email",
        "customer.name" | "name" => "name",
        "subject" => "subject",
        _ => "message",
    }
}

/// Stores the files, then creates the conversation with them.
async fn create(st: &AppState, inbox_id: i64, v: &Valid, files: Vec<form::Upload>) -> Result<i64> {
    let mut metas = Vec::with_capacity(files.len());
    for u in files {
        let sha256 = st.files().put(&u.data).await?;
        metas.push(AttachmentMeta {
            sha256,
            size: i64::try_from(u.data.len()).unwrap_or(i64::MAX),
            content_type: crate::attachments::clean_content_type(u.content_type.as_deref()),
            filename: crate::attachments::clean_filename(&u.filename),
            inline: false,
            content_id: None,
        });
    }
    let input = NewConversation {
        subject: v.subject.clone(),
        customer: NewCustomer {
            email: v.email.as_str().to_string(),
            name: v.name.clone(),
        },
        // Plain text only: nothing the visitor typed is ever taken as HTML.
        message: NewBody {
            text: Some(v.message.clone()),
            html: None,
        },
        channel: Some("web".into()),
        inbox_id: Some(inbox_id),
        priority: None,
        tags: None,
        language: None,
    };
    let c = conversations::create_with_files(st, &Viewer::system(), input, metas).await?;
    Ok(c.id)
}

/// The visitor was offered articles and sent their message anyway.
async fn sent_anyway(
    st: &AppState,
    token: &crate::kb::deflection::VisitToken,
    inbox: i64,
    conversation_id: i64,
) {
    let sent = crate::kb::deflection::Record::Sent {
        conversation_id: Some(conversation_id),
    };
    // The message is in; a lost record only skews the report.
    if let Err(e) = crate::kb::deflection::record(st, token, inbox, sent).await {
        tracing::warn!(error = %e, "contact form: sending anyway not recorded");
    }
}

fn failed(f: &Frame, e: &Error) -> Response {
    tracing::error!(error = %e, "contact form failed");
    page::refusal(f, Refusal::Internal)
}

/// The contact form's suggestions (`assets/suggest.js`).
async fn suggest_js() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=86400"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, include_str!("../../../assets/suggest.js")).into_response()
}

/// The contact form's callback offer (`assets/callback.js`).
async fn callback_js() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=86400"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, include_str!("../../../assets/callback.js")).into_response()
}

async fn css() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=86400"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, include_str!("../../../assets/help.css")).into_response()
}
