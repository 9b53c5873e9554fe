//! The email channel: the SMTP receiver, IMAP (IDLE or polling) and the inbound
//! webhook feed [`ingest`]; agent replies leave through the [`outbox`].
//! Admins see held mail and retry it through [`quarantine`].
//! Parsing, threading keys and composition live in the `tend-mail` crate.

pub mod ack;
pub mod api;
pub mod auth;
pub mod hold;
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
mod repo;
mod side_mail;
pub mod smtp;
mod smtp_tls;
mod standalone;

use std::sync::Arc;

use anyhow::Context as _;

use crate::state::AppState;
use crate::tasks::Supervisor;

/// Whether the email channel ignored machine mail from `sender` (an
/// auto-reply, a bounce): for the surveys, which do not ask robots.
pub(crate) async fn ignored_machine_mail_from_in(
    c: &mut sqlx::AnyConnection,
    sender: &str,
) -> crate::Result<bool> {
    repo::ignored_machine_mail_from(c, sender).await
}

impl AppState {
    /// The SMTP receiver's session slots and reserved memory (this node).
    pub fn smtp(&self) -> &smtp::Receiver {
        self.slots.get()
    }

    /// Sender authentication of inbound mail (SPF, DKIM, DMARC).
    pub fn mail_auth(&self) -> &auth::SenderAuth {
        self.slots.get()
    }
}

/// Puts the channel's tasks under `tasks`: the SMTP receiver (if
/// configured; bound here, so its address is known on return), the IMAP
/// watcher and the outbox. Answers the SMTP receiver's address.
pub async fn start(
    st: &AppState,
    tasks: &mut Supervisor,
) -> anyhow::Result<Option<std::net::SocketAddr>> {
    let mut smtp_addr = None;
    if let Some(addr) = st.config.smtp_listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding the SMTP receiver to {addr}"))?;
        smtp_addr = Some(listener.local_addr()?);
        let tls = match (&st.config.smtp_tls_cert, &st.config.smtp_tls_key) {
            (Some(cert), Some(key)) => Some(smtp_tls::tls_acceptor(cert, key)?),
            _ => None,
        };
        tracing::info!(smtp = %listener.local_addr()?, starttls = tls.is_some(), "SMTP receiver listening");
        let listener = Arc::new(listener);
        let st = st.clone();
        tasks.spawn("smtp", move |shutdown| {
            smtp::run(st.clone(), listener.clone(), tls.clone(), shutdown)
        });
    }
    tasks.spawn("imap", crate::tasks::with(st, imap_watch::run));
    tasks.spawn("outbox", crate::tasks::with(st, outbox::run));
    Ok(smtp_addr)
}
