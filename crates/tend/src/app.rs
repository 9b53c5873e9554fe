//! The composition root: opens the state (`crate::state`) with every
//! domain's part of it, migrates, and runs the HTTP server and the
//! background tasks (`crate::tasks`) with graceful shutdown. Only `cli.rs`
//! and the tests use this module.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::state::{AppState, Slots};
use crate::tasks::{Shutdown, Supervisor, with};
use crate::time::{Clock, SystemClock};
use anyhow::Context as _;

/// Prepares the data directory, connects and migrates the database, puts
/// every domain's state in place, and makes sure the default inbox exists.
pub async fn open(config: Config) -> anyhow::Result<AppState> {
    open_with_clock(config, Arc::new(SystemClock)).await
}

/// Like [`open`] with an injected clock.
pub async fn open_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    config.prepare_data_dir()?;
    let secrets = crate::secrets::SecretBox::load(&config)?;
    let db = Db::connect(
        &config.database_url,
        config.db_max_connections,
        config.db_slow_statement,
        config.db_cache_bytes,
    )
    .await?;
    db.migrate().await?;
    // Exact caches of rows read on every request: SQLite only (see
    // `db::changes`).
    let cached = db.backend() == crate::db::Backend::Sqlite;
    let mut slots = Slots::default();
    slots.put(secrets);
    slots.put(crate::attachments::AttachmentStore::new(&config.data_dir));
    slots.put(crate::search::Search::new(&config.data_dir));
    slots.put(crate::web::WebState::default());
    slots.put(crate::channels::PublicState::new(&config));
    slots.put(crate::channels::email::smtp::Receiver::new(
        &config.mail_limits,
    ));
    slots.put(crate::channels::email::auth::SenderAuth::new(
        &config.mail_auth,
        &config.public_host(),
    ));
    slots.put(crate::agents::TokenCache::new(cached));
    slots.put(crate::inboxes::InboxCacheSlot::new(cached));
    slots.put(crate::channels::carriers());
    slots.put(crate::webhooks::WebhookState::new());
    slots.put(crate::channels::api::ChannelApiState::default());
    slots.put(crate::channels::telegram::TelegramState::default());
    slots.put(crate::kb::KbState::new());
    slots.put(crate::portal::PortalState::new());
    slots.put(crate::notifications::NotificationState::default());
    slots.put(crate::channels::phone::PhoneState::default());
    let mut st = AppState::new(db, config, clock);
    st.slots = Arc::new(slots);
    st.default_inbox = crate::inboxes::service::ensure_default_inbox(&st)
        .await
        .context("creating the default inbox")?;
    crate::secrets::at_start(&st).await?;
    Ok(st)
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
    /// The state served, whose live streams end at the shutdown.
    st: AppState,
    http: tokio::task::JoinHandle<anyhow::Result<()>>,
    metrics: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Running {
    /// Signals the shutdown to the listeners and every background task at
    /// once; the listeners stop accepting and finish in-flight requests,
    /// the tasks finish the work in progress. Returns when all have ended.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.tasks.signal();
        self.st.web().hub.close_streams();
        let metrics = match self.metrics {
            Some(task) => finish_requests(task).await,
            None => Ok(()),
        };
        let served = finish_requests(self.http).await;
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
    if st.db.backend() == crate::db::Backend::Postgres {
        tasks.spawn("bus", with(&st, crate::bus::follow));
    }
    tasks.spawn("indexer", with(&st, crate::search::run_indexer));
    tasks.spawn("routing_sweep", with(&st, crate::routing::task::run));
    tasks.spawn("surveys", with(&st, crate::surveys::jobs::run));
    tasks.spawn("sla_timer", with(&st, crate::sla::timer::run));
    tasks.spawn("unanswered", with(&st, crate::sla::monitor::run));
    tasks.spawn("automation_timer", with(&st, crate::automation::timer::run));
    tasks.spawn(
        "automation_replies",
        with(&st, crate::automation::replies::run),
    );
    tasks.spawn(
        "webhook_follower",
        with(&st, crate::webhooks::delivery::follow),
    );
    tasks.spawn("webhook_sender", with(&st, crate::webhooks::delivery::send));
    tasks.spawn(
        "channel_sender",
        with(&st, crate::channels::api::outbound::run),
    );
    tasks.spawn(
        "telegram_poller",
        with(&st, crate::channels::telegram::poll::run),
    );
    tasks.spawn("reports", with(&st, crate::reports::projection::run));
    tasks.spawn("health", with(&st, crate::health::task::run));
    tasks.spawn("health_follower", with(&st, crate::health::follower::run));
    tasks.spawn("snooze", with(&st, crate::conversations::snooze::run));
    tasks.spawn(
        "notifications",
        with(&st, crate::notifications::follower::run),
    );
    tasks.spawn(
        "attachment_sweep",
        with(&st, crate::attachments::sweep::run),
    );
    crate::channels::chat::spawn_tasks(&st, &mut tasks);
    // The help centre's catalogue, built before its first visitor waits
    // for it (seconds at tens of thousands of translations).
    tokio::spawn(crate::kb::public::warm(st.clone()));
    Ok(Running {
        st,
        addr,
        smtp_addr,
        metrics_addr,
        tasks,
        http,
        metrics,
    })
}

/// How long a shutdown waits for the HTTP connections still open. Requests
/// in flight finish within it; the live streams of open pages end at once
/// ([`crate::web::live::Hub::close_streams`]). A request still running
/// when it ends (a client that stalls its upload) is dropped, so that no
/// connection keeps `tend serve` from stopping.
pub const HTTP_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Waits for the HTTP server to finish after the shutdown signal, at most
/// [`HTTP_GRACE`]; then drops the connections left.
async fn finish_requests(
    mut http: tokio::task::JoinHandle<anyhow::Result<()>>,
) -> anyhow::Result<()> {
    match tokio::time::timeout(HTTP_GRACE, &mut http).await {
        Ok(joined) => joined.context("server task").and_then(|r| r),
        Err(_) => {
            tracing::warn!(
                grace_s = HTTP_GRACE.as_secs(),
                "HTTP connections still open after the grace period; closing them"
            );
            http.abort();
            Ok(())
        }
    }
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
    let st = open(config).await?;
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
    // A connection still held by a request dropped at the end of the grace
    // would keep the pool from closing: the process exits regardless (the
    // database recovers what was not checkpointed, as after a crash).
    if tokio::time::timeout(HTTP_GRACE, st.db.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still in use at exit; not waiting for them");
    }
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
