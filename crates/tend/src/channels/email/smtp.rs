//! The inbound SMTP receiver: accepts mail for configured inbox addresses
//! only (others get 550), refuses oversize mail with 552, offers STARTTLS
//! when a certificate is configured, and answers 250 only after the
//! message is committed.
//!
//! Resources: sessions are capped overall and per client address (over the
//! cap the client gets `421` and is disconnected); a client may stay silent
//! for `smtp_idle_seconds` between commands but only `smtp_data_idle_seconds`
//! while it sends a message; and the memory for a message grows with what
//! has arrived, never from the `SIZE` the client declared alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, RequestReceiver};
use smtp_proto::{Error as ProtoError, Request};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::config::MailLimits;
use crate::connlimit::{ConnLimits, Refusal};
use crate::state::AppState;
use crate::tasks::Shutdown;

use super::ingest::{self, Source};

/// Recipients per transaction.
const MAX_RCPT: usize = 100;
/// How long a reply or the TLS handshake may take before the client is
/// given up (it stopped reading, or never finished the handshake).
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// The receiver's state on this node: session slots, timeouts, and the
/// bytes reserved for messages being received (a gauge, and what the
/// memory bound is tested against).
#[derive(Debug)]
pub struct Receiver {
    slots: Arc<ConnLimits>,
    reserved: AtomicUsize,
    idle: Duration,
    data_idle: Duration,
}

impl Receiver {
    /// A receiver with the configured limits.
    pub fn new(limits: &MailLimits) -> Receiver {
        Receiver {
            slots: ConnLimits::new(limits.smtp_max_sessions, limits.smtp_max_sessions_per_ip),
            reserved: AtomicUsize::new(0),
            idle: limits.smtp_idle,
            data_idle: limits.smtp_data_idle,
        }
    }

    /// Bytes reserved now for messages being received, all sessions together.
    pub fn reserved_bytes(&self) -> usize {
        self.reserved.load(Ordering::Relaxed)
    }

    /// Sessions open now.
    pub fn sessions(&self) -> usize {
        self.slots.open()
    }

    /// Sets the receiver's gauges (called when `/metrics` is read).
    pub fn publish_metrics(&self) {
        metrics::gauge!("tend_smtp_sessions").set(self.sessions() as f64);
        metrics::gauge!("tend_smtp_reserved_bytes").set(self.reserved_bytes() as f64);
    }
}

/// The buffer a message is received into, counted in [`Receiver`]'s
/// reserved bytes for as long as it lives.
struct MessageBuf<'a> {
    receiver: &'a Receiver,
    bytes: Vec<u8>,
}

impl<'a> MessageBuf<'a> {
    fn new(receiver: &'a Receiver) -> Self {
        MessageBuf {
            receiver,
            bytes: Vec::new(),
        }
    }

    /// Makes room for `incoming` more bytes. Growth doubles (amortised
    /// copies), and stops at the declared size while the message fits in
    /// it, so an honest `SIZE` still means few reallocations; but nothing
    /// is reserved for bytes that have not arrived.
    fn grow(&mut self, incoming: usize, declared: usize) {
        let need = self.bytes.len() + incoming;
        let had = self.bytes.capacity();
        if need <= had {
            return;
        }
        let mut want = need.max(had.saturating_mul(2));
        if declared >= need {
            want = want.min(declared);
        }
        self.bytes.reserve_exact(want - self.bytes.len());
        self.account(had);
    }

    /// The received message; the buffer starts empty again.
    fn take(&mut self) -> Vec<u8> {
        let had = self.bytes.capacity();
        let out = std::mem::take(&mut self.bytes);
        self.account(had);
        out
    }

    fn account(&self, had: usize) {
        let now = self.bytes.capacity();
        if now > had {
            self.receiver
                .reserved
                .fetch_add(now - had, Ordering::Relaxed);
        } else if had > now {
            self.receiver
                .reserved
                .fetch_sub(had - now, Ordering::Relaxed);
        }
    }
}

impl Drop for MessageBuf<'_> {
    fn drop(&mut self) {
        self.receiver
            .reserved
            .fetch_sub(self.bytes.capacity(), Ordering::Relaxed);
    }
}

/// A client connection, upgraded in place by STARTTLS.
enum Conn {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Gone,
}

impl Conn {
    async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf).await,
            Conn::Tls(s) => s.read(buf).await,
            Conn::Gone => Ok(0),
        }
    }

    /// Writes a reply; a client that stops reading (so the write never
    /// finishes) loses its session after [`WRITE_TIMEOUT`].
    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let write = async {
            match self {
                Conn::Plain(s) => write_all(s, bytes).await,
                Conn::Tls(s) => write_all(s.as_mut(), bytes).await,
                Conn::Gone => Ok(()),
            }
        };
        tokio::time::timeout(WRITE_TIMEOUT, write)
            .await
            .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
    }
}

async fn write_all<S: AsyncWrite + AsyncRead + Unpin>(
    s: &mut S,
    bytes: &[u8],
) -> std::io::Result<()> {
    s.write_all(bytes).await?;
    s.flush().await
}

/// Serves SMTP on `listener` until the shutdown (a task of `crate::tasks`):
/// then it stops accepting, and each open session ends at its next command
/// boundary with `421` (a message being received is received and answered
/// first); it returns once every session has ended.
pub async fn run(
    st: AppState,
    listener: Arc<TcpListener>,
    tls: Option<TlsAcceptor>,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let tls = tls.map(Arc::new);
    let mut sessions = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            Some(_) = sessions.join_next(), if !sessions.is_empty() => continue,
            _ = shutdown.stopped() => break,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "SMTP accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let st = st.clone();
        let tls = tls.clone();
        let shutdown = shutdown.clone();
        sessions.spawn(async move {
            let slot = match st.smtp().slots.enter(peer.ip()) {
                Ok(slot) => slot,
                Err(why) => {
                    refuse(stream, why).await;
                    tracing::info!(peer = %peer, reason = ?why, "SMTP session refused: too many sessions");
                    metrics::counter!("tend_smtp_sessions_refused_total").increment(1);
                    return;
                }
            };
            if let Err(e) = session(&st, stream, tls, &shutdown).await {
                tracing::debug!(peer = %peer, error = %e, "SMTP session ended");
            }
            drop(slot);
        });
    }
    while sessions.join_next().await.is_some() {}
    Ok(())
}

/// Answers `421` to a session over the cap and closes it, without waiting
/// long on a client that does not read.
async fn refuse(mut stream: TcpStream, why: Refusal) {
    let line: &[u8] = match why {
        Refusal::Full => b"421 4.3.2 too many connections, try again later\r\n",
        Refusal::TooManyFromAddress => {
            b"421 4.7.0 too many connections from your address, try again later\r\n"
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let _ = stream.write_all(line).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// One SMTP transaction's envelope.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    inbox_id: Option<i64>,
    rcpts: usize,
    /// The size the client declared (`MAIL FROM … SIZE=n`), 0 if none.
    size: usize,
}

async fn session(
    st: &AppState,
    stream: TcpStream,
    tls: Option<Arc<TlsAcceptor>>,
    shutdown: &Shutdown,
) -> anyhow::Result<()> {
    let _ = stream.set_nodelay(true);
    // For SPF: the client's address and the name it greeted with.
    let peer_ip = stream.peer_addr().ok().map(|a| a.ip());
    let mut helo = String::new();
    let limit = st.config.max_attachment_bytes;
    let mut conn = Conn::Plain(stream);
    conn.write(b"220 tend ESMTP ready\r\n").await?;
    let mut requests = RequestReceiver::default();
    let mut env = Envelope::default();
    let mut buf = vec![0u8; 64 * 1024];
    let mut data: Option<DataReceiver> = None;
    let mut drain: Option<DummyDataReceiver> = None;
    let mut message = MessageBuf::new(st.smtp());
    let mut is_tls = false;

    loop {
        // A message in progress must keep arriving; between commands a
        // client may think longer.
        let receiving = data.is_some() || drain.is_some();
        let wait = if receiving {
            st.smtp().data_idle
        } else {
            st.smtp().idle
        };
        let read = tokio::select! {
            r = tokio::time::timeout(wait, conn.read(&mut buf)) => r,
            // Between commands (the client waits for nothing from us), so
            // the session may end here.
            _ = shutdown.stopped(), if !receiving => {
                conn.write(b"421 4.3.2 shutting down, try again later\r\n").await?;
                return Ok(());
            }
        };
        let n = match read {
            Ok(r) => r?,
            Err(_) => {
                conn.write(b"421 4.4.2 idle too long, closing\r\n").await?;
                return Ok(());
            }
        };
        if n == 0 {
            return Ok(());
        }
        let mut bytes = buf[..n].iter();
        loop {
            if let Some(d) = drain.as_mut() {
                if d.ingest(&mut bytes) {
                    drain = None;
                    env = Envelope::default();
                    conn.write(
                        format!("552 5.3.4 message exceeds the size limit of {limit} bytes\r\n")
                            .as_bytes(),
                    )
                    .await?;
                    continue;
                }
                break;
            }
            if let Some(d) = data.as_mut() {
                message.grow(bytes.len(), env.size.min(limit));
                let done = d.ingest(&mut bytes, &mut message.bytes);
                if message.bytes.len() > limit {
                    drain = Some(DummyDataReceiver::new_data(d));
                    data = None;
                    drop(message.take());
                    continue;
                }
                if !done {
                    break;
                }
                data = None;
                let raw = message.take();
                let client = peer_ip.map(|ip| super::auth::SmtpClient {
                    ip,
                    helo: helo.clone(),
                    mail_from: env.from.clone().unwrap_or_default(),
                });
                let reply = match env.inbox_id {
                    Some(inbox) => {
                        match ingest::ingest_from(st, inbox, &raw, Source::Smtp, client.as_ref())
                            .await
                        {
                            Ok(o) => format!(
                                "250 2.0.0 {} {}\r\n",
                                o.outcome.as_str(),
                                o.conversation_id
                                    .map(|c| format!("conversation {c}"))
                                    .unwrap_or_default()
                            ),
                            Err(e) => {
                                tracing::error!(error = %e, "storing SMTP message failed");
                                "451 4.3.0 could not store the message, try again later\r\n"
                                    .to_string()
                            }
                        }
                    }
                    None => "503 5.5.1 no valid recipients\r\n".to_string(),
                };
                env = Envelope::default();
                conn.write(reply.as_bytes()).await?;
                continue;
            }
            let request = match requests.ingest(&mut bytes) {
                Ok(r) => r,
                Err(ProtoError::NeedsMoreData { .. }) => break,
                Err(ProtoError::UnknownCommand) => {
                    conn.write(b"500 5.5.1 command not recognized\r\n").await?;
                    continue;
                }
                Err(ProtoError::ResponseTooLong) => {
                    conn.write(b"500 5.5.2 line too long\r\n").await?;
                    continue;
                }
                Err(_) => {
                    conn.write(b"501 5.5.4 syntax error in parameters\r\n")
                        .await?;
                    continue;
                }
            };
            match request {
                Request::Ehlo { host } => {
                    helo = host.to_string();
                    env = Envelope::default();
                    let mut r = format!(
                        "250-tend\r\n250-SIZE {limit}\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-SMTPUTF8\r\n"
                    );
                    if tls.is_some() && !is_tls {
                        r.push_str("250-STARTTLS\r\n");
                    }
                    r.push_str("250 ENHANCEDSTATUSCODES\r\n");
                    conn.write(r.as_bytes()).await?;
                }
                Request::Helo { host } | Request::Lhlo { host } => {
                    helo = host.to_string();
                    env = Envelope::default();
                    conn.write(b"250 tend\r\n").await?;
                }
                Request::Mail { from } => {
                    env = Envelope::default();
                    if from.size > limit {
                        conn.write(
                            format!(
                                "552 5.3.4 message exceeds the size limit of {limit} bytes\r\n"
                            )
                            .as_bytes(),
                        )
                        .await?;
                    } else {
                        env.from = Some(from.address.to_string());
                        env.size = from.size;
                        conn.write(b"250 2.1.0 OK\r\n").await?;
                    }
                }
                Request::Rcpt { to } => {
                    if env.from.is_none() {
                        conn.write(b"503 5.5.1 MAIL first\r\n").await?;
                    } else if env.rcpts >= MAX_RCPT {
                        conn.write(b"452 4.5.3 too many recipients\r\n").await?;
                    } else {
                        // Looked up on every RCPT so inboxes added while we run count at once.
                        match crate::inboxes::service::email_inbox_by_address(st, &to.address).await
                        {
                            Ok(Some(id)) => {
                                env.inbox_id.get_or_insert(id);
                                env.rcpts += 1;
                                conn.write(b"250 2.1.5 OK\r\n").await?;
                            }
                            Ok(None) => {
                                conn.write(b"550 5.1.1 no such mailbox here\r\n").await?;
                            }
                            Err(e) => {
                                tracing::error!(error = %e, "inbox lookup failed");
                                conn.write(b"451 4.3.0 temporary failure, try again later\r\n")
                                    .await?;
                            }
                        }
                    }
                }
                Request::Data => {
                    if env.inbox_id.is_none() {
                        conn.write(b"503 5.5.1 no valid recipients\r\n").await?;
                    } else {
                        data = Some(DataReceiver::new());
                        // Nothing is reserved yet: the buffer grows as the
                        // message arrives (see `MessageBuf::grow`).
                        drop(message.take());
                        conn.write(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                            .await?;
                    }
                }
                Request::Bdat { .. } => {
                    conn.write(b"502 5.5.1 BDAT not supported\r\n").await?;
                }
                Request::Rset => {
                    env = Envelope::default();
                    conn.write(b"250 2.0.0 OK\r\n").await?;
                }
                Request::Noop { .. } => conn.write(b"250 2.0.0 OK\r\n").await?,
                Request::Vrfy { .. } => conn.write(b"252 2.5.2 cannot verify\r\n").await?,
                Request::Quit => {
                    conn.write(b"221 2.0.0 bye\r\n").await?;
                    return Ok(());
                }
                Request::StartTls => match (&tls, is_tls) {
                    (Some(acceptor), false) => {
                        conn.write(b"220 2.0.0 ready to start TLS\r\n").await?;
                        let Conn::Plain(tcp) = std::mem::replace(&mut conn, Conn::Gone) else {
                            return Ok(());
                        };
                        let tls = tokio::time::timeout(WRITE_TIMEOUT, acceptor.accept(tcp))
                            .await
                            .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
                        conn = Conn::Tls(Box::new(tls));
                        is_tls = true;
                        requests = RequestReceiver::default();
                        env = Envelope::default();
                        break;
                    }
                    _ => conn.write(b"454 4.7.0 TLS not available\r\n").await?,
                },
                _ => conn.write(b"502 5.5.1 command not implemented\r\n").await?,
            }
        }
    }
}
