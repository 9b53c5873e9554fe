//! Per-conversation fan-out for connected chat visitors (this node).
//!
//! A visitor's socket subscribes to its conversation's room. The dispatcher
//! task turns committed conversation events (the in-process bus) into
//! [`Signal::Changed`]; the socket then reads what is new from the database,
//! so a signal carries no content and a missed one only delays delivery until
//! the next. Typing and read receipts are signals only.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::broadcast;

/// What happened in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Committed change of any kind (status, survey…), or unknown: read
    /// everything that may be new.
    Changed,
    /// Only new messages were committed: read those.
    Messages,
    /// The agents' read mark moved.
    Read,
    /// Someone is typing: `Some(name)` for an agent, `None` for the visitor.
    Typing(Option<String>),
}

/// Rooms per conversation, and visitor typing for the agents' live streams.
#[derive(Debug)]
pub struct Hub {
    rooms: Mutex<HashMap<i64, broadcast::Sender<Signal>>>,
    sockets: AtomicUsize,
    /// `(conversation, "typing" | "read")` from visitors, for the agents'
    /// live streams.
    pub visitor_events: broadcast::Sender<(i64, &'static str)>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            rooms: Mutex::new(HashMap::new()),
            sockets: AtomicUsize::new(0),
            visitor_events: broadcast::channel(1024).0,
        }
    }
}

/// A socket's subscription; leaving the room when dropped.
#[derive(Debug)]
pub struct Subscription<'a> {
    hub: &'a Hub,
    conversation_id: i64,
    /// Signals for the conversation.
    pub rx: broadcast::Receiver<Signal>,
}

impl Drop for Subscription<'_> {
    fn drop(&mut self) {
        if let Ok(mut rooms) = self.hub.rooms.lock()
            && let Some(tx) = rooms.get(&self.conversation_id)
            // Our receiver is still alive here: 1 means we were the last.
            && tx.receiver_count() <= 1
        {
            rooms.remove(&self.conversation_id);
        }
    }
}

impl Hub {
    /// Joins a conversation's room.
    pub fn subscribe(&self, conversation_id: i64) -> Subscription<'_> {
        let rx = match self.rooms.lock() {
            Ok(mut rooms) => rooms
                .entry(conversation_id)
                .or_insert_with(|| broadcast::channel(16).0)
                .subscribe(),
            // A poisoned map still yields a working (if lonely) receiver.
            Err(_) => broadcast::channel(16).0.subscribe(),
        };
        Subscription {
            hub: self,
            conversation_id,
            rx,
        }
    }

    /// Tells a conversation's sockets; nobody listening is fine.
    pub fn signal(&self, conversation_id: i64, s: Signal) {
        if let Ok(rooms) = self.rooms.lock()
            && let Some(tx) = rooms.get(&conversation_id)
        {
            let _ = tx.send(s);
        }
    }

    /// Tells every room (after the bus lagged: some change was missed).
    pub fn signal_all(&self) {
        if let Ok(rooms) = self.rooms.lock() {
            for tx in rooms.values() {
                let _ = tx.send(Signal::Changed);
            }
        }
    }

    /// Counts a socket in (`+1`) or out (`-1`).
    pub fn count_socket(&self, open: bool) {
        if open {
            self.sockets.fetch_add(1, Ordering::Relaxed);
        } else {
            self.sockets.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Open visitor sockets on this node.
    pub fn sockets(&self) -> usize {
        self.sockets.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_come_and_go_with_their_sockets() {
        let hub = Hub::default();
        let mut a = hub.subscribe(7);
        let mut b = hub.subscribe(7);
        hub.signal(7, Signal::Changed);
        hub.signal(8, Signal::Changed);
        assert_eq!(a.rx.try_recv().ok(), Some(Signal::Changed));
        assert_eq!(b.rx.try_recv().ok(), Some(Signal::Changed));
        assert!(a.rx.try_recv().is_err());
        drop(a);
        assert_eq!(hub.rooms.lock().map(|r| r.len()).unwrap_or(0), 1);
        drop(b);
        assert_eq!(hub.rooms.lock().map(|r| r.len()).unwrap_or(9), 0);
    }
}
