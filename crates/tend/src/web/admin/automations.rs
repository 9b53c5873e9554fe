//! `/admin/automations`: automation rules built without JSON. The list
//! shows the rules in the order they run, with buttons to move one up or
//! down (or dragged into place, with script), to switch it on or off and to delete it (after a confirmation
//! page). The form picks the event or the delay, the conditions and the
//! actions from lists; rows are added and removed by small script, or by
//! the form's own buttons without it. A new rule is saved switched off;
//! its page offers a dry run and, beside it, the button that enables it.
//!
//! The form is turned into the API's [`AutomationInput`] and saved through
//! `automation::service`, which checks it: its 422 names a path
//! (`conditions.all[0].value`, `actions[1].value`, `when.after.minutes`)
//! and the message is shown next to that input, with what was typed kept.
//!
//! One file: the form and the rule are each other's inverse (rows ↔
//! conditions and actions, the 422's path ↔ the input), and their tests
//! check the round trip; splitting them would split that pair.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::{Saved, admin_only};
use crate::automation::service as rules;
use crate::automation::{
    Action, After, Automation, AutomationInput, Condition, Conditions, Field, LocalizedText, Op,
    Since, Trigger, When,
};
use crate::state::AppState;
use crate::vocab::{Priority, Status};
use crate::web::i18n::Tr;
use crate::web::labels::{self, ActionKind};
use crate::web::pages::{Chrome, error_page, render, render_status, see_other};
use crate::web::session::Agent;
use crate::{Error, Result};

/// When a rule runs, in words: "A conversation is created", "30 minutes
/// after the customer's last message", with the calendar it counts on.
pub fn when_words(tr: &Tr, when: &When, calendars: &HashMap<i64, String>) -> String {
    match when {
        When::Event { event } => tr.t(labels::trigger_key(*event)),
        When::After { after } => {
            let words = tr.args(
                "auto-when-after",
                &[
                    ("value", tr.n("span-minutes", after.minutes).into()),
                    ("name", tr.t(labels::since_key(after.since)).into()),
                ],
            );
            match after.calendar_id {
                None => words,
                Some(id) => tr.args(
                    "auto-when-business",
                    &[
                        ("value", words.into()),
                        (
                            "name",
                            calendars
                                .get(&id)
                                .cloned()
                                .unwrap_or_else(|| format!("#{id}"))
                                .into(),
                        ),
                    ],
                ),
            }
        }
    }
}

/// A condition's value as the form shows it: text, a number, nothing for
/// `null`, a list comma-separated.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Whether a field compares with numbers (ids, hours).
fn numeric(f: Field) -> bool {
    match f {
        Field::InboxId | Field::TeamId | Field::AssigneeId | Field::HoursSinceCreated => true,
        Field::Status
        | Field::Priority
        | Field::Channel
        | Field::Tags
        | Field::Language
        | Field::Subject
        | Field::Text
        | Field::MessageFrom
        | Field::CustomerEmail
        | Field::CustomerName
        | Field::SlaBreached => false,
    }
}

/// Whether an empty value means "none" (`null`) for a field.
fn nullable(f: Field) -> bool {
    matches!(
        f,
        Field::InboxId | Field::TeamId | Field::AssigneeId | Field::Language | Field::CustomerEmail
    )
}

/// One value typed into a condition, as JSON: a number for numeric fields
/// when it reads as one, `null` for an empty value of a field that may be
/// empty, text otherwise (the service says what is wrong with it).
fn scalar(f: Field, s: &str) -> Value {
    let s = s.trim();
    if s.is_empty() && nullable(f) {
        return Value::Null;
    }
    if numeric(f)
        && let Ok(n) = s.parse::<i64>()
    {
        return Value::from(n);
    }
    Value::String(s.to_string())
}

/// A condition's value from the text typed: a list for `in`/`not_in`.
fn condition_value(f: Field, op: Op, typed: &str) -> Value {
    match op {
        Op::In | Op::NotIn => Value::Array(
            typed
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| scalar(f, s))
                .collect(),
        ),
        Op::Contains | Op::NotContains => Value::String(typed.trim().to_string()),
        Op::Is | Op::IsNot | Op::Gt | Op::Lt => scalar(f, typed),
    }
}

/// A condition row of the form.
#[derive(Debug, Clone, Default)]
pub struct CondRow {
    /// The row's number in the input names (`cond-3-field`).
    pub n: String,
    /// Its place on the form (1, 2…), for its label.
    pub num: String,
    /// `all` or `any`.
    pub group: String,
    pub field: String,
    pub op: String,
    pub value: String,
    /// Which input the error is about (`field`, `op`, `value`), if any.
    pub err_part: &'static str,
    pub err: String,
}

/// An action row of the form: every kind's input, the kind picks one.
#[derive(Debug, Clone, Default)]
pub struct ActRow {
    /// The row's number in the input names (`act-3-type`).
    pub n: String,
    /// Its place on the form (1, 2…), for its label.
    pub num: String,
    pub kind: String,
    pub status: String,
    pub priority: String,
    pub tags: String,
    pub team: String,
    pub agent: String,
    pub text: String,
    /// A reply's or note's translations (JSON, kept as the API wrote them).
    pub translations: String,
    pub url: String,
    pub secret: String,
    pub err: String,
}

/// What the form holds (as typed, or read from a rule).
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub name: String,
    /// `event` or `after`.
    pub when_kind: String,
    pub event: String,
    pub minutes: String,
    pub since: String,
    pub calendar: String,
    pub trace: bool,
    pub conds: Vec<CondRow>,
    pub acts: Vec<ActRow>,
}

impl Typed {
    fn blank() -> Typed {
        Typed {
            when_kind: "event".into(),
            event: Trigger::ConversationCreated.as_str().into(),
            minutes: "60".into(),
            since: Since::Created.as_str().into(),
            acts: vec![ActRow {
                n: "0".into(),
                num: "1".into(),
                ..ActRow::default()
            }],
            ..Typed::default()
        }
    }

    /// The form of a stored rule.
    fn of(a: &Automation) -> Typed {
        let mut t = Typed {
            name: a.name.clone(),
            trace: a.trace,
            ..Typed::blank()
        };
        match a.when {
            When::Event { event } => {
                t.when_kind = "event".into();
                t.event = event.as_str().into();
            }
            When::After { after } => {
                t.when_kind = "after".into();
                t.minutes = after.minutes.to_string();
                t.since = after.since.as_str().into();
                t.calendar = after.calendar_id.map(|c| c.to_string()).unwrap_or_default();
            }
        }
        let row = |group: &str, c: &Condition| CondRow {
            group: group.into(),
            field: c.field.as_str().into(),
            op: c.op.as_str().into(),
            value: value_text(&c.value),
            ..CondRow::default()
        };
        t.conds = a
            .conditions
            .all
            .iter()
            .map(|c| row("all", c))
            .chain(a.conditions.any.iter().map(|c| row("any", c)))
            .collect();
        t.acts = a.actions.iter().map(act_row).collect();
        t.number();
        t
    }

    /// Numbers the rows 0, 1, 2… (after rows were added or removed).
    fn number(&mut self) {
        for (i, r) in self.conds.iter_mut().enumerate() {
            r.n = i.to_string();
            r.num = (i + 1).to_string();
        }
        for (i, r) in self.acts.iter_mut().enumerate() {
            r.n = i.to_string();
            r.num = (i + 1).to_string();
        }
    }

    /// The form as posted, and the button pressed (`do`).
    fn parse(body: &[u8]) -> (Typed, String) {
        let mut t = Typed::default();
        let mut pressed = String::new();
        let mut conds: BTreeMap<u32, CondRow> = BTreeMap::new();
        let mut acts: BTreeMap<u32, ActRow> = BTreeMap::new();
        for (k, v) in url::form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "name" => t.name = v,
                "when_kind" => t.when_kind = v,
                "event" => t.event = v,
                "minutes" => t.minutes = v,
                "since" => t.since = v,
                "calendar" => t.calendar = v,
                "trace" => t.trace = true,
                "do" => pressed = v,
                key => {
                    let mut parts = key.splitn(3, '-');
                    let (Some(kind), Some(n), Some(part)) =
                        (parts.next(), parts.next(), parts.next())
                    else {
                        continue;
                    };
                    let Ok(n) = n.parse::<u32>() else { continue };
                    match kind {
                        "cond" => {
                            let r = conds.entry(n).or_default();
                            match part {
                                "group" => r.group = v,
                                "field" => r.field = v,
                                "op" => r.op = v,
                                "value" => r.value = v,
                                _ => {}
                            }
                        }
                        "act" => {
                            let r = acts.entry(n).or_default();
                            match part {
                                "type" => r.kind = v,
                                "status" => r.status = v,
                                "priority" => r.priority = v,
                                "tags" => r.tags = v,
                                "team" => r.team = v,
                                "agent" => r.agent = v,
                                "text" => r.text = v.replace("\r\n", "\n"),
                                "translations" => r.translations = v,
                                "url" => r.url = v,
                                "secret" => r.secret = v,
                                _ => {}
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        for (n, mut r) in conds {
            r.n = n.to_string();
            r.num = (t.conds.len() + 1).to_string();
            t.conds.push(r);
        }
        for (n, mut r) in acts {
            r.n = n.to_string();
            r.num = (t.acts.len() + 1).to_string();
            t.acts.push(r);
        }
        (t, pressed)
    }

    /// Applies an add or remove button; false for any other.
    fn edit_rows(&mut self, pressed: &str) -> bool {
        match pressed {
            "add-condition" => self.conds.push(CondRow {
                group: "all".into(),
                ..CondRow::default()
            }),
            "add-action" => self.acts.push(ActRow::default()),
            _ => {
                if let Some(n) = pressed.strip_prefix("remove-cond-") {
                    self.conds.retain(|r| r.n != n);
                } else if let Some(n) = pressed.strip_prefix("remove-act-") {
                    self.acts.retain(|r| r.n != n);
                } else {
                    return false;
                }
            }
        }
        self.number();
        true
    }
}

/// The form row of a stored action.
fn act_row(a: &Action) -> ActRow {
    let mut r = ActRow {
        kind: ActionKind::of(a).as_str().into(),
        ..ActRow::default()
    };
    match a {
        Action::SetStatus { value } => r.status = value.as_str().into(),
        Action::SetPriority { value } => r.priority = value.as_str().into(),
        Action::AddTags { value } | Action::RemoveTags { value } => r.tags = value.join(", "),
        Action::AssignTeam { value } => r.team = value.to_string(),
        Action::AssignAgent { value } => r.agent = value.to_string(),
        Action::Reply { text } | Action::Note { text } => {
            r.text = text.text.clone();
            if !text.translations.is_empty() {
                r.translations = serde_json::to_string(&text.translations).unwrap_or_default();
            }
        }
        Action::Webhook { url, secret } => {
            r.url = url.clone();
            r.secret = secret.clone().unwrap_or_default();
        }
    }
    r
}

/// Where the form rows went in the rule: `all[j]` and `any[j]` are the
/// condition rows at these places, `actions[j]` the action row.
#[derive(Debug, Default)]
struct Places {
    all: Vec<usize>,
    any: Vec<usize>,
    acts: Vec<usize>,
}

/// A choice from a list, or an error at `path`.
fn chosen<T>(tr: &Tr, path: &str, s: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(s.trim()).ok_or_else(|| crate::web::form_errors::said(path, tr.t("admin-choose-one")))
}

/// The rule the form describes, and where its rows went. Rows without a
/// field (conditions) or a kind (actions) are left out.
fn build(
    tr: &Tr,
    t: &Typed,
    active: bool,
    position: i64,
    places: &mut Places,
) -> Result<AutomationInput> {
    let when = if t.when_kind == "after" {
        let minutes = t.minutes.trim().parse::<i64>().map_err(|_| {
            crate::web::form_errors::said("when.after.minutes", tr.t("auto-error-number"))
        })?;
        let since = chosen(tr, "when.after.since", &t.since, |s| Since::from_db(s).ok())?;
        let calendar_id = match t.calendar.trim() {
            "" => None,
            c => Some(chosen(tr, "when.after.calendar_id", c, |s| s.parse().ok())?),
        };
        When::After {
            after: After {
                minutes,
                since,
                calendar_id,
            },
        }
    } else {
        When::Event {
            event: chosen(tr, "when.event", &t.event, |s| Trigger::from_db(s).ok())?,
        }
    };
    let mut conditions = Conditions::default();
    for (i, r) in t.conds.iter().enumerate() {
        if r.field.trim().is_empty() {
            continue;
        }
        let any = r.group == "any";
        let at = if any {
            format!("conditions.any[{}]", conditions.any.len())
        } else {
            format!("conditions.all[{}]", conditions.all.len())
        };
        if any {
            places.any.push(i);
        } else {
            places.all.push(i);
        }
        let field = chosen(tr, &format!("{at}.field"), &r.field, |s| {
            Field::from_db(s).ok()
        })?;
        let op = chosen(tr, &format!("{at}.op"), &r.op, |s| Op::from_db(s).ok())?;
        let c = Condition {
            field,
            op,
            value: condition_value(field, op, &r.value),
        };
        if any {
            conditions.any.push(c);
        } else {
            conditions.all.push(c);
        }
    }
    let mut actions = Vec::new();
    for (i, r) in t.acts.iter().enumerate() {
        if r.kind.trim().is_empty() {
            continue;
        }
        let at = format!("actions[{}].value", actions.len());
        places.acts.push(i);
        let kind = chosen(tr, &at, &r.kind, |s| ActionKind::from_db(s).ok())?;
        let tags = || {
            r.tags
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let text = || LocalizedText {
            text: r.text.clone(),
            translations: serde_json::from_str(&r.translations).unwrap_or_default(),
        };
        actions.push(match kind {
            ActionKind::SetStatus => Action::SetStatus {
                value: chosen(tr, &at, &r.status, |s| Status::from_db(s).ok())?,
            },
            ActionKind::SetPriority => Action::SetPriority {
                value: chosen(tr, &at, &r.priority, |s| Priority::from_db(s).ok())?,
            },
            ActionKind::AddTags => Action::AddTags { value: tags() },
            ActionKind::RemoveTags => Action::RemoveTags { value: tags() },
            ActionKind::AssignTeam => Action::AssignTeam {
                value: chosen(tr, &at, &r.team, |s| s.parse().ok())?,
            },
            ActionKind::AssignAgent => Action::AssignAgent {
                value: chosen(tr, &at, &r.agent, |s| s.parse().ok())?,
            },
            ActionKind::Reply => Action::Reply { text: text() },
            ActionKind::Note => Action::Note { text: text() },
            ActionKind::Webhook => Action::Webhook {
                url: r.url.trim().to_string(),
                secret: Some(r.secret.trim().to_string()).filter(|s| !s.is_empty()),
            },
        });
    }
    Ok(AutomationInput {
        name: t.name.clone(),
        active,
        position,
        when,
        conditions,
        actions,
        trace: t.trace,
    })
}

/// The rule as input, to write it again with a change.
fn input_of(a: &Automation) -> AutomationInput {
    AutomationInput {
        name: a.name.clone(),
        active: a.active,
        position: a.position,
        when: a.when,
        conditions: a.conditions.clone(),
        actions: a.actions.clone(),
        trace: a.trace,
    }
}

/// Errors of the form's parts outside the rows.
#[derive(Debug, Default)]
pub struct Errs {
    pub name: Option<String>,
    pub event: Option<String>,
    pub minutes: Option<String>,
    pub since: Option<String>,
    pub calendar: Option<String>,
    pub conditions: Option<String>,
    pub actions: Option<String>,
    /// Anything the form cannot place.
    pub other: Option<String>,
}

impl Errs {
    /// Whether there is an error anywhere (rows included).
    fn any(&self, t: &Typed) -> bool {
        [
            &self.name,
            &self.event,
            &self.minutes,
            &self.since,
            &self.calendar,
            &self.conditions,
            &self.actions,
            &self.other,
        ]
        .iter()
        .any(|e| e.is_some())
            || t.conds.iter().any(|r| !r.err.is_empty())
            || t.acts.iter().any(|r| !r.err.is_empty())
    }
}

/// `conditions.all[3].value` → ("conditions.all", 3, "value").
fn indexed(path: &str) -> Option<(&str, usize, &str)> {
    let (head, rest) = path.split_once('[')?;
    let (n, tail) = rest.split_once(']')?;
    let n = n.parse().ok()?;
    Some((head, n, tail.trim_start_matches('.')))
}

/// Puts the service's message next to the input its path names.
fn place(t: &mut Typed, errs: &mut Errs, places: &Places, path: &str, message: String) {
    let m = Some(message.clone());
    match path {
        "name" => errs.name = m,
        "when.event" | "when" => errs.event = m,
        "when.after.minutes" => errs.minutes = m,
        "when.after.since" => errs.since = m,
        "when.after.calendar_id" => errs.calendar = m,
        "conditions" => errs.conditions = m,
        "actions" => errs.actions = m,
        _ => {
            let row = indexed(path).and_then(|(head, j, part)| match head {
                "conditions.all" => places.all.get(j).map(|&i| (true, i, part)),
                "conditions.any" => places.any.get(j).map(|&i| (true, i, part)),
                "actions" => places.acts.get(j).map(|&i| (false, i, part)),
                _ => None,
            });
            match row {
                Some((true, i, part)) if i < t.conds.len() => {
                    let r = &mut t.conds[i];
                    r.err_part = match part {
                        "field" => "field",
                        "op" => "op",
                        _ => "value",
                    };
                    r.err = message;
                }
                Some((false, i, _)) if i < t.acts.len() => t.acts[i].err = message,
                _ => errs.other = m,
            }
        }
    }
}

/// What the form offers to choose from.
pub struct Choices {
    pub events: Vec<(&'static str, String)>,
    pub moments: Vec<(&'static str, String)>,
    pub fields: Vec<(&'static str, String)>,
    pub ops: Vec<(&'static str, String)>,
    pub kinds: Vec<(&'static str, String)>,
    pub statuses: Vec<(&'static str, String)>,
    pub priorities: Vec<(&'static str, String)>,
    pub teams: Vec<(String, String)>,
    pub agents: Vec<(String, String)>,
    pub calendars: Vec<(String, String)>,
}

async fn choices(st: &AppState, a: &Agent) -> Result<Choices> {
    let tr = &a.tr;
    Ok(Choices {
        events: Trigger::ALL
            .iter()
            .map(|&t| (t.as_str(), tr.t(labels::trigger_key(t))))
            .collect(),
        moments: Since::ALL
            .iter()
            .map(|&s| (s.as_str(), tr.t(labels::since_key(s))))
            .collect(),
        fields: Field::ALL
            .iter()
            .map(|&f| (f.as_str(), tr.t(labels::field_key(f))))
            .collect(),
        ops: Op::ALL
            .iter()
            .map(|&o| (o.as_str(), tr.t(labels::op_key(o))))
            .collect(),
        kinds: ActionKind::ALL
            .iter()
            .map(|&k| (k.as_str(), tr.t(labels::action_key(k))))
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|&s| (s.as_str(), labels::status(tr, s)))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|&p| (p.as_str(), labels::priority(tr, p)))
            .collect(),
        teams: crate::agents::service::list_teams(st, &a.viewer)
            .await?
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect(),
        agents: crate::agents::service::list_users(st, &a.viewer)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id.to_string(), u.name))
            .collect(),
        calendars: crate::calendars::service::list(st, &a.viewer)
            .await?
            .into_iter()
            .map(|c| (c.id.to_string(), c.name))
            .collect(),
    })
}

/// A dry run's answer as the page shows it.
pub struct DryView {
    pub days: i64,
    pub matched: i64,
    pub examined: i64,
    pub sample: Vec<i64>,
}

#[derive(Template)]
#[template(path = "web/admin/automation.html")]
struct FormPage {
    c: Chrome,
    heading: String,
    /// Where the form posts.
    action: String,
    /// The rule (0: a new one).
    id: i64,
    active: bool,
    f: Typed,
    errs: Errs,
    k: Choices,
    /// The rows the script copies for "add".
    blank_conds: Vec<CondRow>,
    blank_acts: Vec<ActRow>,
    notice: Option<String>,
    dry_days: String,
    dry_error: Option<String>,
    dry: Option<DryView>,
}

/// What the rule page shows besides the form.
#[derive(Default)]
struct Extra {
    notice: Option<String>,
    dry_days: Option<String>,
    dry_error: Option<String>,
    dry: Option<DryView>,
}

async fn form_page(
    st: &AppState,
    a: &Agent,
    rule: Option<&Automation>,
    f: Typed,
    errs: Errs,
    extra: Extra,
) -> Response {
    let k = match choices(st, a).await {
        Ok(k) => k,
        Err(e) => return error_page(&a.tr, e),
    };
    let (heading, action, id, active) = match rule {
        Some(r) => (
            a.tr.s("auto-edit-title", "name", &r.name),
            format!("/admin/automations/{}", r.id),
            r.id,
            r.active,
        ),
        None => (
            a.tr.t("auto-new-title"),
            "/admin/automations/new".to_string(),
            0,
            false,
        ),
    };
    let status = if errs.any(&f) || extra.dry_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &FormPage {
            c: Chrome::agent(a, heading.clone(), "admin"),
            heading,
            action,
            id,
            active,
            f,
            errs,
            k,
            blank_conds: vec![CondRow {
                n: "__n__".into(),
                num: "__num__".into(),
                group: "all".into(),
                ..CondRow::default()
            }],
            blank_acts: vec![ActRow {
                n: "__n__".into(),
                num: "__num__".into(),
                ..ActRow::default()
            }],
            notice: extra.notice,
            dry_days: extra.dry_days.unwrap_or_else(|| "30".into()),
            dry_error: extra.dry_error,
            dry: extra.dry,
        },
    )
}

/// One rule on the list.
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub when: String,
    /// "Conditions: 2 · actions: 1".
    pub parts: String,
    pub first: bool,
    pub last: bool,
}

#[derive(Template)]
#[template(path = "web/admin/automations.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<ListRow>,
    notice: Option<String>,
}

async fn calendar_names(st: &AppState, a: &Agent) -> Result<HashMap<i64, String>> {
    Ok(crate::calendars::service::list(st, &a.viewer)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// `GET /admin/automations`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let all = async {
        Ok::<_, Error>((
            rules::list(&st, &a.viewer).await?,
            calendar_names(&st, &a).await?,
        ))
    }
    .await;
    let (all, calendars) = match all {
        Ok(x) => x,
        Err(e) => return error_page(&a.tr, e),
    };
    let n = all.len();
    let rows = all
        .into_iter()
        .enumerate()
        .map(|(i, r)| ListRow {
            id: r.id,
            when: when_words(&a.tr, &r.when, &calendars),
            parts: a.tr.args(
                "auto-parts",
                &[
                    (
                        "count",
                        ((r.conditions.all.len() + r.conditions.any.len()) as i64).into(),
                    ),
                    ("value", (r.actions.len() as i64).into()),
                ],
            ),
            name: r.name,
            active: r.active,
            first: i == 0,
            last: i + 1 == n,
        })
        .collect();
    render(&ListPage {
        c: Chrome::agent(&a, a.tr.t("admin-automations"), "admin"),
        rows,
        notice: s.notice(&a),
    })
}

/// `GET /admin/automations/new`
pub async fn new_form(State(st): State<AppState>, a: Agent) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    form_page(
        &st,
        &a,
        None,
        Typed::blank(),
        Errs::default(),
        Extra::default(),
    )
    .await
}

/// Saves the posted form as a new rule (`rule` None) or over `rule`; an
/// add or remove button shows the form again with the rows changed.
async fn save_form(st: &AppState, a: &Agent, rule: Option<Automation>, body: &[u8]) -> Response {
    let (mut f, pressed) = Typed::parse(body);
    if f.edit_rows(&pressed) {
        return form_page(st, a, rule.as_ref(), f, Errs::default(), Extra::default()).await;
    }
    let mut places = Places::default();
    let saved = async {
        let (active, position) = match &rule {
            Some(r) => (r.active, r.position),
            None => (
                false,
                rules::list(st, &a.viewer)
                    .await?
                    .iter()
                    .map(|r| r.position + 1)
                    .max()
                    .unwrap_or(0),
            ),
        };
        let input = build(&a.tr, &f, active, position, &mut places)?;
        match &rule {
            Some(r) => rules::update(st, &a.viewer, r.id, input).await,
            None => rules::create(st, &a.viewer, input).await,
        }
    }
    .await;
    match saved {
        Ok(r) => see_other(&format!("/admin/automations/{}?saved=1", r.id)),
        Err(Error::Invalid { field, message }) => {
            let mut errs = Errs::default();
            let message = crate::web::form_errors::words(&a.tr, &field, &message);
            place(&mut f, &mut errs, &places, &field, message);
            form_page(st, a, rule.as_ref(), f, errs, Extra::default()).await
        }
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /admin/automations/new`
pub async fn create(State(st): State<AppState>, a: Agent, body: axum::body::Bytes) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    save_form(&st, &a, None, &body).await
}

/// `GET /admin/automations/{id}`
pub async fn edit(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(s): Query<Saved>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let rule = match rules::get(&st, &a.viewer, id).await {
        Ok(r) => r,
        Err(e) => return error_page(&a.tr, e),
    };
    let notice = s.notice(&a).map(|n| {
        if rule.active {
            n
        } else {
            a.tr.t("auto-saved-off")
        }
    });
    let f = Typed::of(&rule);
    let extra = Extra {
        notice,
        ..Extra::default()
    };
    form_page(&st, &a, Some(&rule), f, Errs::default(), extra).await
}

/// `POST /admin/automations/{id}`
pub async fn save(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match rules::get(&st, &a.viewer, id).await {
        Ok(rule) => save_form(&st, &a, Some(rule), &body).await,
        Err(e) => error_page(&a.tr, e),
    }
}

/// The dry-run form.
#[derive(Debug, Deserialize)]
pub struct DryForm {
    days: String,
}

/// `POST /admin/automations/{id}/dry-run`: the rule page with what the
/// rule would touch.
pub async fn dry_run(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(d): Form<DryForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let rule = match rules::get(&st, &a.viewer, id).await {
        Ok(r) => r,
        Err(e) => return error_page(&a.tr, e),
    };
    let mut extra = Extra {
        dry_days: Some(d.days.clone()),
        ..Extra::default()
    };
    let ran = match d.days.trim().parse::<i64>() {
        Ok(days) => crate::conversations::service::dry_run(&st, &a.viewer, id, days)
            .await
            .map(|r| (days, r)),
        Err(_) => Err(crate::web::form_errors::said(
            "days",
            a.tr.t("auto-error-number"),
        )),
    };
    match ran {
        Ok((days, r)) => {
            extra.dry = Some(DryView {
                days,
                matched: r.matched,
                examined: r.examined,
                sample: r.sample,
            });
        }
        Err(Error::Invalid { field, message }) => {
            extra.dry_error = Some(crate::web::form_errors::words(&a.tr, &field, &message))
        }
        Err(e) => return error_page(&a.tr, e),
    }
    let f = Typed::of(&rule);
    form_page(&st, &a, Some(&rule), f, Errs::default(), extra).await
}

/// The on/off form.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    active: String,
    /// `list` to come back to the list (else the rule's page).
    back: Option<String>,
}

/// `POST /admin/automations/{id}/active`
pub async fn set_active(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let done = async {
        let rule = rules::get(&st, &a.viewer, id).await?;
        let mut input = input_of(&rule);
        input.active = f.active == "1";
        rules::update(&st, &a.viewer, id, input).await
    }
    .await;
    match done {
        Ok(_) if f.back.as_deref() == Some("list") => see_other("/admin/automations?saved=1"),
        Ok(_) => see_other(&format!("/admin/automations/{id}?saved=1")),
        Err(e) => error_page(&a.tr, e),
    }
}

/// The move form.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    /// `up` or `down`.
    dir: String,
}

/// `POST /admin/automations/{id}/move`: one place up or down; every
/// position is written again (0, 1, 2…).
pub async fn move_rule(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(m): Form<MoveForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let done = async {
        let mut ids: Vec<i64> = rules::list(&st, &a.viewer)
            .await?
            .iter()
            .map(|r| r.id)
            .collect();
        let at = ids
            .iter()
            .position(|x| *x == id)
            .ok_or(Error::NotFound("automation"))?;
        match m.dir.as_str() {
            "up" if at > 0 => ids.swap(at, at - 1),
            "down" if at + 1 < ids.len() => ids.swap(at, at + 1),
            _ => {}
        }
        rules::reorder(&st, &a.viewer, ids).await
    }
    .await;
    match done {
        Ok(()) => see_other(&format!("/admin/automations?saved=1#rule-{id}")),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /admin/automations/order`: the order the rules were dragged into
/// on the list (`ids`, top first); every position is written again.
pub async fn set_order(State(st): State<AppState>, a: Agent, body: axum::body::Bytes) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let ids: Result<Vec<i64>> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| crate::web::form_errors::said("ids", a.tr.t("admin-choose-one")))
        })
        .collect();
    let done = match ids {
        Ok(ids) => rules::reorder(&st, &a.viewer, ids).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => see_other("/admin/automations?saved=1"),
        Err(e) => error_page(&a.tr, e),
    }
}

#[derive(Template)]
#[template(path = "web/admin/automation_delete.html")]
struct DeletePage {
    c: Chrome,
    id: i64,
    heading: String,
}

/// `GET /admin/automations/{id}/delete`: are you sure?
pub async fn confirm_delete(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match rules::get(&st, &a.viewer, id).await {
        Ok(r) => {
            let heading = a.tr.s("auto-delete-title", "name", &r.name);
            render(&DeletePage {
                c: Chrome::agent(&a, heading.clone(), "admin"),
                id,
                heading,
            })
        }
        Err(e) => error_page(&a.tr, e),
    }
}

/// `POST /admin/automations/{id}/delete`
pub async fn delete(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    match rules::delete(&st, &a.viewer, id).await {
        Ok(()) => see_other("/admin/automations?saved=1"),
        Err(e) => error_page(&a.tr, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().into_bytes()
    }

    #[test]
    fn the_form_becomes_the_rule_the_api_takes() {
        let body = form(&[
            ("name", "VIP"),
            ("when_kind", "event"),
            ("event", "conversation_created"),
            ("cond-0-group", "all"),
            ("cond-0-field", "text"),
            ("cond-0-op", "contains"),
            ("cond-0-value", "refund"),
            ("cond-4-group", "any"),
            ("cond-4-field", "team_id"),
            ("cond-4-op", "in"),
            ("cond-4-value", "3, 4"),
            ("cond-7-group", "all"),
            ("cond-7-field", ""),
            ("cond-9-group", "all"),
            ("cond-9-field", "assignee_id"),
            ("cond-9-op", "is"),
            ("cond-9-value", ""),
            ("act-0-type", "add_tags"),
            ("act-0-tags", "refund, vip ,"),
            ("act-1-type", ""),
            ("act-2-type", "set_priority"),
            ("act-2-priority", "high"),
            ("act-3-type", "note"),
            ("act-3-text", "Line\r\nTwo"),
            ("act-3-translations", "{\"ja\":\"メモ\"}"),
            ("trace", "1"),
            ("do", "save"),
        ]);
        let (t, pressed) = Typed::parse(&body);
        assert_eq!(pressed, "save");
        let mut places = Places::default();
        let input = build(&Tr::new("en"), &t, false, 4, &mut places).unwrap();
        assert_eq!(
            serde_json::to_value(&input.conditions).unwrap(),
            json!({"all": [{"field": "text", "op": "contains", "value": "refund"},
                           {"field": "assignee_id", "op": "is", "value": null}],
                   "any": [{"field": "team_id", "op": "in", "value": [3, 4]}]})
        );
        assert_eq!(
            serde_json::to_value(&input.actions).unwrap(),
            json!([{"type": "add_tags", "value": ["refund", "vip"]},
                   {"type": "set_priority", "value": "high"},
                   {"type": "note", "text": "Line\nTwo", "translations": {"ja": "メモ"}}])
        );
        assert!(input.trace && !input.active);
        assert_eq!(input.position, 4);
        assert_eq!(places.all, vec![0, 3]);
        assert_eq!(places.any, vec![1]);
        assert_eq!(places.acts, vec![0, 2, 3]);
        // The service's paths land on the rows they name.
        let mut t = t;
        let mut errs = Errs::default();
        place(
            &mut t,
            &mut errs,
            &places,
            "conditions.all[1].value",
            "bad".into(),
        );
        assert_eq!(
            (t.conds[3].err_part, t.conds[3].err.as_str()),
            ("value", "bad")
        );
        place(
            &mut t,
            &mut errs,
            &places,
            "actions[2].text",
            "worse".into(),
        );
        assert_eq!(t.acts[3].err, "worse");
        place(&mut t, &mut errs, &places, "when.after.minutes", "m".into());
        assert_eq!(errs.minutes.as_deref(), Some("m"));
    }

    #[test]
    fn a_stored_rule_reads_back_into_the_same_form() {
        let rule = Automation {
            id: 1,
            name: "Later".into(),
            active: true,
            position: 0,
            when: When::After {
                after: After {
                    minutes: 90,
                    since: Since::LastCustomerMessage,
                    calendar_id: Some(2),
                },
            },
            conditions: Conditions {
                all: vec![Condition {
                    field: Field::Tags,
                    op: Op::NotIn,
                    value: json!(["a", "b"]),
                }],
                any: Vec::new(),
            },
            actions: vec![
                Action::AssignTeam { value: 5 },
                Action::Webhook {
                    url: "https://example.com/h".into(),
                    secret: Some("s".into()),
                },
            ],
            trace: false,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let t = Typed::of(&rule);
        assert_eq!((t.when_kind.as_str(), t.minutes.as_str()), ("after", "90"));
        assert_eq!(t.conds[0].value, "a, b");
        let mut places = Places::default();
        let input = build(&Tr::new("en"), &t, true, 0, &mut places).unwrap();
        assert_eq!(input.when, rule.when);
        assert_eq!(input.conditions, rule.conditions);
        assert_eq!(input.actions, rule.actions);
    }

    #[test]
    fn row_buttons_add_and_remove_rows() {
        let (mut t, pressed) = Typed::parse(&form(&[
            ("cond-2-field", "status"),
            ("cond-5-field", "priority"),
            ("do", "remove-cond-2"),
        ]));
        assert!(t.edit_rows(&pressed));
        assert_eq!(t.conds.len(), 1);
        assert_eq!(
            (t.conds[0].n.as_str(), t.conds[0].field.as_str()),
            ("0", "priority")
        );
        assert!(t.edit_rows("add-action"));
        assert_eq!(t.acts.len(), 1);
        assert!(!t.edit_rows("save"));
    }

    #[test]
    fn when_reads_as_words() {
        let tr = Tr::new("en");
        let cal = HashMap::from([(2, "Riga office".to_string())]);
        let w = When::After {
            after: After {
                minutes: 30,
                since: Since::Created,
                calendar_id: Some(2),
            },
        };
        assert_eq!(
            when_words(&tr, &w, &cal),
            "30 minutes after creation, counted in the opening hours of Riga office"
        );
        let w = When::Event {
            event: Trigger::ConversationCreated,
        };
        assert_eq!(when_words(&tr, &w, &cal), "A conversation is created");
    }
}
