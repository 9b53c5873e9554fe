//! The customer portal under `/help/portal`: a customer signs in with a
//! link mailed to an address they already have with us (no password, no
//! account to make), sees their own conversations on every channel, reads
//! and answers them with files, and confirms a solution or says it is not
//! solved (the survey loop's answers).
//!
//! - `model.rs`: the rules (lifetimes, limits, status words)
//! - `repo.rs`: the only SQL (`portal_links`, `portal_sessions`)
//! - `service.rs`: the use cases
//! - `cookie.rs`: the session cookie and the signed-in customer extractor
//! - `pages.rs`: signing in and out, the list; `conversation.rs`: one
//!   conversation's pages; `render.rs`: the askama pages
//!
//! Tend never tells whether an address is known: asking for a link
//! answers the same page, status and time for any address, because the
//! lookup and the mail happen afterwards, on this node's queue.

mod conversation;
pub mod cookie;
pub mod model;
pub mod pages;
mod render;
mod repo;
pub mod service;

use std::sync::OnceLock;

use tokio::sync::mpsc;

use crate::ratelimit::RateLimiter;
use crate::state::AppState;

pub use pages::router;

/// Requests waiting for the queue before new ones are dropped (a flood
/// cannot grow memory; a dropped request looks like any other).
const QUEUE: usize = 1024;

/// The portal's state on this node: the limits on sign-in links and the
/// queue that sends them.
#[derive(Debug)]
pub struct PortalState {
    /// Links asked for per address.
    pub per_address: RateLimiter,
    /// Links asked for per client address.
    pub per_client: RateLimiter,
    queue: OnceLock<mpsc::Sender<service::LinkRequest>>,
}

impl PortalState {
    /// Empty limits; the queue starts at its first use.
    pub fn new() -> Self {
        PortalState {
            per_address: RateLimiter::new(model::LINKS_PER_ADDRESS, model::LIMIT_WINDOW_MS),
            per_client: RateLimiter::new(model::LINKS_PER_CLIENT, model::LIMIT_WINDOW_MS),
            queue: OnceLock::new(),
        }
    }

    /// Hands a request to the queue (started on first use: one task that
    /// handles the requests in order, one at a time).
    fn enqueue(&self, st: &AppState, req: service::LinkRequest) {
        let tx = self.queue.get_or_init(|| {
            let (tx, mut rx) = mpsc::channel::<service::LinkRequest>(QUEUE);
            let st = st.clone();
            tokio::spawn(async move {
                while let Some(req) = rx.recv().await {
                    if let Err(e) = service::send_link(&st, req).await {
                        tracing::error!(error = %e, "portal: sending a sign-in link failed");
                    }
                }
            });
            tx
        });
        if tx.try_send(req).is_err() {
            tracing::warn!("portal: sign-in queue full; a request was dropped");
        }
    }
}

impl Default for PortalState {
    fn default() -> Self {
        Self::new()
    }
}

impl AppState {
    /// The portal's state on this node.
    pub fn portal(&self) -> &PortalState {
        self.slots.get()
    }
}
