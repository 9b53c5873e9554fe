//! Appending a conversation's messages and timeline events, with ids
//! taken in order, following the conversation service's event shapes.

use std::fmt::Write as _;

use super::people::Profile;
use super::rng::Rng;
use super::rows::{Agent, ConversationRow, EventRow, MessageRow, Setup};
use crate::vocab::EventKind;

pub(super) fn sign(text: &mut String, closing: &str, name: &str) {
    text.push_str("\n\n");
    text.push_str(closing);
    text.push('\n');
    text.push_str(name);
}

pub(super) fn message_data(mid: i64, direction: &str) -> String {
    format!(r#"{{"message_id":{mid},"direction":"{direction}","attachments":0}}"#)
}

pub(super) fn assign(
    tl: &mut Timeline<'_>,
    c: &mut ConversationRow,
    setup: &Setup,
    a: usize,
    t: i64,
) {
    let agent = &setup.agents[a];
    // Routing hands most conversations out; some agents pick their own.
    tl.add(
        EventKind::Assigned,
        "system",
        None,
        format!(r#"{{"from":null,"to":{},"reason":null}}"#, agent.id),
        t,
    );
    let billing = matches!(c.tags.first(), Some(&"billing" | &"refund")) && agent.billing;
    let team = if billing {
        setup.billing_team_id
    } else {
        agent.team_id
    };
    tl.add(
        EventKind::TeamChanged,
        "system",
        None,
        format!(r#"{{"from":null,"to":{team}}}"#),
        t,
    );
    c.assignee_id = Some(agent.id);
    c.team_id = Some(team);
}

pub(super) fn status(
    tl: &mut Timeline<'_>,
    c: &mut ConversationRow,
    to: &'static str,
    actor_kind: &'static str,
    actor_id: Option<i64>,
    t: i64,
) {
    tl.add(
        EventKind::StatusChanged,
        actor_kind,
        actor_id,
        format!(r#"{{"from":"{}","to":"{to}"}}"#, c.status),
        t,
    );
    c.status = to;
}

pub(super) struct Timeline<'a> {
    pub(super) conversation_id: i64,
    pub(super) next_event: &'a mut i64,
    pub(super) events: &'a mut Vec<EventRow>,
}

impl Timeline<'_> {
    pub(super) fn add(
        &mut self,
        kind: EventKind,
        actor_kind: &'static str,
        actor_id: Option<i64>,
        data: String,
        t: i64,
    ) {
        let id = *self.next_event;
        *self.next_event += 1;
        self.events.push(EventRow {
            id,
            conversation_id: self.conversation_id,
            kind,
            actor_kind,
            actor_id,
            data,
            created_at: t,
        });
    }
}

pub(super) struct Messages<'a> {
    pub(super) conversation_id: i64,
    pub(super) next_message: &'a mut i64,
    pub(super) messages: &'a mut Vec<MessageRow>,
    pub(super) email: bool,
    pub(super) customer_domain: String,
}

impl Messages<'_> {
    fn take_id(&mut self) -> i64 {
        let id = *self.next_message;
        *self.next_message += 1;
        id
    }

    pub(super) fn customer(
        &mut self,
        r: &mut Rng,
        customer_id: i64,
        p: &Profile,
        text: String,
        t: i64,
    ) -> i64 {
        let id = self.take_id();
        let message_id = self.email.then(|| {
            let mut s = String::with_capacity(48);
            // The id part keeps Message-IDs unique (the column is unique).
            // Stored without angle brackets, as ingest stores them (with
            // them, every reply and survey in the thread was refused).
            let _ = write!(
                s,
                "{:012x}.{id}@{}",
                r.next_u64() >> 16,
                self.customer_domain
            );
            s
        });
        self.messages.push(MessageRow {
            id,
            conversation_id: self.conversation_id,
            direction: "in",
            internal: false,
            author_kind: "customer",
            author_id: customer_id,
            author_name: p.name.clone(),
            author_email: Some(p.email.clone()),
            text,
            message_id,
            delivery_status: None,
            created_at: t,
        });
        id
    }

    pub(super) fn agent(&mut self, agent: &Agent, text: String, internal: bool, t: i64) -> i64 {
        let id = self.take_id();
        let public_mail = self.email && !internal;
        self.messages.push(MessageRow {
            id,
            conversation_id: self.conversation_id,
            direction: "out",
            internal,
            author_kind: "agent",
            author_id: agent.id,
            author_name: agent.name.clone(),
            author_email: None,
            text,
            message_id: public_mail
                .then(|| format!("tend.{}.{id}@tend-demo.example", self.conversation_id)),
            // Already sent: demo replies must never be mailed by the outbox.
            delivery_status: public_mail.then_some(crate::vocab::DeliveryStatus::Sent.as_str()),
            created_at: t,
        });
        id
    }
}
