//! The ledger and the report of what was given (supervisors and admins),
//! as JSON and as CSV with the same lines.

use std::collections::HashMap;

use crate::Result;
use crate::agents::Viewer;
use crate::state::AppState;

use super::model::{GroupBy, LedgerLine, RemedyQuery, ReportLine, ReportQuery};
use super::repo;

/// The reports' figures the report shows beside what was given.
mod reports {
    pub use crate::reports::model::{GroupBy, Metric};
    pub use crate::reports::projection::HOUR_MS;
    pub use crate::reports::service::{Query, field, number, report};
}

/// A range of `from`/`to` (UTC days or instants) in ms.
pub(super) fn range(from: Option<&str>, to: Option<&str>) -> Result<(Option<i64>, Option<i64>)> {
    let utc = jiff::tz::TimeZone::UTC;
    Ok((
        from.map(|s| crate::reports::service::instant("from", s, &utc, false))
            .transpose()?,
        to.map(|s| crate::reports::service::instant("to", s, &utc, true))
            .transpose()?,
    ))
}

/// The ledger, in the order written (supervisors and admins).
pub async fn ledger(st: &AppState, viewer: &Viewer, q: &RemedyQuery) -> Result<Vec<LedgerLine>> {
    viewer.require_supervisor("only admins and supervisors may read the ledger")?;
    let (from, to) = range(q.from.as_deref(), q.to.as_deref())?;
    let mut c = st.db.pool().acquire().await?;
    repo::ledger(&mut c, q.user_id, from, to).await
}

/// What was given, per group and currency (supervisors and admins).
pub async fn report(st: &AppState, viewer: &Viewer, q: &ReportQuery) -> Result<Vec<ReportLine>> {
    viewer.require_supervisor("only admins and supervisors may see reports")?;
    let by = match q.group_by.as_deref() {
        None => GroupBy::Agent,
        Some(s) => GroupBy::parse("group_by", s)?,
    };
    let group_sql = match by {
        GroupBy::Agent => "CAST(requested_by AS TEXT)",
        GroupBy::Team => "COALESCE(CAST(team_id AS TEXT), '')",
        GroupBy::Kind => "kind",
        GroupBy::Month => "month",
    };
    let (from, to) = range(q.from.as_deref(), q.to.as_deref())?;
    let mut lines = {
        let mut c = st.db.pool().acquire().await?;
        repo::sums(&mut c, group_sql, from, to).await?
    };
    let group = match by {
        GroupBy::Agent => reports::GroupBy::Agent,
        GroupBy::Team => reports::GroupBy::Team,
        GroupBy::Kind | GroupBy::Month => return Ok(lines),
    };
    let from = from.unwrap_or(0);
    let to = to.unwrap_or_else(|| st.clock.now_ms() + reports::HOUR_MS);
    let figure = |metric| async move {
        let q = reports::Query {
            metric,
            target: None,
            group_by: group,
            from,
            to,
            business_hours: false,
            tz: jiff::tz::TimeZone::UTC,
        };
        let r = reports::report(st, viewer, &q).await?;
        Ok::<_, crate::Error>(
            r.items
                .into_iter()
                .filter_map(|l| Some((l.key, l.value?)))
                .collect::<HashMap<String, f64>>(),
        )
    };
    let csat = figure(reports::Metric::Csat).await?;
    let reopens = figure(reports::Metric::Reopens).await?;
    let volume = figure(reports::Metric::Volume).await?;
    for l in &mut lines {
        l.csat = csat.get(&l.group).copied();
        l.reopen_rate = volume
            .get(&l.group)
            .filter(|v| **v > 0.0)
            .map(|v| reopens.get(&l.group).copied().unwrap_or(0.0) / v);
    }
    Ok(lines)
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The ledger as CSV: the same lines and values as its JSON.
pub fn ledger_csv(lines: &[LedgerLine]) -> String {
    let mut out = String::from(
        "id,remedy_id,entry,actor_id,conversation_id,customer_id,team_id,kind,currency,amount,\
         limit_subject,limit_per_case,limit_per_month,used_this_month,note,at\n",
    );
    for l in lines {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            l.id,
            l.remedy_id,
            l.entry,
            opt(l.actor_id),
            l.conversation_id,
            l.customer_id,
            opt(l.team_id),
            reports::field(&l.kind),
            l.currency,
            l.amount,
            reports::field(&l.basis.subject),
            opt(l.basis.limit_per_case),
            opt(l.basis.limit_per_month),
            l.basis.used_this_month,
            reports::field(&l.note),
            l.at
        ));
    }
    out
}

/// The report as CSV.
pub fn report_csv(lines: &[ReportLine]) -> String {
    let mut out = String::from(
        "group,currency,count,total,granted,approved,declined,waiting,csat,reopen_rate\n",
    );
    for l in lines {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            reports::field(&l.group),
            l.currency,
            l.count,
            l.total,
            l.granted,
            l.approved,
            l.declined,
            l.waiting,
            reports::number(l.csat),
            reports::number(l.reopen_rate)
        ));
    }
    out
}
