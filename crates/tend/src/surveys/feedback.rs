//! What the team learns from answers: success stories credited to the
//! agents who replied, and CSAT / response rate per agent, team, inbox and
//! channel. Reusable by the agent UI pages.

use std::collections::HashMap;

use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{Credit, CsatLine, CsatReport, Story};
use super::repo::{self, GroupBy};

/// Success stories the viewer may see, newest first; only those credited
/// to `user_id` when given (404 for an unknown user).
pub async fn stories(
    st: &AppState,
    viewer: &Viewer,
    user_id: Option<i64>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<(Vec<Story>, bool)> {
    let mut c = st.db.pool().acquire().await?;
    if let Some(u) = user_id {
        crate::agents::service::user_in(&mut c, u)
            .await
            .map_err(|_| Error::NotFound("user"))?;
    }
    let mut rows = repo::stories(&mut c, viewer, user_id, before_id, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut credits: HashMap<i64, Vec<Credit>> = HashMap::new();
    if !ids.is_empty() {
        for (sid, id, name) in repo::credits(&mut c, &ids).await? {
            credits.entry(sid).or_default().push(Credit { id, name });
        }
    }
    Ok((
        rows.into_iter()
            .map(|r| Story {
                agents: credits.remove(&r.id).unwrap_or_default(),
                survey_id: r.id,
                conversation_id: r.conversation_id,
                subject: r.subject,
                customer_name: r.customer_name,
                rating: r.rating,
                comment: r.comment,
                language: r.language,
                answered_at: crate::time::rfc3339(r.answered_at),
            })
            .collect(),
        more,
    ))
}

/// Parses `group_by`.
pub fn parse_group_by(s: &str) -> Result<&'static str> {
    match s {
        "agent" => Ok("agent"),
        "team" => Ok("team"),
        "inbox" => Ok("inbox"),
        "channel" => Ok("channel"),
        _ => Err(Error::invalid(
            "group_by",
            format!("unknown group_by {s:?}; use agent, team, inbox or channel"),
        )),
    }
}

/// A share, or `None` without a denominator (also the deflection rate's).
pub(crate) fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// CSAT (share of ratings of 4 or 5) and response rate (answered / sent)
/// per group, over surveys sent in `[from, to)`. Admins and supervisors only.
/// Every grouping adds up to the same totals: a survey counts for the owner
/// when it was solved and the conversation's team, and those without one
/// are the line with the empty key (named `none`).
pub async fn csat(
    st: &AppState,
    viewer: &Viewer,
    group_by: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<CsatReport> {
    viewer.require_supervisor("only admins and supervisors may see reports")?;
    let group = match parse_group_by(group_by)? {
        "agent" => GroupBy::Agent,
        "team" => GroupBy::Team,
        "inbox" => GroupBy::Inbox,
        _ => GroupBy::Channel,
    };
    let mut c = st.db.pool().acquire().await?;
    let rows = repo::csat(&mut c, group, from.unwrap_or(0), to.unwrap_or(i64::MAX)).await?;
    Ok(CsatReport {
        group_by: group_by.to_string(),
        items: rows
            .into_iter()
            .map(|(key, name, sent, answered, rated, satisfied)| CsatLine {
                name: if key.is_empty() { "none".into() } else { name },
                key,
                sent,
                answered,
                rated,
                satisfied,
                csat: ratio(satisfied, rated),
                response_rate: ratio(answered, sent),
            })
            .collect(),
        next_cursor: None,
    })
}
