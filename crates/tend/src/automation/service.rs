//! Automation use cases: the rules (admins write, supervisors read), the
//! set of active rules as every conversation write sees it ([`rules_in`]),
//! time rules' timers, the dry run, and the recorded traces.
//!
//! One file for the rules' use cases and the active set the writes read,
//! which the use cases keep in step (a save moves the timers).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use sqlx::AnyConnection;
use tend_calendar::Calendar;
use utoipa::ToSchema;

use super::engine::{Compiled, compile};
use super::model::{
    Action, After, Automation, AutomationInput, MAX_AFTER_MINUTES, MAX_PARTS, Since, Trigger, When,
};
use super::repo::{self, Write};
use crate::agents::Viewer;
use crate::agents::model::parse_name;
use crate::db::changes::{AUTOMATIONS, WriterCache};
use crate::sla::clock::Time;
use crate::state::AppState;
use crate::{Error, Result};

pub use super::repo::{Due, ReplyRow};

/// An active rule, compiled.
#[derive(Debug)]
pub struct Rule {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// When it runs.
    pub when: When,
    /// Its conditions.
    pub conditions: Compiled,
    /// Its actions.
    pub actions: Vec<Action>,
    /// Whether evaluations that did not fire are recorded.
    pub trace: bool,
}

/// The active rules, as the writes see them: event rules by event, time
/// rules by moment, each in order.
#[derive(Debug, Default)]
pub struct RuleSet {
    by_event: HashMap<Trigger, Vec<Arc<Rule>>>,
    timed: Vec<Arc<Rule>>,
    by_id: HashMap<i64, Arc<Rule>>,
    calendars: BTreeMap<i64, Calendar>,
}

impl RuleSet {
    /// Whether no rule is active.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The event rules of `t`, in order.
    pub fn on(&self, t: Trigger) -> &[Arc<Rule>] {
        self.by_event.get(&t).map_or(&[], Vec::as_slice)
    }

    /// The time rules counting from `since`.
    pub fn timed(&self, since: Since) -> impl Iterator<Item = &Arc<Rule>> {
        self.timed
            .iter()
            .filter(move |r| matches!(r.when, When::After { after } if after.since == since))
    }

    /// Whether any time rule is active.
    pub fn has_timed(&self) -> bool {
        !self.timed.is_empty()
    }

    /// An active rule.
    pub fn rule(&self, id: i64) -> Option<&Arc<Rule>> {
        self.by_id.get(&id)
    }

    /// When a time rule is due for a moment; `None` when its calendar never
    /// opens again.
    pub fn due(&self, after: &After, moment: i64) -> Option<i64> {
        let time = after
            .calendar_id
            .and_then(|id| self.calendars.get(&id))
            .map_or(Time::Wall, Time::Business);
        time.add(moment, after.minutes.saturating_mul(60_000))
    }
}

thread_local! {
    static RULES: WriterCache<(), Arc<RuleSet>> = const { WriterCache::new(&AUTOMATIONS) };
}

/// Whether an active rule, when last read, looked at the message text:
/// then a use case analyses a new message before its write, off the
/// single writer (a stale answer only moves that work into the write).
static TEXT_RULES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether to analyse a new message's text for the rules before writing it.
pub fn text_wanted() -> bool {
    TEXT_RULES.load(std::sync::atomic::Ordering::Relaxed)
}

/// The active rules as this transaction sees them.
pub async fn rules_in(c: &mut AnyConnection) -> Result<Arc<RuleSet>> {
    if let Some(s) = RULES.with(|w| w.get(&())) {
        return Ok(s);
    }
    let epoch = RULES.with(WriterCache::epoch);
    let mut set = RuleSet::default();
    for a in repo::list(c, true).await? {
        let rule = Arc::new(Rule {
            id: a.id,
            name: a.name,
            when: a.when,
            conditions: compile(&a.conditions)?,
            actions: a.actions,
            trace: a.trace,
        });
        match a.when {
            When::Event { event } => set.by_event.entry(event).or_default().push(rule.clone()),
            When::After { .. } => set.timed.push(rule.clone()),
        }
        set.by_id.insert(rule.id, rule);
    }
    if set
        .timed
        .iter()
        .any(|r| matches!(r.when, When::After { after } if after.calendar_id.is_some()))
    {
        set.calendars = crate::calendars::service::all_in(c)
            .await?
            .into_iter()
            .collect();
    }
    let text = set
        .by_id
        .values()
        .any(|r| r.conditions.needs(super::model::Field::Text));
    TEXT_RULES.store(text, std::sync::atomic::Ordering::Relaxed);
    let set = Arc::new(set);
    RULES.with(|w| w.put((), set.clone(), epoch));
    Ok(set)
}

/// Checks a rule and answers what is written.
async fn written(c: &mut AnyConnection, input: &AutomationInput) -> Result<Write> {
    let name = parse_name("name", &input.name, 200)?;
    if let When::After { after } = input.when {
        if !(1..=MAX_AFTER_MINUTES).contains(&after.minutes) {
            return Err(Error::invalid(
                "when.after.minutes",
                format!("a time rule waits 1 to {MAX_AFTER_MINUTES} minutes"),
            ));
        }
        if let Some(id) = after.calendar_id
            && crate::calendars::service::name_in(c, id).await?.is_none()
        {
            return Err(Error::invalid(
                "when.after.calendar_id",
                format!("there is no calendar {id}"),
            ));
        }
    }
    let n = input.conditions.all.len() + input.conditions.any.len();
    if n > MAX_PARTS || input.actions.len() > MAX_PARTS {
        return Err(Error::invalid(
            "conditions",
            format!("a rule has at most {MAX_PARTS} conditions and {MAX_PARTS} actions"),
        ));
    }
    compile(&input.conditions)?;
    if input.actions.is_empty() {
        return Err(Error::invalid("actions", "give at least one action"));
    }
    for (i, a) in input.actions.iter().enumerate() {
        check_action(c, a, &format!("actions[{i}]")).await?;
    }
    Ok(Write {
        name,
        active: input.active,
        position: input.position,
        when: input.when,
        conditions: json(&input.conditions),
        actions: json(&input.actions),
        trace: input.trace,
    })
}

/// A rule part as stored.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Checks one action against the desk (teams, agents, tags, templates,
/// URLs).
pub async fn check_action(c: &mut AnyConnection, a: &Action, at: &str) -> Result<()> {
    match a {
        Action::SetStatus { .. } | Action::SetPriority { .. } => Ok(()),
        Action::AddTags { value } | Action::RemoveTags { value } => {
            if value.is_empty() {
                return Err(Error::invalid(
                    format!("{at}.value"),
                    "give at least one tag",
                ));
            }
            crate::conversations::service::check_tags(value)
                .map_err(|e| Error::invalid(format!("{at}.value"), e.to_string()))
        }
        Action::AssignTeam { value } => {
            if crate::agents::service::team_exists_in(c, *value).await? {
                Ok(())
            } else {
                Err(Error::invalid(
                    format!("{at}.value"),
                    format!("there is no team {value}"),
                ))
            }
        }
        Action::AssignAgent { value } => crate::agents::service::user_in(c, *value)
            .await
            .map(|_| ())
            .map_err(|_| {
                Error::invalid(format!("{at}.value"), format!("there is no user {value}"))
            }),
        Action::Reply { text } | Action::Note { text } => {
            crate::conversations::service::check_template(at, text)
        }
        Action::Webhook { url, .. } => {
            let ok = url::Url::parse(url)
                .ok()
                .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if ok {
                Ok(())
            } else {
                Err(Error::invalid(
                    format!("{at}.url"),
                    "give an http:// or https:// address",
                ))
            }
        }
    }
}

/// The rule with its webhook secrets sealed (`crate::secrets`): stored and
/// shown sealed, opened only to sign a delivery. A secret read back and
/// saved again stays as it is.
fn sealed(st: &AppState, mut input: AutomationInput) -> AutomationInput {
    for a in &mut input.actions {
        if let Action::Webhook {
            secret: Some(s), ..
        } = a
            && !crate::secrets::is_sealed(s)
        {
            *s = st.secrets().seal(crate::secrets::Purpose::WebhookSecret, s);
        }
    }
    input
}

/// Creates a rule. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn create(st: &AppState, viewer: &Viewer, input: AutomationInput) -> Result<Automation> {
    viewer.require_admin()?;
    let input = sealed(st, input);
    let now = st.clock.now_ms();
    let id = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let w = written(c, &input).await?;
                let id = repo::insert(c, &w, now).await?;
                timers_follow_in(c, id, now).await?;
                Ok(id)
            })
        })
        .await?;
    get(st, viewer, id).await
}

/// Replaces a rule. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, automation_id = id))]
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: AutomationInput,
) -> Result<Automation> {
    viewer.require_admin()?;
    let input = sealed(st, input);
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                let w = written(c, &input).await?;
                if !repo::update(c, id, &w, now).await? {
                    return Err(Error::NotFound("automation"));
                }
                timers_follow_in(c, id, now).await
            })
        })
        .await?;
    get(st, viewer, id).await
}

/// Puts the rules in this order: the rule `ids[i]` gets position `i`, and
/// the rules not named follow in their present order. Only positions
/// change, so time rules keep their timers (a replace would set them again
/// from every open conversation's moment). Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn reorder(st: &AppState, viewer: &Viewer, ids: Vec<i64>) -> Result<()> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                let present: Vec<i64> = repo::list(c, false).await?.iter().map(|a| a.id).collect();
                if let Some(id) = ids.iter().find(|id| !present.contains(id)) {
                    return Err(Error::invalid("ids", format!("there is no rule {id}")));
                }
                let rest = present.iter().filter(|id| !ids.contains(id));
                for (position, id) in ids.iter().chain(rest).enumerate() {
                    repo::set_position(c, *id, position as i64, now).await?;
                }
                Ok(())
            })
        })
        .await
}

/// Removes a rule. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, automation_id = id))]
pub async fn delete(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    viewer.require_admin()?;
    st.db
        .write(move |c| {
            Box::pin(async move {
                if repo::delete(c, id).await? {
                    Ok(())
                } else {
                    Err(Error::NotFound("automation"))
                }
            })
        })
        .await
}

/// One rule. Admins and supervisors.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Automation> {
    viewer.require_supervisor("only admins and supervisors may see automations")?;
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, id)
        .await?
        .ok_or(Error::NotFound("automation"))
}

/// Every rule, in the order they run. Admins and supervisors.
pub async fn list(st: &AppState, viewer: &Viewer) -> Result<Vec<Automation>> {
    viewer.require_supervisor("only admins and supervisors may see automations")?;
    let mut c = st.db.pool().acquire().await?;
    repo::list(&mut c, false).await
}

/// After a rule was written: a time rule that runs gets a timer on every
/// conversation still open, counted from its moment (so that it also acts
/// on conversations that waited before it existed); one that does not run
/// loses its timers.
async fn timers_follow_in(c: &mut AnyConnection, id: i64, now: i64) -> Result<()> {
    repo::clear_timers(c, id).await?;
    let rules = rules_in(c).await?;
    let Some(rule) = rules.rule(id).cloned() else {
        return Ok(());
    };
    let When::After { after } = rule.when else {
        return Ok(());
    };
    let mut from = 0;
    loop {
        let batch = crate::conversations::service::moments_in(c, after.since, from, 1000).await?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        from = last;
        for (conversation_id, moment) in batch {
            let Some(moment) = moment else { continue };
            if let Some(due) = rules.due(&after, moment) {
                repo::set_timer(c, id, conversation_id, moment, due.max(now)).await?;
            }
        }
    }
    Ok(())
}

/// Sets the timers of every time rule counting from `since` on a
/// conversation whose moment is now (inside that change's write).
pub async fn moment_in(
    c: &mut AnyConnection,
    rules: &RuleSet,
    conversation_id: i64,
    since: Since,
    now: i64,
) -> Result<()> {
    for rule in rules.timed(since) {
        let When::After { after } = rule.when else {
            continue;
        };
        if let Some(due) = rules.due(&after, now) {
            repo::set_timer(c, rule.id, conversation_id, now, due).await?;
        }
    }
    Ok(())
}

/// The time rules' timers due now, earliest first.
pub async fn due_in(c: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<Due>> {
    repo::due(c, now, limit).await
}

/// When the next timer is due.
pub async fn next_due_in(c: &mut AnyConnection) -> Result<Option<i64>> {
    repo::next_due(c).await
}

/// Takes a due timer (true: this caller fires it).
pub async fn take_in(c: &mut AnyConnection, d: &Due) -> Result<bool> {
    repo::take(c, d).await
}

/// Records an evaluation that did not fire.
pub async fn trace_in(
    c: &mut AnyConnection,
    conversation_id: i64,
    rule: i64,
    cause: &str,
    detail: &serde_json::Value,
    now: i64,
) -> Result<()> {
    repo::insert_trace(c, conversation_id, rule, cause, detail, now).await
}

/// Queues an automatic reply to the customer message `message_id`; false
/// when that message has one already.
pub async fn queue_reply_in(
    c: &mut AnyConnection,
    conversation_id: i64,
    rule: i64,
    message_id: i64,
    text: &super::model::LocalizedText,
    now: i64,
) -> Result<bool> {
    let template = serde_json::to_string(text).map_err(|e| Error::Internal(e.into()))?;
    repo::queue_reply(c, conversation_id, rule, message_id, &template, now).await
}

/// Automatic replies waiting to be sent.
pub async fn unsent_replies(st: &AppState, limit: i64) -> Result<Vec<ReplyRow>> {
    let mut c = st.db.pool().acquire().await?;
    repo::unsent_replies(&mut c, st.clock.now_ms(), limit).await
}

/// Marks an automatic reply sent, or skipped with a reason.
pub async fn finish_reply_in(
    c: &mut AnyConnection,
    id: i64,
    skipped: Option<&str>,
    now: i64,
) -> Result<bool> {
    repo::finish_reply(c, id, skipped, now).await
}

/// A rule's name, if it exists.
pub async fn name_in(c: &mut AnyConnection, id: i64) -> Result<Option<String>> {
    Ok(repo::get(c, id).await?.map(|a| a.name))
}

/// A recorded evaluation that did not fire.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Trace {
    /// The rule.
    pub automation_id: i64,
    /// What it looked at: an event kind, or a time rule's moment.
    pub cause: String,
    /// Each condition and whether it held.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// RFC 3339.
    pub created_at: String,
}

/// A conversation's recorded evaluations, newest first.
pub async fn traces_in(c: &mut AnyConnection, conversation_id: i64) -> Result<Vec<Trace>> {
    Ok(repo::traces(c, conversation_id, 100)
        .await?
        .into_iter()
        .map(|t| Trace {
            automation_id: t.automation_id,
            cause: t.cause,
            detail: serde_json::from_str(&t.detail).unwrap_or(serde_json::Value::Null),
            created_at: crate::time::rfc3339(t.created_at),
        })
        .collect())
}

/// A rule's conditions, compiled (for the dry run and "why").
pub fn compiled(a: &Automation) -> Result<Compiled> {
    compile(&a.conditions)
}
