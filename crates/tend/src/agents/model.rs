//! Agent-side types and their validation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Error, Result};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users, teams, inboxes and tokens; sees everything.
    Admin,
    /// Sees every inbox; leads agents.
    Supervisor,
    /// Sees the inboxes granted to their teams.
    Agent,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
        }
    }

    /// Parses a stored or user-given role.
    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "admin" => Ok(Role::Admin),
            "supervisor" => Ok(Role::Supervisor),
            "agent" => Ok(Role::Agent),
            _ => Err(Error::invalid(
                "role",
                format!("unknown role {s:?}; use admin, supervisor or agent"),
            )),
        }
    }
}

/// An agent account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Deactivated users cannot sign in or use tokens.
    pub active: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// An API token as admins see it (the secret is never stored).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Owner's name.
    pub user_name: String,
    /// Label.
    pub name: String,
    /// Created, ms since the epoch.
    pub created_at_ms: i64,
    /// Revoked, ms since the epoch.
    pub revoked_at_ms: Option<i64>,
}

/// A team and who is in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Team {
    /// Id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Member user ids.
    pub member_ids: Vec<i64>,
    /// Inboxes this team's agents may work.
    pub inbox_ids: Vec<i64>,
    /// The team's business calendar (its working hours); `null`: none.
    pub calendar_id: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
}

/// A validated, lowercased email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The form in which addresses are compared: trimmed and lowercased.
    /// [`EmailAddress::parse`] keeps this form, and anything keyed by an
    /// address that may not parse (the sign-in limiter) uses it too.
    pub fn normalise(s: &str) -> String {
        s.trim().to_lowercase()
    }

    /// Validates an address for `field`, keeping it as typed but lowercased.
    pub fn parse(field: &str, s: &str) -> Result<EmailAddress> {
        let s = s.trim();
        let bad =
            |why: &str| Error::invalid(field, format!("{s:?} is not a valid email address: {why}"));
        if s.is_empty() {
            return Err(Error::invalid(field, "an email address is required"));
        }
        if s.len() > 254 {
            return Err(bad("longer than 254 characters"));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(bad("it has no @"));
        };
        if local.is_empty() || domain.is_empty() {
            return Err(bad("the part before or after @ is empty"));
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>(),;:\"[]\\".contains(c))
            && !local.starts_with('"')
        {
            return Err(bad(
                "it contains spaces or characters not allowed in an address",
            ));
        }
        if local.contains('@') && !local.starts_with('"') {
            return Err(bad("it has more than one @"));
        }
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return Err(bad("the domain is malformed"));
        }
        Ok(EmailAddress(Self::normalise(s)))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Validates a required display name or label.
pub fn parse_name(field: &str, s: &str, max: usize) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Error::invalid(field, format!("{field} must not be empty")));
    }
    if s.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_checked_and_lowercased() {
        assert_eq!(
            EmailAddress::parse("email", " Yuki@Example.JP ")
                .map(|e| e.0)
                .ok(),
            Some("yuki@example.jp".into())
        );
        for bad in [
            "",
            "nobody",
            "@x.org",
            "a@",
            "a b@x.org",
            "a@x..org",
            "a@b@c.org",
            "<a@b.c>",
        ] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Admin, Role::Supervisor, Role::Agent] {
            assert_eq!(Role::parse(r.as_str()).ok(), Some(r));
        }
        assert!(Role::parse("root").is_err());
    }
}
