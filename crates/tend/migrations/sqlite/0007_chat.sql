-- Live chat and the public contact form (SQLite). Keep in step with
-- postgres/0007_chat.sql.

-- Settings of an inbox's public channels (chat widget, contact form). An
-- inbox without a row has the defaults.
CREATE TABLE inbox_public_settings (
    inbox_id        INTEGER PRIMARY KEY REFERENCES inboxes(id),
    -- JSON list of web origins allowed to embed the widget or the form
    -- ("https://shop.example"); Tend's own origin is always allowed.
    allowed_origins TEXT NOT NULL DEFAULT '[]',
    require_name    INTEGER NOT NULL DEFAULT 0,
    require_email   INTEGER NOT NULL DEFAULT 0,
    -- Secret for HMAC identity verification of signed-in site visitors;
    -- NULL: identities are not accepted.
    identity_secret TEXT,
    -- Office hours, JSON {"timezone": "Europe/Riga", "days": {"mon":
    -- [["09:00", "17:00"]], ...}}; '' means always open.
    office_hours    TEXT NOT NULL DEFAULT '',
    -- A predicted wait above this (seconds) offers email instead of waiting.
    max_wait_secs   INTEGER NOT NULL DEFAULT 300,
    updated_at      INTEGER NOT NULL
);

-- A chat visitor's session. The widget keeps the token; the database only
-- its SHA-256. The conversation starts with the first message.
CREATE TABLE chat_sessions (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    inbox_id        INTEGER NOT NULL REFERENCES inboxes(id),
    customer_id     INTEGER REFERENCES customers(id),
    conversation_id INTEGER REFERENCES conversations(id),
    name            TEXT,
    email           TEXT,
    -- The site's own user id, when verified by HMAC.
    external_id     TEXT,
    language        TEXT,
    -- The last message the visitor has seen, and the last visitor message
    -- an agent has seen (read receipts).
    visitor_read_id INTEGER NOT NULL DEFAULT 0,
    agent_read_id   INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL
);
CREATE INDEX chat_sessions_conversation ON chat_sessions(conversation_id);
CREATE INDEX chat_sessions_customer ON chat_sessions(customer_id);

-- Verified site identities: (inbox, the site's user id) -> customer.
CREATE TABLE chat_identities (
    inbox_id    INTEGER NOT NULL REFERENCES inboxes(id),
    external_id TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (inbox_id, external_id)
);

-- The widget's id for a message it sent, so that a message re-sent after a
-- reconnect is stored once.
ALTER TABLE messages ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX messages_client_id ON messages(conversation_id, client_id) WHERE client_id IS NOT NULL;
