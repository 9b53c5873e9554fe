//! The portal's pages of one conversation: reading it (and its files),
//! replying with files, and "solved" / "not solved". Each first finds the
//! signed-in customer ([`customer_page`]); another customer's
//! conversation answers the same 404 as one that does not exist.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::Error;
use crate::state::AppState;
use crate::surveys::model::Answer;

use super::model::{may_confirm, may_reply, status_key};
use super::pages::{
    HOME, failed, field, forbidden, form_fields, form_is_ours, not_found, param, see_other,
    signed_in, tr_for,
};
use super::render::{self, ConversationPage, Frame, MessageView};
use super::service::{self, Session};

/// The signed-in customer and the page's frame, or the answer to give
/// instead (the sign-in form for no session).
async fn customer_page(
    st: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    path: String,
) -> std::result::Result<(Session, Frame), Response> {
    let lang = param(query, "lang");
    match signed_in(st, headers).await {
        Ok(Some(s)) => {
            let f = Frame::new(st, tr_for(lang.as_deref(), Some(&s), headers), &path).await;
            Ok((s, f))
        }
        Ok(None) => {
            let tr = tr_for(lang.as_deref(), None, headers);
            Err(see_other(&format!("{HOME}?lang={}", tr.code())))
        }
        Err(e) => Err(failed(
            &Frame::new(st, tr_for(lang.as_deref(), None, headers), HOME).await,
            &e,
        )),
    }
}

/// A conversation id from the address; anything else is a conversation
/// that does not exist.
fn conversation_id(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().filter(|id| *id > 0)
}

/// The signed-in customer, the frame of the conversation's page, the
/// conversation id and the page's path; or the answer to give instead.
async fn conversation_page_of(
    st: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    raw_id: &str,
) -> std::result::Result<(Session, Frame, i64, String), Response> {
    let path = format!("/help/portal/conversations/{raw_id}");
    let (session, f) = customer_page(st, headers, query, path.clone()).await?;
    match conversation_id(raw_id) {
        Some(id) => Ok((session, f, id, path)),
        None => Err(not_found(&f)),
    }
}

/// `GET /help/portal/conversations/{id}`
pub(super) async fn show(
    State(st): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (session, f, id, _) =
        match conversation_page_of(&st, req.headers(), req.uri().query(), &id).await {
            Ok(x) => x,
            Err(resp) => return resp,
        };
    let notice = param(req.uri().query(), "done").and_then(|d| match d.as_str() {
        "sent" => Some(f.tr.t("portal-sent")),
        "yes" => Some(f.tr.t("portal-confirmed-yes")),
        "no" => Some(f.tr.t("portal-confirmed-no")),
        _ => None,
    });
    conversation_page(&st, &f, &session, id, StatusCode::OK, None, notice).await
}

/// The conversation page (again, with an error, after a refused reply).
async fn conversation_page(
    st: &AppState,
    f: &Frame,
    session: &Session,
    id: i64,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let (conv, msgs) = match service::messages(st, session.customer_id, id).await {
        Ok(x) => x,
        Err(Error::NotFound(_)) => return not_found(f),
        Err(e) => return failed(f, &e),
    };
    let messages = msgs
        .into_iter()
        .map(|m| {
            let mine = m.direction == crate::vocab::Direction::In;
            let author = match (mine, m.author_name) {
                (true, _) => f.tr.t("portal-you"),
                (false, Some(n)) if !n.trim().is_empty() => n,
                (false, _) => f.tr.t("portal-desk"),
            };
            let files = m
                .files
                .into_iter()
                .map(|(fid, name, size)| {
                    let href = format!("/help/portal/conversations/{id}/files/{fid}");
                    (href, name, crate::web::timeline_items::human_size(size))
                })
                .collect();
            MessageView {
                id: m.id,
                mine,
                author,
                when: f.tr.datetime(m.created_at, "UTC"),
                text: m.text,
                files,
            }
        })
        .collect();
    let page = ConversationPage {
        f,
        title: conv.subject.clone(),
        id,
        status: conv.status.as_str(),
        status_label: f.tr.t(status_key(conv.status)),
        csrf: session.csrf.clone(),
        messages,
        may_reply: may_reply(conv.status),
        may_confirm: may_confirm(conv.status),
        error,
        notice,
        max_mb: st.config.max_attachment_bytes / 1_000_000,
    };
    render::page(status, &page)
}

/// `POST /help/portal/conversations/{id}/reply` (multipart: `_csrf`,
/// `text`, files).
pub(super) async fn reply(
    State(st): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (session, f, id, path) =
        match conversation_page_of(&st, req.headers(), req.uri().query(), &id).await {
            Ok(x) => x,
            Err(resp) => return resp,
        };
    let headers = req.headers().clone();
    let (fields, files) = match crate::conversations::api::read_form(&st, req).await {
        Ok(x) => x,
        Err(Error::PayloadTooLarge(limit)) => {
            let e = f.tr.n(
                "contact-too-large",
                i64::try_from(limit / 1_000_000).unwrap_or(i64::MAX),
            );
            return conversation_page(
                &st,
                &f,
                &session,
                id,
                StatusCode::PAYLOAD_TOO_LARGE,
                Some(e),
                None,
            )
            .await;
        }
        Err(Error::Invalid { .. }) => return forbidden(&f),
        Err(e) => return failed(&f, &e),
    };
    if !form_is_ours(&headers, &session, field(&fields, "_csrf")) {
        return forbidden(&f);
    }
    let text = field(&fields, "text").unwrap_or("").to_string();
    match service::reply(&st, session.customer_id, id, text, files).await {
        Ok(_) => see_other(&format!("{}&done=sent", f.here(&path))),
        Err(Error::NotFound(_)) => not_found(&f),
        Err(Error::Invalid { .. }) => {
            let e = Some(f.tr.t("portal-error-message"));
            conversation_page(
                &st,
                &f,
                &session,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                e,
                None,
            )
            .await
        }
        Err(e @ Error::Conflict { .. }) => {
            tracing::info!(conversation_id = id, error = %e, "portal: reply refused");
            let e = Some(f.tr.t("portal-closed"));
            conversation_page(&st, &f, &session, id, StatusCode::CONFLICT, e, None).await
        }
        Err(e) => failed(&f, &e),
    }
}

/// `POST /help/portal/conversations/{id}/confirm` (`_csrf`, `answer`:
/// `yes` or `no`).
pub(super) async fn confirm(
    State(st): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let (session, f, id, path) =
        match conversation_page_of(&st, req.headers(), req.uri().query(), &id).await {
            Ok(x) => x,
            Err(resp) => return resp,
        };
    let headers = req.headers().clone();
    let fields = match form_fields(req).await {
        Ok(x) => x,
        Err(e) => return failed(&f, &e),
    };
    if !form_is_ours(&headers, &session, field(&fields, "_csrf")) {
        return forbidden(&f);
    }
    let Some(answer) = field(&fields, "answer").and_then(Answer::parse) else {
        let e = Some(f.tr.t("portal-error-answer"));
        return conversation_page(
            &st,
            &f,
            &session,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            e,
            None,
        )
        .await;
    };
    match service::confirm(&st, session.customer_id, id, answer).await {
        Ok(true) => see_other(&format!("{}&done={}", f.here(&path), answer.as_str())),
        // Nothing to confirm (no longer solved): the page as it is now.
        Ok(false) => see_other(&f.here(&path)),
        Err(Error::NotFound(_)) => not_found(&f),
        Err(e) => failed(&f, &e),
    }
}

/// `GET /help/portal/conversations/{id}/files/{file}`
pub(super) async fn file(
    State(st): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (session, f) =
        match customer_page(&st, req.headers(), req.uri().query(), HOME.to_string()).await {
            Ok(x) => x,
            Err(resp) => return resp,
        };
    let (Some(id), Ok(file)) = (conversation_id(&id), file.parse::<i64>()) else {
        return not_found(&f);
    };
    let found = async {
        let (sha, name, content_type) = service::file(&st, session.customer_id, id, file).await?;
        let bytes = crate::attachments::load(&st, &sha).await?;
        Ok::<_, Error>((bytes, name, content_type))
    }
    .await;
    match found {
        Ok((bytes, name, ct)) => crate::attachments::api::download(bytes, &name, &ct),
        Err(Error::NotFound(_)) => not_found(&f),
        Err(e) => failed(&f, &e),
    }
}
