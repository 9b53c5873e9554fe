//! `/api/v1/conversations…`: thin handlers over [`super::service`].

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::attachments::{Upload, clean_content_type, clean_filename};
use crate::http::extract::{is_json_media, media_type, parse_id, parse_json, read_body};
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, PageParams, created};
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{
    AssigneeFilter, Conversation, ConversationPatch, Counts, Event, ListCursor, ListFilter,
    Message, NewConversation, NewMessage, PageAt,
};
use super::service::{self, Sender};
use super::status::{Channel, Priority, Status};

/// The conversation routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_conversation, list_conversations))
        .routes(routes!(conversation_counts))
        .routes(routes!(get_conversation, update_conversation))
        .routes(routes!(list_messages, add_message))
        .routes(routes!(list_events))
        .routes(routes!(raw_message))
        .merge(super::combine_api::router())
}

/// Filters of `GET /conversations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One status, or several separated by commas.
    status: Option<String>,
    /// A user id, `me` or `none`.
    assignee_id: Option<String>,
    /// Customer id.
    #[param(value_type = Option<i64>)]
    customer_id: Option<String>,
    /// Inbox id.
    #[param(value_type = Option<i64>)]
    inbox_id: Option<String>,
    /// Team id.
    #[param(value_type = Option<i64>)]
    team_id: Option<String>,
    /// Tag.
    tag: Option<String>,
    /// Priority.
    priority: Option<String>,
    /// Channel.
    channel: Option<String>,
    /// Language.
    language: Option<String>,
    /// Words in the subject.
    q: Option<String>,
    /// Page size, 1–200.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Cursor from `next_cursor`.
    cursor: Option<String>,
}

impl ListQuery {
    fn into_filter(self, auth: &Auth) -> Result<ListFilter> {
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor,
        };
        let statuses = match self.status.as_deref() {
            None | Some("") => vec![],
            Some(s) => s
                .split(',')
                .map(|p| Status::parse("status", p.trim()))
                .collect::<Result<Vec<_>>>()?,
        };
        let assignee = match self.assignee_id.as_deref() {
            None | Some("") => None,
            Some("none") => Some(AssigneeFilter::Nobody),
            Some("me") => Some(
                auth.0
                    .user_id
                    .map_or(AssigneeFilter::Nobody, AssigneeFilter::User),
            ),
            Some(s) => Some(AssigneeFilter::User(
                parse_id("assignee_id", Some(s))?.unwrap_or_default(),
            )),
        };
        Ok(ListFilter {
            statuses,
            assignee,
            customer_id: parse_id("customer_id", self.customer_id.as_deref())?,
            inbox_id: parse_id("inbox_id", self.inbox_id.as_deref())?,
            team_id: parse_id("team_id", self.team_id.as_deref())?,
            tag: self
                .tag
                .filter(|t| !t.is_empty())
                .map(|t| t.trim().to_lowercase()),
            priority: self
                .priority
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(|p| Priority::parse("priority", p))
                .transpose()?,
            channel: self
                .channel
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(|c| Channel::parse("channel", c))
                .transpose()?,
            language: self
                .language
                .filter(|l| !l.is_empty())
                .map(|l| l.to_lowercase()),
            q: self.q.filter(|q| !q.trim().is_empty()),
            at: page
                .cursor()?
                .map_or(PageAt::First, |id| PageAt::After(ListCursor { key: 0, id })),
            limit: page.limit()?,
            ..ListFilter::default()
        })
    }
}

/// Create a conversation with its first customer message. Without
/// `inbox_id` it goes to the default inbox; a caller who may not see the
/// default inbox must name one of their own (422 on `inbox_id` otherwise).
#[utoipa::path(post, path = "/conversations", tag = "conversations",
    request_body = NewConversation,
    responses(
        (status = 201, description = "Created", body = Conversation),
        (status = 401, description = "No or bad token"),
        (status = 422, description = "Invalid input; `details.field` names it (`inbox_id` when the inbox, or the default inbox, is not one the caller may use)"),
    ))]
async fn create_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewConversation>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, body).await?))
}

/// List conversations the caller may see, newest first.
#[utoipa::path(get, path = "/conversations", tag = "conversations",
    params(ListQuery),
    responses(
        (status = 200, description = "One page", body = Page<Conversation>),
        (status = 401, description = "No or bad token"),
        (status = 422, description = "Invalid filter"),
    ))]
async fn list_conversations(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<axum::Json<Page<Conversation>>> {
    let filter = q.into_filter(&auth)?;
    let (items, more) = service::list(&st, &auth.0, filter).await?;
    Ok(axum::Json(Page::new(items, more, |c| c.id)))
}

/// Counts per view (by status, unassigned, mine) over what the caller may see.
#[utoipa::path(get, path = "/conversations/counts", tag = "conversations",
    responses((status = 200, description = "Counts", body = Counts),
              (status = 401, description = "No or bad token")))]
async fn conversation_counts(State(st): State<AppState>, auth: Auth) -> Result<axum::Json<Counts>> {
    Ok(axum::Json(service::counts(&st, &auth.0).await?))
}

/// Get one conversation.
#[utoipa::path(get, path = "/conversations/{id}", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
    ))]
async fn get_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Conversation>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Change status, priority, owner, team, tags, customer or language.
#[utoipa::path(patch, path = "/conversations/{id}", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = ConversationPatch,
    responses(
        (status = 200, description = "The updated conversation", body = Conversation),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
        (status = 409, description = "Illegal status transition"),
        (status = 422, description = "Invalid input"),
    ))]
async fn update_conversation(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ConversationPatch>,
) -> Result<axum::Json<Conversation>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, body).await?))
}

/// The messages and notes of a conversation, oldest first.
#[utoipa::path(get, path = "/conversations/{id}/messages", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), PageParams),
    responses(
        (status = 200, description = "One page", body = Page<Message>),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
    ))]
async fn list_messages(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Message>>> {
    let (items, more) = service::messages(&st, &auth.0, id, p.cursor()?, p.limit()?).await?;
    Ok(axum::Json(Page::new(items, more, |m| m.id)))
}

/// Reply, add an internal note, or relay a customer message. Send JSON, or
/// `multipart/form-data` with fields `text`, `html`, `internal`, `direction`,
/// `format`, `cc`, `bcc` and any number of file parts. `cc` and `bcc`
/// (replies on mail conversations only) are lists of addresses: CC goes in
/// the mail's headers, BCC only in its envelope. `format: "markdown"`
/// formats `text` (bold, italic, lists, links) into HTML plus a readable
/// plain text; with multipart, a file part named `inline:ID` (PNG, JPEG,
/// GIF or WebP) is an image shown where the text says `![name](cid:ID)`,
/// mailed as an inline part (`multipart/related`).
#[utoipa::path(post, path = "/conversations/{id}/messages", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body(content(
        (NewMessage = "application/json"),
        (NewMessage = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "The message", body = Message),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
        (status = 409, description = "The conversation is closed"),
        (status = 413, description = "Body or files too large"),
        (status = 415, description = "Neither JSON nor multipart"),
        (status = 422, description = "Invalid input (`cc`, `bcc`: a bad address, or copies on a note or a conversation not answered by mail; `format`: unknown, or given with `html`; `inline`: not a PNG, JPEG, GIF or WebP image, or a bad ID)"),
    ))]
async fn add_message(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> Result<Response> {
    let ct = media_type(&req);
    let (body, files) = if ct == "multipart/form-data" {
        // Files are for conversations the caller may see: ask before the
        // body is read (the service asks again, and stores the files only
        // once the whole message is accepted).
        service::get(&st, &auth.0, id).await?;
        read_multipart(&st, req).await?
    } else if is_json_media(&ct) {
        let bytes = read_body(req, st.config.max_json_body_bytes).await?;
        (parse_json::<NewMessage>(&bytes)?, vec![])
    } else {
        return Err(Error::UnsupportedMediaType(
            "application/json or multipart/form-data",
        ));
    };
    let direction = match body.direction.as_deref() {
        None | Some("out") => Sender::Out,
        Some("in") => Sender::In,
        Some(other) => {
            return Err(Error::invalid(
                "direction",
                format!("direction must be \"in\" or \"out\", got {other:?}"),
            ));
        }
    };
    let msg = service::add_message(&st, &auth.0, id, body, direction, files).await?;
    Ok(created(msg))
}

/// Reads a multipart message: text fields and files. The files stay in
/// memory (bounded by `max_attachment_bytes`); the caller stores them only
/// once the message is authorised and valid.
pub(crate) async fn read_multipart(
    st: &AppState,
    req: Request,
) -> Result<(NewMessage, Vec<Upload>)> {
    let (fields, named) = read_form_named(st, req).await?;
    // A part named `inline:ID` is an image shown in the text as `cid:ID`.
    let files = named
        .into_iter()
        .map(|(name, mut u)| {
            u.content_id = name.strip_prefix("inline:").map(str::to_string);
            u
        })
        .collect();
    let mut msg = NewMessage::default();
    let mut parameters = Vec::new();
    for (name, value) in fields {
        match name.as_str() {
            "text" => msg.text = Some(value),
            "html" => msg.html = Some(value),
            "format" => msg.format = Some(value.trim().to_string()),
            "internal" => msg.internal = matches!(value.trim(), "true" | "1" | "on" | "yes"),
            "direction" => msg.direction = Some(value.trim().to_string()),
            "cc" => msg.cc.push(value),
            "bcc" => msg.bcc.push(value),
            "template" if !value.trim().is_empty() => {
                msg.template = Some(super::model::TemplateMessage {
                    name: value.trim().to_string(),
                    ..Default::default()
                });
            }
            "template_parameter" => parameters.push(value),
            _ => {}
        }
    }
    if let Some(t) = &mut msg.template {
        t.parameters = parameters;
    }
    Ok((msg, files))
}

/// Reads a multipart form: its text fields in order, and its files, kept in
/// memory and not stored: nothing reaches the disk before the caller has
/// checked who is asking (`AttachmentStore::put_uploads`). Over
/// `max_attachment_bytes` in all: 413.
pub(crate) async fn read_form(
    st: &AppState,
    req: Request,
) -> Result<(Vec<(String, String)>, Vec<Upload>)> {
    let (fields, files) = read_form_named(st, req).await?;
    Ok((fields, files.into_iter().map(|(_, u)| u).collect()))
}

/// [`read_form`], each file with the name of its form field.
async fn read_form_named(
    st: &AppState,
    req: Request,
) -> Result<(Vec<(String, String)>, Vec<(String, Upload)>)> {
    let limit = st.config.max_attachment_bytes;
    let mut mp = Multipart::from_request(req, st).await.map_err(|e| {
        Error::invalid(
            "body",
            format!("not a valid multipart body: {}", e.body_text()),
        )
    })?;
    let mut fields = Vec::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    // Past the limit the rest is read and dropped, so the client gets the 413.
    let mut too_large = false;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) if too_large => break,
            Err(e) => {
                return Err(Error::invalid(
                    "body",
                    format!("not a valid multipart body: {}", e.body_text()),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let mut data = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > limit {
                        too_large = true;
                        data.clear();
                        if total > limit.saturating_mul(4).max(64 * 1024 * 1024) {
                            return Err(Error::PayloadTooLarge(limit));
                        }
                    } else {
                        data.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(_) if too_large => return Err(Error::PayloadTooLarge(limit)),
                Err(e) => {
                    return Err(Error::invalid(
                        name,
                        format!("could not read this part: {}", e.body_text()),
                    ));
                }
            }
        }
        if too_large {
            continue;
        }
        match (filename, name.as_str()) {
            // A browser sends an empty file field as a nameless, empty part.
            (Some(filename), _) if filename.is_empty() && data.is_empty() => {}
            (Some(filename), field_name) => files.push((
                field_name.to_string(),
                Upload {
                    filename: clean_filename(&filename),
                    content_type: clean_content_type(content_type.as_deref()),
                    bytes: data,
                    content_id: None,
                },
            )),
            (None, field_name) => {
                let value = String::from_utf8(data)
                    .map_err(|_| Error::invalid(field_name, "this field must be UTF-8 text"))?;
                fields.push((field_name.to_string(), value));
            }
        }
    }
    if too_large {
        return Err(Error::PayloadTooLarge(limit));
    }
    Ok((fields, files))
}

/// The timeline of a conversation, oldest first.
#[utoipa::path(get, path = "/conversations/{id}/events", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), PageParams),
    responses(
        (status = 200, description = "One page", body = Page<Event>),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such conversation, or not visible"),
    ))]
async fn list_events(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<axum::Json<Page<Event>>> {
    let (items, more) = service::events(&st, &auth.0, id, p.cursor()?, p.limit()?).await?;
    Ok(axum::Json(Page::new(items, more, |e| e.id)))
}

/// The original email of a message, exactly as received (`message/rfc822`).
#[utoipa::path(get, path = "/conversations/{id}/messages/{message_id}/raw", tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), ("message_id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "The .eml file", content_type = "message/rfc822"),
        (status = 401, description = "No or bad token"),
        (status = 404, description = "No such message with an original, or not visible"),
    ))]
async fn raw_message(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, message_id)): ApiPath<(i64, i64)>,
) -> Result<Response> {
    use axum::http::HeaderValue;
    use axum::response::IntoResponse as _;
    let sha = service::raw_message(&st, &auth.0, id, message_id).await?;
    let bytes = crate::attachments::load(&st, &sha).await?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("message/rfc822"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"message-{message_id}.eml\""
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(resp)
}
