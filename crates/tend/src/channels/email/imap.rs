//! IMAP access: URL parsing, connecting and logging in, and the fetch pass
//! that ingests new messages by UID. The position is saved after each
//! message is committed, so a crash at any point re-reads at most one
//! message, which is then a duplicate (same Message-ID) and changes nothing.
//! [`super::imap_watch`] decides when a pass runs (IDLE or polling).
//!
//! The password never crosses the network in clear unless the URL says so:
//! `imaps://` is TLS, `imap://` must upgrade with STARTTLS, and only
//! `imap://…?tls=none` logs in without TLS. A pass learns the size of each
//! new message first and never fetches one over the limit
//! ([`super::imap_size`]).
//!
//! After a message is committed, the inbox's `imap_after` setting is applied
//! to it ([`super::imap_after`]): nothing, `\Seen`, or a move to another folder. The
//! order per message is fetch → ingest (commit) → mark/move → save the UID,
//! so nothing is ever marked or moved before it is stored.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::inboxes::imap_url::{ImapTarget, ImapTls, parse_target};
use crate::state::AppState;

use super::imap_after::{After, refused};
use super::ingest::{self, Source};
use super::repo;

/// Polls one inbox once; returns how many messages were ingested.
pub async fn poll_inbox(st: &AppState, inbox_id: i64, url: &str) -> anyhow::Result<usize> {
    let t = parse_target(url)?;
    let mut session = connect(st, &t).await?;
    let done = fetch_new(st, inbox_id, &t, &mut session).await?;
    let _ = within(COMMAND_TIMEOUT, "LOGOUT", session.logout()).await;
    Ok(done)
}

/// The byte stream under an IMAP session: plain TCP or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

/// A logged-in IMAP session over either kind of stream.
pub type ImapSession = async_imap::Session<Box<dyn Io>>;

/// How long one IMAP command (or the connection set-up) may take before the
/// connection is given up as dead.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `fut` with a deadline; a timeout is an error naming `what`.
pub async fn within<T, E>(
    d: Duration,
    what: &str,
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match tokio::time::timeout(d, fut).await {
        Ok(r) => r.with_context(|| format!("IMAP {what}")),
        Err(_) => Err(anyhow!("IMAP {what} timed out after {}s", d.as_secs())),
    }
}

/// TCP keepalive on an IMAP connection: an IDLE session is silent for up to
/// [`super::imap_watch::IDLE_MAX`], and a peer that vanished without a FIN
/// or RST (a NAT that forgot the flow, a server that lost power) would only
/// be noticed when the IDLE times out. With probes after 60 s of silence,
/// every 10 s, the kernel fails the read within about two and a half
/// minutes (Linux gives up after 9 unanswered probes) and the watcher
/// reconnects.
fn keepalive(tcp: &TcpStream) -> std::io::Result<()> {
    let ka = socket2::TcpKeepalive::new()
        .with_time(Duration::from_secs(60))
        .with_interval(Duration::from_secs(10));
    socket2::SockRef::from(tcp).set_tcp_keepalive(&ka)
}

/// Connects, reads the greeting, protects the connection as the URL says
/// (TLS, or STARTTLS, which must then be offered) and logs in. The
/// password is never sent over a connection without TLS unless the URL
/// says `tls=none`.
pub async fn connect(st: &AppState, t: &ImapTarget) -> anyhow::Result<ImapSession> {
    let tcp = tokio::time::timeout(
        Duration::from_secs(30),
        TcpStream::connect((t.host.as_str(), t.port)),
    )
    .await
    .context("connecting to the IMAP server timed out")?
    .with_context(|| format!("connecting to {}:{}", t.host, t.port))?;
    if let Err(e) = keepalive(&tcp) {
        tracing::debug!(error = %e, "IMAP: TCP keepalive not set");
    }
    let client = match t.tls {
        ImapTls::Tls => {
            let tls = handshake(st, t, tcp).await?;
            let mut client = async_imap::Client::new(Box::new(tls) as Box<dyn Io>);
            greeting(&mut client).await?;
            client
        }
        ImapTls::Plain => {
            let mut client = async_imap::Client::new(Box::new(tcp) as Box<dyn Io>);
            greeting(&mut client).await?;
            client
        }
        ImapTls::StartTls => {
            let mut client = async_imap::Client::new(tcp);
            greeting(&mut client).await?;
            if !offers_starttls(&mut client).await? {
                return Err(anyhow!(
                    "the IMAP server {}:{} does not offer STARTTLS, so Tend will not send the \
                     password in clear. Use imaps://, enable TLS on the server, or add ?tls=none \
                     to the URL to allow a clear-text login on a network you trust",
                    t.host,
                    t.port
                ));
            }
            within(
                COMMAND_TIMEOUT,
                "STARTTLS",
                client.run_command_and_check_ok("STARTTLS", None),
            )
            .await?;
            // Whatever the server sent after its OK stays behind in the
            // old stream's buffer: nothing from before the handshake is
            // read as if it came over TLS (RFC 2595 section 3.1).
            let tcp = client.into_inner();
            let tls = handshake(st, t, tcp).await?;
            // No greeting after STARTTLS.
            async_imap::Client::new(Box::new(tls) as Box<dyn Io>)
        }
    };
    match tokio::time::timeout(COMMAND_TIMEOUT, client.login(&t.user, &t.password)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err((e, _))) => Err(anyhow!("IMAP login failed: {e}")),
        Err(_) => Err(anyhow!("IMAP login timed out")),
    }
}

/// Reads the server's greeting.
async fn greeting<T: Io>(client: &mut async_imap::Client<T>) -> anyhow::Result<()> {
    match tokio::time::timeout(COMMAND_TIMEOUT, client.read_response()).await {
        Ok(Ok(Some(_))) => Ok(()),
        Ok(Ok(None)) => Err(anyhow!("the IMAP server closed the connection")),
        Ok(Err(e)) => Err(anyhow::Error::new(e).context("reading the IMAP greeting")),
        Err(_) => Err(anyhow!("the IMAP greeting timed out")),
    }
}

/// Asks for the capabilities before logging in: whether STARTTLS is among
/// them.
async fn offers_starttls<T: Io>(client: &mut async_imap::Client<T>) -> anyhow::Result<bool> {
    use async_imap::imap_proto::{Capability, Response};
    let (tx, rx) = async_channel::unbounded();
    within(
        COMMAND_TIMEOUT,
        "CAPABILITY",
        client.run_command_and_check_ok("CAPABILITY", Some(tx)),
    )
    .await?;
    let mut starttls = false;
    while let Ok(r) = rx.try_recv() {
        if let async_imap::types::UnsolicitedResponse::Other(data) = r
            && let Response::Capabilities(caps) = data.parsed()
        {
            starttls |= caps
                .iter()
                .any(|c| matches!(c, Capability::Atom(a) if a.eq_ignore_ascii_case("STARTTLS")));
        }
    }
    Ok(starttls)
}

/// The TLS handshake, verifying the server's certificate and name.
async fn handshake(
    st: &AppState,
    t: &ImapTarget,
    tcp: TcpStream,
) -> anyhow::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let connector = tls_connector(st.config.mail_tls_ca_file.as_deref())?;
    let name =
        rustls::pki_types::ServerName::try_from(t.host.clone()).context("bad IMAP host name")?;
    tokio::time::timeout(COMMAND_TIMEOUT, connector.connect(name, tcp))
        .await
        .context("the TLS handshake with the IMAP server timed out")?
        .context("TLS handshake with the IMAP server")
}

/// A TLS client trusting the public roots, plus those in `ca_file`
/// (`TEND_MAIL_TLS_CA_FILE`, for a server with a private CA).
fn tls_connector(ca_file: Option<&std::path::Path>) -> anyhow::Result<tokio_rustls::TlsConnector> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        for cert in CertificateDer::pem_file_iter(path)
            .with_context(|| format!("reading {}", path.display()))?
        {
            let cert = cert.with_context(|| format!("parsing {}", path.display()))?;
            roots
                .add(cert)
                .with_context(|| format!("a certificate in {} is not usable", path.display()))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS versions")?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// One fetch pass on a logged-in session: (re)selects the mailbox, then
/// ingests every message past the saved UID in UID order, saving the
/// position after each message's commit. Returns how many were ingested.
///
/// Selecting on every pass re-reads UIDVALIDITY, so a renumbered mailbox is
/// noticed by a long-lived (IDLE) session too. No transaction is held
/// between commands: each ingest and each position save is its own write.
pub async fn fetch_new(
    st: &AppState,
    inbox_id: i64,
    t: &ImapTarget,
    session: &mut ImapSession,
) -> anyhow::Result<usize> {
    let mailbox = within(
        COMMAND_TIMEOUT,
        &format!("SELECT {}", t.mailbox),
        // The URL names the mailbox in UTF-8; IMAP4rev1 wants modified
        // UTF-7 on the wire (`サポート` is `&MLUw3TD8MMg-`).
        session.select(super::imap_after::mutf7(&t.mailbox)),
    )
    .await?;
    if mailbox.exists == 0 {
        // Nothing to read (a mailbox that Tend empties by moving reaches
        // this state often); `UID n:*` on it is not worth a round trip.
        return Ok(0);
    }
    let uidvalidity = i64::from(mailbox.uid_validity.unwrap_or(0));
    let saved = {
        let mut c = st.db.pool().acquire().await?;
        repo::imap_state(&mut c, inbox_id).await?
    };
    // A new UIDVALIDITY means the UIDs were renumbered: read everything
    // again; duplicates are recognised by Message-ID.
    let last_uid = match saved {
        Some((v, last)) if v == uidvalidity => last,
        _ => 0,
    };
    let mut uids: Vec<u32> = within(
        COMMAND_TIMEOUT,
        "UID SEARCH",
        session.uid_search(format!("UID {}:*", last_uid + 1)),
    )
    .await?
    .into_iter()
    .filter(|u| i64::from(*u) > last_uid)
    .collect();
    uids.sort_unstable();
    if uids.is_empty() {
        return Ok(0);
    }
    let mut after = After::for_inbox(st, inbox_id, t, session).await?;
    // Sizes first: a message over the limit is never fetched whole.
    let sizes = super::imap_size::sizes(session, last_uid).await?;
    let limit = st.config.max_attachment_bytes as u64;
    let mut done = 0;
    for uid in uids {
        let reported = sizes.get(&uid).copied();
        let mut raw = match reported.filter(|s| *s > limit) {
            Some(_) => None,
            None => super::imap_size::fetch_at_most(session, uid, limit + 1).await?,
        };
        // Over the limit by the size the server reported, or (when it
        // reported none, or too little) by what a fetch bounded to one byte
        // more than the limit brought.
        let too_large = match (&raw, reported) {
            (Some(r), _) if r.len() as u64 > limit => Some((r.len() as u64, false)),
            (None, Some(s)) if s > limit => Some((s, true)),
            _ => None,
        };
        if let Some((size, exact)) = too_large {
            raw = None;
            super::imap_size::record_too_large(st, session, inbox_id, uid, size, exact).await?;
            done += 1;
        }
        // A failed ingest returns here: the message is left as it is and
        // read again on the next pass.
        if let Some(raw) = &raw {
            ingest::ingest(st, inbox_id, raw, Source::Imap).await?;
            done += 1;
        }
        let mut broken = None;
        // A message too large to fetch is not in Tend: it stays where it is,
        // unmarked, for a person to deal with in the mailbox.
        if raw.is_some() {
            // Committed (whatever the outcome: a conversation, a duplicate,
            // ignored or quarantined), so it may now be marked or moved.
            if let Err(e) = after.apply(session, uid).await {
                tracing::warn!(
                    inbox = inbox_id,
                    uid,
                    error = format!("{e:#}"),
                    "IMAP: the message is stored, but marking or moving it failed"
                );
                // A refusal (NO/BAD) concerns this message only; anything
                // else (a timeout, a dropped connection) leaves the session
                // unusable, so the pass ends once the position is saved.
                if !refused(&e) {
                    broken = Some(e);
                }
            }
        }
        let now = st.clock.now_ms();
        let uid = i64::from(uid);
        st.db
            .write(move |c| {
                Box::pin(
                    async move { repo::save_imap_state(c, inbox_id, uidvalidity, uid, now).await },
                )
            })
            .await?;
        if let Some(e) = broken {
            return Err(e);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn imap_connections_probe_a_silent_peer() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tcp = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let sock = socket2::SockRef::from(&tcp);
        assert!(!sock.keepalive().unwrap());
        keepalive(&tcp).unwrap();
        assert!(sock.keepalive().unwrap());
        assert_eq!(sock.tcp_keepalive_time().unwrap(), Duration::from_secs(60));
        assert_eq!(
            sock.tcp_keepalive_interval().unwrap(),
            Duration::from_secs(10)
        );
    }
}
