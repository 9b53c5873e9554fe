//! Runs the automation rules on a conversation's write, inside its
//! transaction: every use case that changes a conversation calls
//! [`react_in`] last, with the events it appended. Rules run in position
//! order on each event; what one rule changes is a new event that may
//! fire others, down to `automation::engine::MAX_DEPTH`, and a rule that
//! would fire twice in one change is stopped (a loop) with an event that
//! names the rules.
//!
//! Each firing is undone alone when one of its actions fails (a
//! savepoint), so a rule that no longer fits the desk (a deleted team, a
//! status it may not set) never loses the customer's message; its
//! `automation_fired` event says what was skipped and why.
//!
//! Reading the rules outside a write (the dry run, "why", sending the
//! automatic replies) is `automate_read.rs`; what a firing rule does (its
//! actions, in savepoints) is `automate_act.rs`. Over 500 lines because
//! what the rules see of one change (`Sight`, read once and kept while
//! the rules change the row) is the loop's own state.

use std::sync::OnceLock;

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::repo::{self, ConvRow, EventActor};
use super::timeline::Timeline;
use crate::agents::Viewer;
use crate::automation::engine::{Cascade, Facts, MAX_DEPTH, Text};
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
    react_seeing_in(c, tl, from, Sight::default, now).await
}

/// [`react_in`] with what the write knows already (a creation knows the
/// row and the message: nothing is read again to check the rules).
pub(super) async fn react_seeing_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    from: usize,
    sight: impl FnOnce() -> Sight,
    now: i64,
) -> Result<()> {
    let rules = crate::automation::service::rules_in(c).await?;
    if rules.is_empty() {
        return Ok(());
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
                    return stop_in(c, tl, "loop", &chain, &rules).await;
                }
            }
        }
        // The level's changes, written at once: their events are the next
        // level's causes.
        sight.flush_in(c, tl, now).await?;
    }
    Ok(())
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

/// What must be read besides the row.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Needs {
    text: bool,
    sla: bool,
    from: bool,
}

impl Needs {
    fn of<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Needs {
        rules.into_iter().fold(Needs::default(), |n, r| {
            let m = Needs::of_conditions(&r.conditions);
            Needs {
                text: n.text || m.text,
                sla: n.sla || m.sla,
                from: n.from || m.from,
            }
        })
    }

    pub(super) fn of_conditions(c: &crate::automation::engine::Compiled) -> Needs {
        use crate::automation::Field;
        Needs {
            text: c.needs(Field::Text),
            sla: c.needs(Field::SlaBreached),
            from: c.needs(Field::MessageFrom),
        }
    }

    pub(super) const ALL: Needs = Needs {
        text: true,
        sla: true,
        from: true,
    };
}

/// What the rules of one change see, read once and kept until one of
/// them acts: the conversation, and the message of the event at hand.
#[derive(Default)]
pub(super) struct Sight {
    /// What the rules at hand look at besides the row.
    needs: Needs,
    seen: Option<Seen>,
    /// The event the message belongs to (`None`: the customer's latest,
    /// for an event that added no message).
    msg: Option<(Option<i64>, Msg)>,
    /// What the rules changed and has not been written yet.
    pending: Pending,
}

/// What the rules of one level of a cascade changed in memory (plain
/// fields, `plain.rs`), and their `automation_fired` events: written
/// together by [`Sight::flush_in`] when the level ends, or before an
/// action that writes or reads the conversation otherwise.
#[derive(Default)]
struct Pending {
    /// In order, with their actors.
    events: Vec<(EventKind, EventActor, Value)>,
    /// The row as the database has it, when its plain fields changed since.
    written: Option<ConvRow>,
}

impl Sight {
    /// What a write that just created conversation `row`, with the
    /// customer's first message `text`, knows without reading (the
    /// `message_added` event `event_id`; the text analysed before the
    /// write, if it was).
    pub(super) fn known(
        row: ConvRow,
        event_id: Option<i64>,
        text: &str,
        analysed: Option<Text>,
    ) -> Sight {
        Sight {
            seen: Some(Seen::of(row)),
            msg: event_id.map(|e| (Some(e), Msg::new(ActorKind::Customer, text, analysed))),
            ..Sight::default()
        }
    }

    /// What a write that just added a message knows of it: who wrote it
    /// and its text (its `message_added` event `event_id`).
    pub(super) fn message(
        event_id: i64,
        from: ActorKind,
        text: &str,
        analysed: Option<Text>,
    ) -> Sight {
        Sight {
            msg: Some((Some(event_id), Msg::new(from, text, analysed))),
            ..Sight::default()
        }
    }

    /// Forgets the row (a change it cannot follow): the next rule reads it.
    pub(super) fn forget_row(&mut self) {
        self.seen = None;
    }

    /// Queues an event of the rules, written with the level.
    fn queue(&mut self, kind: EventKind, actor: EventActor, data: Value) {
        self.pending.events.push((kind, actor, data));
    }

    /// Applies `p`, a change of plain fields only, by `actor` to the row
    /// the rules see (read, locked, when not known), to be written with
    /// the level. `false`: no such conversation.
    pub(super) async fn change_plain_in(
        &mut self,
        c: &mut AnyConnection,
        id: i64,
        actor: &EventActor,
        p: &super::validate::ValidPatch,
        now: i64,
    ) -> Result<bool> {
        if !self.look_in(c, id, Needs::default(), None, true).await? {
            return Ok(false);
        }
        let Some(seen) = self.seen.as_ref() else {
            return Ok(false);
        };
        let mut row = seen.row.clone();
        let applied = super::plain::apply(&mut row, p)?;
        if applied.events.is_empty() {
            return Ok(true);
        }
        row.updated_at = now;
        if self.pending.written.is_none() {
            self.pending.written = Some(seen.row.clone());
        }
        for (kind, data) in applied.events {
            self.queue(kind, actor.clone(), data);
        }
        self.wrote(row);
        Ok(true)
    }

    /// Writes what the rules changed and did not write yet: their events,
    /// in order, then the row's plain fields (with the service-level
    /// clocks they move).
    pub(super) async fn flush_in(
        &mut self,
        c: &mut AnyConnection,
        tl: &mut Timeline,
        now: i64,
    ) -> Result<()> {
        if !self.pending.events.is_empty() {
            let events = std::mem::take(&mut self.pending.events);
            let rows: Vec<_> = events.iter().map(|(k, a, d)| (*k, a, d.clone())).collect();
            tl.add_all(c, &rows).await?;
        }
        let Some(before) = self.pending.written.take() else {
            return Ok(());
        };
        let Some(seen) = self.seen.as_ref() else {
            return Err(Error::Internal(anyhow::anyhow!(
                "the rules changed conversation {} and lost its row",
                tl.conversation_id()
            )));
        };
        let tags = repo::TagRows::between(&before.tag_list(), &seen.tags);
        repo::update_plain(c, &seen.row, Some(&tags)).await?;
        super::service_levels::track_in(
            c,
            tl,
            Some(super::service_levels::Was::of(&before)),
            &seen.row,
            super::service_levels::Wrote::Nothing,
            now,
        )
        .await?;
        Ok(())
    }

    /// The language the conversation is written in, as the rules see it
    /// (no action changes it).
    pub(super) fn language(&self) -> Option<&str> {
        self.seen.as_ref()?.row.language()
    }

    /// What a write that just changed the conversation knows: the row as
    /// it wrote it.
    pub(super) fn row(row: ConvRow) -> Sight {
        Sight {
            seen: Some(Seen::of(row)),
            ..Sight::default()
        }
    }

    /// Takes the row a rule's change left (what the next rule sees), keeping
    /// what was derived from what no action changes (the subject's and the
    /// customer's words). The message stays too: an action never adds a
    /// customer's message, and a note is no message the rules look at.
    pub(super) fn wrote(&mut self, row: ConvRow) {
        let mut next = Seen::of(row);
        if let Some(old) = self.seen.take() {
            if old.row.subject == next.row.subject {
                next.subject_text = old.subject_text;
            }
            if old.row.customer_name == next.row.customer_name {
                next.name_text = old.name_text;
            }
        }
        self.seen = Some(next);
    }

    /// Reads what `needs` asks of conversation `id` for `cause`, if not
    /// known yet (`lock`: inside a write that may change it). `false`: no
    /// such conversation.
    pub(super) async fn look_in(
        &mut self,
        c: &mut AnyConnection,
        id: i64,
        needs: Needs,
        cause: Option<Cause>,
        lock: bool,
    ) -> Result<bool> {
        if self.seen.is_none() {
            let row = if lock {
                repo::get_for_update(c, &Viewer::system(), id).await?
            } else {
                repo::get(c, &Viewer::system(), id).await?
            };
            let Some(row) = row else {
                return Ok(false);
            };
            self.seen = Some(Seen::of(row));
        }
        if needs.sla
            && let Some(seen) = self.seen.as_mut()
            && seen.breached.is_none()
        {
            seen.breached = Some(crate::sla::service::breached_in(c, id).await?);
        }
        let event = match cause {
            Some(Cause::Event(eid, Trigger::MessageAdded)) => Some(eid),
            _ => None,
        };
        if (needs.text || needs.from) && self.msg.as_ref().is_none_or(|(e, _)| *e != event) {
            let msg = match event {
                Some(eid) => match repo::event_message(c, eid).await? {
                    Some((from, Some(mid))) => Msg {
                        from: Some(from),
                        raw: repo::message_text(c, mid).await?,
                        text: OnceLock::new(),
                    },
                    Some((from, None)) => Msg {
                        from: Some(from),
                        raw: None,
                        text: OnceLock::new(),
                    },
                    None => Msg::default(),
                },
                None => Msg {
                    from: None,
                    raw: repo::latest_customer_message(c, id).await?.map(|(_, t)| t),
                    text: OnceLock::new(),
                },
            };
            self.msg = Some((event, msg));
        }
        Ok(true)
    }

    /// The facts, once [`Sight::look_in`] has read them.
    pub(super) fn facts(&self, now: i64) -> Option<Facts<'_>> {
        let s = self.seen.as_ref()?;
        let msg = self.msg.as_ref().map(|(_, m)| m);
        Some(Facts {
            status: s.row.status(),
            priority: s.row.priority,
            channel: s.row.channel,
            inbox_id: s.row.inbox_id,
            team_id: s.row.team_id,
            assignee_id: s.row.assignee_id,
            tags: &s.tags,
            language: s.row.language(),
            subject: &s.row.subject,
            text: msg.and_then(|m| {
                m.raw
                    .as_deref()
                    .map(|raw| m.text.get_or_init(|| Text::new(raw)))
            }),
            subject_text: &s.subject_text,
            name_text: &s.name_text,
            message_from: msg.and_then(|m| m.from),
            customer_email: s.row.customer_email.as_deref(),
            customer_name: s.row.customer_name.as_deref(),
            sla_breached: s.breached.as_deref().unwrap_or_default(),
            hours_since_created: (now - s.row.created_at).max(0) / 3_600_000,
        })
    }
}

/// The conversation as the conditions see it.
struct Seen {
    row: ConvRow,
    tags: Vec<String>,
    breached: Option<Vec<crate::sla::Metric>>,
    subject_text: OnceLock<Text>,
    name_text: OnceLock<Text>,
}

impl Seen {
    fn of(row: ConvRow) -> Seen {
        Seen {
            tags: row.tag_list(),
            row,
            breached: None,
            subject_text: OnceLock::new(),
            name_text: OnceLock::new(),
        }
    }
}

/// The message of the event at hand (or the customer's latest).
#[derive(Default)]
struct Msg {
    from: Option<ActorKind>,
    raw: Option<String>,
    text: OnceLock<Text>,
}

impl Msg {
    fn new(from: ActorKind, text: &str, analysed: Option<Text>) -> Msg {
        let cell = OnceLock::new();
        if let Some(t) = analysed {
            let _ = cell.set(t);
        }
        Msg {
            from: Some(from),
            raw: Some(text.to_string()),
            text: cell,
        }
    }
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
    if cascade.has(rule.id)
        && sight
            .seen
            .as_ref()
            .is_some_and(|s| !would_change(&rule.actions, s))
    {
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

/// Whether the actions would change the conversation as it is (a reply, a
/// note or a webhook always does something).
fn would_change(actions: &[Action], s: &Seen) -> bool {
    let has = |t: &String| s.tags.iter().any(|x| x.eq_ignore_ascii_case(t));
    actions.iter().any(|a| match a {
        Action::SetStatus { value } => *value != s.row.status(),
        Action::SetPriority { value } => *value != s.row.priority,
        Action::AddTags { value } => !value.iter().all(has),
        Action::RemoveTags { value } => value.iter().any(has),
        Action::AssignTeam { value } => s.row.team_id != Some(*value),
        Action::AssignAgent { value } => s.row.assignee_id != Some(*value),
        Action::Reply { .. } | Action::Note { .. } | Action::Webhook { .. } => true,
    })
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
    let mut sight = Sight {
        needs: Needs::of([rule]),
        ..Sight::default()
    };
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
