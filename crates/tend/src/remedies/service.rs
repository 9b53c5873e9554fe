//! Remedy use cases: kinds and limits (admins), recording a remedy (an
//! agent, on a conversation they may see), deciding one above the limits
//! (supervisors and admins), and the ledger and its report.
//!
//! **The authority rule**, in one place ([`decide_state`]): a remedy is
//! granted at once when its amount is within the agent's limit per case
//! and, added to what the agent granted within limits of the same kind and
//! currency this calendar month (UTC), within their limit per month.
//! Otherwise it waits for approval. The limit that applies is the agent's
//! own; else the most generous of their teams' (highest per case, then per
//! month); else their role's; with none, every remedy asks. Admins, who
//! set the limits, have none. Approved remedies are outside the agent's
//! authority and do not use it up.

use sqlx::AnyConnection;

use crate::agents::{Role, Viewer};
use crate::conversations::followup::{Cause, append_event_in};
use crate::state::AppState;
use crate::vocab::EventKind;
use crate::{Error, Result};

use super::model::{
    Basis, Bound, DecisionInput, Entry, GroupBy, LedgerLine, Limit, LimitInput, Remedy,
    RemedyInput, RemedyKind, RemedyKindInput, RemedyQuery, RemedyState, ReportLine, ReportQuery,
};
use super::repo::{self, Filter, NewRemedy};

/// The remedy kinds (everyone signed in).
pub async fn kinds(st: &AppState) -> Result<Vec<RemedyKind>> {
    let mut c = st.db.pool().acquire().await?;
    repo::kinds(&mut c).await
}

/// Adds a remedy kind (admins).
pub async fn create_kind(
    st: &AppState,
    viewer: &Viewer,
    input: RemedyKindInput,
) -> Result<RemedyKind> {
    viewer.require_admin()?;
    let (key, name) = input.checked()?;
    let (url, secret) = webhook_of(st, &input)?;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                if repo::kind_exists(c, &key).await? {
                    return Err(Error::invalid(
                        "key",
                        format!("there is a remedy kind {key:?} already"),
                    ));
                }
                repo::insert_kind(c, &key, &name, url.as_deref(), secret.as_deref(), now).await
            })
        })
        .await
}

/// A kind's webhook as given: the URL checked, the secret sealed.
fn webhook_of(st: &AppState, input: &RemedyKindInput) -> Result<(Option<String>, Option<String>)> {
    let url = input
        .webhook_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .map(crate::webhooks::model::check_url)
        .transpose()
        .map_err(|_| {
            Error::invalid(
                "webhook_url",
                "give an http:// or https:// URL for the webhook",
            )
        })?;
    let secret = input
        .webhook_secret
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| st.secrets().seal(crate::secrets::Purpose::WebhookSecret, s));
    if secret.is_some() && url.is_none() {
        return Err(Error::invalid(
            "webhook_secret",
            "a secret signs a webhook: give webhook_url too",
        ));
    }
    Ok((url, secret))
}

/// Replaces a kind's name and webhook (admins); its key stays. Without
/// `webhook_url` the kind posts nowhere; without `webhook_secret` the
/// secret it had stays.
pub async fn update_kind(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: RemedyKindInput,
) -> Result<RemedyKind> {
    viewer.require_admin()?;
    let (_, name) = input.checked()?;
    let (url, secret) = webhook_of(st, &input)?;
    st.db
        .write(move |c| {
            Box::pin(async move {
                if !repo::update_kind(c, id, &name, url.as_deref(), secret.as_deref()).await? {
                    return Err(Error::NotFound("remedy kind"));
                }
                repo::kinds(c)
                    .await?
                    .into_iter()
                    .find(|k| k.id == id)
                    .ok_or(Error::NotFound("remedy kind"))
            })
        })
        .await
}

/// Tells the kind's webhook of a remedy just given (granted or approved),
/// through the webhooks' durable queue, in this write: the event `event`
/// is what it posts. Answers whether a delivery was queued.
async fn tell_webhook_in(
    c: &mut AnyConnection,
    r: &Remedy,
    event: Option<&crate::state::BusEvent>,
    now: i64,
) -> Result<bool> {
    let (Some(ev), true) = (event, r.state.given()) else {
        return Ok(false);
    };
    let Some((url, secret)) = repo::kind_webhook(c, &r.kind).await? else {
        return Ok(false);
    };
    crate::webhooks::service::enqueue_in(
        c,
        &crate::webhooks::service::Target { url, secret },
        &crate::webhooks::service::Outgoing {
            event_id: ev.event_id,
            conversation_id: r.conversation_id,
            kind: ev.kind,
            data: event_data(r),
            created_at_ms: now,
        },
        now,
    )
    .await?;
    repo::set_webhook_event(c, r.id, ev.event_id).await?;
    Ok(true)
}

/// Every authority limit (everyone signed in: limits are meant to be
/// seen).
pub async fn limits(st: &AppState) -> Result<Vec<Limit>> {
    let mut c = st.db.pool().acquire().await?;
    repo::limits(&mut c).await
}

/// Sets a role's, team's or user's limit for a kind and currency (admins).
pub async fn put_limit(st: &AppState, viewer: &Viewer, input: LimitInput) -> Result<Limit> {
    viewer.require_admin()?;
    let bound = input.bound()?;
    let by = viewer.user_id;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                match bound {
                    Bound::Team(t) if !crate::agents::service::team_exists_in(c, t).await? => {
                        return Err(Error::invalid("team_id", format!("there is no team {t}")));
                    }
                    Bound::User(u) => {
                        crate::agents::service::user_in(c, u).await.map_err(|_| {
                            Error::invalid("user_id", format!("there is no user {u}"))
                        })?;
                    }
                    _ => {}
                }
                if !repo::kind_exists(c, &input.kind).await? {
                    return Err(unknown_kind(&input.kind));
                }
                repo::put_limit(
                    c,
                    &bound,
                    &input.kind,
                    &input.currency,
                    input.limit_per_case,
                    input.limit_per_month,
                    by,
                    now,
                )
                .await
            })
        })
        .await
}

/// Removes a limit (admins).
pub async fn delete_limit(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    viewer.require_admin()?;
    let gone = st
        .db
        .write(move |c| Box::pin(async move { repo::delete_limit(c, id).await }))
        .await?;
    if gone {
        Ok(())
    } else {
        Err(Error::NotFound("limit"))
    }
}

fn unknown_kind(kind: &str) -> Error {
    Error::invalid(
        "kind",
        format!("there is no remedy kind {kind:?}; see GET /api/v1/remedy-kinds"),
    )
}

/// The calendar month (UTC) of an instant, `YYYY-MM`.
pub fn month_of(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m").to_string())
        .unwrap_or_default()
}

/// The limit that binds an agent, from the limits of their subjects (the
/// rule in the module's doc).
fn binding(limits: &[Limit], user_id: i64) -> Option<&Limit> {
    let own = limits.iter().find(|l| l.user_id == Some(user_id));
    let team = limits
        .iter()
        .filter(|l| l.team_id.is_some())
        .max_by_key(|l| (l.limit_per_case, l.limit_per_month, -l.id));
    let role = limits.iter().find(|l| l.role.is_some());
    own.or(team).or(role)
}

/// Granted at once, or waiting for approval: the authority rule.
pub fn decide_state(basis: &Basis, amount: i64) -> RemedyState {
    match (
        basis.subject.as_str(),
        basis.limit_per_case,
        basis.limit_per_month,
    ) {
        ("admin", _, _) => RemedyState::Granted,
        (_, Some(case), Some(month))
            if amount <= case && basis.used_this_month.saturating_add(amount) <= month =>
        {
            RemedyState::Granted
        }
        _ => RemedyState::AwaitingApproval,
    }
}

/// What decides a remedy of `viewer`'s: the limit that binds them and
/// their month so far (inside the write, after [`repo::lock_agent_month`]).
async fn basis_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    kind: &str,
    currency: &str,
    month: &str,
) -> Result<Basis> {
    let used = repo::granted_in_month(c, user_id, kind, currency, month).await?;
    if viewer.role == Role::Admin {
        return Ok(Basis {
            subject: "admin".into(),
            limit_per_case: None,
            limit_per_month: None,
            used_this_month: used,
        });
    }
    let mut subjects = vec![
        Bound::User(user_id).subject(),
        Bound::Role(viewer.role).subject(),
    ];
    for t in crate::agents::service::team_ids_of_in(c, user_id).await? {
        subjects.push(Bound::Team(t).subject());
    }
    let limits = repo::limits_for(c, &subjects, kind, currency).await?;
    Ok(match binding(&limits, user_id) {
        Some(l) => Basis {
            subject: subject_of(l),
            limit_per_case: Some(l.limit_per_case),
            limit_per_month: Some(l.limit_per_month),
            used_this_month: used,
        },
        None => Basis {
            subject: "none".into(),
            limit_per_case: None,
            limit_per_month: None,
            used_this_month: used,
        },
    })
}

fn subject_of(l: &Limit) -> String {
    match (l.role, l.team_id, l.user_id) {
        (_, _, Some(u)) => Bound::User(u).subject(),
        (_, Some(t), None) => Bound::Team(t).subject(),
        (Some(r), None, None) => Bound::Role(r).subject(),
        (None, None, None) => "none".into(),
    }
}

/// Records a remedy on conversation `id`: granted within the agent's
/// limits, else waiting for approval. On the ledger and the timeline.
pub async fn record(st: &AppState, viewer: &Viewer, id: i64, input: RemedyInput) -> Result<Remedy> {
    input.check()?;
    let Some(user_id) = viewer.user_id else {
        return Err(Error::invalid(
            "user",
            "a remedy is recorded by an agent; use an agent's token",
        ));
    };
    let viewer = viewer.clone();
    let now = st.clock.now_ms();
    let (remedy, events, told) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let conv = crate::conversations::service::get_in(c, &viewer, id).await?;
                if !repo::kind_exists(c, &input.kind).await? {
                    return Err(unknown_kind(&input.kind));
                }
                repo::lock_agent_month(c, user_id, &input.kind, &input.currency).await?;
                let month = month_of(now);
                let basis =
                    basis_in(c, &viewer, user_id, &input.kind, &input.currency, &month).await?;
                let state = decide_state(&basis, input.amount);
                let note = input.note.trim();
                let rid = repo::insert(
                    c,
                    &NewRemedy {
                        conversation_id: id,
                        customer_id: conv.customer.id,
                        team_id: conv.team_id,
                        kind: &input.kind,
                        currency: &input.currency,
                        amount: input.amount,
                        note,
                        state,
                        basis: &basis,
                        requested_by: user_id,
                        month: &month,
                    },
                    now,
                )
                .await?;
                let remedy = repo::get(c, rid).await?.ok_or(Error::NotFound("remedy"))?;
                let entry = match state {
                    RemedyState::Granted => Entry::Granted,
                    _ => Entry::Requested,
                };
                repo::append(c, &remedy, entry, Some(user_id), note, now).await?;
                let events = append_event_in(
                    c,
                    id,
                    conv.inbox_id,
                    EventKind::RemedyRecorded,
                    Cause::Agent(user_id),
                    event_data(&remedy),
                    now,
                )
                .await?;
                let told = tell_webhook_in(c, &remedy, events.first(), now).await?;
                let remedy = if told {
                    repo::get(c, rid).await?.ok_or(Error::NotFound("remedy"))?
                } else {
                    remedy
                };
                Ok((remedy, events, told))
            })
        })
        .await?;
    st.publish(events);
    if told {
        crate::webhooks::service::wake(st);
    }
    metrics::counter!("tend_remedies_recorded_total", "state" => remedy.state.as_str())
        .increment(1);
    Ok(with_due(st, remedy))
}

/// Sets when a waiting remedy should be decided by, and whether it is
/// overdue (the approvals' own service level).
fn with_due(st: &AppState, mut r: Remedy) -> Remedy {
    if r.state != RemedyState::AwaitingApproval {
        return r;
    }
    let asked = r
        .created_at
        .parse::<jiff::Timestamp>()
        .map_or(0, |t| t.as_millisecond());
    let due = asked
        .saturating_add(i64::try_from(st.config.remedy_approval.as_millis()).unwrap_or(i64::MAX));
    r.approval_due = Some(crate::time::rfc3339(due));
    r.overdue = st.clock.now_ms() > due;
    r
}

fn event_data(r: &Remedy) -> serde_json::Value {
    serde_json::json!({
        "remedy_id": r.id,
        "kind": r.kind,
        "amount": r.amount,
        "currency": r.currency,
        "state": r.state,
        "note": r.note,
        "decision_note": r.decision_note,
    })
}

/// Approves (`approve`) or declines a remedy that waits (supervisors and
/// admins; never their own).
pub async fn decide(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    approve: bool,
    input: DecisionInput,
) -> Result<Remedy> {
    viewer.require_supervisor("only admins and supervisors may approve or decline remedies")?;
    let note = input.note.trim().to_string();
    if note.chars().count() > 2000 {
        return Err(Error::invalid(
            "note",
            "keep the note under 2,000 characters",
        ));
    }
    let by = viewer.user_id;
    let now = st.clock.now_ms();
    let (remedy, events, told) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let r = repo::get(c, id).await?.ok_or(Error::NotFound("remedy"))?;
                if by == Some(r.requested_by) {
                    return Err(Error::Forbidden(
                        "a remedy is approved by someone other than who asked for it",
                    ));
                }
                let (state, entry) = if approve {
                    (RemedyState::Approved, Entry::Approved)
                } else {
                    (RemedyState::Declined, Entry::Declined)
                };
                if !repo::decide(c, id, state, by, &note, now).await? {
                    return Err(Error::Conflict {
                        code: "remedy_decided",
                        message: format!("this remedy is {} already", r.state),
                        details: serde_json::json!({"state": r.state}),
                    });
                }
                let r = repo::get(c, id).await?.ok_or(Error::NotFound("remedy"))?;
                repo::append(c, &r, entry, by, &note, now).await?;
                let inbox_id =
                    crate::conversations::service::get_in(c, &Viewer::system(), r.conversation_id)
                        .await?
                        .inbox_id;
                let cause = by.map_or(Cause::System, Cause::Agent);
                let events = append_event_in(
                    c,
                    r.conversation_id,
                    inbox_id,
                    EventKind::RemedyDecided,
                    cause,
                    event_data(&r),
                    now,
                )
                .await?;
                let told = tell_webhook_in(c, &r, events.first(), now).await?;
                let r = if told {
                    repo::get(c, id).await?.ok_or(Error::NotFound("remedy"))?
                } else {
                    r
                };
                Ok((r, events, told))
            })
        })
        .await?;
    st.publish(events);
    if told {
        crate::webhooks::service::wake(st);
    }
    Ok(remedy)
}

/// The remedies of a conversation the viewer may see, oldest first.
pub async fn of_conversation(st: &AppState, viewer: &Viewer, id: i64) -> Result<Vec<Remedy>> {
    let mut c = st.db.pool().acquire().await?;
    crate::conversations::service::get_in(&mut c, viewer, id).await?;
    let list = repo::list(
        &mut c,
        &Filter {
            conversation_id: Some(id),
            state: None,
            user_id: None,
            from: None,
            to: None,
            limit: 1000,
            before: None,
            order_desc: false,
        },
    )
    .await?;
    Ok(list.into_iter().map(|r| with_due(st, r)).collect())
}

/// A range of `from`/`to` (UTC days or instants) in ms.
fn range(from: Option<&str>, to: Option<&str>) -> Result<(Option<i64>, Option<i64>)> {
    let utc = jiff::tz::TimeZone::UTC;
    Ok((
        from.map(|s| crate::reports::service::instant("from", s, &utc, false))
            .transpose()?,
        to.map(|s| crate::reports::service::instant("to", s, &utc, true))
            .transpose()?,
    ))
}

/// Remedies, newest first: supervisors and admins see everyone's, an
/// agent their own. `before`: the id to page back from.
pub async fn list(
    st: &AppState,
    viewer: &Viewer,
    q: &RemedyQuery,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<Remedy>> {
    let user_id = if viewer.sees_all() {
        q.user_id
    } else {
        match (viewer.user_id, q.user_id) {
            (Some(me), None) => Some(me),
            (Some(me), Some(u)) if u == me => Some(me),
            _ => {
                return Err(Error::Forbidden(
                    "agents see their own remedies; supervisors see everyone's",
                ));
            }
        }
    };
    let state = q
        .state
        .as_deref()
        .map(|s| RemedyState::parse("state", s))
        .transpose()?;
    let (from, to) = range(q.from.as_deref(), q.to.as_deref())?;
    let mut c = st.db.pool().acquire().await?;
    let list = repo::list(
        &mut c,
        &Filter {
            conversation_id: None,
            state,
            user_id,
            from,
            to,
            limit,
            before,
            order_desc: true,
        },
    )
    .await?;
    Ok(list.into_iter().map(|r| with_due(st, r)).collect())
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
    let mut c = st.db.pool().acquire().await?;
    repo::sums(&mut c, group_sql, from, to).await
}

/// A CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
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
            field(&l.kind),
            l.currency,
            l.amount,
            field(&l.basis.subject),
            opt(l.basis.limit_per_case),
            opt(l.basis.limit_per_month),
            l.basis.used_this_month,
            field(&l.note),
            l.at
        ));
    }
    out
}

/// The report as CSV.
pub fn report_csv(lines: &[ReportLine]) -> String {
    let mut out = String::from("group,currency,count,total,granted,approved,declined,waiting\n");
    for l in lines {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            field(&l.group),
            l.currency,
            l.count,
            l.total,
            l.granted,
            l.approved,
            l.declined,
            l.waiting
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basis(subject: &str, case: Option<i64>, month: Option<i64>, used: i64) -> Basis {
        Basis {
            subject: subject.into(),
            limit_per_case: case,
            limit_per_month: month,
            used_this_month: used,
        }
    }

    #[test]
    fn within_both_limits_is_granted_at_once() {
        let b = basis("role:agent", Some(5_000), Some(20_000), 14_000);
        assert_eq!(decide_state(&b, 5_000), RemedyState::Granted);
        // 14,000 + 6,000 fits the month, but not one case.
        assert_eq!(decide_state(&b, 6_000), RemedyState::AwaitingApproval);
    }

    #[test]
    fn over_a_limit_waits() {
        let b = basis("role:agent", Some(5_000), Some(20_000), 16_000);
        // Per case: over.
        assert_eq!(decide_state(&b, 5_001), RemedyState::AwaitingApproval);
        // Per month: 16,000 + 4,001 > 20,000.
        assert_eq!(decide_state(&b, 4_001), RemedyState::AwaitingApproval);
        assert_eq!(decide_state(&b, 4_000), RemedyState::Granted);
        // No limit set: everything asks; admins have none.
        assert_eq!(
            decide_state(&basis("none", None, None, 0), 1),
            RemedyState::AwaitingApproval
        );
        assert_eq!(
            decide_state(&basis("admin", None, None, 0), i64::MAX),
            RemedyState::Granted
        );
    }

    #[test]
    fn the_most_specific_limit_binds() {
        let l = |id, role: Option<Role>, team, user, case, month| Limit {
            id,
            role,
            team_id: team,
            user_id: user,
            kind: "refund".into(),
            currency: "EUR".into(),
            limit_per_case: case,
            limit_per_month: month,
            updated_at: String::new(),
        };
        let role = l(1, Some(Role::Agent), None, None, 1_000, 5_000);
        let team_small = l(2, None, Some(1), None, 2_000, 9_000);
        let team_big = l(3, None, Some(2), None, 3_000, 9_000);
        let own = l(4, None, None, Some(7), 500, 500);
        let all = [
            role.clone(),
            team_small.clone(),
            team_big.clone(),
            own.clone(),
        ];
        assert_eq!(binding(&all, 7).map(|l| l.id), Some(4));
        assert_eq!(binding(&all[..3], 7).map(|l| l.id), Some(3));
        assert_eq!(binding(&all[..1], 7).map(|l| l.id), Some(1));
        assert!(binding(&[], 7).is_none());
    }

    #[test]
    fn months_are_utc() {
        // 2026-12-31T23:30:00Z and 2027-01-01T00:30:00Z.
        assert_eq!(month_of(1_798_759_800_000), "2026-12");
        assert_eq!(month_of(1_798_763_400_000), "2027-01");
    }
}
