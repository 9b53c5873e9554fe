//! The inbox views (Mine, Unassigned, All open, Breaching soon, Pending,
//! Solved): for each,
//! which conversations it lists, in which order, and how it is counted.
//! The workspace's pages, its live counts and the per-inbox and per-team
//! counts all read them from here.

use crate::agents::Viewer;
use crate::vocab::{Status, closed_set};

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
        }
    }

    /// The list filter of the view for `viewer` (statuses, owner, order).
    pub fn filter(self, viewer: &Viewer) -> ListFilter {
        let assignee = match self {
            InboxView::Mine => Some(AssigneeFilter::User(viewer.user_id.unwrap_or(-1))),
            InboxView::Unassigned => Some(AssigneeFilter::Nobody),
            InboxView::Open | InboxView::BreachingSoon | InboxView::Pending | InboxView::Solved => {
                None
            }
        };
        let sort = match self {
            // Who waits longest is answered first.
            InboxView::Mine | InboxView::Unassigned | InboxView::Open => ListSort::LongestWaiting,
            InboxView::BreachingSoon => ListSort::Deadline,
            InboxView::Pending | InboxView::Solved => ListSort::Newest,
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_views_that_follow_owners_list_every_active_status() {
        for &v in InboxView::ALL {
            let all_active = v.statuses().iter().all(|s| s.is_active());
            assert!(all_active || v == InboxView::Solved, "{v}");
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
