//! Remedies, remedy kinds and authority limits as the API shows and takes
//! them, and the checks of their input. Amounts are integers in the
//! currency's minor units (cents), never floats.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::agents::Role;

pub use super::money::{minor_digits, money, parse_money};
use crate::vocab::closed_set;
use crate::{Error, Result};

closed_set! {
    /// Where a remedy stands.
    pub enum RemedyState ("remedy state") {
        /// Within the agent's limits: granted when recorded.
        Granted = "granted",
        /// Above the agent's limits: waits for a supervisor.
        AwaitingApproval = "awaiting_approval",
        /// A supervisor approved it.
        Approved = "approved",
        /// A supervisor declined it.
        Declined = "declined",
    }
}

impl RemedyState {
    /// Whether the customer gets it (granted or approved).
    pub fn given(self) -> bool {
        matches!(self, RemedyState::Granted | RemedyState::Approved)
    }
}

closed_set! {
    /// What a line of the ledger records.
    pub enum Entry ("ledger entry") {
        /// Granted within the agent's limits.
        Granted = "granted",
        /// Asked for above them.
        Requested = "requested",
        /// Approved by a supervisor.
        Approved = "approved",
        /// Declined by a supervisor.
        Declined = "declined",
    }
}

/// A remedy kind (`refund`, `credit`, …, or the desk's own).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemedyKind {
    /// Id.
    pub id: i64,
    /// The key remedies and limits name (`refund`).
    pub key: String,
    /// Its name for people.
    pub name: String,
    /// Where granted and approved remedies of this kind are posted (signed
    /// like webhooks); the secret is never shown.
    pub webhook_url: Option<String>,
}

/// `POST /remedy-kinds` and `PUT /remedy-kinds/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemedyKindInput {
    /// Lower-case letters, digits, `_` and `-`, 1–40 characters.
    pub key: String,
    /// 1–100 characters.
    pub name: String,
    /// Optional: post granted and approved remedies of this kind here
    /// (`http://` or `https://`), e.g. to a billing system.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// Signs those posts (`Tend-Signature`); write-only.
    #[serde(default)]
    pub webhook_secret: Option<String>,
}

impl RemedyKindInput {
    /// The key and name, checked.
    pub fn checked(&self) -> Result<(String, String)> {
        let key = self.key.trim();
        if key.is_empty()
            || key.len() > 40
            || !key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            return Err(Error::invalid(
                "key",
                "use 1–40 lower-case letters, digits, '_' or '-'",
            ));
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid("name", "give a name of 1–100 characters"));
        }
        Ok((key.to_string(), name.to_string()))
    }
}

/// Whom a limit binds: one user, the members of a team, or a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// One user.
    User(i64),
    /// The members of a team.
    Team(i64),
    /// Everyone of a role.
    Role(Role),
}

impl Bound {
    /// The stored subject (`user:7`, `team:3`, `role:agent`).
    pub fn subject(&self) -> String {
        match self {
            Bound::User(id) => format!("user:{id}"),
            Bound::Team(id) => format!("team:{id}"),
            Bound::Role(r) => format!("role:{}", r.as_str()),
        }
    }

    /// Reads a stored subject.
    pub fn parse(s: &str) -> Option<Bound> {
        let (what, v) = s.split_once(':')?;
        match what {
            "user" => v.parse().ok().map(Bound::User),
            "team" => v.parse().ok().map(Bound::Team),
            "role" => Role::parse(v).ok().map(Bound::Role),
            _ => None,
        }
    }
}

/// An authority limit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Limit {
    /// Id.
    pub id: i64,
    /// The role it binds (`agent`, `supervisor`), if a role's.
    pub role: Option<Role>,
    /// The team whose members it binds, if a team's.
    pub team_id: Option<i64>,
    /// The user it binds, if one user's.
    pub user_id: Option<i64>,
    /// The remedy kind.
    pub kind: String,
    /// ISO 4217 code (`EUR`).
    pub currency: String,
    /// The most one remedy may be, in minor units.
    pub limit_per_case: i64,
    /// The most one agent may grant in a calendar month (UTC), in minor units.
    pub limit_per_month: i64,
    /// RFC 3339.
    pub updated_at: String,
}

/// `PUT /authority`: sets the limit of one role, team or user for a kind
/// and currency (replacing the one there was).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitInput {
    /// A role (`agent`, `supervisor`); give exactly one of `role`,
    /// `team_id` and `user_id`.
    pub role: Option<Role>,
    /// A team: binds its members.
    pub team_id: Option<i64>,
    /// One user.
    pub user_id: Option<i64>,
    /// The remedy kind's key.
    pub kind: String,
    /// ISO 4217 code, three capital letters.
    pub currency: String,
    /// Minor units, 0 or more.
    pub limit_per_case: i64,
    /// Minor units, 0 or more.
    pub limit_per_month: i64,
}

impl LimitInput {
    /// Whom it binds, checked.
    pub fn bound(&self) -> Result<Bound> {
        let b = match (self.role, self.team_id, self.user_id) {
            (Some(Role::Admin), None, None) => {
                return Err(Error::invalid(
                    "role",
                    "admins have no limit; set one for agent or supervisor",
                ));
            }
            (Some(r), None, None) => Bound::Role(r),
            (None, Some(t), None) => Bound::Team(t),
            (None, None, Some(u)) => Bound::User(u),
            _ => {
                return Err(Error::invalid(
                    "role",
                    "give exactly one of role, team_id and user_id",
                ));
            }
        };
        check_currency(&self.currency)?;
        for (field, v) in [
            ("limit_per_case", self.limit_per_case),
            ("limit_per_month", self.limit_per_month),
        ] {
            if v < 0 {
                return Err(Error::invalid(field, "give 0 or more, in minor units"));
            }
        }
        Ok(b)
    }
}

/// Checks an ISO 4217 code's form (three capital letters).
pub fn check_currency(c: &str) -> Result<()> {
    if c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "currency",
            format!("{c:?} is no currency code; use ISO 4217, e.g. EUR"),
        ))
    }
}

/// `POST /conversations/{id}/remedies`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemedyInput {
    /// The remedy kind's key.
    pub kind: String,
    /// Minor units, more than 0.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// What the customer is told (1–2,000 characters).
    pub note: String,
}

impl RemedyInput {
    /// Checks the amount, currency and note.
    pub fn check(&self) -> Result<()> {
        if self.amount <= 0 {
            return Err(Error::invalid(
                "amount",
                "give an amount over 0, in minor units (cents)",
            ));
        }
        check_currency(&self.currency)?;
        let n = self.note.trim().chars().count();
        if n == 0 || n > 2000 {
            return Err(Error::invalid(
                "note",
                "say what the customer gets (1–2,000 characters)",
            ));
        }
        Ok(())
    }
}

/// What decided a remedy's state: the limit that applied, and the agent's
/// month so far.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Basis {
    /// The limit's subject (`user:7`, `team:3`, `role:agent`), or
    /// `admin` (no limit), or `none` (no limit set: everything asks).
    pub subject: String,
    /// The limit per case, minor units.
    pub limit_per_case: Option<i64>,
    /// The limit per month, minor units.
    pub limit_per_month: Option<i64>,
    /// What the agent had granted of this kind and currency this month
    /// before, minor units.
    pub used_this_month: i64,
}

/// A remedy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Remedy {
    /// Id.
    pub id: i64,
    /// Conversation.
    pub conversation_id: i64,
    /// Customer.
    pub customer_id: i64,
    /// The conversation's team when it was recorded.
    pub team_id: Option<i64>,
    /// Kind key.
    pub kind: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Minor units.
    pub amount: i64,
    /// What the customer is told.
    pub note: String,
    /// Where it stands.
    pub state: RemedyState,
    /// The limit that decided it.
    pub basis: Basis,
    /// The agent who recorded it.
    pub requested_by: i64,
    /// RFC 3339.
    pub created_at: String,
    /// Who approved or declined it.
    pub decided_by: Option<i64>,
    /// Their note.
    pub decision_note: Option<String>,
    /// RFC 3339.
    pub decided_at: Option<String>,
    /// Its post to the kind's webhook, when the kind has one and the remedy
    /// was given: pending, failing (retried) or delivered.
    pub webhook: Option<crate::webhooks::model::Delivery>,
    /// While it waits: when it should be decided by (RFC 3339;
    /// `remedy_approval_minutes` after it was asked for).
    pub approval_due: Option<String>,
    /// It waits past `approval_due`.
    pub overdue: bool,
}

/// `POST /remedies/{id}/approve` and `…/decline`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// A note for the agent (up to 2,000 characters).
    #[serde(default)]
    pub note: String,
}

/// A line of the ledger.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct LedgerLine {
    /// Id, in the order written.
    pub id: i64,
    /// The remedy.
    pub remedy_id: i64,
    /// What happened.
    pub entry: Entry,
    /// Who did it.
    pub actor_id: Option<i64>,
    /// Conversation.
    pub conversation_id: i64,
    /// Customer.
    pub customer_id: i64,
    /// The conversation's team.
    pub team_id: Option<i64>,
    /// Kind key.
    pub kind: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Minor units.
    pub amount: i64,
    /// The limit that applied.
    pub basis: Basis,
    /// The customer's note (grant, request) or the decision's.
    pub note: String,
    /// RFC 3339.
    pub at: String,
}

/// `GET /remedies` and `GET /remedies/ledger`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemedyQuery {
    /// Only this state (`GET /remedies`).
    pub state: Option<String>,
    /// From this day (`YYYY-MM-DD`, UTC) or RFC 3339 instant, included.
    pub from: Option<String>,
    /// To this day (`YYYY-MM-DD`, UTC, included) or RFC 3339 instant.
    pub to: Option<String>,
    /// Only this agent's.
    pub user_id: Option<i64>,
    /// `csv` for CSV; JSON otherwise.
    pub format: Option<String>,
}

/// `GET /remedies/report`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `agent`, `team`, `kind` or `month`.
    pub group_by: Option<String>,
    /// From this day (`YYYY-MM-DD`, UTC) or RFC 3339 instant, included.
    pub from: Option<String>,
    /// To this day (`YYYY-MM-DD`, UTC, included) or RFC 3339 instant.
    pub to: Option<String>,
    /// `csv` for CSV; JSON otherwise.
    pub format: Option<String>,
}

closed_set! {
    /// How the remedies report groups.
    pub enum GroupBy ("grouping") {
        /// By the agent who recorded it.
        Agent = "agent",
        /// By the conversation's team ("" when none).
        Team = "team",
        /// By kind.
        Kind = "kind",
        /// By calendar month (UTC).
        Month = "month",
    }
}

/// A line of the remedies report: what was given (granted or approved),
/// per group and currency.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[schema(as = RemedyReportLine)]
pub struct ReportLine {
    /// The group: an agent's or team's id, a kind, a month; "" for none.
    pub group: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Remedies given.
    pub count: i64,
    /// Their sum, minor units.
    pub total: i64,
    /// Of which granted within limits.
    pub granted: i64,
    /// Of which approved above them.
    pub approved: i64,
    /// Remedies declined (not in the total).
    pub declined: i64,
    /// Remedies waiting (not in the total).
    pub waiting: i64,
    /// By agent or team: the share of satisfied survey answers of the same
    /// agent or team over the same period (the reports' `csat`), so that
    /// generosity and outcomes can be compared; `null` without answers or
    /// for other groupings.
    pub csat: Option<f64>,
    /// By agent or team: reopens per conversation of the same agent or team
    /// over the same period (the reports' `reopens` over `volume`); `null`
    /// without conversations or for other groupings.
    pub reopen_rate: Option<f64>,
}
