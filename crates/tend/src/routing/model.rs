//! Routing types as the API shows them, the inputs that change them, and
//! their validation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::conversations::status::Channel;
use crate::customers::model::parse_language;
use crate::{Error, Result};

pub use tend_routing::{Presence, Strategy};

/// Most skills one agent may list.
const MAX_SKILLS: usize = 50;
/// Most languages one agent may list.
const MAX_LANGUAGES: usize = 20;
/// Highest capacity on one channel.
pub const MAX_CAPACITY: u32 = 1000;

crate::vocab::closed_set! {
    /// Why a conversation moves to another owner (the agent UI offers the
    /// same list, `web::labels::transfer_category_key`).
    pub enum TransferCategory ("transfer category") {
        /// Needs other expertise.
        Skill = "skill",
        /// Language.
        Language = "language",
        /// Workload.
        Workload = "workload",
        /// Escalation.
        Escalation = "escalation",
        /// End of shift.
        Shift = "shift",
        /// Anything else (and every plain-text reason).
        Other = "other",
    }
}

/// An agent's routing profile and state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentRouting {
    /// User id.
    pub user_id: i64,
    /// `online`, `away` or `offline`.
    pub presence: String,
    /// Whether the agent went away by inactivity (activity brings them back).
    pub auto_away: bool,
    /// Last sign of activity (RFC 3339), if any.
    pub last_active_at: Option<String>,
    /// Concurrent conversations per channel (every channel; defaults
    /// applied: 3 chats, 20 of anything else).
    pub capacity: BTreeMap<String, u32>,
    /// Unsolved conversations (new, open, pending) owned, per channel.
    pub load: BTreeMap<String, u32>,
    /// Languages spoken (BCP 47).
    pub languages: Vec<String>,
    /// Skills (product areas, categories; matched against conversation
    /// tags) with a level from 1 to 5.
    pub skills: BTreeMap<String, u8>,
}

/// `PUT /users/{id}/routing`: absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingProfileInput {
    /// Concurrent conversations per channel, e.g. `{"chat": 3, "email": 20}`;
    /// 0 takes none on that channel. Channels not given keep their value.
    pub capacity: Option<BTreeMap<String, u32>>,
    /// Languages spoken (BCP 47), replacing the list.
    pub languages: Option<Vec<String>>,
    /// Skills with a level from 1 to 5, replacing the set, e.g. `{"billing": 4}`.
    pub skills: Option<BTreeMap<String, u8>>,
}

/// A validated profile change.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileChange {
    pub capacity: Option<BTreeMap<String, u32>>,
    pub languages: Option<Vec<String>>,
    pub skills: Option<BTreeMap<String, u8>>,
}

impl RoutingProfileInput {
    /// Validates every field, naming the one that is wrong.
    pub(crate) fn validate(self) -> Result<ProfileChange> {
        let capacity = match self.capacity {
            None => None,
            Some(map) => {
                let mut out = BTreeMap::new();
                for (ch, n) in map {
                    let field = format!("capacity.{ch}");
                    let ch = Channel::parse(&field, &ch)?.as_str().to_string();
                    if n > MAX_CAPACITY {
                        return Err(Error::invalid(
                            &field,
                            format!("at most {MAX_CAPACITY} concurrent conversations"),
                        ));
                    }
                    out.insert(ch, n);
                }
                Some(out)
            }
        };
        let languages = match self.languages {
            None => None,
            Some(list) => {
                if list.len() > MAX_LANGUAGES {
                    return Err(Error::invalid(
                        "languages",
                        format!("at most {MAX_LANGUAGES} languages"),
                    ));
                }
                let mut out: Vec<String> = Vec::new();
                for l in list {
                    let l = parse_language("languages", &l)?;
                    if !out.contains(&l) {
                        out.push(l);
                    }
                }
                Some(out)
            }
        };
        let skills = match self.skills {
            None => None,
            Some(map) => {
                if map.len() > MAX_SKILLS {
                    return Err(Error::invalid(
                        "skills",
                        format!("at most {MAX_SKILLS} skills"),
                    ));
                }
                let mut out = BTreeMap::new();
                for (name, level) in map {
                    let field = format!("skills.{name}");
                    let norm = crate::conversations::parse_tags(std::slice::from_ref(&name))
                        .map_err(|_| {
                            Error::invalid(&field, "a skill is 1–64 characters, without commas")
                        })?;
                    if !(1..=5).contains(&level) {
                        return Err(Error::invalid(&field, "a skill level is from 1 to 5"));
                    }
                    for n in norm {
                        out.insert(n, level);
                    }
                }
                Some(out)
            }
        };
        Ok(ProfileChange {
            capacity,
            languages,
            skills,
        })
    }
}

/// `PUT /me/presence`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceInput {
    /// `online` (takes conversations), `away` (keeps theirs, takes no new
    /// ones) or `offline` (their chats return to the queue).
    pub presence: String,
}

/// Parses a presence given by a user.
pub(crate) fn parse_presence(s: &str) -> Result<Presence> {
    Presence::parse(s).ok_or_else(|| {
        Error::invalid(
            "presence",
            format!("unknown presence {s:?}; use online, away or offline"),
        )
    })
}

/// An inbox's routing rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxRouting {
    /// Inbox.
    pub inbox_id: i64,
    /// The team whose members receive the conversations (its queue holds
    /// those nobody can take yet).
    pub team_id: i64,
    /// `round_robin` or `least_loaded`: how an agent is chosen among the
    /// suitable ones.
    pub strategy: String,
    /// The conversation's language must match an agent's language when such
    /// an agent is available; then the best skill level for its tags wins.
    pub skills_first: bool,
    /// A returning customer goes back to their previous agent when that
    /// agent is online with capacity.
    pub sticky: bool,
    /// RFC 3339.
    pub updated_at: String,
}

/// `PUT /inboxes/{id}/routing`: the whole rule.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboxRoutingInput {
    /// Receiving team; it must have been granted the inbox.
    pub team_id: i64,
    /// `round_robin` or `least_loaded` (default).
    pub strategy: Option<String>,
    /// Match language and skills first (default false).
    #[serde(default)]
    pub skills_first: bool,
    /// Return customers to their previous agent (default false).
    #[serde(default)]
    pub sticky: bool,
}

/// Parses a strategy given by a user.
pub(crate) fn parse_strategy(s: &str) -> Result<Strategy> {
    Strategy::parse(s).ok_or_else(|| {
        Error::invalid(
            "strategy",
            format!("unknown strategy {s:?}; use round_robin or least_loaded"),
        )
    })
}

/// A transfer reason as the API accepts it: `{"category", "text"}`, or
/// (the older form) plain text, which counts as category `other`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum TransferReasonInput {
    /// `{"category": "skill", "text": "Needs a refund specialist"}`.
    Structured(StructuredReason),
    /// Plain text (category `other`).
    Text(String),
}

/// A categorised reason.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StructuredReason {
    /// `skill` (needs other expertise), `language`, `workload`,
    /// `escalation`, `shift` (end of shift) or `other`.
    pub category: String,
    /// Free text for the next owner and the report.
    pub text: String,
}

/// A validated transfer reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferReason {
    /// Its category.
    pub category: TransferCategory,
    /// Trimmed, non-empty.
    pub text: String,
}

impl TransferReason {
    /// As stored in events.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"category": self.category, "text": self.text})
    }
}

impl TransferReasonInput {
    /// Validates; `None` for an empty plain-text reason (as if absent).
    pub fn validate(self) -> Result<Option<TransferReason>> {
        match self {
            TransferReasonInput::Text(t) => {
                let t = t.trim();
                Ok((!t.is_empty()).then(|| TransferReason {
                    category: TransferCategory::Other,
                    text: t.to_string(),
                }))
            }
            TransferReasonInput::Structured(s) => {
                let category = TransferCategory::parse("reason.category", s.category.trim())?;
                let text = s.text.trim();
                if text.is_empty() {
                    return Err(Error::invalid(
                        "reason.text",
                        "say in a few words why the conversation moves",
                    ));
                }
                if text.chars().count() > 2000 {
                    return Err(Error::invalid(
                        "reason.text",
                        "a reason is at most 2000 characters",
                    ));
                }
                Ok(Some(TransferReason {
                    category,
                    text: text.to_string(),
                }))
            }
        }
    }
}

/// One channel of a team's queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelQueue {
    /// Channel.
    pub channel: String,
    /// Conversations waiting.
    pub waiting: i64,
    /// Since when the longest-waiting one waits (RFC 3339).
    pub oldest_queued_at: Option<String>,
    /// Free places among the online agents.
    pub free_slots: i64,
    /// All places among the online agents.
    pub total_slots: i64,
    /// Mean handling time of recent conversations (seconds; a default when
    /// there is no history yet).
    pub mean_handling_seconds: i64,
    /// Predicted wait for a new arrival, in seconds; null when nobody who
    /// could take it is online.
    pub expected_wait_seconds: Option<i64>,
    /// Whether visitors should be offered an email or callback follow-up
    /// instead of waiting (the wait is over the configured limit, or unknown).
    pub offer_follow_up: bool,
}

/// A team's queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamQueue {
    /// Team.
    pub team_id: i64,
    /// Team name.
    pub team_name: String,
    /// Conversations waiting, every channel.
    pub waiting: i64,
    /// Team members online.
    pub agents_online: i64,
    /// Per channel: `chat` and `email` always, plus any channel with
    /// conversations waiting.
    pub channels: Vec<ChannelQueue>,
}

/// Transfers of one agent in the report's period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentTransfers {
    /// User id.
    pub user_id: i64,
    /// Name.
    pub name: String,
    /// Times the agent became a conversation's owner.
    pub received: i64,
    /// Times the agent passed one on to another owner.
    pub transferred: i64,
    /// `transferred / received`; null when nothing was received.
    pub transfer_rate: Option<f64>,
    /// Conversations the system took back from the agent (e.g. chats
    /// returned to the queue when they went offline); not transfers.
    pub system_reassigned: i64,
}

/// Transfers within one team in the report's period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamTransfers {
    /// Team id.
    pub team_id: i64,
    /// Name.
    pub name: String,
    /// Conversations of the team that got an owner.
    pub conversations: i64,
    /// Of those, how many were transferred at least once.
    pub transferred_conversations: i64,
    /// All transfers.
    pub transfers: i64,
    /// `transferred_conversations / conversations`; null when none.
    pub transfer_rate: Option<f64>,
}

/// `GET /reports/transfers`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferReport {
    /// Start of the period (RFC 3339, included).
    pub from: String,
    /// End of the period (RFC 3339, excluded).
    pub to: String,
    /// Per agent with any change of ownership in the period.
    pub agents: Vec<AgentTransfers>,
    /// Per team with any change of ownership in the period.
    pub teams: Vec<TeamTransfers>,
    /// Transfers per category.
    pub categories: BTreeMap<String, i64>,
}

/// A rate, or `None` when the base is zero.
pub(crate) fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_need_a_known_category_and_text() {
        let r = TransferReasonInput::Structured(StructuredReason {
            category: "skill".into(),
            text: "  needs a refund specialist ".into(),
        })
        .validate()
        .expect("valid");
        assert_eq!(r.map(|r| r.text), Some("needs a refund specialist".into()));
        let bad = TransferReasonInput::Structured(StructuredReason {
            category: "lunch".into(),
            text: "x".into(),
        })
        .validate();
        assert!(matches!(bad, Err(Error::Invalid { field, .. }) if field == "reason.category"));
        let empty = TransferReasonInput::Structured(StructuredReason {
            category: "other".into(),
            text: " ".into(),
        })
        .validate();
        assert!(matches!(empty, Err(Error::Invalid { field, .. }) if field == "reason.text"));
        let plain = TransferReasonInput::Text("handover".into())
            .validate()
            .expect("ok");
        assert_eq!(plain.map(|r| r.category), Some(TransferCategory::Other));
        assert_eq!(
            TransferReasonInput::Text("  ".into())
                .validate()
                .expect("ok"),
            None
        );
    }

    #[test]
    fn profiles_are_validated_field_by_field() {
        let ok = RoutingProfileInput {
            capacity: Some(BTreeMap::from([("chat".into(), 3), ("email".into(), 20)])),
            languages: Some(vec!["JA".into(), "ja".into(), "pt-BR".into()]),
            skills: Some(BTreeMap::from([("Billing".into(), 4)])),
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.languages, Some(vec!["ja".into(), "pt-br".into()]));
        assert_eq!(ok.skills, Some(BTreeMap::from([("billing".into(), 4)])));
        let field = |input: RoutingProfileInput| match input.validate() {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        };
        assert_eq!(
            field(RoutingProfileInput {
                capacity: Some(BTreeMap::from([("fax".into(), 1)])),
                ..Default::default()
            }),
            "capacity.fax"
        );
        assert_eq!(
            field(RoutingProfileInput {
                skills: Some(BTreeMap::from([("billing".into(), 9)])),
                ..Default::default()
            }),
            "skills.billing"
        );
        assert_eq!(
            field(RoutingProfileInput {
                languages: Some(vec!["not a language".into()]),
                ..Default::default()
            }),
            "languages"
        );
    }
}
