//! Automation rules as the API shows and takes them: when a rule runs
//! (an event, or some minutes after a moment), its conditions and its
//! actions. Macros apply the same [`Action`]s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocab::{Priority, Status, closed_set};

closed_set! {
    /// The conversation events an event rule can run on.
    pub enum Trigger ("automation event") {
        /// A conversation was created.
        ConversationCreated = "conversation_created",
        /// A public message was added (the customer's, or the desk's).
        MessageAdded = "message_added",
        /// The status changed.
        StatusChanged = "status_changed",
        /// The priority changed.
        PriorityChanged = "priority_changed",
        /// Tags were added or removed.
        TagsChanged = "tags_changed",
        /// The owner changed (an assignment or a transfer).
        Assigned = "assigned",
        /// A service-level clock used its warning share.
        SlaWarning = "sla_warning",
        /// A service-level deadline passed unmet.
        SlaBreached = "sla_breached",
        /// The customer answered a satisfaction survey.
        SurveyAnswered = "survey_answered",
    }
}

closed_set! {
    /// The moment a time rule counts its minutes from.
    pub enum Since ("moment") {
        /// The conversation's creation.
        Created = "created",
        /// The last change of status.
        StatusChanged = "status_changed",
        /// The customer's last message.
        LastCustomerMessage = "last_customer_message",
        /// The desk's last public message.
        LastAgentMessage = "last_agent_message",
    }
}

closed_set! {
    /// What a condition looks at.
    pub enum Field ("condition field") {
        /// The status.
        Status = "status",
        /// The priority.
        Priority = "priority",
        /// The channel.
        Channel = "channel",
        /// The inbox (id).
        InboxId = "inbox_id",
        /// The team (id).
        TeamId = "team_id",
        /// The owner (user id).
        AssigneeId = "assignee_id",
        /// The tags.
        Tags = "tags",
        /// The conversation's language.
        Language = "language",
        /// The subject.
        Subject = "subject",
        /// The triggering message's text, or the latest customer message.
        Text = "text",
        /// Who wrote the triggering message: `customer`, `agent`,
        /// `automation` or `system` (none for other triggers).
        MessageFrom = "message.from",
        /// The customer's address.
        CustomerEmail = "customer.email",
        /// The customer's name.
        CustomerName = "customer.name",
        /// The service-level metrics breached (`first_response`, …).
        SlaBreached = "sla.breached",
        /// Hours since the conversation was created.
        HoursSinceCreated = "hours_since_created",
    }
}

closed_set! {
    /// How a condition compares.
    pub enum Op ("condition operator") {
        /// Equal (for a list field: holds the value).
        Is = "is",
        /// Not equal (for a list field: does not hold it).
        IsNot = "is_not",
        /// One of the values given.
        In = "in",
        /// None of the values given.
        NotIn = "not_in",
        /// Contains the words, folded like search (case, accents, CJK).
        Contains = "contains",
        /// Does not contain them.
        NotContains = "not_contains",
        /// Greater than (numbers; priorities by urgency).
        Gt = "gt",
        /// Less than.
        Lt = "lt",
    }
}

/// One comparison: `{"field", "op", "value"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// What to look at.
    pub field: Field,
    /// How to compare.
    pub op: Op,
    /// A string, a number, `null` (none), or a list (with `in`/`not_in`).
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
}

/// All of `all` and, when `any` is not empty, at least one of `any`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Every one must hold.
    #[serde(default)]
    pub all: Vec<Condition>,
    /// At least one must hold (when any are given).
    #[serde(default)]
    pub any: Vec<Condition>,
}

/// A template with a text per locale: the customer's language picks one,
/// else `text`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    /// The template used when no translation fits.
    pub text: String,
    /// Templates by language (`ja`, `ko`, `lv`, `ca`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
}

/// What a rule or a macro does. Macros take every action but `webhook`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Sets the status.
    SetStatus {
        /// The new status.
        value: Status,
    },
    /// Sets the priority.
    SetPriority {
        /// The new priority.
        value: Priority,
    },
    /// Adds tags.
    AddTags {
        /// Tags.
        value: Vec<String>,
    },
    /// Removes tags.
    RemoveTags {
        /// Tags.
        value: Vec<String>,
    },
    /// Gives the conversation to a team; routing picks its owner.
    AssignTeam {
        /// Team id.
        value: i64,
    },
    /// Gives the conversation to an agent.
    AssignAgent {
        /// User id.
        value: i64,
    },
    /// A public reply from a template, in the customer's language.
    Reply {
        /// The template, and its translations.
        #[serde(flatten)]
        text: LocalizedText,
    },
    /// An internal note from a template.
    Note {
        /// The template, and its translations.
        #[serde(flatten)]
        text: LocalizedText,
    },
    /// Posts the triggering event to a URL, signed when a secret is given.
    Webhook {
        /// `http://` or `https://`.
        url: String,
        /// Signs the delivery (`Tend-Signature`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret: Option<String>,
    },
}

closed_set! {
    /// The kinds of [`Action`], as the rule form offers them and
    /// events name them.
    pub enum ActionKind ("action") {
        /// [`Action::SetStatus`].
        SetStatus = "set_status",
        /// [`Action::SetPriority`].
        SetPriority = "set_priority",
        /// [`Action::AddTags`].
        AddTags = "add_tags",
        /// [`Action::RemoveTags`].
        RemoveTags = "remove_tags",
        /// [`Action::AssignTeam`].
        AssignTeam = "assign_team",
        /// [`Action::AssignAgent`].
        AssignAgent = "assign_agent",
        /// [`Action::Reply`].
        Reply = "reply",
        /// [`Action::Note`].
        Note = "note",
        /// [`Action::Webhook`].
        Webhook = "webhook",
    }
}

impl ActionKind {
    /// The kind of an action.
    pub fn of(a: &Action) -> ActionKind {
        match a {
            Action::SetStatus { .. } => ActionKind::SetStatus,
            Action::SetPriority { .. } => ActionKind::SetPriority,
            Action::AddTags { .. } => ActionKind::AddTags,
            Action::RemoveTags { .. } => ActionKind::RemoveTags,
            Action::AssignTeam { .. } => ActionKind::AssignTeam,
            Action::AssignAgent { .. } => ActionKind::AssignAgent,
            Action::Reply { .. } => ActionKind::Reply,
            Action::Note { .. } => ActionKind::Note,
            Action::Webhook { .. } => ActionKind::Webhook,
        }
    }
}

/// A time rule's delay: `minutes` after the moment `since`, counted on a
/// business calendar when one is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct After {
    /// Minutes (business minutes with a calendar).
    pub minutes: i64,
    /// The moment counted from.
    pub since: Since,
    /// Count open minutes of this calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<i64>,
}

/// When a rule runs: on an event, or some minutes after a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum When {
    /// `{"event": "…"}`.
    Event {
        /// The event.
        event: Trigger,
    },
    /// `{"after": {"minutes", "since", "calendar_id"?}}`.
    After {
        /// The delay.
        after: After,
    },
}

/// An automation rule.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Automation {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Whether it runs.
    pub active: bool,
    /// Order: rules run lowest first.
    pub position: i64,
    /// When it runs.
    pub when: When,
    /// What must hold.
    pub conditions: Conditions,
    /// What it does, in order.
    pub actions: Vec<Action>,
    /// Whether evaluations that did not fire are recorded.
    pub trace: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// `POST /automations` and `PUT /automations/{id}`: the whole rule.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutomationInput {
    /// Name (1–200 characters).
    pub name: String,
    /// Runs when true; a new rule is best dry-run first (default false).
    #[serde(default)]
    pub active: bool,
    /// Order (lowest first); ties go to the older rule.
    pub position: i64,
    /// When it runs.
    pub when: When,
    /// What must hold; none: always.
    #[serde(default)]
    pub conditions: Conditions,
    /// What it does (at least one action).
    pub actions: Vec<Action>,
    /// Record the evaluations that did not fire (default false).
    #[serde(default)]
    pub trace: bool,
}

/// The most minutes a time rule may wait: a year.
pub const MAX_AFTER_MINUTES: i64 = 525_600;

/// The most conditions and actions a rule may have.
pub const MAX_PARTS: usize = 50;
