//! The email channel: the SMTP receiver, IMAP (IDLE or polling) and the inbound
//! webhook feed [`ingest`]; agent replies leave through the [`outbox`].
//! Admins see held mail and retry it through [`quarantine`].
//! Parsing, threading keys and composition live in the `tend-mail` crate.

pub mod ack;
pub mod api;
pub mod auth;
pub mod imap;
pub mod imap_after;
mod imap_size;
pub mod imap_watch;
pub mod ingest;
pub mod outbound;
pub mod outbox;
pub mod outbox_admin;
pub mod outbox_api;
mod outcome;
pub mod quarantine;
pub mod quarantine_api;
pub mod repo;
pub mod smtp;

use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::Notify;

use crate::app::AppState;

/// The email channel's background tasks.
pub struct Running {
    /// The SMTP receiver's bound address, when enabled.
    pub smtp_addr: Option<std::net::SocketAddr>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops the background tasks.
    pub fn stop(self) {
        for t in self.tasks {
            t.abort();
        }
    }
}

/// Starts the SMTP receiver (if configured), the IMAP watcher and the outbox.
pub async fn start(st: &AppState, outbox_wake: Arc<Notify>) -> anyhow::Result<Running> {
    let mut tasks = Vec::new();
    let mut smtp_addr = None;
    if let Some(addr) = st.config.smtp_listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding the SMTP receiver to {addr}"))?;
        smtp_addr = Some(listener.local_addr()?);
        let tls = match (&st.config.smtp_tls_cert, &st.config.smtp_tls_key) {
            (Some(cert), Some(key)) => Some(smtp::tls_acceptor(cert, key)?),
            _ => None,
        };
        tracing::info!(smtp = %listener.local_addr()?, starttls = tls.is_some(), "SMTP receiver listening");
        tasks.push(tokio::spawn(smtp::run(st.clone(), listener, tls)));
    }
    tasks.push(tokio::spawn(imap_watch::run(
        st.clone(),
        st.config.imap_poll_interval,
    )));
    tasks.push(tokio::spawn(outbox::run(st.clone(), outbox_wake)));
    Ok(Running { smtp_addr, tasks })
}
