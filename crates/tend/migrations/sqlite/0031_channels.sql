-- The channel framework and the generic channel API (SQLite). Keep in step
-- with postgres/0031_channels.sql.

-- An inbox of kind `api`: its signing secret (sealed, `secrets`), the URL
-- the desk's messages are posted to, and whether that URL refuses Tend's
-- credentials (401/403): since when, and what it answered.
ALTER TABLE inboxes ADD COLUMN channel_secret TEXT;
ALTER TABLE inboxes ADD COLUMN outbound_url TEXT;
ALTER TABLE inboxes ADD COLUMN failing_since INTEGER;
ALTER TABLE inboxes ADD COLUMN failing_error TEXT;

-- A customer's id on a channel (`from.id`), scoped to the inbox: a platform's
-- user ids mean nothing on another inbox.
CREATE TABLE customer_channel_ids (
    inbox_id     INTEGER NOT NULL REFERENCES inboxes(id),
    external_id  TEXT NOT NULL,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (inbox_id, external_id)
);
CREATE INDEX customer_channel_ids_customer ON customer_channel_ids(customer_id);

-- Every message a channel delivered, by the provider's id: the unique index
-- makes a second delivery of the same id a duplicate, even two at once.
-- `thread_key` is the thread the provider named, else the sender's id.
CREATE TABLE channel_inbound (
    id               INTEGER PRIMARY KEY,
    inbox_id         INTEGER NOT NULL REFERENCES inboxes(id),
    external_id      TEXT NOT NULL,
    from_id          TEXT NOT NULL,
    thread_id        TEXT,
    thread_key       TEXT NOT NULL,
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id       INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX channel_inbound_external ON channel_inbound(inbox_id, external_id);
CREATE INDEX channel_inbound_thread ON channel_inbound(inbox_id, thread_key, id);
CREATE INDEX channel_inbound_conversation ON channel_inbound(conversation_id, id);

-- The desk's messages to channels, until the channel's URL accepts them.
-- `payload` is the JSON posted, with the files named by digest (their
-- bytes are read from the attachment store when posted). Failures back off
-- and park through `job_failures` (job `channel_outbox`); `lease_until` is when
-- an attempt in progress (claimed by `db::claim`) lets go of a row, 0: none.
CREATE TABLE channel_outbox (
    id                INTEGER PRIMARY KEY,
    inbox_id          INTEGER NOT NULL REFERENCES inboxes(id),
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id        INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    payload           TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_until       INTEGER NOT NULL DEFAULT 0,
    last_status_code  INTEGER,
    last_error        TEXT,
    sent_at           INTEGER,
    created_at        INTEGER NOT NULL
);
CREATE INDEX channel_outbox_unsent ON channel_outbox(conversation_id, id) WHERE sent_at IS NULL;
