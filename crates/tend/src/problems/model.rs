//! Problems as the API shows and takes them, and the checks of their
//! input.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::vocab::{Status, closed_set};
use crate::{Error, Result};

closed_set! {
    /// Where a problem stands.
    pub enum ProblemStatus ("problem status") {
        /// Its cause is being looked for.
        Investigating = "investigating",
        /// Its cause is known; its workaround is what customers are told
        /// meanwhile, and new matching conversations are proposed it.
        Known = "known",
        /// Fixed: its linked customers were told.
        Fixed = "fixed",
    }
}

/// A conversation linked to a problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkedConversation {
    /// The conversation.
    pub conversation_id: i64,
    /// Its subject.
    pub subject: String,
    /// Its status now.
    pub status: Status,
    /// Its language, if known.
    pub language: Option<String>,
    /// Who linked it (none: the system).
    pub linked_by: Option<i64>,
    /// RFC 3339.
    pub linked_at: String,
    /// When the fix message was sent to it (RFC 3339); none before.
    pub notified_at: Option<String>,
}

/// A problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// What is known of it.
    pub description: String,
    /// Where it stands.
    pub status: ProblemStatus,
    /// The agent who works it.
    pub owner_id: Option<i64>,
    /// What customers may do meanwhile (the suggested answer while it is
    /// `known`).
    pub workaround: Option<String>,
    /// Who opened it.
    pub created_by: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// When it was marked fixed (RFC 3339).
    pub fixed_at: Option<String>,
    /// Who marked it fixed.
    pub fixed_by: Option<i64>,
    /// What its linked customers were told, by language.
    pub fix_message: Option<BTreeMap<String, String>>,
    /// How many conversations are linked (all, whoever may see them).
    pub linked_count: i64,
    /// The linked conversations the viewer may see, newest link first (in
    /// lists: empty).
    pub conversations: Vec<LinkedConversation>,
}

/// `POST /problems`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemInput {
    /// 1–200 characters.
    pub title: String,
    /// Up to 10,000 characters.
    #[serde(default)]
    pub description: String,
    /// `investigating` (the default) or `known`; a problem is made
    /// `fixed` with `PATCH`, which tells its customers.
    #[serde(default)]
    pub status: Option<ProblemStatus>,
    /// The agent who works it (default: who opens it).
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Up to 10,000 characters.
    #[serde(default)]
    pub workaround: Option<String>,
}

/// `PATCH /problems/{id}`: the fields given change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemPatch {
    /// 1–200 characters.
    pub title: Option<String>,
    /// Up to 10,000 characters.
    pub description: Option<String>,
    /// The new status. `fixed` (owner, supervisors, admins) sends
    /// `message` once to every linked conversation still open and solves
    /// it.
    pub status: Option<ProblemStatus>,
    /// Another owner (the owner, supervisors, admins).
    pub owner_id: Option<i64>,
    /// Up to 10,000 characters; `""` removes it.
    pub workaround: Option<String>,
    /// With `status: fixed`: the text for customers by language
    /// (`{"en": "…", "ja": "…"}`); each gets the text of their language,
    /// else of its primary subtag, else the first given.
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub message: Option<FixMessage>,
}

/// Texts by language, in the order given (the first is the fallback).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixMessage(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for FixMessage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = FixMessage;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of texts by language, e.g. {\"en\": \"…\"}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<FixMessage, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    out.push((k, v));
                }
                Ok(FixMessage(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

impl FixMessage {
    /// As the automatic replies take texts: the first given is the
    /// fallback, every one a translation.
    pub fn localized(&self) -> Result<crate::automation::model::LocalizedText> {
        let Some((_, first)) = self.0.first() else {
            return Err(Error::invalid(
                "message",
                "give the text for customers in at least one language, e.g. {\"en\": \"…\"}",
            ));
        };
        for (lang, text) in &self.0 {
            let n = text.trim().chars().count();
            if n == 0 || n > 10_000 {
                return Err(Error::invalid(
                    format!("message.{lang}"),
                    "give a text of 1–10,000 characters",
                ));
            }
        }
        Ok(crate::automation::model::LocalizedText {
            text: first.clone(),
            translations: self.0.iter().cloned().collect(),
        })
    }
}

/// `POST /problems/{id}/conversations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The conversation to link (it leaves any problem it was linked to).
    pub conversation_id: i64,
}

/// `GET /problems`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProblemQuery {
    /// Only this status.
    pub status: Option<String>,
}

/// Checks a title.
pub fn check_title(t: &str) -> Result<String> {
    let t = t.trim();
    let n = t.chars().count();
    if n == 0 || n > 200 || t.contains('\0') {
        return Err(Error::invalid("title", "give a title of 1–200 characters"));
    }
    Ok(t.to_string())
}

/// Checks a long text (description, workaround).
pub fn check_text(field: &str, t: &str) -> Result<String> {
    let t = t.trim();
    if t.chars().count() > 10_000 || t.contains('\0') {
        return Err(Error::invalid(field, "keep it under 10,000 characters"));
    }
    Ok(t.to_string())
}

/// A problem proposed for a conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedProblem {
    /// The problem (without its conversations).
    pub problem: Problem,
    /// How alike (0–1): the best of its linked conversations that are like
    /// this one, relative to this one's likeness with itself.
    pub score: f32,
    /// How many of its linked conversations are like this one.
    pub matches: i64,
}

/// A conversation like another.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarConversation {
    /// The conversation.
    pub conversation_id: i64,
    /// Its subject.
    pub subject: String,
    /// Its status.
    pub status: Status,
    /// The problem it is linked to.
    pub problem_id: Option<i64>,
    /// How alike (0–1, relative to the compared one's likeness with
    /// itself).
    pub score: f32,
}

/// A known problem's workaround, suggested as the answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    /// The known problem.
    pub problem_id: i64,
    /// Its title.
    pub title: String,
    /// Its workaround: a suggested answer, never sent by itself.
    pub workaround: String,
    /// How alike (0–1).
    pub score: f32,
}

/// `GET /conversations/{id}/problem-proposals`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposals {
    /// The problem the conversation is linked to, if any.
    pub linked: Option<Problem>,
    /// Likely problems (investigating or known), best first.
    pub problems: Vec<ProposedProblem>,
    /// Similar conversations of the last 30 days, best first.
    pub similar: Vec<SimilarConversation>,
    /// While a known problem matches well enough and the conversation is
    /// linked to none: its workaround as a suggested answer.
    pub suggestion: Option<Suggestion>,
}

/// `GET /problems/trending`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendingQuery {
    /// How far back, in hours (1–720, default 24).
    pub hours: Option<i64>,
}

/// A cluster of similar new conversations linked to no problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cluster {
    /// How many conversations it holds.
    pub count: i64,
    /// The subject of its first conversation (the newest), as its name.
    pub subject: String,
    /// Its conversations, newest first.
    pub conversation_ids: Vec<i64>,
}

/// A line of `GET /problems/report`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ProblemReportLine)]
pub struct ReportLine {
    /// The problem.
    pub problem_id: i64,
    /// Its title.
    pub title: String,
    /// Where it stands.
    pub status: ProblemStatus,
    /// Conversations linked.
    pub linked: i64,
    /// Who marked it fixed.
    pub fixed_by: Option<i64>,
    /// From opening to fixed, in hours (none while not fixed).
    pub hours_to_fix: Option<f64>,
}

/// Credit for fixing causes, per agent.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ProblemCredit)]
pub struct Credit {
    /// The agent.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Problems they marked fixed.
    pub problems: i64,
    /// The conversations linked to those: "fixed the cause of 37
    /// conversations".
    pub conversations: i64,
}

/// `GET /problems/report`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ProblemReport)]
pub struct Report {
    /// Problems by linked volume, most first.
    pub problems: Vec<ReportLine>,
    /// Who fixed causes, most conversations first.
    pub credits: Vec<Credit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_message_keeps_the_order_given() {
        let m: FixMessage = serde_json::from_str(r#"{"ja": "直りました", "en": "Fixed"}"#).unwrap();
        let l = m.localized().unwrap();
        assert_eq!(l.text, "直りました");
        assert_eq!(l.translations.len(), 2);
        assert!(FixMessage::default().localized().is_err());
        let blank: FixMessage = serde_json::from_str(r#"{"en": " "}"#).unwrap();
        assert!(blank.localized().is_err());
    }

    #[test]
    fn statuses_parse_with_a_reason() {
        assert_eq!(
            ProblemStatus::parse("status", "known").unwrap(),
            ProblemStatus::Known
        );
        assert!(ProblemStatus::parse("status", "solved").is_err());
    }
}
