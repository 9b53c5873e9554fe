//! Survey, task, story and report types; locales, links and answers and
//! their validation. The rules about who is asked live in `rules.rs`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Error, Result};

pub use crate::locale::{
    LOCALES, from_accept_language as locale_from_accept_language, supported as supported_locale,
};

/// The customer's yes/no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// "Yes, it's solved."
    Yes,
    /// "No, I still need help."
    No,
}

impl Answer {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
        }
    }
    /// Parses a stored or submitted value.
    pub fn parse(s: &str) -> Option<Answer> {
        match s {
            "yes" => Some(Answer::Yes),
            "no" => Some(Answer::No),
            _ => None,
        }
    }
}

/// What one signed link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAction {
    /// Answers yes or no.
    Answer(Answer),
    /// Gives a rating 1–5.
    Rate(i64),
    /// Submits the form (answer, rating, comment) or just shows it.
    Form,
}

impl LinkAction {
    /// The action as it appears in a link.
    pub fn as_path(self) -> String {
        match self {
            LinkAction::Answer(a) => a.as_str().to_string(),
            LinkAction::Rate(n) => n.to_string(),
            LinkAction::Form => "form".into(),
        }
    }
    /// Parses the action part of a link.
    pub fn parse(s: &str) -> Option<LinkAction> {
        match s {
            "form" => Some(LinkAction::Form),
            "1" | "2" | "3" | "4" | "5" => s.parse().ok().map(LinkAction::Rate),
            _ => Answer::parse(s).map(LinkAction::Answer),
        }
    }
}

/// What a customer submits; each part is kept only the first time it is given.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// Yes or no.
    pub answer: Option<Answer>,
    /// 1–5.
    pub rating: Option<i64>,
    /// Free text.
    pub comment: Option<String>,
}

/// Longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 5000;

/// Validates a submitted rating and comment.
pub fn parse_response(
    answer: Option<&str>,
    rating: Option<&str>,
    comment: Option<&str>,
) -> Result<Response> {
    let answer = match answer.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(
            Answer::parse(a).ok_or_else(|| Error::invalid("answer", "answer must be yes or no"))?,
        ),
    };
    let rating = match rating.map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => match r.parse::<i64>() {
            Ok(n) if (1..=5).contains(&n) => Some(n),
            _ => {
                return Err(Error::invalid(
                    "rating",
                    "rating must be a whole number from 1 to 5",
                ));
            }
        },
    };
    let comment = comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS)
    {
        return Err(Error::invalid(
            "comment",
            format!("the comment is longer than {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(Response {
        answer,
        rating,
        comment,
    })
}

/// The lowest rating that counts as satisfied (CSAT, success stories, the
/// reports).
pub const SATISFIED_RATING: i64 = 4;

/// Whether an answer is unhappy: "no", or a rating at or below the threshold.
pub fn is_unhappy(answer: Option<Answer>, rating: Option<i64>, threshold: i64) -> bool {
    answer == Some(Answer::No) || rating.is_some_and(|r| r <= threshold)
}

/// A follow-up task.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Task {
    /// Id.
    pub id: i64,
    /// `follow_up`.
    pub kind: String,
    /// The conversation to follow up.
    pub conversation_id: i64,
    /// The survey answer that caused it.
    pub survey_id: Option<i64>,
    /// Who should do it; null means the supervisor queue.
    pub assignee_id: Option<i64>,
    /// RFC 3339.
    pub due_at: String,
    /// RFC 3339, null while open.
    pub done_at: Option<String>,
    /// Who completed it.
    pub done_by: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
}

/// An agent credited with a story.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Credit {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// A success story: a rating of 4 or more with a comment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Story {
    /// The survey.
    pub survey_id: i64,
    /// The conversation.
    pub conversation_id: i64,
    /// Its subject.
    pub subject: String,
    /// The customer's name, if known.
    pub customer_name: Option<String>,
    /// 4 or 5.
    pub rating: i64,
    /// The customer's words.
    pub comment: String,
    /// The customer's language, when known.
    pub language: Option<String>,
    /// The agents who sent public replies.
    pub agents: Vec<Credit>,
    /// RFC 3339.
    pub answered_at: String,
}

/// A survey as agents see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Survey {
    /// Id.
    pub id: i64,
    /// The conversation.
    pub conversation_id: i64,
    /// `email` or `chat`.
    pub channel: String,
    /// RFC 3339: the solve this survey asks about.
    pub solved_at: String,
    /// Whether it follows an earlier unhappy answer.
    pub follow_up: bool,
    /// Where it stands.
    pub status: super::rules::SurveyState,
    /// Why it was skipped: `no_channel`, `no_address`, `no_sender`, `auto_address`, `period_limit`.
    pub skip_reason: Option<String>,
    /// The customer's language, when known (the mail went out in English otherwise).
    pub language: Option<String>,
    /// `yes`, `no` or null.
    pub answer: Option<String>,
    /// 1–5 or null.
    pub rating: Option<i64>,
    /// The comment.
    pub comment: Option<String>,
    /// Whether the answer was unhappy.
    pub unhappy: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub answered_at: Option<String>,
}

/// One line of the CSAT report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CsatLine {
    /// The agent (the owner when it was solved), team (the
    /// conversation's) or inbox id, or the channel name; empty for the
    /// surveys without an owner or a team.
    pub key: String,
    /// Display name (`none` for the empty key).
    pub name: String,
    /// Surveys sent (or asked inline).
    pub sent: i64,
    /// Surveys answered in any way.
    pub answered: i64,
    /// Answers with a rating.
    pub rated: i64,
    /// Ratings of 4 or 5.
    pub satisfied: i64,
    /// satisfied / rated; null without ratings.
    pub csat: Option<f64>,
    /// answered / sent; null when nothing was sent.
    pub response_rate: Option<f64>,
}

/// The CSAT report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CsatReport {
    /// `agent`, `team`, `inbox` or `channel`.
    pub group_by: String,
    /// One line per group.
    pub items: Vec<CsatLine>,
    /// Always null (the report is one page).
    pub next_cursor: Option<String>,
}

/// A template as admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Template {
    /// `survey_email_subject`, `survey_email_text` or `survey_page`.
    pub name: String,
    /// en, ja, ko, lv or ca.
    pub locale: String,
    /// minijinja source.
    pub source: String,
    /// Whether an admin changed it from the built-in one.
    pub customized: bool,
    /// RFC 3339, when customized.
    pub updated_at: Option<String>,
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhappy_is_no_or_a_low_rating() {
        assert!(is_unhappy(Some(Answer::No), None, 3));
        assert!(is_unhappy(Some(Answer::Yes), Some(3), 3));
        assert!(!is_unhappy(Some(Answer::Yes), Some(4), 3));
        assert!(!is_unhappy(None, None, 3));
    }

    #[test]
    fn responses_are_validated() {
        assert!(parse_response(Some("maybe"), None, None).is_err());
        assert!(parse_response(None, Some("6"), None).is_err());
        let r = parse_response(Some("yes"), Some("5"), Some("  Great help  ")).unwrap_or_default();
        assert_eq!(
            (r.answer, r.rating, r.comment.as_deref()),
            (Some(Answer::Yes), Some(5), Some("Great help"))
        );
        assert!(parse_response(None, None, Some(&"x".repeat(MAX_COMMENT_CHARS + 1))).is_err());
    }

    #[test]
    fn link_actions_round_trip() {
        for a in ["yes", "no", "1", "5", "form"] {
            assert_eq!(
                LinkAction::parse(a).map(LinkAction::as_path).as_deref(),
                Some(a)
            );
        }
        assert_eq!(LinkAction::parse("6"), None);
        assert_eq!(LinkAction::parse("YES"), None);
    }
}
