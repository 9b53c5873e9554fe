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
    }
}

impl Channel {
    /// Whether the desk answers this channel's customers by mail: replies,
    /// acknowledgements and survey requests go to their address. The
    /// contact form's customers gave an address and left the page.
    pub fn answered_by_mail(self) -> bool {
        match self {
            Channel::Email | Channel::Web => true,
            Channel::Chat | Channel::Api | Channel::Phone | Channel::Portal | Channel::Telegram => {
                false
            }
        }
    }

    /// Whether the customer is usually present while the conversation is
    /// worked (answers are expected in minutes, not hours).
    pub fn is_live(self) -> bool {
        match self {
            Channel::Chat | Channel::Phone => true,
            Channel::Email | Channel::Web | Channel::Api | Channel::Portal | Channel::Telegram => {
                false
            }
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
        /// Accepted by the relay.
        Sent = "sent",
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
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_stored_name_and_serde() {
        fn check<T>(all: &[T], as_str: fn(&T) -> &'static str, from: fn(&str) -> Option<T>)
        where
            T: PartialEq + std::fmt::Debug + serde::Serialize,
        {
            let mut seen = std::collections::HashSet::new();
            for v in all {
                let s = as_str(v);
                assert!(seen.insert(s), "{s} named twice");
                assert_eq!(from(s).as_ref(), Some(v));
                assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(s));
            }
        }
        check(Status::ALL, |v| v.as_str(), |s| Status::from_db(s).ok());
        check(Priority::ALL, |v| v.as_str(), |s| Priority::from_db(s).ok());
        check(Channel::ALL, |v| v.as_str(), |s| Channel::from_db(s).ok());
        check(
            EventKind::ALL,
            |v| v.as_str(),
            |s| EventKind::from_db(s).ok(),
        );
        check(
            ActorKind::ALL,
            |v| v.as_str(),
            |s| ActorKind::from_db(s).ok(),
        );
        check(
            Direction::ALL,
            |v| v.as_str(),
            |s| Direction::from_db(s).ok(),
        );
    }

    #[test]
    fn the_openapi_schema_names_every_value_as_stored() {
        fn names<T: utoipa::PartialSchema>() -> Vec<String> {
            let schema = serde_json::to_value(T::schema()).unwrap();
            schema["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("an enum schema: {schema}"))
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        }
        fn stored<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<String> {
            all.iter().map(|v| f(*v).to_string()).collect()
        }
        assert_eq!(names::<Status>(), stored(Status::ALL, Status::as_str));
        assert_eq!(names::<Priority>(), stored(Priority::ALL, Priority::as_str));
        assert_eq!(names::<Channel>(), stored(Channel::ALL, Channel::as_str));
        assert_eq!(
            names::<EventKind>(),
            stored(EventKind::ALL, EventKind::as_str)
        );
        assert_eq!(
            names::<ActorKind>(),
            stored(ActorKind::ALL, ActorKind::as_str)
        );
        assert_eq!(
            names::<Direction>(),
            stored(Direction::ALL, Direction::as_str)
        );
    }

    #[test]
    fn sql_lists_follow_the_rule() {
        assert_eq!(
            Status::sql_list(|s| s != Status::Closed),
            "('new','open','pending','solved')"
        );
        assert_eq!(Direction::sql_list(|_| false), "()");
    }

    #[test]
    fn an_unknown_stored_value_is_an_error_that_names_it() {
        let e = EventKind::try_from("teleported".to_string()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown event kind \"teleported\" in the database"
        );
        let e = Status::parse("status", "done").unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert_eq!(
            e.to_string(),
            "unknown status \"done\"; use new, open, pending, solved or closed"
        );
    }

    #[test]
    fn the_architecture_document_lists_every_event_kind() {
        let doc = include_str!("../../../docs/ARCHITECTURE.md");
        let start = doc
            .find("<!-- event-kinds -->")
            .expect("the list's start marker");
        let end = doc
            .find("<!-- /event-kinds -->")
            .expect("the list's end marker");
        let listed: Vec<&str> = doc[start..end]
            .lines()
            .filter_map(|l| l.trim().strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let kinds: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(listed, kinds, "docs/ARCHITECTURE.md, \"The event log\"");
    }

    #[test]
    fn only_email_and_the_contact_form_are_answered_by_mail() {
        let by_mail: Vec<Channel> = Channel::ALL
            .iter()
            .copied()
            .filter(|c| c.answered_by_mail())
            .collect();
        assert_eq!(by_mail, [Channel::Email, Channel::Web]);
    }
}
