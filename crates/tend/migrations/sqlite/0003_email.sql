-- Email channel (SQLite). Keep in step with postgres/0003_email.sql.

-- Every inbound message keeps its original .eml, its CC list and, for the
-- conversation view, the new text without quoted history and signature.
ALTER TABLE messages ADD COLUMN raw_sha256 TEXT;
ALTER TABLE messages ADD COLUMN cc TEXT;
ALTER TABLE messages ADD COLUMN reply_text TEXT;
ALTER TABLE messages ADD COLUMN delivery_error TEXT;
ALTER TABLE messages ADD COLUMN notes TEXT;

-- A Message-ID is stored once: a second arrival is a duplicate.
DROP INDEX messages_message_id;
CREATE UNIQUE INDEX messages_message_id ON messages(message_id) WHERE message_id IS NOT NULL;

-- Loop protection counts recent mail per sender.
CREATE INDEX messages_author_email ON messages(author_email, created_at) WHERE direction = 'in';

-- Per-inbox channel settings.
ALTER TABLE inboxes ADD COLUMN ack_enabled INTEGER NOT NULL DEFAULT 0;

-- Mail that did not become a message: quarantined (too large, unreadable,
-- rate-limited) or ignored (auto-generated, our own, bounce). Nothing is
-- dropped without a row here and the raw bytes kept.
CREATE TABLE mail_log (
    id          INTEGER PRIMARY KEY,
    inbox_id    INTEGER REFERENCES inboxes(id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('quarantined', 'ignored')),
    reason      TEXT NOT NULL,
    message_id  TEXT,
    sender      TEXT,
    subject     TEXT,
    raw_sha256  TEXT,
    size        INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX mail_log_created ON mail_log(created_at);

-- The durable outbox: outbound mail waits here until the relay accepts it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER REFERENCES messages(id),
    conversation_id INTEGER REFERENCES conversations(id),
    kind            TEXT NOT NULL,
    mail_from       TEXT NOT NULL,
    rcpt            TEXT NOT NULL,
    raw_sha256      TEXT NOT NULL,
    smtp_message_id TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_smtp_message_id ON outbox(smtp_message_id);

-- IMAP polling position per inbox.
CREATE TABLE imap_state (
    inbox_id    INTEGER PRIMARY KEY REFERENCES inboxes(id),
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
