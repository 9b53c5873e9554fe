//! The jobs and their failed items.

use serde::Serialize;
use utoipa::ToSchema;

use crate::vocab::closed_set;

closed_set! {
    /// A background job that works through items. The admin page names
    /// each in every locale (`web::admin::jobs`, an exhaustive `match`).
    pub enum Job ("job") {
        /// Surveying solved conversations (item: the conversation).
        Survey = "survey",
        /// Closing solved conversations after the quiet period (item: the
        /// conversation).
        QuietClose = "quiet_close",
        /// Firing service-level warnings and breaches (item: the clock).
        SlaTimer = "sla_timer",
        /// Handing queued mail to the relay (item: the outbox row).
        Outbox = "outbox",
        /// Firing automation time rules (item: the conversation).
        AutomationTimer = "automation_timer",
        /// Sending automation's automatic replies (item: the reply).
        AutomationReply = "automation_reply",
        /// Posting the desk's messages to channel API URLs (item: the
        /// `channel_outbox` row).
        ChannelOutbox = "channel_outbox",
        /// Opening snoozed conversations when their time comes (item: the
        /// conversation).
        Snooze = "snooze",
    }
}

impl Job {
    /// Whether the item is a conversation (the admin page links to it).
    pub fn item_is_conversation(self) -> bool {
        match self {
            Job::Survey | Job::QuietClose | Job::AutomationTimer | Job::Snooze => true,
            Job::SlaTimer | Job::Outbox | Job::AutomationReply | Job::ChannelOutbox => false,
        }
    }
}

/// An item a job could not do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Failure {
    /// The job.
    pub job: Job,
    /// The item's id: a conversation (`survey`, `quiet_close`), a
    /// service-level clock (`sla_timer`), an outbox row (`outbox`) or a
    /// channel outbox row (`channel_outbox`).
    pub item: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The last error.
    pub error: String,
    /// The first failure, RFC 3339.
    pub first_failed_at: String,
    /// The last failure, RFC 3339.
    pub failed_at: String,
    /// When the job tries it again, RFC 3339; null once parked.
    pub retry_at: Option<String>,
    /// Parked: the job leaves it until an admin retries it.
    pub parked: bool,
}
