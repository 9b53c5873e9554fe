//! Customer health as the API shows it, the facts it is computed from,
//! and the weights (configuration).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::automation::LocalizedText;
pub use crate::config::HealthWeights as Weights;
pub use crate::vocab::Signal;
use crate::vocab::closed_set;

closed_set! {
    /// How a proactive outreach ended (`health::outcome`).
    pub enum Outcome ("outreach outcome") {
        /// Not decided yet: no reply, and the wait is not over.
        Pending = "pending",
        /// The customer replied.
        Answered = "answered",
        /// A survey on it was answered happy.
        Satisfied = "satisfied",
        /// No reply in time, or an unhappy answer.
        Left = "left",
    }
}

/// One reason of a score, with what it takes off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignalView {
    /// Which signal.
    pub kind: Signal,
    /// Points it takes off the score (its configured weight).
    pub weight: i64,
    /// How many times it happened in the window (waits, breaches, …), or
    /// days (`went_quiet`, `no_positive_contact`).
    pub count: i64,
    /// The same in words (English), for API readers.
    pub detail: String,
}

/// A customer's health: 100 minus the weights of the signals that hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// 0 (about to leave) to 100 (healthy).
    pub score: i64,
    /// The signals that hold, heaviest first.
    pub signals: Vec<SignalView>,
}

/// One line of the radar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarItem {
    /// The customer.
    pub customer_id: i64,
    /// Their name, when known.
    pub name: Option<String>,
    /// Their language.
    pub language: Option<String>,
    /// The inbox of their latest conversation.
    pub inbox_id: Option<i64>,
    /// Their health score (lowest, the highest risk, first).
    pub score: i64,
    /// The reasons.
    pub signals: Vec<SignalView>,
    /// RFC 3339: when the score went below the radar's threshold.
    pub at_risk_since: Option<String>,
}

/// `POST /radar/{customer_id}/outreach`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutreachInput {
    /// The agent who owns the new conversation.
    pub assignee_id: i64,
    /// The inbox it is written from; the inbox of the customer's latest
    /// conversation when absent.
    pub inbox_id: Option<i64>,
    /// The subject, as a template with translations (the customer's
    /// language picks one).
    pub subject: LocalizedText,
    /// The message, as a template with translations, e.g. `Hello {{
    /// customer.first_name | default("there") }}`. Or give `macro_id`.
    pub message: Option<LocalizedText>,
    /// A macro whose text (and translations) is the message.
    pub macro_id: Option<i64>,
}

/// An outreach and where it stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Outreach {
    /// Id.
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// The conversation it started.
    pub conversation_id: i64,
    /// Its owner.
    pub assignee_id: i64,
    /// The customer's score when it started.
    pub score: i64,
    /// How it ended so far.
    pub outcome: Outcome,
    /// RFC 3339.
    pub created_at: String,
}

/// How outreach went: outreaches started in the last 90 days, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct OutreachSummary {
    /// All of them.
    pub total: i64,
    /// Not decided yet.
    pub pending: i64,
    /// The customer replied.
    pub answered: i64,
    /// A happy survey answer.
    pub satisfied: i64,
    /// No reply in time, or an unhappy answer.
    pub left: i64,
}

/// `GET /radar`: the page and how outreach went.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RadarPage {
    /// Customers at risk, the lowest score first.
    pub items: Vec<RadarItem>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Outreach in the last 90 days.
    pub outreach: OutreachSummary,
}

/// What a customer's score is computed from: times (ms) of what happened,
/// kept so that the daily scoring needs no history (see `health::facts`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Their first conversation's start.
    pub first_contact_at: Option<i64>,
    /// Their last message (or the last conversation's start).
    pub last_contact_at: Option<i64>,
    /// Their conversations, oldest first (at most `facts::CONVERSATIONS`).
    pub conversations: Vec<ConversationFacts>,
    /// Their messages with sentiment words, oldest first.
    pub messages: Vec<MessageFacts>,
}

/// What happened in one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationFacts {
    /// The conversation.
    pub id: i64,
    /// When it started.
    pub started_at: i64,
    /// Its subject's words, folded like search terms.
    pub subject_terms: Vec<String>,
    /// Unhappy survey answers (the latest answer per survey).
    pub unhappy_answers: Vec<i64>,
    /// Happy survey answers.
    pub happy_answers: Vec<i64>,
    /// Surveys sent and not answered (when sent).
    pub unanswered_surveys: Vec<i64>,
    /// Reopens.
    pub reopens: Vec<i64>,
    /// Breached service-level targets.
    pub breaches: Vec<i64>,
    /// Waits longer than `rules::LONG_WAIT_S`: (answered at, seconds).
    pub long_waits: Vec<(i64, i64)>,
}

/// A customer's message with sentiment words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageFacts {
    /// When.
    pub at: i64,
    /// The negative words found (lexicon entries).
    pub negative: Vec<String>,
    /// Whether a positive word was found.
    pub positive: bool,
}
