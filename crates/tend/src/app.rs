//! The application: shared state, start-up (migrations, default inbox) and
//! the HTTP server and background tasks (`crate::tasks`), with graceful
//! shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::broadcast;

use crate::attachments::AttachmentStore;
use crate::config::Config;
use crate::db::Db;
use crate::db::changes::{self, EpochCache};
use crate::tasks::{Shutdown, Supervisor, with};
use crate::time::{Clock, SystemClock};

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
    pub kind: crate::vocab::EventKind,
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
    /// Attachment files.
    pub files: AttachmentStore,
    /// Post-commit event bus.
    pub bus: broadcast::Sender<BusEvent>,
    /// Wakes the outbox sender when mail is queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// This node's search index.
    pub search: crate::search::Search,
    /// The web UI's in-memory state (sign-in limiter, presence, counts).
    pub web: Arc<crate::web::WebState>,
    /// Public channels' rate limits and the chat fan-out (this node).
    pub public: Arc<crate::channels::PublicState>,
    /// The HTTP address once bound (links in mail when `public_url` is unset).
    pub http_addr: Arc<std::sync::OnceLock<SocketAddr>>,
    /// The default inbox (created on first start, never removed): kept
    /// here so creating a conversation does not look it up every time.
    pub default_inbox: i64,
    /// Exact caches of rows read on every request; SQLite only (see
    /// `db::changes`).
    pub caches: Option<Arc<Caches>>,
    /// The key that seals stored secrets (never in the database).
    pub secrets: Arc<crate::secrets::SecretBox>,
    /// The SMTP receiver's session slots and reserved memory (this node).
    pub smtp: Arc<crate::channels::email::smtp::Receiver>,
    /// Sender authentication of inbound mail (SPF, DKIM, DMARC).
    pub mail_auth: Arc<crate::channels::email::auth::SenderAuth>,
}

/// Rows read on every request, kept while they do not change.
#[derive(Debug)]
pub struct Caches {
    /// API token hash → who it signs in (`None`: no such active token).
    pub(crate) tokens: EpochCache<String, Option<crate::agents::Viewer>>,
    /// Inbox (`None`: the default one) → whether its routing rule wants the
    /// language of new conversations.
    pub(crate) wants_language: EpochCache<Option<i64>, bool>,
    /// Email inbox address → inbox id (found ones only).
    pub(crate) inbox_by_address: EpochCache<String, i64>,
    /// Inbox id → inbox.
    pub(crate) inboxes: EpochCache<i64, crate::inboxes::model::Inbox>,
}

impl AppState {
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

    /// Prepares the data directory, connects and migrates the database, and
    /// makes sure the default inbox exists.
    pub async fn open(config: Config) -> anyhow::Result<AppState> {
        Self::open_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Like [`AppState::open`] with an injected clock.
    pub async fn open_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<AppState> {
        config.prepare_data_dir()?;
        let secrets = Arc::new(crate::secrets::SecretBox::load(&config)?);
        let db = Db::connect(
            &config.database_url,
            config.db_max_connections,
            config.db_slow_statement,
        )
        .await?;
        db.migrate().await?;
        let (bus, _) = broadcast::channel(4096);
        let public = Arc::new(crate::channels::PublicState::new(&config));
        let smtp = Arc::new(crate::channels::email::smtp::Receiver::new(
            &config.mail_limits,
        ));
        let host = config.public_host();
        let mail_auth = Arc::new(crate::channels::email::auth::SenderAuth::new(
            &config.mail_auth,
            &host,
        ));
        let mut st = AppState {
            files: AttachmentStore::new(&config.data_dir),
            search: crate::search::Search::new(&config.data_dir),
            config: Arc::new(config),
            db,
            clock,
            bus,
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            web: Arc::new(crate::web::WebState::default()),
            public,
            http_addr: Arc::default(),
            default_inbox: 0,
            caches: None,
            secrets,
            smtp,
            mail_auth,
        };
        if st.db.backend() == crate::db::Backend::Sqlite {
            st.caches = Some(Arc::new(Caches {
                tokens: EpochCache::new(&changes::API_TOKENS, 10_000),
                wants_language: EpochCache::new(&changes::ROUTING_RULES, 10_000),
                inbox_by_address: EpochCache::new(&changes::INBOXES, 10_000),
                inboxes: EpochCache::new(&changes::INBOXES, 10_000),
            }));
        }
        st.default_inbox = crate::inboxes::service::ensure_default_inbox(&st)
            .await
            .context("creating the default inbox")?;
        crate::secrets::at_start(&st).await?;
        Ok(st)
    }
}

/// A running HTTP server and its background tasks.
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// The SMTP receiver's address, when enabled.
    pub smtp_addr: Option<SocketAddr>,
    /// The metrics listener's address, when `/metrics` has its own.
    pub metrics_addr: Option<SocketAddr>,
    /// Every background task; its shutdown signal also stops the listeners.
    tasks: Supervisor,
    http: tokio::task::JoinHandle<anyhow::Result<()>>,
    metrics: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Running {
    /// Signals the shutdown to the listeners and every background task at
    /// once; the listeners stop accepting and finish in-flight requests,
    /// the tasks finish the work in progress. Returns when all have ended.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.tasks.signal();
        let metrics = match self.metrics {
            Some(task) => task.await.context("metrics server task").and_then(|r| r),
            None => Ok(()),
        };
        let served = self.http.await.context("server task").and_then(|r| r);
        self.tasks.stop().await;
        metrics?;
        served
    }
}

/// Binds the HTTP listener, starts the channels and the background tasks,
/// and serves until [`Running::stop`].
pub async fn start(st: AppState) -> anyhow::Result<Running> {
    let mut tasks = Supervisor::new();
    let smtp_addr = crate::channels::email::start(&st, &mut tasks).await?;
    let listener = tokio::net::TcpListener::bind(st.config.http_listen)
        .await
        .with_context(|| format!("binding {}", st.config.http_listen))?;
    let addr = listener.local_addr()?;
    let _ = st.http_addr.set(addr);
    let router = crate::http::router(st.clone());
    let shutdown = tasks.shutdown();
    let http = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { shutdown.stopped().await })
        .await
        .context("HTTP server")
    });
    let (metrics_addr, metrics) = match st.config.metrics_listen {
        None => (None, None),
        Some(at) => {
            let (addr, task) = serve_metrics(&st, at, tasks.shutdown()).await?;
            (Some(addr), Some(task))
        }
    };
    tasks.spawn("indexer", with(&st, crate::search::run_indexer));
    tasks.spawn("routing_sweep", with(&st, crate::routing::task::run));
    tasks.spawn("surveys", with(&st, crate::surveys::jobs::run));
    tasks.spawn(
        "attachment_sweep",
        with(&st, crate::attachments::sweep::run),
    );
    crate::channels::chat::spawn_tasks(&st, &mut tasks);
    Ok(Running {
        addr,
        smtp_addr,
        metrics_addr,
        tasks,
        http,
        metrics,
    })
}

/// `/metrics` on its own listener (`TEND_METRICS_LISTEN`), e.g. an address
/// only the monitoring network reaches.
async fn serve_metrics(
    st: &AppState,
    at: SocketAddr,
    shutdown: Shutdown,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<anyhow::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(at)
        .await
        .with_context(|| format!("binding the metrics listener {at}"))?;
    let addr = listener.local_addr()?;
    tracing::info!("metrics are served on http://{addr}/metrics");
    let router = crate::http::metrics_router(st.clone());
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move { shutdown.stopped().await })
            .await
            .context("metrics server")
    });
    Ok((addr, task))
}

/// `tend serve`: runs until SIGTERM or SIGINT, then shuts down cleanly.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let st = AppState::open(config).await?;
    // Listen before the URL is announced: a SIGTERM sent right after the log
    // line (while start-up work such as indexing competes for the CPU) must
    // still stop cleanly.
    let signalled = tokio::spawn(shutdown_signal());
    // The dummy password hash, made before the first sign-in needs it.
    tokio::spawn(crate::agents::password::warm_up());
    let running = start(st.clone()).await?;
    let url = format!("http://{}", running.addr);
    tracing::info!(url = %url, database = %crate::db::redact(&st.config.database_url), "Tend is listening on {url}");
    if !crate::agents::service::has_admin(&st).await? {
        let setup = crate::web::auth::setup_link(&st, &st.link_base()).await?;
        tracing::warn!(
            "no admin account exists yet. Open this one-time link to create the first admin (valid 24 hours): {setup}  (or: tend admin create-user --email you@example.com --name \"Your Name\" --role admin --password-stdin)"
        );
    }
    let _ = signalled.await;
    tracing::info!("shutting down: finishing in-flight requests");
    running.stop().await?;
    st.db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
