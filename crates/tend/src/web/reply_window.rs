//! The reply window on a conversation page (channels that have one:
//! WhatsApp's 24 hours, `channels::capabilities`): whether the desk may
//! write freely and until when; outside it, the inbox's approved
//! templates, each with a field per parameter, in place of the text box.

use super::session::Agent;
use crate::Result;
use crate::channels::capabilities::Capabilities;
use crate::conversations::Conversation;
use crate::state::AppState;

/// An approved template the composer offers.
#[derive(Debug, Clone)]
pub struct TemplateChoice {
    /// Its name (sent as the form's `template`).
    pub name: String,
    /// Its language code.
    pub language: String,
    /// A label per parameter, in order.
    pub parameters: Vec<String>,
}

/// The reply window's state, as the page shows it.
#[derive(Debug, Clone)]
pub struct WindowPanel {
    /// Whether the desk may write freely now.
    pub open: bool,
    /// What the page says of it.
    pub text: String,
    /// The inbox's templates (offered while the window is closed).
    pub templates: Vec<TemplateChoice>,
}

/// The panel of a conversation whose channel has a reply window and a
/// customer who wrote on it; `None` otherwise.
pub async fn panel(st: &AppState, a: &Agent, conv: &Conversation) -> Result<Option<WindowPanel>> {
    let Some(inbox) = crate::inboxes::service::channel_inbox(st, conv.inbox_id).await? else {
        return Ok(None);
    };
    let caps = Capabilities::of(inbox.kind);
    if caps.reply_window.is_none() {
        return Ok(None);
    }
    let Some(last) = crate::channels::api::inbound::last_arrival(st, conv.id).await? else {
        return Ok(None);
    };
    let now = st.clock.now_ms();
    let open = caps.window_open(Some(last), now);
    let until = caps.window_closes_at(Some(last)).unwrap_or(now);
    let channel = super::labels::channel(&a.tr, conv.channel);
    let args = [
        ("channel", channel.into()),
        ("until", a.tr.datetime(until, &a.tz).into()),
    ];
    let text = a.tr.args(
        if open {
            "reply-window-open"
        } else {
            "reply-window-closed"
        },
        &args,
    );
    let templates = inbox
        .whatsapp
        .map(|w| w.templates)
        .unwrap_or_default()
        .into_iter()
        .map(|t| TemplateChoice {
            parameters: (1..=t.parameters)
                .map(|n| a.tr.s("reply-window-parameter", "n", n))
                .collect(),
            name: t.name,
            language: t.language,
        })
        .collect();
    Ok(Some(WindowPanel {
        open,
        text,
        templates,
    }))
}

impl super::conversation::ConvPage {
    /// Whether the composer offers a free-text reply (no reply window, or
    /// an open one).
    pub fn free_text(&self) -> bool {
        self.window.as_ref().is_none_or(|w| w.open)
    }
}
