-- Webhooks (SQLite). Keep in step with postgres/0023_webhooks.sql.
--
-- A subscription posts the events of the kinds it wants to its URL,
-- signed with its secret (sealed at rest, `crate::secrets`). A follower
-- reads the `events` log after its cursor (`webhook_cursor`) and queues
-- one delivery per subscription and event, in the transaction that moves
-- the cursor; the sender posts due deliveries in order per subscription
-- and conversation, retrying with backoff until a 2xx.
CREATE TABLE webhooks (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL,
    -- JSON array of event kinds, as given (also in webhook_kinds).
    events         TEXT NOT NULL,
    -- Sealed (`sealed.v1.…`).
    secret         TEXT NOT NULL,
    -- The log's end when it was made: only later events are delivered.
    after_event_id INTEGER NOT NULL,
    created_by     INTEGER REFERENCES users(id),
    created_at     INTEGER NOT NULL
);

-- Which subscriptions want which kind (the follower's join).
CREATE TABLE webhook_kinds (
    kind       TEXT NOT NULL,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    PRIMARY KEY (kind, webhook_id)
);

-- The follower's place in the event log (one row).
CREATE TABLE webhook_cursor (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL
);
INSERT INTO webhook_cursor (id, event_id) SELECT 1, COALESCE(MAX(id), 0) FROM events;

-- The durable queue and the delivery log. A delivery of a subscription
-- has its webhook_id (one per subscription and event); one queued by an
-- automation's webhook action has none, and its own url and secret (as
-- given: sealed, or plaintext when the caller did not seal it). Ordering
-- is per `stream` ('w<webhook id>' or 'u<url>') and conversation.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    webhook_id       INTEGER REFERENCES webhooks(id) ON DELETE CASCADE,
    url              TEXT,
    secret           TEXT,
    stream           TEXT NOT NULL,
    event_id         INTEGER NOT NULL,
    conversation_id  INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    data             TEXT NOT NULL,
    event_created_at INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       TEXT,
    -- Due at (or, while an attempt is in flight, its lease); NULL once delivered.
    next_attempt_at  INTEGER,
    delivered_at     INTEGER,
    created_at       INTEGER NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX webhook_deliveries_order ON webhook_deliveries(stream, conversation_id, event_id) WHERE delivered_at IS NULL;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(webhook_id, id);
