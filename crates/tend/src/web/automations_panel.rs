//! The conversation page's "Automations" section, for admins and
//! supervisors: "why didn't my rule fire?". Every rule evaluated on the
//! conversation as it is now, condition by condition, and the evaluations
//! that did not fire as they were recorded (rules with `trace`), all in
//! the agent's language.

use std::collections::HashMap;

use serde_json::Value;

use super::admin::automations::{value_text, when_words};
use super::i18n::Tr;
use super::labels;
use super::session::Agent;
use crate::Result;
use crate::automation::{Automation, Condition, Field, Op, Since, Trigger};
use crate::state::AppState;

/// The section.
pub struct AutomationsPanel {
    pub rules: Vec<RuleLine>,
    pub traces: Vec<TraceLine>,
}

/// One rule, evaluated now.
pub struct RuleLine {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub when: String,
    pub holds: bool,
    pub conditions: Vec<CondLine>,
}

/// One condition and whether it held.
pub struct CondLine {
    /// "Message text contains refund".
    pub text: String,
    /// `all` or `any`, shown as words.
    pub group: String,
    pub held: bool,
}

/// A recorded evaluation that did not fire.
pub struct TraceLine {
    pub at: String,
    pub rule: String,
    /// What it looked at: an event, or a time rule's moment, in words.
    pub cause: String,
    pub conditions: Vec<CondLine>,
}

/// The words of a condition: its field, its comparison and, when the rule
/// is known, its value.
fn condition_words(tr: &Tr, part: &Value, stored: Option<&Condition>) -> String {
    let field = part["field"]
        .as_str()
        .and_then(|f| Field::from_db(f).ok())
        .map_or_else(
            || part["field"].as_str().unwrap_or("").to_string(),
            |f| tr.t(labels::field_key(f)),
        );
    let op = part["op"]
        .as_str()
        .and_then(|o| Op::from_db(o).ok())
        .map_or_else(
            || part["op"].as_str().unwrap_or("").to_string(),
            |o| tr.t(labels::op_key(o)),
        );
    match stored.map(|c| value_text(&c.value)) {
        Some(v) if !v.is_empty() => format!("{field} {op} {v}"),
        Some(_) => format!("{field} {op} —"),
        None => format!("{field} {op}"),
    }
}

/// The lines of an evaluation (`{"all": [...], "any": [...]}`).
fn condition_lines(tr: &Tr, detail: &Value, rule: Option<&Automation>) -> Vec<CondLine> {
    let mut out = Vec::new();
    for (group, key) in [("all", "auto-group-all"), ("any", "auto-group-any")] {
        let stored = rule.map(|r| match group {
            "all" => &r.conditions.all,
            _ => &r.conditions.any,
        });
        for (i, part) in detail[group].as_array().into_iter().flatten().enumerate() {
            out.push(CondLine {
                text: condition_words(tr, part, stored.and_then(|s| s.get(i))),
                group: tr.t(key),
                held: part["held"].as_bool().unwrap_or(false),
            });
        }
    }
    out
}

/// A trace's cause in words: `conversation_created`, or
/// `last_customer_message@2026-…` (a time rule's moment).
fn cause_words(tr: &Tr, cause: &str, tz: &str) -> String {
    if let Ok(t) = Trigger::from_db(cause) {
        return tr.t(labels::trigger_key(t));
    }
    match cause.split_once('@') {
        Some((since, at)) => match Since::from_db(since) {
            Ok(s) => {
                let when = crate::time::parse_ms(at)
                    .map_or_else(|| at.to_string(), |ms| tr.datetime(ms, tz));
                format!("{} ({when})", tr.t(labels::since_key(s)))
            }
            Err(_) => cause.to_string(),
        },
        None => cause.to_string(),
    }
}

/// The section for a conversation, or `None` for agents (who may not see
/// the rules).
pub async fn panel(
    st: &AppState,
    a: &Agent,
    conversation: i64,
) -> Result<Option<AutomationsPanel>> {
    if !a.viewer.sees_all() {
        return Ok(None);
    }
    let explained =
        crate::conversations::service::explain_automations(st, &a.viewer, conversation).await?;
    let stored: HashMap<i64, Automation> = crate::automation::service::list(st, &a.viewer)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let calendars: HashMap<i64, String> = crate::calendars::service::list(st, &a.viewer)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let tr = &a.tr;
    let rules = explained
        .rules
        .into_iter()
        .map(|r| RuleLine {
            conditions: condition_lines(tr, &r.conditions, stored.get(&r.automation_id)),
            when: when_words(tr, &r.when, &calendars),
            id: r.automation_id,
            name: r.name,
            active: r.active,
            holds: r.holds,
        })
        .collect();
    let traces = explained
        .traces
        .into_iter()
        .map(|t| {
            let rule = stored.get(&t.automation_id);
            TraceLine {
                at: crate::time::parse_ms(&t.created_at)
                    .map(|ms| a.tr.datetime(ms, &a.tz))
                    .unwrap_or_default(),
                rule: rule.map_or_else(|| format!("#{}", t.automation_id), |r| r.name.clone()),
                cause: cause_words(tr, &t.cause, &a.tz),
                conditions: condition_lines(tr, &t.detail, rule),
            }
        })
        .collect();
    Ok(Some(AutomationsPanel { rules, traces }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn causes_and_conditions_read_as_words() {
        let tr = Tr::new("en");
        assert_eq!(
            cause_words(&tr, "conversation_created", "UTC"),
            "A conversation is created"
        );
        assert_eq!(
            cause_words(&tr, "created@2026-01-01T00:00:00Z", "Asia/Tokyo"),
            "creation (1 Jan 2026, 09:00)"
        );
        let lines = condition_lines(
            &tr,
            &json!({"all": [{"field": "text", "op": "contains", "held": false}], "any": [],
                    "fired": false}),
            None,
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "Message text contains");
        assert!(!lines[0].held);
    }
}
