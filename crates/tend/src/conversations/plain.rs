//! The plain fields of a change: priority and tags. Nothing else of the
//! conversation follows from them (ownership and routing do not look at
//! them; the service-level clocks are tracked after the write), so a
//! change of these alone is applied to the row in memory with its
//! events, without reading anything: by `update_as_in` for every change,
//! and by the rules, which keep the row and write it once per level of
//! their cascade (`automate.rs`, `Sight::flush_in`).

use serde_json::{Value, json};

use super::repo::ConvRow;
use super::validate::ValidPatch;
use crate::Result;
use crate::vocab::EventKind;

/// What [`apply`] did: the events, in order, and the tags before when
/// they changed.
#[derive(Debug, Default)]
pub(super) struct Applied {
    pub(super) events: Vec<(EventKind, Value)>,
    pub(super) tags_before: Option<Vec<String>>,
}

/// Whether `p` changes plain fields only.
pub(super) fn only_plain(p: &ValidPatch) -> bool {
    p.status.is_none()
        && p.assignee_id.is_none()
        && p.team_id.is_none()
        && p.customer_id.is_none()
        && p.inbox_id.is_none()
        && p.language.is_none()
}

/// Applies the priority and tags of `p` to `row` (not `updated_at`: the
/// caller sets it when anything changed).
pub(super) fn apply(row: &mut ConvRow, p: &ValidPatch) -> Result<Applied> {
    let mut out = Applied::default();
    if let Some(to) = p.priority {
        let from = row.priority;
        if from != to {
            row.priority = to;
            out.events
                .push((EventKind::PriorityChanged, json!({"from": from, "to": to})));
        }
    }
    // From the row as the caller holds it (locked, or kept by the rules
    // of one change), so concurrent additions and removals all apply.
    let before = row.tag_list();
    if let Some(tags) = p.tags_after(&before)?
        && before != tags
    {
        let added: Vec<&String> = tags.iter().filter(|t| !before.contains(t)).collect();
        let removed: Vec<&String> = before.iter().filter(|t| !tags.contains(t)).collect();
        out.events.push((
            EventKind::TagsChanged,
            json!({"added": added, "removed": removed, "tags": tags}),
        ));
        row.tags = serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into());
        out.tags_before = Some(before);
    }
    Ok(out)
}
