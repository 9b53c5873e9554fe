//! Storage: one [`Db`] handle over SQLite (default) or PostgreSQL, through
//! sqlx's `Any` driver so that each query is written once.
//!
//! Portability rules the schema follows: integers are 64-bit (`INTEGER` /
//! `BIGINT`), flags are 0/1 integers, timestamps are milliseconds since the
//! epoch, JSON is stored as text. Placeholders are `$1…$N` on both backends.
//!
//! Reads use a pool. Writes go through [`Db::write`], which runs a closure in
//! a transaction: on SQLite a single writer task batches concurrent writes
//! into one durable commit (group commit); on PostgreSQL each write is its
//! own transaction.

pub mod changes;
mod sql;
mod writer;

use std::str::FromStr as _;
use std::time::Duration;

use anyhow::Context as _;
use futures_util::future::BoxFuture;
use sqlx::AnyConnection;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions as _, Executor};

pub use sql::{Arg, Queue, Sql, claim, like_pattern};
pub use writer::WriteFn;

use crate::Result;

/// Which database engine is behind the handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (single node).
    Sqlite,
    /// PostgreSQL (one or more nodes).
    Postgres,
}

/// The database handle shared by all services.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    read: AnyPool,
    writer: writer::Writer,
}

/// `wal_autocheckpoint = 4000`: the writer copies the WAL back into the
/// database file once it holds 4,000 pages (16 MB), not SQLite's default
/// 1,000. Mail brings tens of kilobytes per message (raw bytes, text), and
/// each checkpoint costs two `fsync`s on the writer's path. (Checkpoints
/// beside the writer were tried: under a steady write load they never
/// caught up with the end of the WAL, so it was never restarted and grew
/// without bound.)
static SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
     PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 4000;";

/// After this long without work, SQLite's memory goes back to the system:
/// a read connection idle this long is closed with its page cache, and the
/// writer shrinks its cache. After a burst of work (an ingest, a report, a
/// rebuild, a crowd of agents) the process shrinks back within seconds;
/// the pages stay in the system's file cache, so the next read is cheap.
pub(crate) const IDLE: Duration = Duration::from_secs(15);

/// How SQLite's page caches share `db_cache_mb` (in KiB per connection):
/// half for the writer's connection (the indexes every write updates),
/// the other half split among the `readers` (the operating system's file
/// cache is behind them all). At least 2 MiB each.
pub fn sqlite_cache_kib(budget_bytes: usize, readers: u32) -> (i64, i64) {
    let kib = i64::try_from(budget_bytes / 1024).unwrap_or(i64::MAX);
    let writer = (kib / 2).max(2048);
    let reader = (kib / 2 / i64::from(readers.max(1))).max(2048);
    (writer, reader)
}

/// How long a request waits for a PostgreSQL connection.
pub const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). Statements that
    /// take `slow` or longer are logged at WARN (target `sqlx::query`,
    /// without their values); `None`: never.
    /// On SQLite, the connections' page caches share `cache_bytes`
    /// ([`sqlite_cache_kib`]).
    pub async fn connect(
        url: &str,
        max_connections: u32,
        slow: Option<Duration>,
        cache_bytes: usize,
    ) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let connect = AnyConnectOptions::from_str(url)
            .with_context(|| format!("reading the database URL {}", redact(url)))?
            // Each statement at DEBUG is sqlx's default; kept.
            .log_statements(log::LevelFilter::Debug);
        let connect = match slow {
            Some(after) => connect.log_slow_statements(log::LevelFilter::Warn, after),
            None => connect.log_slow_statements(log::LevelFilter::Off, Duration::MAX),
        };
        if url.starts_with("sqlite:") {
            let readers = max_connections.clamp(2, 8);
            let (writer_kib, reader_kib) = sqlite_cache_kib(cache_bytes, readers);
            let opts = |cache_kib: i64| {
                AnyPoolOptions::new()
                    .after_connect(move |conn, _meta| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            conn.execute(sqlx::AssertSqlSafe(format!(
                                "PRAGMA cache_size = -{cache_kib}"
                            )))
                            .await?;
                            Ok(())
                        })
                    })
                    .acquire_timeout(Duration::from_secs(30))
                    // A local file cannot "hang up": the ping sqlx sends
                    // before handing out a pooled connection would only
                    // cost every read (and every write batch) one more
                    // round trip to the connection's worker thread.
                    .test_before_acquire(false)
            };
            // One connection writes; the writer thread owns it.
            let writer = writer::Writer::sqlite(
                opts(writer_kib)
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None),
                connect.clone(),
            )
            .await
            .with_context(|| format!("opening SQLite database {url}"))?;
            let read = opts(reader_kib)
                .max_connections(readers)
                .idle_timeout(IDLE)
                .connect_with(connect)
                .await
                .with_context(|| format!("opening SQLite database {url}"))?;
            Ok(Db {
                backend: Backend::Sqlite,
                read,
                writer,
            })
        } else {
            let pool = AnyPoolOptions::new()
                .max_connections(max_connections)
                // Fail fast while PostgreSQL is away (503 with
                // Retry-After, not a request that hangs); sqlx's reconnect
                // backoff is capped at a fifth of it (400 ms), so the
                // first request after it returns finds it within that.
                .acquire_timeout(PG_ACQUIRE_TIMEOUT)
                .connect_with(connect)
                .await
                .with_context(|| format!("connecting to PostgreSQL at {}", redact(url)))?;
            Ok(Db {
                backend: Backend::Postgres,
                read: pool.clone(),
                writer: writer::Writer::direct(pool),
            })
        }
    }

    /// Applies pending migrations for this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let pool = self.writer.pool();
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(pool).await,
        }
        .context("applying database migrations")
    }

    /// The backend kind.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.read
    }

    /// Runs `f` inside a write transaction and returns its value once the
    /// transaction is durably committed. If `f` fails, none of its writes
    /// are kept.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.writer.write(f).await
    }

    /// Answers whether the database responds within a second and a half
    /// (for `/readyz`, which must say 503 within 2 s of losing it).
    pub async fn ping(&self) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.read);
        matches!(
            tokio::time::timeout(Duration::from_millis(1500), ping).await,
            Ok(Ok(_))
        )
    }

    /// Pool gauges for `/metrics`: (size, idle).
    pub fn pool_state(&self) -> (u32, usize) {
        (self.read.size(), self.read.num_idle())
    }

    /// SQLite: copies the WAL into the database file and empties it, so
    /// no earlier image of a page (one that held a plaintext secret before
    /// it was sealed) stays behind in the WAL file. A no-op on PostgreSQL.
    pub async fn truncate_wal(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.read)
                .await?;
        }
        Ok(())
    }

    /// Closes all connections (on shutdown).
    pub async fn close(&self) {
        self.writer.close().await;
        self.read.close().await;
    }
}

/// Whether a connection talks to PostgreSQL (for the few dialect differences:
/// row locks, savepoint recovery).
pub fn is_postgres(c: &AnyConnection) -> bool {
    c.backend_name() == "PostgreSQL"
}

/// SQLite: while `on`, what the connection deletes or overwrites is zeroed
/// in the file (`secure_delete`), for the statements that replace a
/// plaintext secret by its sealed form. A no-op on PostgreSQL.
pub async fn zero_replaced_bytes(c: &mut AnyConnection, on: bool) -> Result<()> {
    if !is_postgres(c) {
        sqlx::query(if on {
            "PRAGMA secure_delete = ON"
        } else {
            "PRAGMA secure_delete = OFF"
        })
        .execute(c)
        .await?;
    }
    Ok(())
}

/// Runs `f` under a savepoint: if it fails, its writes are undone and the
/// transaction stays usable (PostgreSQL refuses every statement after an
/// error otherwise).
pub async fn savepoint<T>(
    c: &mut AnyConnection,
    f: impl for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>>,
) -> Result<T> {
    c.execute("SAVEPOINT inner_step").await?;
    match f(&mut *c).await {
        Ok(v) => {
            c.execute("RELEASE SAVEPOINT inner_step").await?;
            Ok(v)
        }
        Err(e) => {
            c.execute("ROLLBACK TO SAVEPOINT inner_step").await?;
            c.execute("RELEASE SAVEPOINT inner_step").await?;
            Err(e)
        }
    }
}

/// Hides the password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation()
                || d.code().as_deref() == Some("2067")
                || d.code().as_deref() == Some("1555")
                || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_cache_kib;

    #[test]
    fn the_cache_budget_is_half_the_writers_and_half_shared_by_the_readers() {
        assert_eq!(sqlite_cache_kib(64 * 1024 * 1024, 8), (32 * 1024, 4 * 1024));
        // Never below 2 MiB a connection.
        assert_eq!(sqlite_cache_kib(8 * 1024 * 1024, 8), (4 * 1024, 2048));
        assert_eq!(
            sqlite_cache_kib(64 * 1024 * 1024, 0),
            (32 * 1024, 32 * 1024)
        );
    }
}
