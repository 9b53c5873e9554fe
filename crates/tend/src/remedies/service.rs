//! Remedy use cases: recording a remedy (an agent, on a conversation they
//! may see) and deciding one above the limits (supervisors and admins).
//! Kinds and limits are `authority.rs`; the ledger and report `ledger.rs`.
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

use super::authority_repo;
use super::model::{
    Basis, Bound, DecisionInput, Entry, Limit, Remedy, RemedyInput, RemedyQuery, RemedyState,
};
use super::repo::{self, Filter, NewRemedy};

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
    let Some((url, secret)) = authority_repo::kind_webhook(c, &r.kind).await? else {
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
    let limits = authority_repo::limits_for(c, &subjects, kind, currency).await?;
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
                if !authority_repo::kind_exists(c, &input.kind).await? {
                    return Err(super::authority::unknown_kind(&input.kind));
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
    let list = repo::list(&mut c, &Filter::of_conversation(id, false)).await?;
    Ok(list.into_iter().map(|r| with_due(st, r)).collect())
}

/// The remedy a reply on this conversation can state (`remedy.*` in
/// templates): its latest given one (granted, or approved), with its
/// kind's name; `None` when nothing was given (one awaiting approval is
/// not promised). Inside the caller's transaction.
pub(crate) async fn given_in(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<(Remedy, Option<String>)>> {
    let list = repo::list(c, &Filter::of_conversation(conversation_id, true)).await?;
    let Some(given) = list.into_iter().find(|r| r.state.given()) else {
        return Ok(None);
    };
    let name = authority_repo::kinds(c)
        .await?
        .into_iter()
        .find(|k| k.key == given.kind)
        .map(|k| k.name);
    Ok(Some((given, name)))
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
    let (from, to) = super::ledger::range(q.from.as_deref(), q.to.as_deref())?;
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
