//! The items of a conversation's timeline as the page shows them: messages
//! and notes with their files and authentication badges, and events in words.

use std::collections::HashMap;

use super::labels;
use super::session::Agent;
use crate::conversations::Message;
use crate::routing::model::TransferCategory;
use crate::vocab::{ActorKind, Direction, EventKind};

/// How a stored HTML body is shown: in a sandboxed frame when there is
/// one, with a "show images" button when it links remote pictures
/// (blocked until the agent asks). For messages and side mails alike.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlFrame {
    pub has_html: bool,
    pub has_remote_images: bool,
}

impl HtmlFrame {
    /// The frame of `html` (a sanitised body, or none).
    pub fn of(html: Option<&str>) -> HtmlFrame {
        HtmlFrame {
            has_html: html.is_some_and(|h| !h.trim().is_empty()),
            has_remote_images: html.is_some_and(|h| h.contains(tend_mail::BLOCKED_SRC_ATTR)),
        }
    }
}

/// A file on a message (or a side conversation's mail).
#[derive(Debug, Clone)]
pub struct FileView {
    pub id: i64,
    pub filename: String,
    pub size: String,
    pub is_image: bool,
    pub inline: bool,
}

impl FileView {
    /// A stored file as the page lists it.
    pub fn of(f: crate::conversations::model::Attachment) -> FileView {
        FileView {
            id: f.id,
            is_image: f.content_type.starts_with("image/"),
            inline: f.inline,
            size: human_size(f.size),
            filename: f.filename,
        }
    }
}

/// One entry of the timeline.
pub struct Item {
    /// `message`, `note` or `event`.
    pub kind: &'static str,
    pub id: i64,
    pub who: String,
    /// The agent behind `who` (0: a customer or the system), for the link
    /// to their profile.
    pub who_id: i64,
    pub when: String,
    pub inbound: bool,
    pub text: String,
    pub full_text: String,
    pub frame: HtmlFrame,
    pub has_raw: bool,
    pub files: Vec<FileView>,
    pub delivery: String,
    pub delivery_label: String,
    pub delivery_error: String,
    pub cc: String,
    /// Email, the desk's replies: who it went to in BCC (agents only).
    pub bcc: String,
    /// Email: the sender's address, beside their name.
    pub from_addr: String,
    /// Email: where it went (the inbox's address for the customer's
    /// mail, the customer's for the desk's).
    pub to: String,
    /// The language of the text (`lang`), when known.
    pub lang: String,
    pub notes: String,
    pub reason: String,
    /// Inbound email: sender authentication badges (mechanism, verdict,
    /// translated verdict); empty when it was not checked.
    pub auth: Vec<(&'static str, &'static str, String)>,
    /// Inbound email that failed DMARC (its From may be forged).
    pub forged: bool,
    /// A conversation this event names (0: none), linked on the timeline.
    pub link: i64,
}

/// The sender-authentication badges of a message.
pub(super) fn auth_badges(
    tr: &super::i18n::Tr,
    auth: Option<&crate::conversations::model::MailAuth>,
) -> Vec<(&'static str, &'static str, String)> {
    let Some(a) = auth else { return vec![] };
    [("SPF", a.spf), ("DKIM", a.dkim), ("DMARC", a.dmarc)]
        .into_iter()
        .map(|(name, v)| (name, v.as_str(), tr.t(&format!("auth-{}", v.as_str()))))
        .collect()
}

/// A file size for people (B, KB, MB).
pub(crate) fn human_size(n: i64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    }
}

pub(super) fn ms(s: &str) -> i64 {
    crate::time::parse_ms(s).unwrap_or(0)
}

pub(super) fn agent_id(actor: &crate::conversations::model::Actor) -> i64 {
    match (actor.kind, actor.id) {
        (ActorKind::Agent, Some(id)) => id,
        _ => 0,
    }
}

pub(super) fn message_item(a: &Agent, m: Message) -> Item {
    let who = m
        .author
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .or(m.author.email.clone())
        .unwrap_or_else(|| a.tr.t("author-system"));
    let shown = m
        .reply_text
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| m.text.clone());
    let from_addr = m
        .author
        .email
        .clone()
        .filter(|e| *e != who && m.message_id.is_some())
        .unwrap_or_default();
    let full_text = if shown.trim() == m.text.trim() {
        String::new()
    } else {
        m.text.clone()
    };
    Item {
        kind: if m.internal { "note" } else { "message" },
        id: m.id,
        who,
        who_id: agent_id(&m.author),
        when: a.tr.datetime(ms(&m.created_at), &a.tz),
        inbound: m.direction == Direction::In,
        text: shown,
        full_text,
        frame: HtmlFrame::of(m.html.as_deref()),
        has_raw: m.has_raw,
        files: m.attachments.into_iter().map(FileView::of).collect(),
        delivery_label: m
            .delivery_status
            .map(|d| a.tr.t(super::labels::delivery_key(d)))
            .unwrap_or_default(),
        delivery: m
            .delivery_status
            .map(|d| d.as_str().to_string())
            .unwrap_or_default(),
        delivery_error: m.delivery_error.unwrap_or_default(),
        cc: m.cc.join(", "),
        bcc: m.bcc.join(", "),
        from_addr,
        to: String::new(),
        lang: String::new(),
        notes: m.notes.unwrap_or_default(),
        reason: String::new(),
        auth: auth_badges(&a.tr, m.auth.as_ref()),
        forged: m.auth.as_ref().is_some_and(|x| x.dmarc_failed()),
        link: 0,
    }
}

/// Names of what events refer to by id.
#[derive(Default)]
pub struct Names {
    pub users: HashMap<i64, String>,
    pub teams: HashMap<i64, String>,
    pub inboxes: HashMap<i64, String>,
    /// Survey id → the customer's comment.
    pub comments: HashMap<i64, String>,
}

pub(super) fn event_item(
    a: &Agent,
    names: &Names,
    mut e: crate::conversations::Event,
) -> Option<Item> {
    let tr = &a.tr;
    // A snooze's end reads in the agent's own time zone.
    if let Some(ms) = e.data["until"].as_str().and_then(crate::time::parse_ms) {
        e.data["until"] = a.tr.datetime(ms, &a.tz).into();
    }
    // A rule deleted since is still named by its firing's own data.
    let fired_by = (e.kind == EventKind::AutomationFired)
        .then(|| e.data["name"].as_str().map(str::to_string))
        .flatten();
    let who = e
        .actor
        .name
        .clone()
        .or(fired_by)
        .unwrap_or_else(|| tr.t("author-system"));
    let name_of = |what: super::event_labels::Named, v: &serde_json::Value| {
        let map = match what {
            super::event_labels::Named::User => &names.users,
            super::event_labels::Named::Team => &names.teams,
            super::event_labels::Named::Inbox => &names.inboxes,
        };
        v.as_i64()
            .map(|id| map.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
            .unwrap_or_else(|| tr.t("assign-nobody"))
    };
    let d = &e.data;
    let text = super::event_labels::event_text(tr, &e, &name_of)?;
    let link = match e.kind {
        EventKind::JoinRefused => d["conversation_id"].as_i64().unwrap_or(0),
        // The other conversation of a merge, a split or a link.
        EventKind::MergedInto => d["into"].as_i64().unwrap_or(0),
        EventKind::MergedFrom | EventKind::SplitFrom => d["from"].as_i64().unwrap_or(0),
        EventKind::SplitTo => d["to"].as_i64().unwrap_or(0),
        EventKind::Linked | EventKind::Unlinked => d["with"].as_i64().unwrap_or(0),
        _ => 0,
    };
    Some(Item {
        kind: "event",
        id: e.id,
        who,
        who_id: agent_id(&e.actor),
        when: a.tr.datetime(ms(&e.created_at), &a.tz),
        inbound: false,
        text,
        full_text: String::new(),
        frame: HtmlFrame::default(),
        has_raw: false,
        files: vec![],
        delivery: String::new(),
        delivery_label: String::new(),
        delivery_error: String::new(),
        cc: String::new(),
        bcc: String::new(),
        from_addr: String::new(),
        to: String::new(),
        lang: String::new(),
        notes: String::new(),
        // Transfer reasons are `{"category", "text"}`; older events hold text.
        reason: match &d["reason"] {
            serde_json::Value::Object(r) => {
                let text = r.get("text").and_then(|t| t.as_str()).unwrap_or("");
                let category = r.get("category").and_then(|c| c.as_str());
                match category.and_then(|c| TransferCategory::from_db(c).ok()) {
                    None | Some(TransferCategory::Other) => text.to_string(),
                    Some(c) => format!("{}: {text}", tr.t(labels::transfer_category_key(c))),
                }
            }
            // A refused join's reason is a code.
            serde_json::Value::String(code) if e.kind == EventKind::JoinRefused => {
                tr.t(&format!("join-reason-{}", code.replace('_', "-")))
            }
            // A survey's answer quotes the customer's comment.
            _ if e.kind == EventKind::SurveyAnswered => d["survey_id"]
                .as_i64()
                .and_then(|id| names.comments.get(&id).cloned())
                .unwrap_or_default(),
            v => v.as_str().unwrap_or("").to_string(),
        },
        auth: vec![],
        forged: false,
        link,
    })
}
