//! Per-conversation fan-out for connected chat visitors (this node).
//!
//! A visitor's socket subscribes to its conversation's room. The dispatcher
//! task turns committed conversation events (the in-process bus) into
//! signals; the socket then reads what is new from the database, so a
//! missed signal only delays delivery until the next. A visitor's message
//! comes with its content ([`Signal::Message`]): a socket that has shown the
//! message before it sends it as it is, and reads the database only when it
//! would otherwise skip one. Typing and read receipts are signals only.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use super::repo::VisitorMessage;

/// A committed message as the visitor sees it, and the conversation's
/// public message before it.
#[derive(Debug)]
pub struct Delivery {
    /// The message.
    pub message: VisitorMessage,
    /// The previous public message of the conversation (0: none).
    pub prev: i64,
}

impl Delivery {
    /// A visitor's own committed message, as their sockets show it.
    pub fn visitor(p: &crate::state::Posted) -> Delivery {
        Delivery {
            message: VisitorMessage {
                id: p.id,
                conversation_id: p.conversation_id,
                from: "visitor",
                name: None,
                text: p.text.clone(),
                client_id: p.client_id.clone(),
                at: crate::time::rfc3339(p.at),
                files: vec![],
            },
            prev: p.prev_public,
        }
    }

    /// Whether a socket that has shown every message up to `cursor` (and
    /// none after) can show this one as it is, without a gap: `Some(true)`
    /// when yes, `Some(false)` when it has shown it already, `None` when an
    /// earlier message may be missing (read the database instead).
    pub fn follows(&self, cursor: i64) -> Option<bool> {
        if self.message.id <= cursor {
            Some(false)
        } else if self.prev <= cursor {
            Some(true)
        } else {
            None
        }
    }
}

/// What happened in a conversation.
#[derive(Debug, Clone)]
pub enum Signal {
    /// Committed change of any kind (status, survey…), or unknown: read
    /// everything that may be new.
    Changed,
    /// Only new messages were committed: read those.
    Messages,
    /// A visitor's message was committed; here it is.
    Message(Arc<Delivery>),
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
    /// Open sockets per client address (see [`Hub::admit`]).
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
    /// `(conversation, "typing" | "read")` from visitors, for the agents'
    /// live streams.
    pub visitor_events: broadcast::Sender<(i64, &'static str)>,
}

/// One client address's place among the open sockets; given back when
/// dropped (the socket closed, or its upgrade never happened).
#[derive(Debug)]
pub struct SocketPermit {
    per_ip: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl Drop for SocketPermit {
    fn drop(&mut self) {
        if let Ok(mut m) = self.per_ip.lock()
            && let Some(n) = m.get_mut(&self.ip)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.ip);
            }
        }
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            rooms: Mutex::new(HashMap::new()),
            sockets: AtomicUsize::new(0),
            per_ip: Arc::default(),
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

    /// A place for one more socket from `ip` (already reduced to what
    /// counts as one client, see `ratelimit::client_net`), or `None` when it has
    /// `max` open already (`0`: no limit).
    pub fn admit(&self, ip: IpAddr, max: usize) -> Option<SocketPermit> {
        let mut m = self.per_ip.lock().ok()?;
        let n = m.entry(ip).or_insert(0);
        if max > 0 && *n >= max {
            return None;
        }
        *n += 1;
        Some(SocketPermit {
            per_ip: self.per_ip.clone(),
            ip,
        })
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
        assert!(matches!(a.rx.try_recv(), Ok(Signal::Changed)));
        assert!(matches!(b.rx.try_recv(), Ok(Signal::Changed)));
        assert!(a.rx.try_recv().is_err());
        drop(a);
        assert_eq!(hub.rooms.lock().map(|r| r.len()).unwrap_or(0), 1);
        drop(b);
        assert_eq!(hub.rooms.lock().map(|r| r.len()).unwrap_or(9), 0);
    }

    #[test]
    fn each_address_gets_a_bounded_number_of_sockets() {
        let hub = Hub::default();
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        let first = hub.admit(a, 2);
        let second = hub.admit(a, 2);
        assert!(first.is_some() && second.is_some());
        assert!(hub.admit(a, 2).is_none(), "a third socket from one address");
        assert!(hub.admit(b, 2).is_some(), "another address is not affected");
        drop(first);
        let again = hub.admit(a, 2);
        assert!(again.is_some(), "a closed socket frees its place");
        drop((second, again));
        assert_eq!(hub.per_ip.lock().map(|m| m.len()).unwrap_or(9), 0);
        assert!((0..100).all(|_| hub.admit(a, 0).map(std::mem::forget).is_some()));
    }

    fn delivery(id: i64, prev: i64) -> Delivery {
        Delivery {
            message: VisitorMessage {
                id,
                conversation_id: 1,
                from: "visitor",
                name: None,
                text: "labdien".into(),
                client_id: None,
                at: String::new(),
                files: vec![],
            },
            prev,
        }
    }

    #[test]
    fn a_message_is_shown_as_it_is_only_right_after_the_one_before() {
        // Shown up to 10; 12 follows 10 directly.
        assert_eq!(delivery(12, 10).follows(10), Some(true));
        // The first message of a conversation.
        assert_eq!(delivery(12, 0).follows(0), Some(true));
        // The socket's cursor is past the previous message (the visitor's
        // page said it had seen more): nothing before 12 is missing.
        assert_eq!(delivery(12, 10).follows(11), Some(true));
        // Already shown (it read the database after a reconnect).
        assert_eq!(delivery(12, 10).follows(12), Some(false));
        assert_eq!(delivery(12, 10).follows(20), Some(false));
        // 11 was committed before 12 and its signal is still on the way:
        // sending 12 now would skip 11 for good.
        assert_eq!(delivery(12, 11).follows(10), None);
    }
}
