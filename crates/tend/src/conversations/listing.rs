//! How a list of conversations is asked for: its filters, its order
//! (`ListSort`, whose sort key the SQL of `repo/list.rs` writes the same
//! way) and the keyset cursor of its pages.

use super::model::Conversation;
use super::status::{Channel, Priority, Status};

/// Filters for listing conversations.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Statuses (any of).
    pub statuses: Vec<Status>,
    /// Owner.
    pub assignee: Option<AssigneeFilter>,
    /// Customer.
    pub customer_id: Option<i64>,
    /// Inbox.
    pub inbox_id: Option<i64>,
    /// Team.
    pub team_id: Option<i64>,
    /// Tag.
    pub tag: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Language.
    pub language: Option<String>,
    /// Subject fragment.
    pub q: Option<String>,
    /// Only conversations with a running service-level deadline before
    /// this instant (ms).
    pub due_before: Option<i64>,
    /// Where the page starts: the first page, or after or before a row of
    /// another page (keyset pagination: page 20 costs what page 1 costs,
    /// and rows written meanwhile neither repeat nor go missing).
    pub at: PageAt,
    /// Page size.
    pub limit: i64,
    /// Order of the page.
    pub sort: ListSort,
}

/// Where a page of a list starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PageAt {
    /// At the start.
    #[default]
    First,
    /// Just after this row, in the list's order.
    After(ListCursor),
    /// Just before this row (the page before a page); the rows still come
    /// in the list's order.
    Before(ListCursor),
}

/// A row's place in a sorted list: its sort key ([`ListSort::key_of`]) and
/// its id, which breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    /// The sort key (unused when the list is by id alone).
    pub key: i64,
    /// The row's id.
    pub id: i64,
}

impl ListCursor {
    /// The row's place, as the list writes it in a link: `key.id`, or
    /// `id` for a list by id alone.
    pub fn to_param(self, sort: ListSort) -> String {
        match sort {
            ListSort::Newest => self.id.to_string(),
            _ => format!("{}.{}", self.key, self.id),
        }
    }

    /// Reads [`ListCursor::to_param`]; `None` when it does not read.
    pub fn from_param(sort: ListSort, s: &str) -> Option<ListCursor> {
        match sort {
            ListSort::Newest => s.trim().parse().ok().map(|id| ListCursor { key: 0, id }),
            _ => {
                let (k, id) = s.trim().split_once('.')?;
                Some(ListCursor {
                    key: k.parse().ok()?,
                    id: id.parse().ok()?,
                })
            }
        }
    }
}

/// The sort key of a conversation that is not waiting: after every wait
/// (the largest integer a JSON number holds exactly). The SQL of the
/// waiting lists and their partial indexes (migration 0004) write the
/// same number.
pub const NOT_WAITING: i64 = 9_007_199_254_740_991;

impl ListSort {
    /// The key a conversation sorts by in this order (ties broken by id):
    /// when the customer began waiting, or its next deadline. The SQL of
    /// the list computes the same (`conversations::repo::list`).
    pub fn key_of(self, c: &Conversation) -> i64 {
        let ms = |s: Option<&str>| s.and_then(crate::time::parse_ms);
        match self {
            ListSort::Newest => 0,
            ListSort::LongestWaiting => ms(c.waiting_since.as_deref()).unwrap_or(NOT_WAITING),
            ListSort::NewestWaiting => ms(c.waiting_since.as_deref()).map_or(NOT_WAITING, |w| -w),
            ListSort::Updated => -ms(Some(&c.updated_at)).unwrap_or(0),
            ListSort::Priority => priority_rank(c.priority),
            ListSort::Deadline => c
                .sla
                .as_ref()
                .and_then(|s| ms(s.next_due.as_deref()))
                .unwrap_or(NOT_WAITING),
        }
    }

    /// The key in SQL, over the conversation row `c` (the same as
    /// [`ListSort::key_of`]); `None` for the order by id alone.
    /// `next_due` is the SQL of the next running deadline.
    pub fn key_sql(self, next_due: &str) -> Option<String> {
        Some(match self {
            ListSort::Newest => return None,
            // As written in the partial indexes (migration 0004).
            ListSort::LongestWaiting => format!("COALESCE(c.waiting_since, {NOT_WAITING})"),
            ListSort::NewestWaiting => {
                format!("COALESCE(-c.waiting_since, {NOT_WAITING})")
            }
            ListSort::Updated => "-c.updated_at".to_string(),
            ListSort::Priority => {
                let arms: String = Priority::ALL
                    .iter()
                    .map(|&p| format!(" WHEN '{}' THEN {}", p.as_str(), priority_rank(p)))
                    .collect();
                format!("(CASE c.priority{arms} ELSE 9 END)")
            }
            ListSort::Deadline => next_due.to_string(),
        })
    }

    /// The cursor of a conversation in this order.
    pub fn cursor_of(self, c: &Conversation) -> ListCursor {
        ListCursor {
            key: self.key_of(c),
            id: c.id,
        }
    }
}

crate::vocab::closed_set! {
    /// How a list is ordered.
    #[derive(Default)]
    pub enum ListSort ("sort") {
        /// Newest first (the API's order).
        #[default]
        Newest = "newest",
        /// The customer who has waited longest first; those not waiting last
        /// (the inbox views). Uses the partial indexes when the statuses are
        /// exactly new+open, or new+open+pending with an owner.
        LongestWaiting = "oldest_waiting",
        /// The customer who began waiting most recently first; those not
        /// waiting last.
        NewestWaiting = "newest_waiting",
        /// The last changed first.
        Updated = "updated",
        /// The most urgent first, then the oldest conversation.
        Priority = "priority",
        /// Only conversations with a running service-level deadline, the
        /// soonest first ("Breaching soon").
        Deadline = "deadline",
    }
}

/// Where a priority sorts: the most urgent first (the reverse of
/// `Priority`'s declared order).
fn priority_rank(p: Priority) -> i64 {
    Priority::ALL
        .iter()
        .rev()
        .position(|&q| q == p)
        .unwrap_or(0) as i64
}

/// Whose conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Owned by this user.
    User(i64),
    /// Owned by nobody.
    Nobody,
}
