//! What the rules of one change see (`Sight`): the conversation and the
//! message at hand, read once and kept while the rules change the row,
//! and what they changed in memory and have not written yet (plain
//! fields, `plain.rs`; written once per level of the cascade by
//! [`Sight::flush_in`]). `automate.rs` runs the rules with it;
//! `automate_read.rs` evaluates them with it outside a write.

use std::sync::{Arc, OnceLock};

use serde_json::Value;
use sqlx::AnyConnection;

use super::automate::Cause;
use super::repo::{self, ConvRow, EventActor};
use super::timeline::Timeline;
use crate::agents::Viewer;
use crate::automation::engine::{Facts, Text};
use crate::automation::service::Rule;
use crate::automation::{Action, Trigger};
use crate::sla::SlaSummary;
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
    /// The messages the rules looked at, by the event each belongs to
    /// (`None`: the customer's latest, for an event that added no
    /// message), so a cascade reads each once.
    msgs: Vec<(Option<i64>, Msg)>,
    /// Which of `msgs` the facts read: the last cause looked at.
    at: Option<Option<i64>>,
    /// What the rules changed and has not been written yet.
    pending: Pending,
    /// An action wrote the conversation other than through the row held
    /// here (a status, an owner, a message): the row may not be all of it.
    wrote_around: bool,
    /// The service levels after the last write of the held row's plain
    /// fields (`None`: not written yet).
    sla: Option<Option<SlaSummary>>,
}

/// The conversation as the rules left it, when they changed only what the
/// row held in [`Sight`] shows: what a read after the commit would answer.
pub(super) struct Settled {
    pub(super) row: ConvRow,
    /// Its service levels, when the rules' writes moved them.
    pub(super) sla: Option<Option<SlaSummary>>,
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
            msgs: event_id
                .map(|e| (Some(e), Msg::new(ActorKind::Customer, text, analysed)))
                .into_iter()
                .collect(),
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
            msgs: vec![(Some(event_id), Msg::new(from, text, analysed))],
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
        let sla = super::service_levels::track_in(
            c,
            tl,
            Some(super::service_levels::Was::of(&before)),
            &seen.row,
            super::service_levels::Wrote::Nothing,
            now,
        )
        .await?;
        self.sla = Some(sla);
        Ok(())
    }

    /// Notes that an action is about to write the conversation around the
    /// row held here.
    pub(super) fn writing_around(&mut self) {
        self.wrote_around = true;
    }

    /// The conversation as the rules left it, if the held row is all of
    /// it (everything written: call after [`Sight::flush_in`]).
    pub(super) fn settled(self) -> Option<Settled> {
        if self.wrote_around || !self.pending.events.is_empty() || self.pending.written.is_some() {
            return None;
        }
        Some(Settled {
            row: self.seen?.row,
            sla: self.sla,
        })
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
        if (needs.text || needs.from) && !self.msgs.iter().any(|(e, _)| *e == event) {
            let msg = match event {
                Some(eid) => match repo::event_message(c, eid).await? {
                    Some((from, Some(mid))) => Msg {
                        from: Some(from),
                        raw: repo::message_text(c, mid).await?.map(Into::into),
                        text: Arc::default(),
                    },
                    Some((from, None)) => Msg {
                        from: Some(from),
                        raw: None,
                        text: Arc::default(),
                    },
                    None => Msg::default(),
                },
                None => match self
                    .msgs
                    .iter()
                    .find(|(e, m)| e.is_some() && m.from == Some(ActorKind::Customer))
                {
                    // The customer's message of this write is their latest:
                    // no action adds one. Read for an event that is no
                    // message, it is nobody's (`from`).
                    Some((_, m)) => Msg {
                        from: None,
                        raw: m.raw.clone(),
                        text: Arc::clone(&m.text),
                    },
                    _ => Msg {
                        from: None,
                        raw: repo::latest_customer_message(c, id)
                            .await?
                            .map(|(_, t)| t.into()),
                        text: Arc::default(),
                    },
                },
            };
            self.msgs.push((event, msg));
        }
        if needs.text || needs.from {
            self.at = Some(event);
        }
        Ok(true)
    }

    /// The facts, once [`Sight::look_in`] has read them.
    pub(super) fn facts(&self, now: i64) -> Option<Facts<'_>> {
        let s = self.seen.as_ref()?;
        let msg = self
            .at
            .and_then(|k| self.msgs.iter().find(|(e, _)| *e == k))
            .map(|(_, m)| m);
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

/// The message of the event at hand (or the customer's latest). Its text
/// and analysis are shared by the message's two uses in one change (as its
/// event's message, and as the customer's latest).
#[derive(Default)]
struct Msg {
    from: Option<ActorKind>,
    raw: Option<Arc<str>>,
    text: Arc<OnceLock<Text>>,
}

impl Msg {
    fn new(from: ActorKind, text: &str, analysed: Option<Text>) -> Msg {
        let cell = OnceLock::new();
        if let Some(t) = analysed {
            let _ = cell.set(t);
        }
        Msg {
            from: Some(from),
            raw: Some(text.into()),
            text: Arc::new(cell),
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
