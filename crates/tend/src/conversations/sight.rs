//! What the rules of one change see (`Sight`): the conversation and the
//! message at hand, read once and kept while the rules change the row,
//! and what they changed in memory and have not written yet (plain
//! fields, `plain.rs`; written once per level of the cascade by
//! [`Sight::flush_in`]). `automate.rs` runs the rules with it;
//! `automate_read.rs` evaluates them with it outside a write.

use std::sync::OnceLock;

use serde_json::Value;
use sqlx::AnyConnection;

use super::automate::Cause;
use super::repo::{self, ConvRow, EventActor};
use super::timeline::Timeline;
use crate::agents::Viewer;
use crate::automation::engine::{Facts, Text};
use crate::automation::service::Rule;
use crate::automation::{Action, Trigger};
use crate::vocab::{ActorKind, EventKind};
use crate::{Error, Result};

/// What must be read besides the row.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Needs {
    text: bool,
    sla: bool,
    from: bool,
}

impl Needs {
    pub(super) fn of<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Needs {
        rules.into_iter().fold(Needs::default(), |n, r| {
            let m = Needs::of_conditions(&r.conditions);
            Needs {
                text: n.text || m.text,
                sla: n.sla || m.sla,
                from: n.from || m.from,
            }
        })
    }

    pub(super) fn of_conditions(c: &crate::automation::engine::Compiled) -> Needs {
        use crate::automation::Field;
        Needs {
            text: c.needs(Field::Text),
            sla: c.needs(Field::SlaBreached),
            from: c.needs(Field::MessageFrom),
        }
    }

    pub(super) const ALL: Needs = Needs {
        text: true,
        sla: true,
        from: true,
    };
}

/// What the rules of one change see, read once and kept until one of
/// them acts: the conversation, and the message of the event at hand.
#[derive(Default)]
pub(super) struct Sight {
    /// What the rules at hand look at besides the row.
    pub(super) needs: Needs,
    seen: Option<Seen>,
    /// The event the message belongs to (`None`: the customer's latest,
    /// for an event that added no message).
    msg: Option<(Option<i64>, Msg)>,
    /// What the rules changed and has not been written yet.
    pending: Pending,
}

/// What the rules of one level of a cascade changed in memory (plain
/// fields, `plain.rs`), and their `automation_fired` events: written
/// together by [`Sight::flush_in`] when the level ends, or before an
/// action that writes or reads the conversation otherwise.
#[derive(Default)]
struct Pending {
    /// In order, with their actors.
    events: Vec<(EventKind, EventActor, Value)>,
    /// The row as the database has it, when its plain fields changed since.
    written: Option<ConvRow>,
}

impl Sight {
    /// What a write that just created conversation `row`, with the
    /// customer's first message `text`, knows without reading (the
    /// `message_added` event `event_id`; the text analysed before the
    /// write, if it was).
    pub(super) fn known(
        row: ConvRow,
        event_id: Option<i64>,
        text: &str,
        analysed: Option<Text>,
    ) -> Sight {
        Sight {
            seen: Some(Seen::of(row)),
            msg: event_id.map(|e| (Some(e), Msg::new(ActorKind::Customer, text, analysed))),
            ..Sight::default()
        }
    }

    /// What a write that just added a message knows of it: who wrote it
    /// and its text (its `message_added` event `event_id`).
    pub(super) fn message(
        event_id: i64,
        from: ActorKind,
        text: &str,
        analysed: Option<Text>,
    ) -> Sight {
        Sight {
            msg: Some((Some(event_id), Msg::new(from, text, analysed))),
            ..Sight::default()
        }
    }

    /// Whether `actions` would change nothing of the row as the rules see
    /// it (their change is already made).
    pub(super) fn already_made(&self, actions: &[Action]) -> bool {
        self.seen
            .as_ref()
            .is_some_and(|s| !would_change(actions, s))
    }

    /// Forgets the row (a change it cannot follow): the next rule reads it.
    pub(super) fn forget_row(&mut self) {
        self.seen = None;
    }

    /// Queues an event of the rules, written with the level.
    pub(super) fn queue(&mut self, kind: EventKind, actor: EventActor, data: Value) {
        self.pending.events.push((kind, actor, data));
    }

    /// Applies `p`, a change of plain fields only, by `actor` to the row
    /// the rules see (read, locked, when not known), to be written with
    /// the level. `false`: no such conversation.
    pub(super) async fn change_plain_in(
        &mut self,
        c: &mut AnyConnection,
        id: i64,
        actor: &EventActor,
        p: &super::validate::ValidPatch,
        now: i64,
    ) -> Result<bool> {
        if !self.look_in(c, id, Needs::default(), None, true).await? {
            return Ok(false);
        }
        let Some(seen) = self.seen.as_ref() else {
            return Ok(false);
        };
        let mut row = seen.row.clone();
        let applied = super::plain::apply(&mut row, p)?;
        if applied.events.is_empty() {
            return Ok(true);
        }
        row.updated_at = now;
        if self.pending.written.is_none() {
            self.pending.written = Some(seen.row.clone());
        }
        for (kind, data) in applied.events {
            self.queue(kind, actor.clone(), data);
        }
        self.wrote(row);
        Ok(true)
    }

    /// Writes what the rules changed and did not write yet: their events,
    /// in order, then the row's plain fields (with the service-level
    /// clocks they move).
    pub(super) async fn flush_in(
        &mut self,
        c: &mut AnyConnection,
        tl: &mut Timeline,
        now: i64,
    ) -> Result<()> {
        if !self.pending.events.is_empty() {
            let events = std::mem::take(&mut self.pending.events);
            let rows: Vec<_> = events.iter().map(|(k, a, d)| (*k, a, d.clone())).collect();
            tl.add_all(c, &rows).await?;
        }
        let Some(before) = self.pending.written.take() else {
            return Ok(());
        };
        let Some(seen) = self.seen.as_ref() else {
            return Err(Error::Internal(anyhow::anyhow!(
                "the rules changed conversation {} and lost its row",
                tl.conversation_id()
            )));
        };
        let tags = repo::TagRows::between(&before.tag_list(), &seen.tags);
        repo::update_plain(c, &seen.row, Some(&tags)).await?;
        super::service_levels::track_in(
            c,
            tl,
            Some(super::service_levels::Was::of(&before)),
            &seen.row,
            super::service_levels::Wrote::Nothing,
            now,
        )
        .await?;
        Ok(())
    }

    /// The language the conversation is written in, as the rules see it
    /// (no action changes it).
    pub(super) fn language(&self) -> Option<&str> {
        self.seen.as_ref()?.row.language()
    }

    /// What a write that just changed the conversation knows: the row as
    /// it wrote it.
    pub(super) fn row(row: ConvRow) -> Sight {
        Sight {
            seen: Some(Seen::of(row)),
            ..Sight::default()
        }
    }

    /// Takes the row a rule's change left (what the next rule sees), keeping
    /// what was derived from what no action changes (the subject's and the
    /// customer's words). The message stays too: an action never adds a
    /// customer's message, and a note is no message the rules look at.
    pub(super) fn wrote(&mut self, row: ConvRow) {
        let mut next = Seen::of(row);
        if let Some(old) = self.seen.take() {
            if old.row.subject == next.row.subject {
                next.subject_text = old.subject_text;
            }
            if old.row.customer_name == next.row.customer_name {
                next.name_text = old.name_text;
            }
        }
        self.seen = Some(next);
    }

    /// Reads what `needs` asks of conversation `id` for `cause`, if not
    /// known yet (`lock`: inside a write that may change it). `false`: no
    /// such conversation.
    pub(super) async fn look_in(
        &mut self,
        c: &mut AnyConnection,
        id: i64,
        needs: Needs,
        cause: Option<Cause>,
        lock: bool,
    ) -> Result<bool> {
        if self.seen.is_none() {
            let row = if lock {
                repo::get_for_update(c, &Viewer::system(), id).await?
            } else {
                repo::get(c, &Viewer::system(), id).await?
            };
            let Some(row) = row else {
                return Ok(false);
            };
            self.seen = Some(Seen::of(row));
        }
        if needs.sla
            && let Some(seen) = self.seen.as_mut()
            && seen.breached.is_none()
        {
            seen.breached = Some(crate::sla::service::breached_in(c, id).await?);
        }
        let event = match cause {
            Some(Cause::Event(eid, Trigger::MessageAdded)) => Some(eid),
            _ => None,
        };
        if (needs.text || needs.from) && self.msg.as_ref().is_none_or(|(e, _)| *e != event) {
            let msg = match event {
                Some(eid) => match repo::event_message(c, eid).await? {
                    Some((from, Some(mid))) => Msg {
                        from: Some(from),
                        raw: repo::message_text(c, mid).await?,
                        text: OnceLock::new(),
                    },
                    Some((from, None)) => Msg {
                        from: Some(from),
                        raw: None,
                        text: OnceLock::new(),
                    },
                    None => Msg::default(),
                },
                None => Msg {
                    from: None,
                    raw: repo::latest_customer_message(c, id).await?.map(|(_, t)| t),
                    text: OnceLock::new(),
                },
            };
            self.msg = Some((event, msg));
        }
        Ok(true)
    }

    /// The facts, once [`Sight::look_in`] has read them.
    pub(super) fn facts(&self, now: i64) -> Option<Facts<'_>> {
        let s = self.seen.as_ref()?;
        let msg = self.msg.as_ref().map(|(_, m)| m);
        Some(Facts {
            status: s.row.status(),
            priority: s.row.priority,
            channel: s.row.channel,
            inbox_id: s.row.inbox_id,
            team_id: s.row.team_id,
            assignee_id: s.row.assignee_id,
            tags: &s.tags,
            language: s.row.language(),
            subject: &s.row.subject,
            text: msg.and_then(|m| {
                m.raw
                    .as_deref()
                    .map(|raw| m.text.get_or_init(|| Text::new(raw)))
            }),
            subject_text: &s.subject_text,
            name_text: &s.name_text,
            message_from: msg.and_then(|m| m.from),
            customer_email: s.row.customer_email.as_deref(),
            customer_name: s.row.customer_name.as_deref(),
            sla_breached: s.breached.as_deref().unwrap_or_default(),
            hours_since_created: (now - s.row.created_at).max(0) / 3_600_000,
        })
    }
}

/// The conversation as the conditions see it.
struct Seen {
    row: ConvRow,
    tags: Vec<String>,
    breached: Option<Vec<crate::sla::Metric>>,
    subject_text: OnceLock<Text>,
    name_text: OnceLock<Text>,
}

impl Seen {
    fn of(row: ConvRow) -> Seen {
        Seen {
            tags: row.tag_list(),
            row,
            breached: None,
            subject_text: OnceLock::new(),
            name_text: OnceLock::new(),
        }
    }
}

/// The message of the event at hand (or the customer's latest).
#[derive(Default)]
struct Msg {
    from: Option<ActorKind>,
    raw: Option<String>,
    text: OnceLock<Text>,
}

impl Msg {
    fn new(from: ActorKind, text: &str, analysed: Option<Text>) -> Msg {
        let cell = OnceLock::new();
        if let Some(t) = analysed {
            let _ = cell.set(t);
        }
        Msg {
            from: Some(from),
            raw: Some(text.to_string()),
            text: cell,
        }
    }
}

/// Whether the actions would change the conversation as it is (a reply, a
/// note or a webhook always does something).
fn would_change(actions: &[Action], s: &Seen) -> bool {
    let has = |t: &String| s.tags.iter().any(|x| x.eq_ignore_ascii_case(t));
    actions.iter().any(|a| match a {
        Action::SetStatus { value } => *value != s.row.status(),
        Action::SetPriority { value } => *value != s.row.priority,
        Action::AddTags { value } => !value.iter().all(has),
        Action::RemoveTags { value } => value.iter().any(has),
        Action::AssignTeam { value } => s.row.team_id != Some(*value),
        Action::AssignAgent { value } => s.row.assignee_id != Some(*value),
        Action::Reply { .. } | Action::Note { .. } | Action::Webhook { .. } => true,
    })
}
