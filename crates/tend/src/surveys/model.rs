//! Survey, task, story and report types, and the pure rules of the loop:
//! who may be asked, when a follow-up is due, what counts as unhappy.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Error, Result};

/// The locales every template exists in.
pub const LOCALES: [&str; 5] = ["en", "ja", "ko", "lv", "ca"];

/// Picks a supported locale from a language tag (`ja-JP` → `ja`).
pub fn supported_locale(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LOCALES.into_iter().find(|l| *l == primary)
}

/// The best supported locale of an `Accept-Language` header, by q-value.
pub fn locale_from_accept_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(f32, &'static str)> = None;
    for part in header.split(',') {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or_default();
        let q = bits
            .find_map(|b| b.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(l) = supported_locale(tag)
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map(|(_, l)| l)
}

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

/// Whether an answer is unhappy: "no", or a rating at or below the threshold.
pub fn is_unhappy(answer: Option<Answer>, rating: Option<i64>, threshold: i64) -> bool {
    answer == Some(Answer::No) || rating.is_some_and(|r| r <= threshold)
}

/// Local parts of addresses that no person reads.
const AUTO_LOCAL_PARTS: &[&str] = &[
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "mailer-daemon",
    "postmaster",
    "bounce",
    "bounces",
    "notifications",
    "notification",
    "auto-reply",
    "autoreply",
    "daemon",
];

/// Whether an address is auto-generated by its form (noreply@,
/// mailer-daemon@, bounces+…@, no-reply-xyz@…).
pub fn is_auto_address(email: &str) -> bool {
    let local = email
        .rsplit_once('@')
        .map_or(email, |(l, _)| l)
        .to_ascii_lowercase();
    let base = local.split(['+', '=']).next().unwrap_or_default();
    AUTO_LOCAL_PARTS.iter().any(|p| {
        base == *p
            || base.starts_with(&format!("{p}-"))
            || base.starts_with(&format!("{p}."))
            || base.starts_with(&format!("{p}_"))
    })
}

/// Why a solve gets no survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The channel cannot carry a survey (API, phone…).
    NoChannel,
    /// The customer has no address to write to.
    NoAddress,
    /// The address is auto-generated, or only auto-generated mail came from it.
    AutoAddress,
    /// The customer was asked recently (per-customer limit).
    PeriodLimit,
}

impl SkipReason {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NoChannel => "no_channel",
            SkipReason::NoAddress => "no_address",
            SkipReason::AutoAddress => "auto_address",
            SkipReason::PeriodLimit => "period_limit",
        }
    }
}

/// How a solve is surveyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// By mail, through the outbox.
    Email,
    /// Inline at the end of the chat.
    Inline,
    /// Not at all.
    Skip(SkipReason),
}

/// Everything the decision depends on.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    /// The conversation's channel.
    pub channel: &'a str,
    /// The customer's address.
    pub email: Option<&'a str>,
    /// Only auto-generated mail ever came from that address.
    pub only_auto_mail: bool,
    /// A survey reached this customer within the limit period.
    pub asked_recently: bool,
    /// An earlier survey of this conversation was unhappy.
    pub follow_up: bool,
}

/// Decides how (and whether) to ask. Follow-ups of an unhappy answer are
/// not held back by the per-customer limit: the loop must go on until the
/// customer confirms.
pub fn decide(f: &Facts<'_>) -> Delivery {
    let delivery = match f.channel {
        "email" => Delivery::Email,
        "chat" => Delivery::Inline,
        _ => return Delivery::Skip(SkipReason::NoChannel),
    };
    if delivery == Delivery::Email {
        let Some(email) = f.email else {
            return Delivery::Skip(SkipReason::NoAddress);
        };
        if is_auto_address(email) || f.only_auto_mail {
            return Delivery::Skip(SkipReason::AutoAddress);
        }
    } else if f.email.is_some_and(is_auto_address) || f.only_auto_mail {
        return Delivery::Skip(SkipReason::AutoAddress);
    }
    if f.asked_recently && !f.follow_up {
        return Delivery::Skip(SkipReason::PeriodLimit);
    }
    delivery
}

const DAY_MS: i64 = 86_400_000;

/// One business day after `ms` (UTC): the same time on the next day that is
/// not a Saturday or Sunday. Holidays are not modelled.
pub fn next_business_day(ms: i64) -> i64 {
    let mut t = ms + DAY_MS;
    // 1970-01-01 was a Thursday: day 0 → Thursday (weekday index 3, Monday = 0).
    let weekday = |t: i64| (t.div_euclid(DAY_MS) + 3).rem_euclid(7);
    while weekday(t) >= 5 {
        t += DAY_MS;
    }
    t
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
    /// `sent`, `inline_due` or `skipped`.
    pub status: String,
    /// Why it was skipped: `no_channel`, `no_address`, `auto_address`, `period_limit`.
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
    /// The agent, team or inbox id, or the channel name.
    pub key: String,
    /// Display name.
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
    fn business_days_skip_weekends() {
        let at = |s: &str| crate::time::parse_ms(s).unwrap_or_default();
        // Wednesday → Thursday.
        assert_eq!(
            next_business_day(at("2026-11-25T09:00:00Z")),
            at("2026-11-26T09:00:00Z")
        );
        // Friday → Monday.
        assert_eq!(
            next_business_day(at("2026-11-27T17:30:00Z")),
            at("2026-11-30T17:30:00Z")
        );
        // Saturday and Sunday → Monday.
        assert_eq!(
            next_business_day(at("2026-11-28T08:00:00Z")),
            at("2026-11-30T08:00:00Z")
        );
        assert_eq!(
            next_business_day(at("2026-11-29T08:00:00Z")),
            at("2026-11-30T08:00:00Z")
        );
    }

    #[test]
    fn auto_addresses_are_recognised() {
        for a in [
            "noreply@shop.example",
            "no-reply@x.jp",
            "NoReply+123@x.com",
            "MAILER-DAEMON@mx.example",
            "bounces+abc=x@lists.example",
            "do-not-reply.orders@x.example",
            "postmaster@example.lv",
        ] {
            assert!(is_auto_address(a), "{a}");
        }
        for a in [
            "jordi@example.cat",
            "noreen@example.com",
            "replyguy@x.com",
            "daemonica@x.com",
        ] {
            assert!(!is_auto_address(a), "{a}");
        }
    }

    #[test]
    fn decision_rules() {
        let base = Facts {
            channel: "email",
            email: Some("ada@example.com"),
            ..Default::default()
        };
        assert_eq!(decide(&base), Delivery::Email);
        assert_eq!(
            decide(&Facts {
                channel: "chat",
                ..base.clone()
            }),
            Delivery::Inline
        );
        assert_eq!(
            decide(&Facts {
                channel: "api",
                ..base.clone()
            }),
            Delivery::Skip(SkipReason::NoChannel)
        );
        assert_eq!(
            decide(&Facts {
                email: Some("noreply@example.com"),
                ..base.clone()
            }),
            Delivery::Skip(SkipReason::AutoAddress)
        );
        assert_eq!(
            decide(&Facts {
                only_auto_mail: true,
                ..base.clone()
            }),
            Delivery::Skip(SkipReason::AutoAddress)
        );
        assert_eq!(
            decide(&Facts {
                asked_recently: true,
                ..base.clone()
            }),
            Delivery::Skip(SkipReason::PeriodLimit)
        );
        assert_eq!(
            decide(&Facts {
                asked_recently: true,
                follow_up: true,
                ..base.clone()
            }),
            Delivery::Email,
            "follow-ups go on until the customer confirms"
        );
        assert_eq!(
            decide(&Facts {
                email: None,
                ..base
            }),
            Delivery::Skip(SkipReason::NoAddress)
        );
    }

    #[test]
    fn unhappy_is_no_or_a_low_rating() {
        assert!(is_unhappy(Some(Answer::No), None, 3));
        assert!(is_unhappy(Some(Answer::Yes), Some(3), 3));
        assert!(!is_unhappy(Some(Answer::Yes), Some(4), 3));
        assert!(!is_unhappy(None, None, 3));
    }

    #[test]
    fn locales_from_tags_and_accept_language() {
        assert_eq!(supported_locale("ja-JP"), Some("ja"));
        assert_eq!(supported_locale("de"), None);
        assert_eq!(
            locale_from_accept_language("de-DE, ko;q=0.8, en;q=0.5"),
            Some("ko")
        );
        assert_eq!(locale_from_accept_language("lv;q=0.2, ca"), Some("ca"));
        assert_eq!(locale_from_accept_language("fr"), None);
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
