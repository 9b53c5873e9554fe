//! What the phone system and callback requests send, and what Tend
//! answers: closed sets as enums, numbers read once at the edge.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What happened to a call, as the phone system tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallEvent {
    /// The call began ringing.
    New,
    /// Someone picked it up.
    Answered,
    /// It ended (answered or not).
    Hangup,
}

impl CallEvent {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallEvent::New => "new",
            CallEvent::Answered => "answered",
            CallEvent::Hangup => "hangup",
        }
    }
}

/// Which way a call goes: `in`, a customer calls the desk; `out`, the
/// desk calls a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallDirection {
    /// A customer calls.
    In,
    /// The desk calls.
    Out,
}

impl CallDirection {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::In => "in",
            CallDirection::Out => "out",
        }
    }

    /// From its stored name.
    pub fn from_db(s: &str) -> CallDirection {
        if s == "out" {
            CallDirection::Out
        } else {
            CallDirection::In
        }
    }
}

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallState {
    /// Ringing.
    New,
    /// Picked up, going on.
    Answered,
    /// Over.
    Ended,
}

impl CallState {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::New => "new",
            CallState::Answered => "answered",
            CallState::Ended => "ended",
        }
    }

    /// From its stored name.
    pub fn from_db(s: &str) -> CallState {
        match s {
            "answered" => CallState::Answered,
            "ended" => CallState::Ended,
            _ => CallState::New,
        }
    }
}

/// One CTI event (`POST /calls`). Events are taken once per
/// `(call_id, event)`, in any order.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CallEventBody {
    /// `new`, `answered` or `hangup`.
    pub event: CallEvent,
    /// The phone system's id of the call.
    #[schema(example = "1733612400.42")]
    pub call_id: String,
    /// The calling number, as the phone system gives it (the customer's
    /// for an inbound call: a number, E.164 or national with
    /// `phone_default_region`; the desk's side may be an extension).
    #[schema(example = "+371 2000 0001")]
    pub from: String,
    /// The called number.
    #[schema(example = "+371 6700 0000")]
    pub to: String,
    /// `in` (a customer calls) or `out`.
    pub direction: CallDirection,
    /// When it happened (RFC 3339); now when absent.
    pub at: Option<String>,
    /// The agent who answered (`answered`).
    pub agent_id: Option<i64>,
    /// The inbox whose phone conversations the call joins (the default
    /// inbox when absent).
    pub inbox_id: Option<i64>,
    /// The caller's name (caller ID), for a customer Tend creates.
    pub name: Option<String>,
}

/// A call as Tend keeps it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Call {
    /// Tend's id.
    pub id: i64,
    /// The phone system's id.
    pub call_id: String,
    /// `in` or `out`.
    pub direction: CallDirection,
    /// The calling number as given.
    pub from: String,
    /// The calling number in E.164 (`null`: the desk's extension or
    /// queue, not a number).
    pub from_e164: Option<String>,
    /// The called number as given.
    pub to: String,
    /// The called number in E.164 (`null`: not a number, as for
    /// `from_e164`).
    pub to_e164: Option<String>,
    /// `new`, `answered` or `ended`.
    pub state: CallState,
    /// An inbound call that ended unanswered (a callback is due).
    pub missed: bool,
    /// The customer (the caller of an inbound call, the called of an
    /// outbound one), matched by number.
    pub customer_id: i64,
    /// The inbox.
    pub inbox_id: i64,
    /// The phone conversation the call is logged on (the callback, when
    /// missed).
    pub conversation_id: Option<i64>,
    /// The agent who answered.
    pub agent_id: Option<i64>,
    /// When it began ringing.
    pub started_at: Option<String>,
    /// When it was answered.
    pub answered_at: Option<String>,
    /// When it ended.
    pub ended_at: Option<String>,
    /// This event was received before: nothing changed.
    pub duplicate: bool,
}

/// A callback request (`POST /callbacks`, and the public form).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CallbackBody {
    /// The number to call back.
    #[schema(example = "+81 90-1234-5678")]
    pub phone: String,
    /// The customer's name.
    pub name: Option<String>,
    /// The inbox whose phone conversations it joins (the default inbox
    /// when absent; publicly, a `web` or `chat` inbox).
    pub inbox_id: Option<i64>,
    /// What it is about (plain text, up to 5,000 characters).
    pub note: Option<String>,
    /// When the customer would like the call: `today_morning`,
    /// `today_afternoon`, `tomorrow_morning` or `tomorrow_afternoon` (their
    /// own day; written into the request's text).
    #[schema(example = "tomorrow_morning")]
    pub window: Option<String>,
}

/// When a customer would like to be called back (the widget's and the
/// contact form's choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackWindow {
    /// Today, before noon.
    TodayMorning,
    /// Today, after noon.
    TodayAfternoon,
    /// Tomorrow, before noon.
    TomorrowMorning,
    /// Tomorrow, after noon.
    TomorrowAfternoon,
}

impl CallbackWindow {
    /// Every window, in the order a visitor picks from.
    pub const ALL: [CallbackWindow; 4] = [
        CallbackWindow::TodayMorning,
        CallbackWindow::TodayAfternoon,
        CallbackWindow::TomorrowMorning,
        CallbackWindow::TomorrowAfternoon,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackWindow::TodayMorning => "today_morning",
            CallbackWindow::TodayAfternoon => "today_afternoon",
            CallbackWindow::TomorrowMorning => "tomorrow_morning",
            CallbackWindow::TomorrowAfternoon => "tomorrow_afternoon",
        }
    }

    /// How the request's text words it.
    pub fn words(self) -> &'static str {
        match self {
            CallbackWindow::TodayMorning => "today, in the morning",
            CallbackWindow::TodayAfternoon => "today, in the afternoon",
            CallbackWindow::TomorrowMorning => "tomorrow, in the morning",
            CallbackWindow::TomorrowAfternoon => "tomorrow, in the afternoon",
        }
    }

    /// Reads `field`'s value; a 422 naming the field otherwise.
    pub fn parse(field: &str, s: &str) -> crate::Result<CallbackWindow> {
        Self::ALL
            .into_iter()
            .find(|w| w.as_str() == s.trim())
            .ok_or_else(|| {
                crate::Error::invalid(
                    field,
                    format!(
                        "{s:?} is not a time window; use today_morning, today_afternoon, tomorrow_morning or tomorrow_afternoon"
                    ),
                )
            })
    }
}

/// A callback request as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CallbackAnswer {
    /// The phone conversation that holds it (with its service levels).
    pub conversation_id: i64,
    /// The customer, matched by number or new.
    pub customer_id: i64,
    /// The number in E.164.
    pub phone: String,
}
