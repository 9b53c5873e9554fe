//! Notifications follow the event log on their own cursor (task
//! `notifications`), like customer health: a pass reads the events after
//! its cursor that may concern someone (`rules::KINDS`), with their
//! conversations and the notes' texts, and plans who hears of each (pure:
//! `rules::plan`) on a pooled connection; mails are composed before the
//! write too. Then one short write inserts the notifications and moves
//! the cursor, only from where the pass read it (of two nodes' passes one
//! writes). Each notification is unique per agent, event and kind, so an
//! event read twice (PostgreSQL's look-back below the cursor, see
//! `bus::window`) makes none twice, and a mail is queued only with the
//! notification that is new.

use std::collections::HashMap;
use std::time::Duration;

use super::rules::{self, Agent, Planned};
use super::{Notified, repo};
use crate::Result;
use crate::bus::Pace;
use crate::channels::email::outbound::{StandaloneMail, enqueue_standalone_in, prepare_standalone};
use crate::conversations::{history, notable};
use crate::db::Backend;
use crate::state::AppState;
use crate::tasks::Shutdown;
use crate::vocab::MailKind;
use crate::web::i18n::Tr;

/// Events read per pass.
pub const BATCH: i64 = 2000;
/// The task reads the log this often when the bus is quiet.
pub const POLL: Duration = Duration::from_secs(1);
/// Under load, a pass starts at most this long after the previous one: an
/// agent hears of a mention within a quarter of a second, and a burst of
/// writes costs four passes (four short writes of the cursor) a second,
/// not one per commit.
pub const GATHER: Duration = Duration::from_millis(250);

/// One pass; answers whether more events wait (or the pass must be read
/// again because another node moved the cursor meanwhile).
pub async fn pass(st: &AppState, woken: bool) -> Result<bool> {
    let pg = st.db.backend() == Backend::Postgres;
    let (cursor, hi, more, planned, deliver) = {
        let mut c = st.db.pool().acquire().await?;
        let cursor = repo::cursor(&mut c).await?;
        let head = history::last_event_id_in(&mut c).await?;
        let Some((lo, hi)) = crate::bus::window(cursor, head, BATCH, pg, woken) else {
            return Ok(false);
        };
        let events = notable::notable_between_in(&mut c, lo, hi, rules::KINDS).await?;
        let planned: Vec<Planned> = if events.is_empty() {
            Vec::new()
        } else {
            let desk = directory(st).await?;
            events.iter().flat_map(|e| rules::plan(e, &desk)).collect()
        };
        let mut users: Vec<i64> = planned.iter().map(|p| p.user_id).collect();
        users.sort_unstable();
        users.dedup();
        let deliver = super::service::deliveries_of(&mut c, &users).await?;
        (cursor, hi, hi < head, planned, deliver)
    };
    if planned.is_empty() && hi == cursor {
        return Ok(more);
    }
    let planned: Vec<(Planned, bool, bool)> = planned
        .into_iter()
        .map(|p| {
            let d = deliver(p.user_id, p.kind);
            (p, d.web, d.mail)
        })
        .filter(|(_, web, mail)| *web || *mail)
        .collect();
    let mails = compose(st, &planned).await?;
    let now = st.clock.now_ms();
    let written = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if repo::lock_cursor(c).await? != cursor {
                    return Ok(None);
                }
                let mut shown = Vec::new();
                let mut mailed = 0;
                for (i, (p, web, _)) in planned.iter().enumerate() {
                    let Some(id) = repo::insert(c, p, *web, now).await? else {
                        continue;
                    };
                    if *web {
                        shown.push(Notified {
                            id,
                            user_id: p.user_id,
                            kind: p.kind,
                            conversation_id: p.conversation_id,
                        });
                    }
                    if let Some(m) = mails.get(&i) {
                        enqueue_standalone_in(c, m, MailKind::Notification, now).await?;
                        mailed += 1;
                    }
                }
                repo::set_cursor(c, hi).await?;
                Ok(Some((shown, mailed)))
            })
        })
        .await?;
    let Some((shown, mailed)) = written else {
        return Ok(true);
    };
    if mailed > 0 {
        st.outbox_wake.notify_one();
    }
    if !shown.is_empty() {
        metrics::counter!("tend_notifications_total").increment(shown.len() as u64);
        // Nobody listening is fine: the pages read the count when loaded.
        let _ = st.notifications().notified.send(shown);
    }
    Ok(more)
}

/// The active agents, what they may work and their teams.
async fn directory(st: &AppState) -> Result<HashMap<i64, Agent>> {
    use crate::agents::{Role, Viewer};
    let system = Viewer::system();
    let users = crate::agents::service::list_users(st, &system).await?;
    let teams = crate::agents::service::list_teams(st, &system).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.active)
        .map(|u| {
            let mine: Vec<_> = teams
                .iter()
                .filter(|t| t.member_ids.contains(&u.id))
                .collect();
            let agent = Agent {
                sees_all: matches!(u.role, Role::Admin | Role::Supervisor),
                inboxes: mine.iter().flat_map(|t| t.inbox_ids.clone()).collect(),
                teams: mine.iter().map(|t| t.id).collect(),
                who: super::mentions::Mentionable {
                    id: u.id,
                    name: u.name,
                    email: u.email,
                },
            };
            (agent.who.id, agent)
        })
        .collect())
}

/// The mails of the planned notifications that go by mail, by their
/// place in `planned`, each in its agent's language.
async fn compose(
    st: &AppState,
    planned: &[(Planned, bool, bool)],
) -> Result<HashMap<usize, StandaloneMail>> {
    let mut out = HashMap::new();
    if !planned.iter().any(|(_, _, mail)| *mail) {
        return Ok(out);
    }
    let mut ids: Vec<i64> = planned
        .iter()
        .flat_map(|(p, _, _)| std::iter::once(p.user_id).chain(p.actor_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let people: HashMap<i64, crate::agents::service::Recipient> =
        crate::agents::service::recipients(st, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let system = crate::agents::Viewer::system();
    for (i, (p, _, mail)) in planned.iter().enumerate() {
        let Some(to) = people.get(&p.user_id).filter(|_| *mail) else {
            continue;
        };
        let Ok(conv) = crate::conversations::service::get(st, &system, p.conversation_id).await
        else {
            continue;
        };
        let tr = Tr::new(to.language.as_deref().unwrap_or("en"));
        let actor = p
            .actor_id
            .and_then(|a| people.get(&a))
            .map(|a| a.name.as_str());
        let line = super::words::line(&tr, p.kind, actor, conv.id, &conv.subject);
        let mut text = format!("{line}\n");
        if !p.excerpt.is_empty() {
            text.push_str(&format!("\n> {}\n", p.excerpt.replace('\n', "\n> ")));
        }
        if let Some(base) = &st.config.public_url {
            text.push_str(&format!("\n{}/c/{}\n", base.trim_end_matches('/'), conv.id));
        }
        let subject = format!("[#{}] {}", conv.id, tr.t(super::words::kind_key(p.kind)));
        if let Some(m) = prepare_standalone(st, &to.email, Some(&to.name), &subject, &text).await? {
            out.insert(i, m);
        }
    }
    Ok(out)
}

/// Passes until the log is read to its end (tests, instead of waiting
/// for the task).
pub async fn catch_up(st: &AppState) -> Result<()> {
    while pass(st, true).await? {}
    Ok(())
}

/// The task (of `crate::tasks`): a pass at most every [`GATHER`] while
/// writes are announced on the bus, and every [`POLL`] when it is quiet.
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let pace = Pace {
        gather: GATHER,
        poll: POLL,
    };
    crate::bus::paced(&st, &stop, pace, "notifications", |woken| pass(&st, woken)).await
}
