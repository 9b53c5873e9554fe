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
    /// For a customer's `message_added` whose text the event's listeners
    /// show at once (a chat visitor's): the message as committed, so they
    /// need not read it back.
    pub posted: Option<Arc<Posted>>,
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
    /// Post-commit event bus.
    pub bus: broadcast::Sender<BusEvent>,
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
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            http_addr: Arc::default(),
            default_inbox: 0,
            slots: Arc::default(),
        }
    }

    /// Announces committed events to the bus's subscribers (the live
    /// workspace, the chat rooms, the jobs). Nobody listening is fine.
    pub fn publish(&self, events: Vec<BusEvent>) {
        for e in events {
            let _ = self.bus.send(e);
        }
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
