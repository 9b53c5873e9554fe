-- Service levels (SQLite). Keep in step with postgres/0018_service_levels.sql.

-- The business calendar of an inbox (its office hours and the default for
-- its service levels) and of a team.
ALTER TABLE inboxes ADD COLUMN calendar_id INTEGER REFERENCES calendars(id);
ALTER TABLE teams ADD COLUMN calendar_id INTEGER REFERENCES calendars(id);

-- Service-level policies: the first by position whose match fits applies.
CREATE TABLE sla_policies (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    position       INTEGER NOT NULL,
    -- Targets count business minutes (1) or every minute (0).
    business_hours INTEGER NOT NULL DEFAULT 1,
    -- With business hours: this calendar, else the inbox's; without a
    -- calendar a target counts every minute.
    calendar_id    INTEGER REFERENCES calendars(id),
    -- JSON {"inbox_ids"?, "channels"?, "priorities"?, "tags"?}; an absent
    -- list fits every conversation.
    match_rules    TEXT NOT NULL,
    -- Targets in minutes; NULL: no such target.
    first_response INTEGER,
    next_response  INTEGER,
    resolution     INTEGER,
    -- JSON list of the statuses that pause the clocks.
    pause_on       TEXT NOT NULL,
    -- Warn when this share of a target is used.
    warn_percent   INTEGER NOT NULL,
    -- The built-in action on a breach: '' (none), 'raise_priority' or
    -- 'notify_team'.
    on_breach      TEXT NOT NULL DEFAULT '',
    notify_team_id INTEGER REFERENCES teams(id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- One clock per conversation, metric and round (the n-th next response,
-- the n-th resolution after reopens). Earlier rounds are kept.
CREATE TABLE sla_clocks (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    metric          TEXT NOT NULL CHECK (metric IN ('first_response', 'next_response', 'resolution')),
    round           INTEGER NOT NULL,
    -- The policy that set the target (NULL once that policy is deleted).
    policy_id       INTEGER,
    target_minutes  INTEGER NOT NULL,
    -- The calendar business time was counted on (NULL: round the clock).
    calendar_id     INTEGER,
    warn_percent    INTEGER NOT NULL,
    started_at      INTEGER NOT NULL,
    -- Business milliseconds used before `running_since`.
    consumed_ms     INTEGER NOT NULL DEFAULT 0,
    -- Counting since (NULL while paused or stopped).
    running_since   INTEGER,
    due_at          INTEGER,
    warn_at         INTEGER,
    warned_at       INTEGER,
    breached_at     INTEGER,
    -- When the timer next acts on this clock (a warning, then a breach);
    -- NULL when it has nothing left to do.
    fire_at         INTEGER,
    -- JSON list of [from, to] paused periods.
    pauses          TEXT NOT NULL DEFAULT '[]',
    stopped_at      INTEGER,
    -- 'fulfilled' or 'cancelled' once stopped.
    outcome         TEXT CHECK (outcome IN ('fulfilled', 'cancelled')),
    UNIQUE (conversation_id, metric, round)
);
CREATE INDEX sla_clocks_fire ON sla_clocks(fire_at) WHERE fire_at IS NOT NULL;
CREATE INDEX sla_clocks_open_due ON sla_clocks(due_at, conversation_id) WHERE stopped_at IS NULL;
