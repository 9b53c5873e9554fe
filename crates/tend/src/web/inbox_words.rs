//! The inbox's own words: orders, service-level states and columns, each
//! matched exhaustively so that a new value cannot ship untranslated.

use super::i18n::Tr;
use crate::conversations::model::ListSort;
use crate::conversations::views::{Column, SlaState};

/// An order in the viewer's language.
pub fn sort(tr: &Tr, s: ListSort) -> String {
    tr.t(match s {
        ListSort::Newest => "sort-newest",
        ListSort::LongestWaiting => "sort-oldest-waiting",
        ListSort::NewestWaiting => "sort-newest-waiting",
        ListSort::Updated => "sort-updated",
        ListSort::Priority => "sort-priority",
        ListSort::Deadline => "sort-deadline",
    })
}

/// A service-level state in the viewer's language.
pub fn sla_state(tr: &Tr, s: SlaState) -> String {
    tr.t(match s {
        SlaState::Running => "sla-filter-running",
        SlaState::Soon => "sla-filter-soon",
        SlaState::Breached => "sla-filter-breached",
    })
}

/// A column's heading in the viewer's language.
pub fn column(tr: &Tr, c: Column) -> String {
    tr.t(match c {
        Column::Customer => "col-customer",
        Column::Status => "col-status",
        Column::Priority => "col-priority",
        Column::Owner => "col-assignee",
        Column::Waiting => "col-waiting",
        Column::Due => "col-due",
    })
}
