//! A person's or a team's figures, for their own pages (the agent page,
//! the team page): what they achieved, in the spirit of the success
//! stories, next to their team's or the period before. Read from the same
//! report buckets as every report ([`super::service::report`]), so the
//! numbers are the reports' numbers.
//!
//! Who sees them: a person's figures are for that person, supervisors and
//! admins; a team's for its members, supervisors and admins. Agents do
//! not see each other's: the pages help people improve, they do not rank
//! colleagues.

use super::model::{GroupBy, Metric, ReportLine};
use super::service::{Query, report};
use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

/// The figures the pages show, in order.
pub const FIGURES: [Metric; 5] = [
    Metric::FirstResponseTime,
    Metric::NextResponseTime,
    Metric::ResolutionTime,
    Metric::Csat,
    Metric::Reopens,
];

/// Whom figures are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    /// An agent.
    Agent(i64),
    /// A team.
    Team(i64),
    /// The whole desk.
    Desk,
}

/// One figure of one subject: its report line (none: nothing measured).
#[derive(Debug, Clone)]
pub struct Figure {
    /// The metric.
    pub metric: Metric,
    /// Its line.
    pub line: Option<ReportLine>,
}

/// Whether `viewer` may see the figures of `of`; `members`: the team's
/// members (for a team).
pub fn may_see(viewer: &Viewer, of: Of, members: &[i64]) -> bool {
    viewer.sees_all()
        || match of {
            Of::Agent(id) => viewer.user_id == Some(id),
            Of::Team(_) => viewer.user_id.is_some_and(|me| members.contains(&me)),
            Of::Desk => false,
        }
}

/// The figures of `of` from `from` to `to` (ms), [`FIGURES`] in order;
/// forbidden unless [`may_see`].
pub async fn figures(
    st: &AppState,
    viewer: &Viewer,
    of: Of,
    members: &[i64],
    from: i64,
    to: i64,
) -> Result<Vec<Figure>> {
    if !may_see(viewer, of, members) {
        return Err(Error::Forbidden(
            "an agent's figures are for them, a team's for its members, and for supervisors",
        ));
    }
    let (group_by, key) = match of {
        Of::Agent(id) => (GroupBy::Agent, id.to_string()),
        Of::Team(id) => (GroupBy::Team, id.to_string()),
        Of::Desk => (GroupBy::Total, super::service::TOTAL.to_string()),
    };
    let mut out = Vec::with_capacity(FIGURES.len());
    for metric in FIGURES {
        let q = Query {
            metric,
            target: None,
            group_by,
            from,
            to,
            business_hours: false,
            tz: jiff::tz::TimeZone::UTC,
        };
        // Access is decided above; the report itself is for supervisors.
        let r = report(st, &Viewer::system(), &q).await?;
        out.push(Figure {
            metric,
            line: r.items.into_iter().find(|l| l.key == key),
        });
    }
    Ok(out)
}
