-- Reports (SQLite). Keep in step with postgres/0027_reports.sql.
--
-- The projection (`crate::reports`) follows the `events` log with its
-- own cursor. For each conversation with new events it measures the whole
-- conversation again (`reports::metrics`, pure) and replaces what it had
-- stored for it (`report_facts`), adding the difference to the hourly
-- buckets (`report_buckets`), in the transaction that moves the cursor:
-- so a replay, a restart or an event committed late changes nothing twice.

-- The projection's place in the event log (one row).
CREATE TABLE report_cursor (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL
);
INSERT INTO report_cursor (id, event_id) VALUES (1, 0);

-- One measurement of one conversation, with what it is attributed to.
CREATE TABLE report_facts (
    conversation_id INTEGER NOT NULL,
    metric          TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    -- The service-level target, else ''.
    detail          TEXT NOT NULL,
    -- When it completed (ms).
    at              INTEGER NOT NULL,
    -- Seconds (durations), else 0 or 1.
    value           INTEGER NOT NULL,
    -- Seconds of business time (durations).
    business        INTEGER,
    agent_id        INTEGER,
    team_id         INTEGER,
    inbox_id        INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    language        TEXT,
    -- JSON array.
    tags            TEXT NOT NULL,
    PRIMARY KEY (conversation_id, metric, seq)
);

-- Sums per metric, dimension, group, hour (UTC) and histogram bin
-- (`reports::histogram`). `grp` is the group's key ('' when not
-- attributed); `business` 1 holds the business-time values of durations.
-- `metric` is the metric's name, or 'sla_attainment:<target>'.
CREATE TABLE report_buckets (
    metric    TEXT NOT NULL,
    dimension TEXT NOT NULL,
    business  INTEGER NOT NULL,
    grp       TEXT NOT NULL,
    hour      INTEGER NOT NULL,
    bin       INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    total     INTEGER NOT NULL,
    PRIMARY KEY (metric, dimension, business, hour, grp, bin)
);
