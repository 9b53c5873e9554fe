//! Runs the automation rules on a conversation's write, inside its
//! transaction: every use case that changes a conversation calls
//! [`react_in`] last, with the events it appended. Rules run in position
//! order on each event; what one rule changes is a new event that may
//! fire others, down to `automation::engine::MAX_DEPTH`, and a rule that
//! would fire twice in one change is stopped (a loop) with an event that
//! names the rules.
//!
//! Each action that fails is undone alone (made in memory, or in a
//! savepoint), so a rule that no longer fits the desk (a deleted team, a
//! status it may not set) never loses the customer's message; its
//! `automation_fired` event says what was skipped and why.
//!
//! Reading the rules outside a write (the dry run, "why", sending the
//! automatic replies) is `automate_read.rs`; what a firing rule does (its
//! actions) is `automate_act.rs`; what the rules of one change see, and
//! what they changed but did not write yet, is `sight.rs`.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::repo::{self, EventActor};
use super::sight::{Needs, Settled, Sight};
use super::timeline::Timeline;
use crate::agents::Viewer;
use crate::automation::engine::{Cascade, MAX_DEPTH};
use crate::automation::service::{Rule, RuleSet};
use crate::automation::{Action, LocalizedText, Since, Trigger};
use crate::vocab::{ActorKind, EventKind};
use crate::{Error, Result};

/// The trigger an event is, if any.
fn trigger_of(kind: EventKind) -> Option<Trigger> {
    Some(match kind {
        EventKind::Created => Trigger::ConversationCreated,
        EventKind::MessageAdded => Trigger::MessageAdded,
        EventKind::StatusChanged => Trigger::StatusChanged,
        EventKind::PriorityChanged => Trigger::PriorityChanged,
        EventKind::TagsChanged => Trigger::TagsChanged,
        EventKind::Assigned | EventKind::Transferred => Trigger::Assigned,
        EventKind::SlaWarning => Trigger::SlaWarning,
        EventKind::SlaBreached => Trigger::SlaBreached,
        EventKind::SurveyAnswered => Trigger::SurveyAnswered,
        _ => return None,
    })
}

/// What a rule is evaluated for: an event of the write, or a time rule's
/// moment.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cause {
    /// An event (its id and kind).
    Event(i64, Trigger),
    /// A time rule's moment.
    Moment(Since, i64),
}

impl Cause {
    fn name(self) -> String {
        match self {
            Cause::Event(_, t) => t.as_str().to_string(),
            Cause::Moment(s, at) => format!("{}@{}", s.as_str(), crate::time::rfc3339(at)),
        }
    }

    fn to_json(self) -> Value {
        match self {
            Cause::Event(id, t) => json!({"event": t, "event_id": id}),
            Cause::Moment(s, at) => json!({"since": s, "moment": crate::time::rfc3339(at)}),
        }
    }
}

/// Runs the rules on the events the write appended to `tl` from index
/// `from` on, and sets the time rules' timers for the moments they are.
pub(super) async fn react_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    from: usize,
    now: i64,
) -> Result<()> {
    react_seeing_in(c, tl, from, Sight::default, now)
        .await
        .map(|_| ())
}

/// [`react_in`] with what the write knows already (a creation knows the
/// row and the message: nothing is read again to check the rules).
/// Answers the conversation as the rules left it, when what they held
/// shows all of it (`None` also when no rule ran).
pub(super) async fn react_seeing_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    from: usize,
    sight: impl FnOnce() -> Sight,
    now: i64,
) -> Result<Option<Settled>> {
    let rules = crate::automation::service::rules_in(c).await?;
    if rules.is_empty() {
        return Ok(None);
    }
    let mut sight = sight();
    let mut cascade = Cascade::default();
    let mut next = from;
    let mut depth = 0;
    while next < tl.added.len() {
        depth += 1;
        let batch: Vec<_> = tl.added[next..].to_vec();
        next = tl.added.len();
        if rules.has_timed() {
            set_timers_in(c, &rules, tl, &batch, now).await?;
        }
        if depth > MAX_DEPTH {
            stop_in(c, tl, "too_deep", &cascade.fired(), &rules).await?;
            break;
        }
        for ev in batch {
            let Some(t) = trigger_of(ev.kind) else {
                continue;
            };
            let on = rules.on(t);
            if on.is_empty() {
                continue;
            }
            metrics::counter!("tend_automation_evaluations_total").increment(on.len() as u64);
            sight.needs = Needs::of(on.iter().map(|r| &**r));
            for rule in on {
                let cause = Cause::Event(ev.event_id, t);
                if let Err(chain) =
                    run_rule_in(c, tl, &mut cascade, rule, cause, &mut sight, now).await?
                {
                    // The change stops here: what the loop did so far stays.
                    sight.flush_in(c, tl, now).await?;
                    stop_in(c, tl, "loop", &chain, &rules).await?;
                    return Ok(sight.settled());
                }
            }
        }
        // The level's changes, written at once: their events are the next
        // level's causes.
        sight.flush_in(c, tl, now).await?;
    }
    Ok(sight.settled())
}

/// Sets the timers of the time rules whose moment one of `events` is.
async fn set_timers_in(
    c: &mut AnyConnection,
    rules: &RuleSet,
    tl: &Timeline,
    events: &[crate::state::BusEvent],
    now: i64,
) -> Result<()> {
    let id = tl.conversation_id();
    for ev in events {
        let since = match ev.kind {
            EventKind::Created => Some(Since::Created),
            EventKind::StatusChanged => Some(Since::StatusChanged),
            EventKind::MessageAdded => match repo::event_message(c, ev.event_id).await? {
                Some((ActorKind::Customer, _)) => Some(Since::LastCustomerMessage),
                Some((ActorKind::Agent, _)) => Some(Since::LastAgentMessage),
                _ => None,
            },
            _ => None,
        };
        if let Some(s) = since {
            crate::automation::service::moment_in(c, rules, id, s, now).await?;
        }
    }
    Ok(())
}

/// Appends the event that stops a loop or a cascade too deep.
async fn stop_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    reason: &str,
    chain: &[i64],
    rules: &RuleSet,
) -> Result<()> {
    let names: Vec<&str> = chain
        .iter()
        .map(|id| rules.rule(*id).map_or("", |r| r.name.as_str()))
        .collect();
    tracing::warn!(conversation_id = tl.conversation_id(), reason, rules = ?chain, "automation stopped");
    tl.add(
        c,
        EventKind::AutomationStopped,
        &EventActor::SYSTEM,
        json!({"reason": reason, "rules": chain, "names": names}),
    )
    .await
}

/// Evaluates one rule for `cause` and, when its conditions hold, runs its
/// actions. `Ok(Err(chain))`: it would fire a second time in this change.
async fn run_rule_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    cascade: &mut Cascade,
    rule: &Rule,
    cause: Cause,
    sight: &mut Sight,
    now: i64,
) -> Result<std::result::Result<bool, Vec<i64>>> {
    let id = tl.conversation_id();
    if !sight.look_in(c, id, sight.needs, Some(cause), true).await? {
        return Ok(Ok(false));
    }
    let Some(facts) = sight.facts(now) else {
        return Ok(Ok(false));
    };
    if !rule.conditions.holds(&facts) {
        if rule.trace {
            let detail = rule.conditions.explain(&facts);
            crate::automation::service::trace_in(c, id, rule.id, &cause.name(), &detail, now)
                .await?;
        }
        return Ok(Ok(false));
    }
    if cascade.has(rule.id) && sight.already_made(&rule.actions) {
        // Its change is already made: firing again would only repeat it.
        return Ok(Ok(false));
    }
    if let Err(chain) = cascade.enter(rule.id) {
        return Ok(Err(chain));
    }
    let mut done = Vec::new();
    let mut skipped = Vec::new();
    let mut rest: &[Action] = &rule.actions;
    while !rest.is_empty() {
        // Field actions in a row are one change of the conversation (one
        // read, one write); should that fail, each is tried alone, to say
        // which cannot apply.
        let run = super::automate_act::field_run(rest).max(1);
        let (group, after) = rest.split_at(run);
        rest = after;
        let step = super::automate_act::act_in(c, tl, rule, group, cause, sight, now).await?;
        let steps = match step {
            Err(_) if run > 1 => {
                let mut each = Vec::with_capacity(run);
                for a in group {
                    each.push(
                        super::automate_act::act_in(
                            c,
                            tl,
                            rule,
                            std::slice::from_ref(a),
                            cause,
                            sight,
                            now,
                        )
                        .await?,
                    );
                }
                each
            }
            Ok(None) => (0..run).map(|_| Ok(None)).collect(),
            // One action (a run of field actions gives no reason).
            step => vec![step],
        };
        for (action, step) in group.iter().zip(steps) {
            match step {
                Ok(None) => done.push(action_name(action)),
                Ok(Some(why)) => {
                    skipped.push(json!({"action": action_name(action), "reason": why}));
                }
                Err(e) => {
                    let reason = match &e {
                        Error::Internal(_) | Error::Database(_) => {
                            tracing::warn!(automation_id = rule.id, conversation_id = id, error = %e,
                                "an automation action failed");
                            "an internal error; see the server log".to_string()
                        }
                        _ => e.to_string(),
                    };
                    skipped.push(json!({"action": action_name(action), "reason": reason}));
                }
            }
        }
    }
    sight.queue(
        EventKind::AutomationFired,
        EventActor::automation(rule.id),
        json!({"name": rule.name, "cause": cause.to_json(), "actions": done, "skipped": skipped}),
    );
    metrics::counter!("tend_automation_fired_total").increment(1);
    Ok(Ok(true))
}

fn action_name(a: &Action) -> &'static str {
    crate::automation::model::ActionKind::of(a).as_str()
}

/// Renders a rule's template for conversation `id` in `language` (the
/// translation that fits, else the main text).
pub(super) async fn render_in(
    c: &mut AnyConnection,
    id: i64,
    text: &LocalizedText,
    language: Option<&str>,
) -> Result<String> {
    // Checked when the rule was saved; a template that no longer reads is
    // this action's failure, not the change's.
    let t = crate::templates::Localized::parse("", text)?;
    let vars = super::templating::template_vars_in(c, id, None).await?;
    Ok(t.pick(language).render(&vars))
}

/// Checks a rule's template as it is saved: errors name `{at}.text` or
/// `{at}.translations.{lang}` with the line and column.
pub fn check_template(at: &str, text: &LocalizedText) -> Result<()> {
    if text.text.trim().is_empty() {
        return Err(Error::invalid(format!("{at}.text"), "give the text"));
    }
    crate::templates::Localized::parse(at, text).map(|_| ())
}

/// Fires the time rule `rule` on conversation `id` for the moment
/// `moment` (its timer was just taken, in this transaction), then the
/// event rules on what it changed. Answers whether it fired, and the
/// events.
pub(crate) async fn fire_time_rule_in(
    c: &mut AnyConnection,
    rule: &Rule,
    id: i64,
    moment: i64,
    now: i64,
) -> Result<(bool, Vec<crate::state::BusEvent>)> {
    let crate::automation::When::After { after } = rule.when else {
        return Ok((false, Vec::new()));
    };
    let Some(row) = repo::get(c, &Viewer::system(), id).await? else {
        return Ok((false, Vec::new()));
    };
    let mut tl = Timeline::new(id, row.inbox_id, now);
    let mut cascade = Cascade::default();
    let cause = Cause::Moment(after.since, moment);
    // A time rule stands alone: a loop cannot start here.
    metrics::counter!("tend_automation_evaluations_total").increment(1);
    let mut sight = Sight::default();
    sight.needs = Needs::of([rule]);
    let fired = run_rule_in(c, &mut tl, &mut cascade, rule, cause, &mut sight, now)
        .await?
        .unwrap_or(false);
    sight.flush_in(c, &mut tl, now).await?;
    if fired {
        // What the rule changed may fire event rules.
        react_in(c, &mut tl, 0, now).await?;
    }
    Ok((fired, tl.added))
}
