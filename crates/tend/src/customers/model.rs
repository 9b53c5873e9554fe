//! Customer types.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Error, Result};

/// An organisation a customer belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// One of the customer's earlier conversations, as listed in their history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryItem {
    /// Conversation id.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: crate::vocab::Status,
    /// Channel.
    pub channel: crate::vocab::Channel,
    /// Inbox.
    pub inbox_id: i64,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A customer profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Customer {
    /// Id.
    pub id: i64,
    /// Name, when known.
    pub name: Option<String>,
    /// Primary address first.
    pub emails: Vec<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Language (BCP 47, e.g. `ja`).
    pub language: Option<String>,
    /// IANA time zone, e.g. `Asia/Tokyo`.
    pub timezone: Option<String>,
    /// Organisation.
    pub organization: Option<OrganizationRef>,
    /// Agents' notes.
    pub notes: Option<String>,
    /// `true` when phone, time zone, organisation and notes are left out
    /// because the caller may not see every conversation of this customer
    /// (agents; see "Customers and privacy" in the README). Absent otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private_hidden: bool,
    /// RFC 3339.
    pub first_seen_at: String,
    /// RFC 3339.
    pub last_seen_at: String,
    /// Conversations the viewer may see.
    pub conversation_count: i64,
    /// Set when this record was merged into another one (it is then
    /// hidden from lists; its addresses and conversations moved there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<i64>,
    /// The viewer-visible conversations, newest first (profile only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversations: Option<Vec<HistoryItem>>,
    /// Their health (profile only, once computed; left out with the
    /// private fields): a score from 0 to 100 and the signals that took
    /// points off it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<crate::health::Health>,
}

/// Changes to a customer profile; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Language (BCP 47).
    pub language: Option<String>,
    /// IANA time zone.
    pub timezone: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Organisation name; created when new, empty string removes it.
    pub organization: Option<String>,
}

/// `POST /customers/{id}/merge`: the record to merge into this one, by id
/// or by one of its addresses.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The other customer's id.
    pub customer_id: Option<i64>,
    /// Or one of the other customer's addresses.
    pub email: Option<String>,
}

/// Validates a BCP 47-ish language tag (`ja`, `pt-BR`, `ca`).
pub fn parse_language(field: &str, s: &str) -> Result<String> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= 35
        && s.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && s.split('-').next().is_some_and(|p| {
            p.len() >= 2 && p.len() <= 3 && p.chars().all(|c| c.is_ascii_alphabetic())
        });
    if ok {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(Error::invalid(
            field,
            format!("{s:?} is not a language tag like ja, ko, lv, ca or en"),
        ))
    }
}

/// Validates an IANA time zone name.
pub fn parse_timezone(s: &str) -> Result<String> {
    let s = s.trim();
    jiff::tz::TimeZone::get(s)
        .map(|_| s.to_string())
        .map_err(|_| {
            Error::invalid(
                "timezone",
                format!("{s:?} is not a time zone like Asia/Tokyo"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_timezones_are_validated() {
        assert_eq!(parse_language("language", "JA").ok(), Some("ja".into()));
        assert_eq!(
            parse_language("language", "pt-BR").ok(),
            Some("pt-br".into())
        );
        assert!(parse_language("language", "日本語").is_err());
        assert!(parse_language("language", "x").is_err());
        assert!(parse_timezone("Asia/Seoul").is_ok());
        assert!(parse_timezone("Mars/Olympus").is_err());
    }
}
