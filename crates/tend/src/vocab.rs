//! The closed sets of the domain: conversation status and priority, channel,
//! event kind, actor kind and message direction. Each is an enum with one
//! stored name per value, written once in [`closed_set!`].
//!
//! Rows are parsed into these types at the repository boundary
//! (`#[sqlx(try_from = "String")]`): an unknown stored value is an error
//! that names it ([`UnknownValue`]), never a silent default. The rules that
//! read a value (which statuses are active, which channels are answered by
//! mail) live beside the domain that owns them, as methods on these types.
//!
//! This module depends on no domain, so the application core (`app.rs`'s
//! bus) and every domain can use it.

use std::fmt;

/// A stored value that is not one of its set's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The set, in words ("event kind").
    pub set: &'static str,
    /// The value found.
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?} in the database", self.set, self.value)
    }
}

impl std::error::Error for UnknownValue {}

impl From<UnknownValue> for crate::Error {
    fn from(e: UnknownValue) -> Self {
        crate::Error::Internal(e.into())
    }
}

/// `a, b or c` (for the macro's messages).
#[doc(hidden)]
pub fn choices_of(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Defines a closed set: the enum, its stored names, `ALL`, `as_str`,
/// `parse` (a user's value: a 422 naming the field and the choices),
/// `from_db` and `TryFrom<String>` (a stored value: [`UnknownValue`]),
/// `Display`, and serde and OpenAPI under the stored names.
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $var:ident = $s:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        // The OpenAPI schema does not see a variant's `rename` through
        // the macro; every stored name is the variant's snake case, which
        // a test checks against the schema.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $s)] $var, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// Stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$var => $s, )+
                }
            }

            /// Parses a value given by a user; the error names `field`
            /// and the choices.
            pub fn parse(field: &str, s: &str) -> crate::Result<$name> {
                Self::from_db(s).map_err(|_| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    crate::Error::invalid(
                        field,
                        format!("unknown {} {s:?}; use {}", $what, $crate::vocab::choices_of(&names)),
                    )
                })
            }

            /// The stored names of the values `keep` holds, as an SQL list
            /// (`('a','b')`), so a query filters by the rule itself.
            pub fn sql_list(keep: impl Fn(Self) -> bool) -> String {
                let names: Vec<String> = Self::ALL
                    .iter()
                    .filter(|v| keep(**v))
                    .map(|v| format!("'{}'", v.as_str()))
                    .collect();
                format!("({})", names.join(","))
            }

            /// Parses a stored value.
            pub fn from_db(s: &str) -> std::result::Result<$name, $crate::vocab::UnknownValue> {
                match s {
                    $( $s => Ok($name::$var), )+
                    _ => Err($crate::vocab::UnknownValue { set: $what, value: s.to_string() }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::vocab::UnknownValue;
            fn try_from(s: String) -> std::result::Result<$name, Self::Error> {
                $name::from_db(&s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use closed_set;

closed_set! {
    /// Where a conversation stands. The workflow rules are in
    /// `conversations::status`.
    pub enum Status ("status") {
        /// Nobody has answered yet.
        New = "new",
        /// Being worked.
        Open = "open",
        /// Waiting on the customer.
        Pending = "pending",
        /// The desk believes it is done; the customer is asked to confirm.
        Solved = "solved",
        /// Confirmed by the customer, or the quiet period passed. Terminal.
        Closed = "closed",
    }
}

closed_set! {
    /// How urgent a conversation is.
    #[derive(PartialOrd, Ord)]
    pub enum Priority ("priority") {
        /// Low.
        Low = "low",
        /// Normal (the default).
        Normal = "normal",
        /// High.
        High = "high",
        /// Urgent.
        Urgent = "urgent",
    }
}

closed_set! {
    /// The channel a conversation arrived on.
    pub enum Channel ("channel") {
        /// Mail (IMAP, the SMTP receiver, the raw-MIME webhook).
        Email = "email",
        /// The live chat widget.
        Chat = "chat",
        /// The contact form.
        Web = "web",
        /// The REST API.
        Api = "api",
        /// The phone (entered by an agent).
        Phone = "phone",
        /// The customer portal.
        Portal = "portal",
        /// A Telegram bot.
        Telegram = "telegram",
        /// A WhatsApp Business number.
        Whatsapp = "whatsapp",
    }
}

impl Channel {
    /// Whether the desk answers this channel's customers by mail: replies,
    /// acknowledgements and survey requests go to their address. The
    /// contact form's customers gave an address and left the page.
    pub fn answered_by_mail(self) -> bool {
        match self {
            Channel::Email | Channel::Web => true,
            Channel::Chat
            | Channel::Api
            | Channel::Phone
            | Channel::Portal
            | Channel::Telegram
            | Channel::Whatsapp => false,
        }
    }

    /// Whether the customer is usually present while the conversation is
    /// worked (answers are expected in minutes, not hours).
    pub fn is_live(self) -> bool {
        match self {
            Channel::Chat | Channel::Phone => true,
            Channel::Email
            | Channel::Web
            | Channel::Api
            | Channel::Portal
            | Channel::Telegram
            | Channel::Whatsapp => false,
        }
    }
}

closed_set! {
    /// What an entry of a conversation's timeline records. The web
    /// workspace labels each kind in every locale
    /// (`web::conversation::event_text`, an exhaustive `match`), and
    /// `docs/ARCHITECTURE.md` lists them (checked by a test).
    pub enum EventKind ("event kind") {
        /// The conversation was opened: `{"channel", "subject", …}`.
        Created = "created",
        /// A message was added: `{"message_id", …}`.
        MessageAdded = "message_added",
        /// An internal note was added.
        NoteAdded = "note_added",
        /// The owner changed from nobody, or to nobody.
        Assigned = "assigned",
        /// The owner changed from one agent to another (with a reason).
        Transferred = "transferred",
        /// Routing found nobody available; it waits in its team's queue.
        Queued = "queued",
        /// `{"from", "to", "reason"?}`.
        StatusChanged = "status_changed",
        /// `{"from", "to"}`.
        PriorityChanged = "priority_changed",
        /// `{"tags", "added", "removed"}`.
        TagsChanged = "tags_changed",
        /// `{"from", "to"}`.
        TeamChanged = "team_changed",
        /// The conversation moved to another inbox: `{"from", "to"}`.
        InboxChanged = "inbox_changed",
        /// The conversation was given another customer, or customers merged.
        CustomerChanged = "customer_changed",
        /// `{"from", "to"}`.
        LanguageChanged = "language_changed",
        /// An email named a conversation it may not join:
        /// `{"conversation_id", "via", "reason"}`.
        JoinRefused = "join_refused",
        /// An outbound mail bounced or the relay refused it.
        DeliveryFailed = "delivery_failed",
        /// An automatic mail was held by its inbox's hourly cap: `{"kind"}`.
        MailHeld = "mail_held",
        /// A satisfaction survey went out: `{"survey_id", "delivery", …}`.
        SurveySent = "survey_sent",
        /// A solve was not surveyed: `{"survey_id", "reason"}`.
        SurveySkipped = "survey_skipped",
        /// The customer answered the survey: `{"answer", "rating", …}`.
        SurveyAnswered = "survey_answered",
        /// An unhappy answer opened a follow-up task.
        FollowUpCreated = "follow_up_created",
        /// A follow-up task was done.
        FollowUpDone = "follow_up_done",
        /// A service-level clock started or got a new target:
        /// `{"metric", "due", "round", "policy_id"}`.
        SlaApplied = "sla_applied",
        /// A service-level clock used its warning share: `{"metric", "due", …}`.
        SlaWarning = "sla_warning",
        /// A service-level deadline passed unmet: `{"metric", "due", …}`.
        SlaBreached = "sla_breached",
        /// A service-level target was met (a reply, a solve): `{"metric", "due", …}`.
        SlaFulfilled = "sla_fulfilled",
        /// An automation rule fired: `{"automation_id", "name", "cause",
        /// "actions", "skipped"}` (its changes are events of their own).
        AutomationFired = "automation_fired",
        /// Rules fired each other in a loop, or too deep, and were stopped:
        /// `{"reason", "rules"}`.
        AutomationStopped = "automation_stopped",
        /// An agent recorded a remedy: `{"remedy_id", "kind", "amount",
        /// "currency", "state", "note"}` (`state`: granted, or
        /// awaiting_approval).
        RemedyRecorded = "remedy_recorded",
        /// A supervisor approved or declined a remedy: the same, with
        /// `"decision_note"`.
        RemedyDecided = "remedy_decided",
        /// The conversation was linked to a problem: `{"problem_id",
        /// "title", "from"}` (`from`: the problem it left, if any).
        ProblemLinked = "problem_linked",
        /// The conversation was unlinked from a problem: `{"problem_id",
        /// "title"}`.
        ProblemUnlinked = "problem_unlinked",
        /// An agent put the conversation aside as pending until a time:
        /// `{"until", "by"}`.
        Snoozed = "snoozed",
        /// A snooze ended: `{"until", "reason", "by", "owner"}` (`reason`:
        /// `due`, `customer_replied` or `status_changed`).
        Unsnoozed = "unsnoozed",
        /// On the conversation merged away: `{"into"}` (its messages moved
        /// there; it is closed and its number leads there).
        MergedInto = "merged_into",
        /// On the conversation that took another's messages: `{"from",
        /// "messages"}` (the ids moved).
        MergedFrom = "merged_from",
        /// On the conversation a message was split from: `{"to",
        /// "message_id"}`.
        SplitTo = "split_to",
        /// On the new conversation a message was split into: `{"from",
        /// "message_id"}`.
        SplitFrom = "split_from",
        /// Linked to a related conversation (on both): `{"with"}`.
        Linked = "linked",
        /// A link to a related conversation was removed (on both): `{"with"}`.
        Unlinked = "unlinked",
        /// A side conversation by mail with a third party (a courier, a
        /// warehouse) began, hidden from the customer: `{"side_id",
        /// "subject", "to", "forwarded"?: "message"|"conversation",
        /// "message_id"?}`.
        SideConversationStarted = "side_conversation_started",
        /// An agent wrote in a side conversation: `{"side_id", "subject"}`.
        SideMessageSent = "side_message_sent",
        /// A third party answered a side conversation (not a customer
        /// message: it reopens nothing): `{"side_id", "subject", "from"}`.
        SideReplyReceived = "side_reply_received",
        /// An agent took back a held reply before it went (undo send):
        /// `{"message_id"}` (the message is gone; its text is their draft).
        ReplyUndone = "reply_undone",
        /// A phone call was answered (`channels::phone`): `{"call_id",
        /// "direction", "number", "agent_id"?}` (`number`: the
        /// customer's, in E.164).
        CallAnswered = "call_answered",
        /// An inbound call ended unanswered; a callback is due: `{"call_id",
        /// "number"}`.
        CallMissed = "call_missed",
        /// An answered call ended: `{"call_id", "direction", "number",
        /// "seconds"}`.
        CallEnded = "call_ended",
    }
}

closed_set! {
    /// Who wrote a message or caused an event.
    pub enum ActorKind ("actor kind") {
        /// The customer.
        Customer = "customer",
        /// An agent (a user of the desk).
        Agent = "agent",
        /// Tend itself (routing, jobs, automatic mail).
        System = "system",
        /// An automation rule (the event's data names it: `automation_id`).
        Automation = "automation",
    }
}

closed_set! {
    /// Which way a message went.
    pub enum Direction ("direction") {
        /// From the customer.
        In = "in",
        /// From the desk (replies, notes, automatic mail).
        Out = "out",
    }
}

closed_set! {
    /// Where a message from the desk is on its way to the customer (a
    /// message's `delivery_status`; none for notes and live channels).
    pub enum DeliveryStatus ("delivery status") {
        /// Waiting in the outbox.
        Queued = "queued",
        /// Held by its inbox's hourly cap on automatic mail, until an admin
        /// releases it.
        Held = "held",
        /// Accepted by the relay (the channel's provider).
        Sent = "sent",
        /// On the customer's device (channels that report it: WhatsApp).
        Delivered = "delivered",
        /// Read by the customer (channels that report it: WhatsApp).
        Read = "read",
        /// Refused for good, or bounced.
        Failed = "failed",
    }
}

closed_set! {
    /// What a mail in the outbox is. Everything but a reply is automatic
    /// and counts against its inbox's hourly cap.
    pub enum MailKind ("mail kind") {
        /// Typed by an agent.
        Reply = "reply",
        /// An acknowledgement of a new conversation.
        Ack = "ack",
        /// A satisfaction survey.
        Survey = "survey",
        /// A chat's transcript, to the visitor's own address.
        Transcript = "transcript",
        /// A customer portal sign-in link (belongs to no conversation or
        /// inbox, so no inbox's cap counts it: the portal limits it).
        PortalLink = "portal_link",
        /// The radar's weekly digest to a supervisor (belongs to no
        /// conversation or inbox; sent once a week).
        Digest = "digest",
        /// An agent's notification, to an agent who wants that kind by
        /// mail (belongs to no inbox's cap: one per notification).
        Notification = "notification",
        /// A side conversation's mail to a third party, typed by an agent
        /// (not automatic: no inbox cap holds it).
        Side = "side",
        /// An alert to the admins: a channel inbox stopped working (belongs
        /// to no conversation or inbox; one per admin each time it starts
        /// failing).
        Alert = "alert",
    }
}

closed_set! {
    /// Why a customer's health went down. The rules of each are in
    /// `health::rules`; the workspace names each through an exhaustive
    /// `match` (`web::labels::signal_key`).
    pub enum Signal ("health signal") {
        /// A survey answered unhappy ("no", or a rating at or below
        /// `survey_unhappy_rating`).
        UnhappyAnswer = "unhappy_answer",
        /// Two or more surveys left unanswered.
        UnansweredSurveys = "unanswered_surveys",
        /// A solved conversation reopened.
        Reopens = "reopens",
        /// A service-level target breached.
        SlaBreaches = "sla_breaches",
        /// A wait for an answer longer than a day.
        LongWaits = "long_waits",
        /// Several conversations about the same issue.
        RepeatContacts = "repeat_contacts",
        /// Stopped writing after a conversation with a problem.
        WentQuiet = "went_quiet",
        /// Words of discontent in their messages.
        NegativeWords = "negative_words",
        /// No positive contact for a long time.
        NoPositiveContact = "no_positive_contact",
    }
}

#[cfg(test)]
#[path = "vocab_tests.rs"]
mod tests;
