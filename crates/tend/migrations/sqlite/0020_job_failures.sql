-- Items a background job could not do (SQLite). Keep in step with
-- postgres/0020_job_failures.sql.
--
-- One row per job and item while the item keeps failing: it is retried
-- with backoff (`retry_at`), and after too many attempts parked
-- (`parked_at`, `retry_at` NULL) until an admin retries it. A job never
-- picks an item that is waiting or parked, so one bad item cannot stop
-- the others. The row goes when the item succeeds.
CREATE TABLE job_failures (
    -- 'survey', 'quiet_close', 'sla_timer' or 'outbox'.
    job             TEXT NOT NULL,
    -- The item's id in its own table (conversation, clock, outbox row).
    item            INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    -- The last error, as a user can read it.
    error           TEXT NOT NULL,
    first_failed_at INTEGER NOT NULL,
    failed_at       INTEGER NOT NULL,
    retry_at        INTEGER,
    parked_at       INTEGER,
    PRIMARY KEY (job, item)
);
