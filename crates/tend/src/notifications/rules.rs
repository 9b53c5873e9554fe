//! Who is told about an event: a pure function of the event, its
//! conversation and the desk's agents.

use std::collections::HashMap;

use super::NotificationKind;
use super::mentions::{Mentionable, mentioned};
use crate::conversations::notable::Notable;
use crate::vocab::{ActorKind, Channel, EventKind};

/// The event kinds that may notify someone.
pub const KINDS: &[EventKind] = &[
    EventKind::NoteAdded,
    EventKind::Assigned,
    EventKind::Transferred,
    EventKind::MessageAdded,
    EventKind::Queued,
    EventKind::Unsnoozed,
];

/// An active agent, and which inboxes they may work.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Who, and how they may be mentioned.
    pub who: Mentionable,
    /// Admins and supervisors see every inbox.
    pub sees_all: bool,
    /// The inboxes their teams were granted.
    pub inboxes: Vec<i64>,
    /// Their teams.
    pub teams: Vec<i64>,
}

impl Agent {
    fn sees(&self, inbox_id: i64) -> bool {
        self.sees_all || self.inboxes.contains(&inbox_id)
    }
}

/// One notification to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// To whom.
    pub user_id: i64,
    /// Why.
    pub kind: NotificationKind,
    /// From which event.
    pub event_id: i64,
    /// About which conversation.
    pub conversation_id: i64,
    /// The agent who caused it.
    pub actor_id: Option<i64>,
    /// The start of a mentioning note.
    pub excerpt: String,
}

/// The longest excerpt of a note kept.
const EXCERPT_CHARS: usize = 200;

/// The notifications one event makes. Only active agents who may work
/// the conversation's inbox hear of it, and never the agent who caused it.
pub fn plan(e: &Notable, agents: &HashMap<i64, Agent>) -> Vec<Planned> {
    let actor = (e.actor_kind == ActorKind::Agent)
        .then_some(e.actor_id)
        .flatten();
    let (kind, to): (NotificationKind, Vec<i64>) = match e.kind {
        EventKind::NoteAdded => {
            let may: Vec<Mentionable> = agents
                .values()
                .filter(|a| a.sees(e.inbox_id))
                .map(|a| a.who.clone())
                .collect();
            (NotificationKind::Mention, mentioned(&e.text, &may))
        }
        EventKind::Assigned | EventKind::Transferred => (
            NotificationKind::Assigned,
            e.data["to"].as_i64().into_iter().collect(),
        ),
        EventKind::MessageAdded if e.data["direction"].as_str() == Some("in") && !e.at_creation => {
            (
                NotificationKind::CustomerReplied,
                e.assignee_id.into_iter().collect(),
            )
        }
        EventKind::Queued if e.channel == Channel::Chat => {
            let team = e.data["team_id"].as_i64();
            let mut members: Vec<i64> = agents
                .values()
                .filter(|a| team.is_some_and(|t| a.teams.contains(&t)))
                .map(|a| a.who.id)
                .collect();
            members.sort_unstable();
            (NotificationKind::ChatWaiting, members)
        }
        EventKind::Unsnoozed if e.data["reason"].as_str() == Some("due") => {
            let owner = e.data["owner"].as_i64().or(e.data["by"].as_i64());
            (NotificationKind::SnoozeEnded, owner.into_iter().collect())
        }
        _ => return Vec::new(),
    };
    let excerpt = match kind {
        NotificationKind::Mention => e.text.chars().take(EXCERPT_CHARS).collect(),
        _ => String::new(),
    };
    to.into_iter()
        .filter(|id| Some(*id) != actor)
        .filter(|id| agents.get(id).is_some_and(|a| a.sees(e.inbox_id)))
        .map(|user_id| Planned {
            user_id,
            kind,
            event_id: e.event_id,
            conversation_id: e.conversation_id,
            actor_id: actor,
            excerpt: excerpt.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn agent(id: i64, name: &str, inboxes: &[i64], teams: &[i64]) -> (i64, Agent) {
        (
            id,
            Agent {
                who: Mentionable {
                    id,
                    name: name.into(),
                    email: format!("u{id}@desk.example"),
                },
                sees_all: false,
                inboxes: inboxes.to_vec(),
                teams: teams.to_vec(),
            },
        )
    }

    fn desk() -> HashMap<i64, Agent> {
        [
            agent(1, "Ana Silva", &[10], &[7]),
            agent(2, "Bob Stone", &[10], &[7]),
            agent(3, "Cleo Park", &[99], &[8]),
        ]
        .into_iter()
        .collect()
    }

    fn event(kind: EventKind, actor: Option<i64>, data: serde_json::Value) -> Notable {
        Notable {
            event_id: 50,
            kind,
            actor_kind: if actor.is_some() {
                ActorKind::Agent
            } else {
                ActorKind::System
            },
            actor_id: actor,
            data,
            at: 2,
            conversation_id: 5,
            inbox_id: 10,
            channel: Channel::Email,
            subject: "Order".into(),
            assignee_id: Some(1),
            at_creation: false,
            text: String::new(),
        }
    }

    fn to(p: &[Planned]) -> Vec<(i64, NotificationKind)> {
        p.iter().map(|p| (p.user_id, p.kind)).collect()
    }

    #[test]
    fn a_mention_notifies_who_may_see_it_but_not_the_writer() {
        let mut e = event(EventKind::NoteAdded, Some(2), json!({}));
        e.text = "@Ana @Bob @Cleo see this".into();
        let p = plan(&e, &desk());
        assert_eq!(to(&p), [(1, NotificationKind::Mention)]);
        assert_eq!(p[0].excerpt, "@Ana @Bob @Cleo see this");
        assert_eq!(p[0].actor_id, Some(2));
    }

    #[test]
    fn assignment_notifies_the_new_owner_unless_they_took_it() {
        let e = event(EventKind::Assigned, Some(2), json!({"from": null, "to": 1}));
        assert_eq!(to(&plan(&e, &desk())), [(1, NotificationKind::Assigned)]);
        let e = event(EventKind::Assigned, Some(1), json!({"from": null, "to": 1}));
        assert!(plan(&e, &desk()).is_empty());
        let e = event(EventKind::Transferred, None, json!({"from": 2, "to": 1}));
        assert_eq!(to(&plan(&e, &desk())), [(1, NotificationKind::Assigned)]);
    }

    #[test]
    fn a_customer_reply_notifies_the_owner_but_not_the_first_message() {
        let e = event(EventKind::MessageAdded, None, json!({"direction": "in"}));
        assert_eq!(
            to(&plan(&e, &desk())),
            [(1, NotificationKind::CustomerReplied)]
        );
        let mut first = e.clone();
        first.at_creation = true;
        assert!(plan(&first, &desk()).is_empty());
        let out = event(
            EventKind::MessageAdded,
            Some(2),
            json!({"direction": "out"}),
        );
        assert!(plan(&out, &desk()).is_empty());
    }

    #[test]
    fn a_queued_chat_notifies_its_team() {
        let mut e = event(EventKind::Queued, None, json!({"team_id": 7}));
        e.channel = Channel::Chat;
        assert_eq!(
            to(&plan(&e, &desk())),
            [
                (1, NotificationKind::ChatWaiting),
                (2, NotificationKind::ChatWaiting)
            ]
        );
        e.channel = Channel::Email;
        assert!(plan(&e, &desk()).is_empty());
    }

    #[test]
    fn a_snooze_that_ends_on_time_notifies_the_owner_or_the_snoozer() {
        let e = event(
            EventKind::Unsnoozed,
            None,
            json!({"reason": "due", "owner": null, "by": 2}),
        );
        assert_eq!(to(&plan(&e, &desk())), [(2, NotificationKind::SnoozeEnded)]);
        let e = event(
            EventKind::Unsnoozed,
            None,
            json!({"reason": "customer_replied", "owner": 1, "by": 2}),
        );
        assert!(plan(&e, &desk()).is_empty());
    }
}
