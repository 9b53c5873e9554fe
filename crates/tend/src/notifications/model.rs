//! Notifications' types: the kinds, a notification as the API shows it,
//! and an agent's preferences.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocab::closed_set;

closed_set! {
    /// Why an agent is told about a conversation. The workspace names each
    /// in every locale (`web::notifications::kind_key`, an exhaustive
    /// `match`).
    #[derive(PartialOrd, Ord)]
    pub enum NotificationKind ("notification kind") {
        /// Someone wrote `@name` in a note.
        Mention = "mention",
        /// The conversation was given to the agent.
        Assigned = "assigned",
        /// The customer of a conversation the agent owns wrote.
        CustomerReplied = "customer_replied",
        /// A chat waits in the queue of one of the agent's teams.
        ChatWaiting = "chat_waiting",
        /// A conversation the agent owns (or snoozed) came back from snooze.
        SnoozeEnded = "snooze_ended",
    }
}

impl NotificationKind {
    /// Whether the kind is about a live chat (the optional tone).
    pub fn is_chat(self) -> bool {
        match self {
            NotificationKind::ChatWaiting => true,
            NotificationKind::Mention
            | NotificationKind::Assigned
            | NotificationKind::CustomerReplied
            | NotificationKind::SnoozeEnded => false,
        }
    }
}

/// A notification as its agent sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// Why.
    pub kind: NotificationKind,
    /// The conversation.
    pub conversation_id: i64,
    /// Its subject.
    pub subject: String,
    /// The agent who caused it, if one did.
    pub actor_id: Option<i64>,
    /// Their name.
    pub actor_name: Option<String>,
    /// The start of the note that mentioned the agent (mentions), else empty.
    pub excerpt: String,
    /// When the agent read it (RFC 3339); null while unread.
    pub read_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// Where one kind of notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NotificationDelivery)]
pub struct Delivery {
    /// In the workspace: the header's bell, the list, the browser.
    pub web: bool,
    /// By mail, to the agent's address.
    pub mail: bool,
}

impl Delivery {
    /// Without a choice: in the workspace only.
    pub const DEFAULT: Delivery = Delivery {
        web: true,
        mail: false,
    };
}

/// An agent's choices, every kind named.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = NotificationPreferences)]
pub struct Preferences {
    /// Where each kind goes: `{"mention": {"web": true, "mail": false}, …}`.
    #[schema(value_type = Object)]
    pub kinds: std::collections::BTreeMap<NotificationKind, Delivery>,
    /// A short tone in the workspace when a chat waits.
    pub sound: bool,
}

/// A change of preferences: the kinds given, and the sound when given.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NotificationPreferencesInput)]
pub struct PreferencesInput {
    /// Where each kind named goes; kinds left out keep their choice.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub kinds: std::collections::BTreeMap<String, Delivery>,
    /// A short tone when a chat waits.
    pub sound: Option<bool>,
}

/// The unread count (the header's bell).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = NotificationUnread)]
pub struct Unread {
    /// Unread notifications.
    pub unread: i64,
}
