//! The inbox views (Mine, Unassigned, All open, Breaching soon, Pending,
//! Solved, Closed): for each,
//! which conversations it lists, in which order, and how it is counted.
//! The workspace's pages, its live counts and the per-inbox and per-team
//! counts all read them from here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::agents::Viewer;
use crate::vocab::{Channel, Priority, Status, closed_set};

use super::model::{AssigneeFilter, Counts, ListFilter, ListSort};

closed_set! {
    /// One of the inbox's views.
    pub enum InboxView ("view") {
        /// Active conversations the viewer owns.
        Mine = "mine",
        /// Active conversations nobody owns.
        Unassigned = "unassigned",
        /// Conversations the desk owes an answer (new or open).
        Open = "open",
        /// Active conversations with a running service-level deadline,
        /// the soonest (or most overdue) first.
        BreachingSoon = "breaching_soon",
        /// Waiting on the customer.
        Pending = "pending",
        /// Solved, awaiting the customer's confirmation.
        Solved = "solved",
        /// Closed: done, the newest first.
        Closed = "closed",
    }
}

const ACTIVE: &[Status] = &[Status::New, Status::Open, Status::Pending];

impl InboxView {
    /// The view a page opens on.
    pub const DEFAULT: InboxView = InboxView::Open;

    /// The statuses it lists.
    pub fn statuses(self) -> &'static [Status] {
        match self {
            InboxView::Mine | InboxView::Unassigned | InboxView::BreachingSoon => ACTIVE,
            InboxView::Open => &[Status::New, Status::Open],
            InboxView::Pending => &[Status::Pending],
            InboxView::Solved => &[Status::Solved],
            InboxView::Closed => &[Status::Closed],
        }
    }

    /// The list filter of the view for `viewer` (statuses, owner, order).
    pub fn filter(self, viewer: &Viewer) -> ListFilter {
        let assignee = match self {
            InboxView::Mine => Some(AssigneeFilter::User(viewer.user_id.unwrap_or(-1))),
            InboxView::Unassigned => Some(AssigneeFilter::Nobody),
            InboxView::Open
            | InboxView::BreachingSoon
            | InboxView::Pending
            | InboxView::Solved
            | InboxView::Closed => None,
        };
        let sort = match self {
            // Who waits longest is answered first.
            InboxView::Mine | InboxView::Unassigned | InboxView::Open => ListSort::LongestWaiting,
            InboxView::BreachingSoon => ListSort::Deadline,
            InboxView::Pending | InboxView::Solved | InboxView::Closed => ListSort::Newest,
        };
        ListFilter {
            statuses: self.statuses().to_vec(),
            assignee,
            sort,
            ..ListFilter::default()
        }
    }

    /// Its count among the per-status counts.
    pub fn count(self, k: &Counts) -> i64 {
        match self {
            InboxView::Mine => k.mine,
            InboxView::Unassigned => k.unassigned,
            InboxView::Open => k.new + k.open,
            InboxView::BreachingSoon => k.breaching_soon,
            InboxView::Pending => k.pending,
            InboxView::Solved => k.solved,
            InboxView::Closed => k.closed,
        }
    }
}

closed_set! {
    /// A service-level state a list can be narrowed to.
    pub enum SlaState ("service-level state") {
        /// A deadline is running.
        Running = "running",
        /// The next deadline is within the hour (`BREACHING_SOON_MS`), or past.
        Soon = "soon",
        /// The next deadline has passed.
        Breached = "breached",
    }
}

closed_set! {
    /// A column of the inbox list that a view may hide (the subject, with
    /// its preview, channel and language, is always shown).
    pub enum Column ("column") {
        /// Who wrote in.
        Customer = "customer",
        /// The status.
        Status = "status",
        /// The priority.
        Priority = "priority",
        /// The owner.
        Owner = "owner",
        /// How long the customer has waited (or the last update).
        Waiting = "waiting",
        /// The next service-level deadline.
        Due = "due",
    }
}

/// What a list shows: a view, narrowed by filters, in an order, with
/// columns. The inbox's query string reads into one, and a saved view
/// keeps one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewSpec {
    /// The view it starts from (`open` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<InboxView>,
    /// Only this status (replaces the view's statuses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Only this priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Only this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Only this language (a BCP 47 tag such as `ja`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Only conversations with this tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Only this inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox_id: Option<i64>,
    /// Only this team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<i64>,
    /// Only this owner: `me`, `nobody`, or an agent's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Only this service-level state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaState>,
    /// The order (the view's own when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<ListSort>,
    /// The columns shown, in this order (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
}

/// Whose conversations an `owner` filter names.
fn owner_filter(viewer: &Viewer, owner: &str) -> crate::Result<AssigneeFilter> {
    match owner.trim() {
        "me" => Ok(AssigneeFilter::User(viewer.user_id.unwrap_or(-1))),
        "nobody" => Ok(AssigneeFilter::Nobody),
        id => id.parse().map(AssigneeFilter::User).map_err(|_| {
            crate::Error::invalid(
                "owner",
                "an owner is me, nobody or an agent's id".to_string(),
            )
        }),
    }
}

impl ViewSpec {
    /// The view it starts from.
    pub fn view(&self) -> InboxView {
        self.view.unwrap_or(InboxView::DEFAULT)
    }

    /// Checks what the types do not: the owner, and text filters that are
    /// blank. Language and tag are kept as the list compares them.
    pub fn normalised(mut self) -> crate::Result<ViewSpec> {
        let blank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        self.language = blank(self.language);
        self.tag = blank(self.tag).map(|t| t.to_lowercase());
        self.owner = blank(self.owner);
        if let Some(o) = &self.owner {
            // Only the form is checked here; whose id it is, the list finds.
            owner_filter(&Viewer::system(), o)?;
        }
        let mut seen = Vec::new();
        self.columns.retain(|c| {
            let new = !seen.contains(c);
            seen.push(*c);
            new
        });
        if self.columns == Column::ALL {
            // Every column in its place is the default.
            self.columns.clear();
        }
        Ok(self)
    }

    /// The columns shown.
    pub fn columns(&self) -> Vec<Column> {
        if self.columns.is_empty() {
            Column::ALL.to_vec()
        } else {
            self.columns.clone()
        }
    }

    /// The list filter for `viewer` at `now`: the view's, narrowed.
    pub fn filter(&self, viewer: &Viewer, now: i64) -> crate::Result<ListFilter> {
        let mut f = self.view().filter(viewer);
        if let Some(s) = self.status {
            // A status replaces the view's statuses: "All open" filtered
            // to Closed lists the closed ones, newest first.
            f.statuses = vec![s];
            f.sort = ListSort::Newest;
        }
        if let Some(o) = &self.owner {
            f.assignee = Some(owner_filter(viewer, o)?);
        }
        f.priority = self.priority;
        f.channel = self.channel;
        f.language = self.language.clone();
        f.tag = self.tag.clone();
        f.inbox_id = self.inbox_id;
        f.team_id = self.team_id;
        f.due_before = self.sla.map(|s| match s {
            SlaState::Running => i64::MAX,
            SlaState::Soon => now + super::reading::BREACHING_SOON_MS,
            SlaState::Breached => now,
        });
        if let Some(sort) = self.sort {
            f.sort = sort;
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_views_that_follow_owners_list_every_active_status() {
        for &v in InboxView::ALL {
            let all_active = v.statuses().iter().all(|s| s.is_active());
            let done = matches!(v, InboxView::Solved | InboxView::Closed);
            assert!(all_active || done, "{v}");
        }
        let active: Vec<Status> = Status::ALL
            .iter()
            .copied()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(InboxView::Mine.statuses(), active.as_slice());
        let owes: Vec<Status> = Status::ALL
            .iter()
            .copied()
            .filter(|s| s.desk_owes_answer())
            .collect();
        assert_eq!(InboxView::Open.statuses(), owes.as_slice());
    }
}
