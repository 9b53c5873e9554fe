//! The timeline's words for events: the line each event kind reads as
//! (after the actor's name), and each kind's short name (the webhooks
//! page). Exhaustive `match`es, so a new kind does not compile until it
//! has its words; the tests below check them in every locale.

use serde_json::Value;

use super::i18n::Tr;
use super::labels::{
    channel_key, mail_kind_key, metric_key, named, priority_key, remedy_kind, remedy_state_key,
    status_key,
};
use crate::conversations::Event;
use crate::sla::Metric;
use crate::vocab::{Channel, EventKind, MailKind, Priority, Status};

/// The catalogue key of an event kind's short name ("Status changed"),
/// for lists of kinds such as a webhook's events.
pub fn event_kind_key(k: EventKind) -> &'static str {
    match k {
        EventKind::Created => "event-kind-created",
        EventKind::MessageAdded => "event-kind-message-added",
        EventKind::NoteAdded => "event-kind-note-added",
        EventKind::Assigned => "event-kind-assigned",
        EventKind::Transferred => "event-kind-transferred",
        EventKind::Queued => "event-kind-queued",
        EventKind::StatusChanged => "event-kind-status-changed",
        EventKind::PriorityChanged => "event-kind-priority-changed",
        EventKind::TagsChanged => "event-kind-tags-changed",
        EventKind::TeamChanged => "event-kind-team-changed",
        EventKind::InboxChanged => "event-kind-inbox-changed",
        EventKind::CustomerChanged => "event-kind-customer-changed",
        EventKind::LanguageChanged => "event-kind-language-changed",
        EventKind::JoinRefused => "event-kind-join-refused",
        EventKind::DeliveryFailed => "event-kind-delivery-failed",
        EventKind::MailHeld => "event-kind-mail-held",
        EventKind::SurveySent => "event-kind-survey-sent",
        EventKind::SurveySkipped => "event-kind-survey-skipped",
        EventKind::SurveyAnswered => "event-kind-survey-answered",
        EventKind::FollowUpCreated => "event-kind-follow-up-created",
        EventKind::FollowUpDone => "event-kind-follow-up-done",
        EventKind::SlaApplied => "event-kind-sla-applied",
        EventKind::SlaWarning => "event-kind-sla-warning",
        EventKind::SlaBreached => "event-kind-sla-breached",
        EventKind::SlaFulfilled => "event-kind-sla-fulfilled",
        EventKind::AutomationFired => "event-kind-automation-fired",
        EventKind::AutomationStopped => "event-kind-automation-stopped",
        EventKind::RemedyRecorded => "event-kind-remedy-recorded",
        EventKind::RemedyDecided => "event-kind-remedy-decided",
        EventKind::ProblemLinked => "event-kind-problem-linked",
        EventKind::ProblemUnlinked => "event-kind-problem-unlinked",
        EventKind::Snoozed => "event-kind-snoozed",
        EventKind::Unsnoozed => "event-kind-unsnoozed",
        EventKind::MergedInto => "event-kind-merged-into",
        EventKind::MergedFrom => "event-kind-merged-from",
        EventKind::SplitTo => "event-kind-split-to",
        EventKind::SplitFrom => "event-kind-split-from",
        EventKind::Linked => "event-kind-linked",
        EventKind::Unlinked => "event-kind-unlinked",
        EventKind::SideConversationStarted => "event-kind-side-conversation-started",
        EventKind::SideMessageSent => "event-kind-side-message-sent",
        EventKind::SideReplyReceived => "event-kind-side-reply-received",
        EventKind::ReplyUndone => "event-kind-reply-undone",
        EventKind::CallAnswered => "event-kind-call-answered",
        EventKind::CallMissed => "event-kind-call-missed",
        EventKind::CallEnded => "event-kind-call-ended",
    }
}

/// What an id in an event's data names.
#[derive(Debug, Clone, Copy)]
pub enum Named {
    User,
    Team,
    Inbox,
}

/// The timeline line of an event (after the actor's name), or `None` for
/// the kinds the timeline shows otherwise (messages and notes are items of
/// their own). `named_as` turns an id into a name.
pub fn event_text(
    tr: &Tr,
    e: &Event,
    named_as: &dyn Fn(Named, &Value) -> String,
) -> Option<String> {
    let d = &e.data;
    let name_of = |v: &Value| named_as(Named::User, v);
    let status_of = |v: &Value| named(tr, v, |s| Status::from_db(s).ok(), status_key);
    Some(match e.kind {
        EventKind::MessageAdded | EventKind::NoteAdded => return None,
        EventKind::Created => tr.s(
            "event-created",
            "channel",
            named(tr, &d["channel"], |s| Channel::from_db(s).ok(), channel_key),
        ),
        EventKind::Assigned => tr.s("event-assigned", "to", name_of(&d["to"])),
        EventKind::Transferred => tr.args(
            "event-transferred",
            &[
                ("from", name_of(&d["from"]).into()),
                ("to", name_of(&d["to"]).into()),
            ],
        ),
        EventKind::Queued => tr.t("event-queued"),
        EventKind::StatusChanged => tr.s("event-status", "to", status_of(&d["to"])),
        EventKind::PriorityChanged => tr.s(
            "event-priority",
            "to",
            named(tr, &d["to"], |s| Priority::from_db(s).ok(), priority_key),
        ),
        EventKind::TagsChanged => tr.s(
            "event-tags",
            "tags",
            d["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        ),
        EventKind::TeamChanged => match d["to"].as_i64() {
            Some(_) => tr.s("event-team", "to", named_as(Named::Team, &d["to"])),
            None => tr.t("event-team-cleared"),
        },
        EventKind::CustomerChanged => tr.t("event-customer"),
        EventKind::LanguageChanged => tr.s("event-language", "to", d["to"].as_str().unwrap_or("—")),
        EventKind::JoinRefused => match d["conversation_id"].as_i64() {
            Some(n) => tr.s("event-join-refused", "id", n.to_string()),
            None => tr.t("event-join-refused-elsewhere"),
        },
        EventKind::DeliveryFailed => tr.t("event-delivery-failed"),
        EventKind::MailHeld => tr.s(
            "event-mail-held",
            "value",
            tr.t(d["kind"]
                .as_str()
                .and_then(|k| MailKind::from_db(k).ok())
                .map_or("mail-kind-ack", mail_kind_key)),
        ),
        EventKind::SurveySent => match d["delivery"].as_str() {
            Some("inline") => tr.t("event-survey-sent-chat"),
            Some("message") => tr.t("event-survey-sent-message"),
            _ => tr.t("event-survey-sent-email"),
        },
        EventKind::SurveySkipped => tr.s(
            "event-survey-skipped",
            "value",
            tr.t(match d["reason"].as_str() {
                Some("no_address") => "survey-skip-no-address",
                Some("auto_address") => "survey-skip-auto-address",
                Some("period_limit") => "survey-skip-period-limit",
                Some("no_sender") => "survey-skip-no-sender",
                Some("window_closed") => "survey-skip-window-closed",
                _ => "survey-skip-no-channel",
            }),
        ),
        EventKind::SurveyAnswered => {
            let answer = match d["answer"].as_str() {
                Some("yes") => tr.t("survey-answer-yes"),
                Some("no") => tr.t("survey-answer-no"),
                _ => String::new(),
            };
            let rating = d["rating"]
                .as_i64()
                .map(|n| "★".repeat(n.clamp(0, 5) as usize));
            let value = [Some(answer), rating]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            tr.s("event-survey-answered", "value", value)
        }
        EventKind::FollowUpCreated => {
            tr.s("event-follow-up-created", "to", name_of(&d["assignee_id"]))
        }
        EventKind::FollowUpDone => tr.t("event-follow-up-done"),
        EventKind::InboxChanged => tr.s(
            "event-inbox-changed",
            "to",
            named_as(Named::Inbox, &d["to"]),
        ),
        EventKind::SlaApplied => sla_event(tr, "event-sla-applied", d),
        EventKind::SlaWarning => sla_event(tr, "event-sla-warning", d),
        EventKind::SlaBreached => sla_event(tr, "event-sla-breached", d),
        EventKind::SlaFulfilled => sla_event(tr, "event-sla-fulfilled", d),
        // The line's actor is the rule, by name: the text does not repeat it.
        EventKind::AutomationFired => tr.t("event-automation-fired"),
        EventKind::AutomationStopped => tr.s(
            "event-automation-stopped",
            "value",
            d["names"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(" → ")
                })
                .unwrap_or_default(),
        ),
        EventKind::ProblemLinked => tr.s(
            "event-problem-linked",
            "value",
            d["title"].as_str().unwrap_or_default(),
        ),
        EventKind::Snoozed => tr.s(
            "event-snoozed",
            "until",
            d["until"].as_str().unwrap_or_default(),
        ),
        EventKind::Unsnoozed => tr.t(match d["reason"].as_str() {
            Some("due") => "event-unsnoozed-due",
            Some("customer_replied") => "event-unsnoozed-customer",
            _ => "event-unsnoozed",
        }),
        EventKind::ProblemUnlinked => tr.s(
            "event-problem-unlinked",
            "value",
            d["title"].as_str().unwrap_or_default(),
        ),
        EventKind::MergedInto => tr.t("event-merged-into"),
        EventKind::MergedFrom => tr.n(
            "event-merged-from",
            d["messages"].as_array().map_or(0, |m| m.len() as i64),
        ),
        EventKind::SplitTo => tr.t("event-split-to"),
        EventKind::SplitFrom => tr.t("event-split-from"),
        EventKind::ReplyUndone => tr.t("event-reply-undone"),
        EventKind::CallAnswered => tr.s(
            match d["direction"].as_str() {
                Some("out") => "event-call-answered-out",
                _ => "event-call-answered-in",
            },
            "value",
            d["number"].as_str().unwrap_or_default(),
        ),
        EventKind::CallMissed => tr.s(
            "event-call-missed",
            "value",
            d["number"].as_str().unwrap_or_default(),
        ),
        EventKind::CallEnded => tr.s(
            "event-call-ended",
            "value",
            tr.span(d["seconds"].as_i64().unwrap_or(0).saturating_mul(1000)),
        ),
        EventKind::Linked => tr.t("event-linked"),
        EventKind::Unlinked => tr.t("event-unlinked"),
        EventKind::SideConversationStarted => {
            let subject = d["subject"].as_str().unwrap_or_default();
            let to = d["to"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let key = match d["forwarded"].as_str() {
                Some("message") => "event-side-forwarded-message",
                Some("conversation") => "event-side-forwarded-conversation",
                _ => "event-side-started",
            };
            tr.args(
                key,
                &[("subject", subject.to_string().into()), ("to", to.into())],
            )
        }
        EventKind::SideMessageSent => tr.s(
            "event-side-sent",
            "subject",
            d["subject"].as_str().unwrap_or_default(),
        ),
        EventKind::SideReplyReceived => tr.args(
            "event-side-reply",
            &[
                (
                    "subject",
                    d["subject"].as_str().unwrap_or_default().to_string().into(),
                ),
                (
                    "from",
                    d["from"].as_str().unwrap_or_default().to_string().into(),
                ),
            ],
        ),
        EventKind::RemedyRecorded | EventKind::RemedyDecided => {
            let state = d["state"]
                .as_str()
                .and_then(|s| crate::remedies::RemedyState::from_db(s).ok());
            let key = match state {
                Some(s) => remedy_state_key(s),
                None => "remedy-state-granted",
            };
            tr.s(
                "event-remedy",
                "value",
                format!(
                    "{} · {} · {}",
                    tr.t(key),
                    remedy_kind(tr, d["kind"].as_str().unwrap_or_default(), None),
                    crate::remedies::model::money(
                        d["amount"].as_i64().unwrap_or_default(),
                        d["currency"].as_str().unwrap_or_default()
                    )
                ),
            )
        }
    })
}

/// An `sla_*` event: its text with the metric named in the agent's language.
fn sla_event(tr: &Tr, key: &str, d: &Value) -> String {
    let metric = sla_metric(tr, d).unwrap_or_else(|| "—".to_string());
    tr.s(key, "metric", metric)
}

/// The words for the metric a service-level event's data names.
pub(super) fn sla_metric(tr: &Tr, d: &Value) -> Option<String> {
    d["metric"]
        .as_str()
        .and_then(|m| Metric::from_db(m).ok())
        .map(|m| tr.t(metric_key(m)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversations::model::Actor;
    use crate::vocab::ActorKind;
    use crate::web::i18n::LOCALES_SUPPORTED;

    /// The data each kind is written with, so every branch formats.
    fn sample() -> Value {
        serde_json::json!({
            "channel": "web", "to": "open", "from": 1, "tags": ["a"], "conversation_id": 3,
            "kind": "survey", "delivery": "inline", "reason": "no_address", "answer": "yes",
            "rating": 4, "assignee_id": 2, "message_id": 9, "error": "550",
        })
    }

    #[test]
    fn every_event_kind_reads_as_words_in_every_locale() {
        for code in LOCALES_SUPPORTED {
            let tr = Tr::new(code);
            for &kind in EventKind::ALL {
                let e = Event {
                    id: 1,
                    conversation_id: 1,
                    kind,
                    actor: Actor {
                        kind: ActorKind::System,
                        id: None,
                        name: None,
                        email: None,
                    },
                    data: sample(),
                    created_at: String::new(),
                };
                let text = event_text(&tr, &e, &|_, _| "Ana".to_string());
                match kind {
                    EventKind::MessageAdded | EventKind::NoteAdded => assert!(text.is_none()),
                    _ => {
                        let text = text.unwrap_or_default();
                        assert!(!text.is_empty(), "{code}: {kind} is empty");
                        assert!(!text.contains('⟦'), "{code}: {kind} reads {text}");
                        // The stored name (`survey_sent`) is never what a reader sees.
                        assert!(
                            !kind.as_str().contains('_') || !text.contains(kind.as_str()),
                            "{code}: {kind} reads {text}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_event_kind_has_a_name_of_its_own_in_every_locale() {
        use crate::web::i18n::has_key;
        let keys: Vec<&str> = EventKind::ALL.iter().map(|&k| event_kind_key(k)).collect();
        let unique: std::collections::HashSet<&&str> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len(), "two kinds share a name");
        for code in LOCALES_SUPPORTED {
            let tr = Tr::new(code);
            let names: std::collections::HashSet<String> = keys.iter().map(|k| tr.t(k)).collect();
            assert_eq!(names.len(), keys.len(), "{code}: two kinds read the same");
            for key in &keys {
                assert!(has_key(code, key), "{code} lacks {key}");
            }
        }
    }
}
