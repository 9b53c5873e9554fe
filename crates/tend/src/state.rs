//! What every use case is handed: the database, the configuration, the
//! clock, the post-commit event bus, and each domain's node-local state.
//!
//! This module names no domain. A domain's own state (the web UI's limiter,
//! the chat fan-out, the SMTP receiver's slots, the caches of rows read on
//! every request…) sits in [`Slots`], put in place once by `app::open`, and
//! is read through an accessor the domain writes on [`AppState`] in its own
//! module (`st.web()`, `st.public()`, `st.files()`…). So the domains depend
//! on this core and the core on none of them; only `app.rs`, the
//! composition root, knows them all (and only `cli.rs` and the tests know
//! `app.rs`). `tests/api/layering.rs` checks the module graph.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::config::Config;
use crate::db::Db;
use crate::time::Clock;
use crate::vocab::EventKind;

/// The events one commit announces, in log order: the bus carries them
/// together, so a listener wakes once per write, not once per event.
pub type Announcement = Arc<[BusEvent]>;

/// A committed conversation event, announced to in-process listeners
/// (live UI, indexer, mailers).
#[derive(Debug, Clone)]
pub struct BusEvent {
    /// Event id in the log.
    pub event_id: i64,
    /// Conversation.
    pub conversation_id: i64,
    /// Inbox of the conversation (for access filtering of live updates).
    pub inbox_id: i64,
    /// Event kind.
    pub kind: EventKind,
    /// Announced by the log follower (`crate::bus`): another node
    /// committed it (or, rarely, this node's own announcement had not come
    /// yet). Listeners that act on this node's writes directly (a chat
    /// visitor's other tabs) act on these too.
    pub remote: bool,
    /// For a customer's `message_added` whose text the event's listeners
    /// show at once (a chat visitor's): the message as committed, so they
    /// need not read it back.
    pub posted: Option<Arc<Posted>>,
}

/// The ids of the events a node's bus carried, once the node also follows
/// other nodes' writes (PostgreSQL, `crate::bus`): whoever sees an event
/// first (the writer after its commit, or the log follower) announces it,
/// and the other skips it. Until [`Announced::track`], every event is new.
#[derive(Debug, Default)]
pub struct Announced {
    ids: std::sync::Mutex<Option<std::collections::BTreeSet<i64>>>,
}

impl Announced {
    /// Ids kept: the log follower looks back far fewer (`bus::LOOK_BACK`).
    const WINDOW: i64 = 50_000;

    /// Starts remembering which events were announced.
    pub fn track(&self) {
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ids.get_or_insert_with(Default::default);
    }

    /// Whether `event_id` is announced for the first time (and from now on
    /// it is not).
    pub fn first_time(&self, event_id: i64) -> bool {
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(ids) = ids.as_mut() else {
            return true;
        };
        if !ids.insert(event_id) {
            return false;
        }
        if ids.len() as i64 > 2 * Self::WINDOW {
            let top = ids.last().copied().unwrap_or(event_id);
            *ids = ids.split_off(&(top - Self::WINDOW));
        }
        true
    }
}

/// A customer's message as committed, carried by its [`BusEvent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// Message id.
    pub id: i64,
    /// Conversation.
    pub conversation_id: i64,
    /// Text.
    pub text: String,
    /// The client's own id for it, when the client gave one.
    pub client_id: Option<String>,
    /// When it was committed (ms).
    pub at: i64,
    /// The conversation's public message before it (0: none), read under
    /// the conversation's lock: a listener that has shown that one may show
    /// this one without reading the conversation back.
    pub prev_public: i64,
}

/// What every use case needs.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Database.
    pub db: Db,
    /// Configuration.
    pub config: Arc<Config>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Post-commit event bus: the events of each write together.
    pub bus: broadcast::Sender<Announcement>,
    /// Which events the bus has carried, where other nodes' events are
    /// announced too (`crate::bus`).
    pub announced: Arc<Announced>,
    /// Wakes the outbox sender when mail is queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The HTTP address once bound (links in mail when `public_url` is unset).
    pub http_addr: Arc<std::sync::OnceLock<SocketAddr>>,
    /// The default inbox (created on first start, never removed): kept
    /// here so creating a conversation does not look it up every time.
    pub default_inbox: i64,
    /// Each domain's node-local state, read through the domain's accessor.
    pub slots: Arc<Slots>,
}

impl AppState {
    /// The core of a state: no domain state yet (`app::open` adds it).
    pub fn new(db: Db, config: Config, clock: Arc<dyn Clock>) -> AppState {
        let (bus, _) = broadcast::channel(4096);
        AppState {
            db,
            config: Arc::new(config),
            clock,
            bus,
            announced: Arc::default(),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            http_addr: Arc::default(),
            default_inbox: 0,
            slots: Arc::default(),
        }
    }

    /// Announces committed events to the bus's subscribers (the live
    /// workspace, the chat rooms, the jobs). Nobody listening is fine.
    /// The events of one write go out together, as one
    /// [`Announcement`]. Each event is announced once: one that the log
    /// follower (`crate::bus`) announced already is skipped. Answers how
    /// many were announced.
    pub fn publish(&self, mut events: Vec<BusEvent>) -> usize {
        events.retain(|e| self.announced.first_time(e.event_id));
        let n = events.len();
        if n > 0 {
            let _ = self.bus.send(events.into());
        }
        n
    }

    /// The base URL of links that leave the request they were made in
    /// (mail, the setup link): the public URL, else the bound address.
    pub fn link_base(&self) -> String {
        if let Some(u) = &self.config.public_url {
            return u.clone();
        }
        let addr = self
            .http_addr
            .get()
            .copied()
            .unwrap_or(self.config.http_listen);
        format!("http://{addr}")
    }
}

/// Domain state by type: one value of each type, put in place before the
/// state is shared and never replaced.
#[derive(Default)]
pub struct Slots(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl Slots {
    /// Puts `value` in place (replacing one of the same type).
    pub fn put<T: Any + Send + Sync>(&mut self, value: T) {
        self.0.insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The value of type `T`.
    ///
    /// # Panics
    /// When `app::open` did not put one in place: a wiring mistake that
    /// every test of the domain meets at once, never a consequence of input.
    pub fn get<T: Any + Send + Sync>(&self) -> &T {
        match self
            .0
            .get(&TypeId::of::<T>())
            .and_then(|v| v.downcast_ref())
        {
            Some(v) => v,
            None => panic!(
                "{} is not in the application state (app::open puts it there)",
                std::any::type_name::<T>()
            ),
        }
    }
}

impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Slots({} values)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::Announced;

    #[test]
    fn each_event_is_announced_once_once_tracked() {
        let a = Announced::default();
        // A node that does not follow other nodes announces everything.
        assert!(a.first_time(7));
        assert!(a.first_time(7));
        a.track();
        assert!(a.first_time(7));
        assert!(!a.first_time(7), "the second sighting is skipped");
        assert!(a.first_time(6), "an id below the newest is still new once");
        assert!(!a.first_time(6));
    }

    #[test]
    fn the_window_keeps_the_newest_ids() {
        let a = Announced::default();
        a.track();
        let n = 2 * Announced::WINDOW + 10;
        for id in 1..=n {
            assert!(a.first_time(id));
        }
        // The newest are remembered; the oldest were let go.
        assert!(!a.first_time(n));
        assert!(!a.first_time(n - Announced::WINDOW + 1));
        assert!(a.first_time(1));
    }
}
