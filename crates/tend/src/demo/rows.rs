//! The rows demo data is made of, and the desk they refer to.

/// An agent who can own demo conversations.
#[derive(Debug, Clone)]
pub struct Agent {
    /// User id.
    pub id: i64,
    /// Display name (signs replies).
    pub name: String,
    /// Index into [`BANKS`] of the language the agent works in.
    pub lang: usize,
    /// The team the agent's conversations go to.
    pub team_id: i64,
    /// Also in the billing team.
    pub billing: bool,
}

/// The accounts, teams and inboxes demo conversations refer to.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Agents; every language needs at least one.
    pub agents: Vec<Agent>,
    /// Hands conversations from one agent to another.
    pub supervisor_id: i64,
    /// The billing team (billing and refund topics of billing agents).
    pub billing_team_id: i64,
    /// API and phone conversations.
    pub default_inbox: i64,
    /// Email conversations.
    pub email_inbox: i64,
    /// Chat conversations.
    pub chat_inbox: i64,
    /// Web form and portal conversations.
    pub web_inbox: i64,
}

/// The first free id of each table this run fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextIds {
    /// customers.id
    pub customer: i64,
    /// conversations.id
    pub conversation: i64,
    /// messages.id
    pub message: i64,
    /// events.id
    pub event: i64,
}

/// A customer row with their one address.
#[derive(Debug, Clone)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub language: &'static str,
    pub timezone: &'static str,
    pub created_at: i64,
}

/// A conversation row.
#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub id: i64,
    pub inbox_id: i64,
    pub customer_id: i64,
    pub subject: String,
    pub status: &'static str,
    pub priority: &'static str,
    pub channel: &'static str,
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
    pub tags: Vec<&'static str>,
    pub language: &'static str,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
    pub solved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub waiting_since: Option<i64>,
    pub reopen_count: i64,
    pub transfer_count: i64,
    pub message_count: i64,
}

/// A message row.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub conversation_id: i64,
    pub direction: &'static str,
    pub internal: bool,
    pub author_kind: &'static str,
    pub author_id: i64,
    pub author_name: String,
    pub author_email: Option<String>,
    pub text: String,
    pub message_id: Option<String>,
    pub delivery_status: Option<&'static str>,
    pub created_at: i64,
}

/// An event row.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub conversation_id: i64,
    pub kind: crate::vocab::EventKind,
    pub actor_kind: &'static str,
    pub actor_id: Option<i64>,
    pub data: String,
    pub created_at: i64,
}

/// Rows for a run of consecutive conversations, in insertion order.
#[derive(Debug, Default)]
pub struct Batch {
    pub customers: Vec<CustomerRow>,
    pub conversations: Vec<ConversationRow>,
    pub tags: Vec<(i64, &'static str)>,
    pub messages: Vec<MessageRow>,
    pub events: Vec<EventRow>,
}
