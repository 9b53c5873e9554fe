//! The words the workspace shows for the domain's closed sets: statuses,
//! priorities, channels and event kinds. Each is an exhaustive `match`, so a
//! new value does not compile until it has a catalogue key, and the test
//! below checks every key in every locale.
//!
//! One file on purpose: it is the one place where every closed set meets
//! its words, so a new value (an event kind, a signal, a remedy state) is
//! named beside the others and the key test covers them all at once.

use serde_json::Value;

use super::i18n::Tr;

pub use crate::automation::model::ActionKind;
use crate::automation::{Action, Field, Op, Since, Trigger};
use crate::conversations::views::InboxView;
use crate::health::Outcome;
use crate::macros::Scope;
use crate::routing::model::TransferCategory;
use crate::sla::Metric;
use crate::vocab::{Channel, DeliveryStatus, MailKind, Priority, Signal, Status};

/// The catalogue key of a status.
pub fn status_key(s: Status) -> &'static str {
    match s {
        Status::New => "status-new",
        Status::Open => "status-open",
        Status::Pending => "status-pending",
        Status::Solved => "status-solved",
        Status::Closed => "status-closed",
    }
}

/// The catalogue key of a priority.
pub fn priority_key(p: Priority) -> &'static str {
    match p {
        Priority::Low => "priority-low",
        Priority::Normal => "priority-normal",
        Priority::High => "priority-high",
        Priority::Urgent => "priority-urgent",
    }
}

/// The catalogue key of a channel.
pub fn channel_key(c: Channel) -> &'static str {
    match c {
        Channel::Email => "channel-email",
        Channel::Chat => "channel-chat",
        Channel::Web => "channel-web",
        Channel::Api => "channel-api",
        Channel::Telegram => "channel-telegram",
        Channel::Whatsapp => "channel-whatsapp",
        Channel::Phone => "channel-phone",
        Channel::Portal => "channel-portal",
    }
}

/// The catalogue key of a health signal (a `$count` message).
pub fn signal_key(s: Signal) -> &'static str {
    match s {
        Signal::UnhappyAnswer => "signal-unhappy-answer",
        Signal::UnansweredSurveys => "signal-unanswered-surveys",
        Signal::Reopens => "signal-reopens",
        Signal::SlaBreaches => "signal-sla-breaches",
        Signal::LongWaits => "signal-long-waits",
        Signal::RepeatContacts => "signal-repeat-contacts",
        Signal::WentQuiet => "signal-went-quiet",
        Signal::NegativeWords => "signal-negative-words",
        Signal::NoPositiveContact => "signal-no-positive-contact",
    }
}

/// The catalogue key of an outreach's outcome.
pub fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::Pending => "outcome-pending",
        Outcome::Answered => "outcome-answered",
        Outcome::Satisfied => "outcome-satisfied",
        Outcome::Left => "outcome-left",
    }
}

/// The catalogue key of a message's delivery status.
pub fn delivery_key(d: DeliveryStatus) -> &'static str {
    match d {
        DeliveryStatus::Queued => "delivery-queued",
        DeliveryStatus::Held => "delivery-held",
        DeliveryStatus::Sent => "delivery-sent",
        DeliveryStatus::Delivered => "delivery-delivered",
        DeliveryStatus::Read => "delivery-read",
        DeliveryStatus::Failed => "delivery-failed",
    }
}

/// The catalogue key of the kind of an outgoing mail.
pub fn mail_kind_key(k: MailKind) -> &'static str {
    match k {
        MailKind::Reply => "mail-kind-reply",
        MailKind::Ack => "mail-kind-ack",
        MailKind::Survey => "mail-kind-survey",
        MailKind::Transcript => "mail-kind-transcript",
        MailKind::PortalLink => "mail-kind-portal-link",
        MailKind::Digest => "mail-kind-digest",
        MailKind::Notification => "mail-kind-notification",
        MailKind::Side => "mail-kind-side",
        MailKind::Alert => "mail-kind-alert",
    }
}

/// The catalogue key of an inbox view.
pub fn view_key(v: InboxView) -> &'static str {
    match v {
        InboxView::Mine => "view-mine",
        InboxView::Unassigned => "view-unassigned",
        InboxView::Open => "view-open",
        InboxView::BreachingSoon => "view-breaching-soon",
        InboxView::Pending => "view-pending",
        InboxView::Solved => "view-solved",
        InboxView::Closed => "view-closed",
    }
}

/// The catalogue key of a transfer category.
pub fn transfer_category_key(c: TransferCategory) -> &'static str {
    match c {
        TransferCategory::Skill => "reason-skill",
        TransferCategory::Language => "reason-language",
        TransferCategory::Workload => "reason-workload",
        TransferCategory::Escalation => "reason-escalation",
        TransferCategory::Shift => "reason-shift",
        TransferCategory::Other => "reason-other",
    }
}

/// The catalogue key of a macro's scope.
pub fn macro_scope_key(s: Scope) -> &'static str {
    match s {
        Scope::Personal => "macro-scope-personal",
        Scope::Team => "macro-scope-team",
        Scope::Global => "macro-scope-global",
    }
}

/// What one of a macro's actions does, in words (`name_of` names a team
/// or a user by id).
pub fn macro_change(
    tr: &Tr,
    a: &Action,
    team_name: &dyn Fn(i64) -> String,
    user_name: &dyn Fn(i64) -> String,
) -> String {
    match a {
        Action::SetStatus { value } => tr.s("macro-change-status", "value", status(tr, *value)),
        Action::SetPriority { value } => {
            tr.s("macro-change-priority", "value", priority(tr, *value))
        }
        Action::AddTags { value } => tr.s("macro-change-add-tags", "value", value.join(", ")),
        Action::RemoveTags { value } => tr.s("macro-change-remove-tags", "value", value.join(", ")),
        Action::AssignTeam { value } => tr.s("macro-change-team", "value", team_name(*value)),
        Action::AssignAgent { value } => tr.s("macro-change-agent", "value", user_name(*value)),
        Action::Reply { .. } | Action::Note { .. } | Action::Webhook { .. } => String::new(),
    }
}

/// The catalogue key of an event an automation rule runs on.
pub fn trigger_key(t: Trigger) -> &'static str {
    match t {
        Trigger::ConversationCreated => "auto-event-conversation-created",
        Trigger::MessageAdded => "auto-event-message-added",
        Trigger::StatusChanged => "auto-event-status-changed",
        Trigger::PriorityChanged => "auto-event-priority-changed",
        Trigger::TagsChanged => "auto-event-tags-changed",
        Trigger::Assigned => "auto-event-assigned",
        Trigger::SlaWarning => "auto-event-sla-warning",
        Trigger::SlaBreached => "auto-event-sla-breached",
        Trigger::SurveyAnswered => "auto-event-survey-answered",
    }
}

/// The catalogue key of the moment a time rule counts from.
pub fn since_key(s: Since) -> &'static str {
    match s {
        Since::Created => "auto-since-created",
        Since::StatusChanged => "auto-since-status-changed",
        Since::LastCustomerMessage => "auto-since-last-customer-message",
        Since::LastAgentMessage => "auto-since-last-agent-message",
    }
}

/// The catalogue key of what a condition looks at.
pub fn field_key(f: Field) -> &'static str {
    match f {
        Field::Status => "auto-field-status",
        Field::Priority => "auto-field-priority",
        Field::Channel => "auto-field-channel",
        Field::InboxId => "auto-field-inbox-id",
        Field::TeamId => "auto-field-team-id",
        Field::AssigneeId => "auto-field-assignee-id",
        Field::Tags => "auto-field-tags",
        Field::Language => "auto-field-language",
        Field::Subject => "auto-field-subject",
        Field::Text => "auto-field-text",
        Field::MessageFrom => "auto-field-message-from",
        Field::CustomerEmail => "auto-field-customer-email",
        Field::CustomerName => "auto-field-customer-name",
        Field::SlaBreached => "auto-field-sla-breached",
        Field::HoursSinceCreated => "auto-field-hours-since-created",
    }
}

/// The catalogue key of how a condition compares.
pub fn op_key(o: Op) -> &'static str {
    match o {
        Op::Is => "auto-op-is",
        Op::IsNot => "auto-op-is-not",
        Op::In => "auto-op-in",
        Op::NotIn => "auto-op-not-in",
        Op::Contains => "auto-op-contains",
        Op::NotContains => "auto-op-not-contains",
        Op::Gt => "auto-op-gt",
        Op::Lt => "auto-op-lt",
    }
}

/// The catalogue key of what a rule does.
pub fn action_key(k: ActionKind) -> &'static str {
    match k {
        ActionKind::SetStatus => "auto-action-set-status",
        ActionKind::SetPriority => "auto-action-set-priority",
        ActionKind::AddTags => "auto-action-add-tags",
        ActionKind::RemoveTags => "auto-action-remove-tags",
        ActionKind::AssignTeam => "auto-action-assign-team",
        ActionKind::AssignAgent => "auto-action-assign-agent",
        ActionKind::Reply => "auto-action-reply",
        ActionKind::Note => "auto-action-note",
        ActionKind::Webhook => "auto-action-webhook",
    }
}

/// An inbox view's name in the viewer's language.
pub fn view(tr: &Tr, v: InboxView) -> String {
    tr.t(view_key(v))
}

/// A status in the viewer's language.
pub fn status(tr: &Tr, s: Status) -> String {
    tr.t(status_key(s))
}

/// A priority in the viewer's language.
pub fn priority(tr: &Tr, p: Priority) -> String {
    tr.t(priority_key(p))
}

/// A channel in the viewer's language.
pub fn channel(tr: &Tr, c: Channel) -> String {
    tr.t(channel_key(c))
}

/// A stored name of a closed set, shown in words; a value this version
/// does not know is shown as it is stored.
pub(super) fn named<T: Copy>(
    tr: &Tr,
    v: &Value,
    parse: fn(&str) -> Option<T>,
    key: fn(T) -> &'static str,
) -> String {
    let s = v.as_str().unwrap_or("");
    match parse(s) {
        Some(x) => tr.t(key(x)),
        None => s.to_string(),
    }
}

/// Why a merge or a link was refused, in words.
pub fn refusal_key(r: crate::conversations::combine::Refusal) -> &'static str {
    use crate::conversations::combine::Refusal;
    match r {
        Refusal::Itself => "refusal-itself",
        Refusal::Unknown => "refusal-unknown",
        Refusal::OtherCustomer => "refusal-other-customer",
        Refusal::OtherInbox => "refusal-other-inbox",
        Refusal::TargetClosed => "refusal-target-closed",
        Refusal::TargetMerged => "refusal-target-merged",
    }
}

/// A remedy kind's name for people: the built-in kinds in the viewer's
/// language, the desk's own by the name they were given (`name`, else
/// the key).
pub fn remedy_kind(tr: &Tr, key: &str, name: Option<&str>) -> String {
    match key {
        "refund" => tr.t("remedy-kind-refund"),
        "credit" => tr.t("remedy-kind-credit"),
        "discount" => tr.t("remedy-kind-discount"),
        "replacement" => tr.t("remedy-kind-replacement"),
        "goodwill" => tr.t("remedy-kind-goodwill"),
        _ => name.unwrap_or(key).to_string(),
    }
}

/// The key of a remedy state's name.
pub fn remedy_state_key(s: crate::remedies::RemedyState) -> &'static str {
    use crate::remedies::RemedyState;
    match s {
        RemedyState::Granted => "remedy-state-granted",
        RemedyState::AwaitingApproval => "remedy-state-awaiting-approval",
        RemedyState::Approved => "remedy-state-approved",
        RemedyState::Declined => "remedy-state-declined",
    }
}

/// A problem's status in the viewer's language.
pub fn problem_status(tr: &Tr, s: crate::problems::ProblemStatus) -> String {
    use crate::problems::ProblemStatus;
    tr.t(match s {
        ProblemStatus::Investigating => "problem-status-investigating",
        ProblemStatus::Known => "problem-status-known",
        ProblemStatus::Fixed => "problem-status-fixed",
    })
}

/// The key of a service-level metric's name.
pub fn metric_key(m: Metric) -> &'static str {
    match m {
        Metric::FirstResponse => "sla-metric-first-response",
        Metric::NextResponse => "sla-metric-next-response",
        Metric::Resolution => "sla-metric-resolution",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::LOCALES_SUPPORTED;

    #[test]
    fn every_health_signal_and_outcome_reads_as_words_in_every_locale() {
        use crate::web::i18n::has_key;
        for code in LOCALES_SUPPORTED {
            let tr = Tr::new(code);
            for &s in Signal::ALL {
                assert!(has_key(code, signal_key(s)), "{code} lacks {s}");
                let text = tr.n(signal_key(s), 3);
                assert!(text.contains('3'), "{code}: {s} reads {text}");
            }
            for &o in Outcome::ALL {
                assert!(has_key(code, outcome_key(o)), "{code} lacks {o}");
            }
        }
    }

    #[test]
    fn every_automation_event_moment_field_op_and_action_has_a_label_in_every_locale() {
        use crate::web::i18n::has_key;
        let keys: Vec<&str> = Trigger::ALL
            .iter()
            .map(|&t| trigger_key(t))
            .chain(Since::ALL.iter().map(|&s| since_key(s)))
            .chain(Field::ALL.iter().map(|&f| field_key(f)))
            .chain(Op::ALL.iter().map(|&o| op_key(o)))
            .chain(ActionKind::ALL.iter().map(|&k| action_key(k)))
            .collect();
        let unique: std::collections::HashSet<&&str> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len(), "two values share a label");
        for key in &keys {
            for code in LOCALES_SUPPORTED {
                assert!(has_key(code, key), "{code} lacks {key}");
            }
        }
    }

    #[test]
    fn every_status_priority_channel_view_and_delivery_has_a_label_in_every_locale() {
        use crate::web::i18n::has_key;
        let keys = Status::ALL
            .iter()
            .map(|&s| status_key(s))
            .chain(Priority::ALL.iter().map(|&p| priority_key(p)))
            .chain(Channel::ALL.iter().map(|&c| channel_key(c)))
            .chain(InboxView::ALL.iter().map(|&v| view_key(v)))
            .chain(DeliveryStatus::ALL.iter().map(|&d| delivery_key(d)))
            .chain(MailKind::ALL.iter().map(|&k| mail_kind_key(k)))
            .chain(
                TransferCategory::ALL
                    .iter()
                    .map(|&c| transfer_category_key(c)),
            )
            .chain(Metric::ALL.iter().map(|&m| metric_key(m)))
            .chain(
                crate::jobs::Job::ALL
                    .iter()
                    .map(|&j| crate::web::admin::jobs::job_key(j)),
            )
            .chain(
                crate::webhooks::DeliveryState::ALL
                    .iter()
                    .map(|&s| crate::web::admin::webhooks::state_key(s)),
            );
        for key in keys {
            for code in LOCALES_SUPPORTED {
                assert!(has_key(code, key), "{code} lacks {key}");
            }
        }
    }
}
