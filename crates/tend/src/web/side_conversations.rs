//! Talking to third parties on the conversation page: the side
//! conversations panel (mail with a courier or a warehouse, never shown to
//! the customer; forwarding a message or the conversation starts one) and
//! the reply's CC and BCC, over `conversations::side` and the reply.
//! Forms that fail come back with what was typed and the error beside its
//! field, in the agent's language.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::pages::{error_page, render_status, see_other};
use super::session::Agent;
use super::timeline_items::{FileView, Item, ms};
use crate::conversations::side;
use crate::conversations::side_model::{NewSideConversation, NewSideMessage, SideConversation};
use crate::state::AppState;
use crate::vocab::{DeliveryStatus, Direction};
use crate::{Error, Result};

/// The side conversations section of the conversation page.
#[derive(Debug, Clone, Default)]
pub struct SidePanel {
    pub items: Vec<SideView>,
    /// Messages that may be forwarded: (id, "Message from …, when").
    pub forwardable: Vec<(i64, String)>,
    /// The start form as typed (after an error).
    pub form: StartForm,
    /// An error beside a field of the start form: (field, message).
    pub error: Option<(String, String)>,
    /// An error on the answer form of a side conversation: (id, message,
    /// the answer as typed).
    pub reply_error: Option<(i64, String, String)>,
    /// The start form was filled in by a message's "Forward" link (it opens,
    /// with the cursor in "To").
    pub prefilled: bool,
}

impl SidePanel {
    /// Fills the start form in to forward message `message_id` (a
    /// timeline message's "Forward" link, `?forward=`), subject "Fwd: …"
    /// as the mail will have it. A message not offered is ignored.
    pub fn forward(&mut self, message_id: i64, subject: &str) {
        if self.forwardable.iter().any(|(m, _)| *m == message_id) {
            self.form.forward = message_id.to_string();
            self.form.subject = format!("Fwd: {subject}");
            self.prefilled = true;
        }
    }

    /// The start form's field in error (empty: none).
    pub fn err_field(&self) -> &str {
        self.error.as_ref().map_or("", |e| e.0.as_str())
    }

    /// What is wrong with it.
    pub fn err_msg(&self) -> &str {
        self.error.as_ref().map_or("", |e| e.1.as_str())
    }
}

/// One side conversation as the page shows it.
#[derive(Debug, Clone)]
pub struct SideView {
    pub id: i64,
    pub subject: String,
    /// "With …": its third parties.
    pub with: String,
    pub mails: Vec<SideMail>,
}

/// One mail of a side conversation.
#[derive(Debug, Clone)]
pub struct SideMail {
    pub id: i64,
    pub inbound: bool,
    pub who: String,
    pub when: String,
    pub text: String,
    /// Its HTML, shown in a sandboxed frame (`/c/{id}/side-mail/{id}/body`).
    pub frame: super::timeline_items::HtmlFrame,
    /// Its files (a third party's, or what was forwarded).
    pub files: Vec<FileView>,
    /// `queued`, `sent`, `failed` (the desk's mails), and its label.
    pub delivery: String,
    pub delivery_label: String,
}

/// The start form (as typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub text: String,
    /// Empty: nothing; `conversation`; or a message id.
    #[serde(default)]
    pub forward: String,
}

/// The panel of conversation `id`; `items` are its timeline (the messages
/// offered for forwarding).
pub async fn panel(st: &AppState, a: &Agent, id: i64, items: &[Item]) -> Result<SidePanel> {
    let sides = side::list(st, &a.viewer, id).await?;
    Ok(SidePanel {
        items: sides.into_iter().map(|s| view(a, s)).collect(),
        forwardable: items
            .iter()
            .filter(|i| i.kind == "message")
            .map(|i| {
                let label = a.tr.args(
                    "side-forward-message",
                    &[
                        ("name", i.who.clone().into()),
                        ("when", i.when.clone().into()),
                    ],
                );
                (i.id, label)
            })
            .collect(),
        ..Default::default()
    })
}

fn view(a: &Agent, s: SideConversation) -> SideView {
    SideView {
        id: s.id,
        subject: s.subject,
        with: a.tr.s("side-with", "to", s.participants.join(", ")),
        mails: s
            .messages
            .into_iter()
            .map(|m| {
                let delivery = m
                    .delivery_status
                    .as_deref()
                    .and_then(|d| DeliveryStatus::from_db(d).ok());
                SideMail {
                    id: m.id,
                    inbound: m.direction == Direction::In,
                    who: m
                        .author_name
                        .filter(|n| !n.is_empty())
                        .or(m.author_email)
                        .unwrap_or_else(|| a.tr.t("author-system")),
                    when: a.tr.datetime(ms(&m.created_at), &a.tz),
                    frame: super::timeline_items::HtmlFrame::of(m.html.as_deref()),
                    text: m.text,
                    files: m.attachments.into_iter().map(FileView::of).collect(),
                    delivery: delivery.map(|d| d.as_str().to_string()).unwrap_or_default(),
                    delivery_label: delivery
                        .map(|d| a.tr.t(super::labels::delivery_key(d)))
                        .unwrap_or_default(),
                }
            })
            .collect(),
    }
}

/// The key of the words for a side conversation's field error.
fn error_key(field: &str) -> &'static str {
    match field {
        "to" => "side-error-to",
        "subject" => "side-error-subject",
        "forward_message_id" | "forward_conversation" => "side-error-forward",
        _ => "side-error-text",
    }
}

/// `POST /c/{id}/side`: starts a side conversation (or forwards).
pub async fn start(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<StartForm>,
) -> Response {
    let (forward_message_id, forward_conversation) = match f.forward.as_str() {
        "" => (None, false),
        "conversation" => (None, true),
        m => match m.parse::<i64>() {
            Ok(mid) => (Some(mid), false),
            Err(_) => (Some(0), false),
        },
    };
    let input = NewSideConversation {
        to: vec![f.to.clone()],
        subject: Some(f.subject.clone()),
        text: Some(f.text.clone()),
        forward_message_id,
        forward_conversation,
    };
    match side::start(&st, &a.viewer, id, input).await {
        Ok(s) => see_other(&format!("/c/{id}#side-{}", s.id)),
        Err(e) => start_again(&st, &a, id, f, e).await,
    }
}

async fn start_again(st: &AppState, a: &Agent, id: i64, f: StartForm, e: Error) -> Response {
    let (status, error) = match e {
        Error::Invalid { field, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            (field.clone(), a.tr.t(error_key(&field))),
        ),
        Error::Conflict { .. } => (
            StatusCode::CONFLICT,
            ("to".to_string(), a.tr.t("side-error-no-sender")),
        ),
        e => return error_page(&a.tr, e),
    };
    with_panel(st, a, id, status, |p| {
        p.form = f;
        p.error = Some(error);
    })
    .await
}

/// The answer form.
#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    text: String,
}

/// `POST /c/{id}/side/{side_id}/reply`: answers a side conversation.
pub async fn reply(
    State(st): State<AppState>,
    a: Agent,
    Path((id, side_id)): Path<(i64, i64)>,
    Form(f): Form<ReplyForm>,
) -> Response {
    let input = NewSideMessage {
        text: Some(f.text.clone()),
    };
    let (status, key) = match side::reply(&st, &a.viewer, id, side_id, input).await {
        Ok(_) => return see_other(&format!("/c/{id}#side-{side_id}")),
        Err(Error::Invalid { .. }) => (StatusCode::UNPROCESSABLE_ENTITY, "side-error-text"),
        Err(Error::Conflict { .. }) => (StatusCode::CONFLICT, "side-error-no-sender"),
        Err(e) => return error_page(&a.tr, e),
    };
    let msg = a.tr.t(key);
    with_panel(&st, &a, id, status, |p| {
        p.reply_error = Some((side_id, msg, f.text));
    })
    .await
}

/// The page again, its side panel changed by `f`.
async fn with_panel(
    st: &AppState,
    a: &Agent,
    id: i64,
    status: StatusCode,
    f: impl FnOnce(&mut SidePanel) + Send,
) -> Response {
    let page = async {
        let mut p = super::conversation::load(st, a, id).await?;
        let mut side = panel(st, a, id, &p.items).await?;
        f(&mut side);
        p.sides = Some(side);
        Ok::<_, Error>(p)
    };
    match page.await {
        Ok(p) => render_status(status, &p),
        Err(e) => error_page(&a.tr, e),
    }
}

/// The reply's CC and BCC as the composer shows them.
#[derive(Debug, Clone, Default)]
pub struct ReplyCopies {
    pub cc: String,
    pub bcc: String,
    /// An error beside a field: (`cc` or `bcc`, message).
    pub error: Option<(String, String)>,
}

impl ReplyCopies {
    /// The field in error (empty: none).
    pub fn err_field(&self) -> &str {
        self.error.as_ref().map_or("", |e| e.0.as_str())
    }

    /// What is wrong with it.
    pub fn err_msg(&self) -> &str {
        self.error.as_ref().map_or("", |e| e.1.as_str())
    }

    /// The copies as typed, with the error about `field` when it is one of
    /// theirs (else the error is another field's).
    pub fn typed(a: &Agent, cc: &[String], bcc: &[String], field: &str) -> ReplyCopies {
        let key = match field {
            "cc" => Some("copies-error-cc"),
            "bcc" => Some("copies-error-bcc"),
            _ => None,
        };
        ReplyCopies {
            cc: cc.join(", "),
            bcc: bcc.join(", "),
            error: key.map(|k| (field.to_string(), a.tr.t(k))),
        }
    }
}
