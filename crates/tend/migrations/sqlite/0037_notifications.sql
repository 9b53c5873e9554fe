-- Snooze and agents' notifications (SQLite). Keep in step with
-- postgres/0037_notifications.sql.

-- A snoozed conversation is pending until `snoozed_until` (ms), when the
-- snooze job opens it again for its owner (or for `snoozed_by` when it
-- has none). A snooze lasts only while the conversation is pending.
ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER;
ALTER TABLE conversations ADD COLUMN snoozed_by INTEGER;
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;

-- One notification of one agent, made by the notifications follower from
-- one event of the log (`event_id`): unique per agent, event and kind, so
-- reading an event twice (a restart, PostgreSQL's look-back) makes none
-- twice. `web` 0: the agent wants this kind by mail only (the row keeps
-- the mail from going twice, and lists leave it out).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL,
    actor_id        INTEGER,
    excerpt         TEXT NOT NULL DEFAULT '',
    web             INTEGER NOT NULL DEFAULT 1,
    read_at         INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, event_id, kind);
CREATE INDEX notifications_user ON notifications (user_id, id) WHERE web = 1;
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL AND web = 1;

-- Where an agent wants each kind of notification: `web` (the header, the
-- list, the browser) and `mail`. No row: web only. `sound` plays a short
-- tone for chats waiting.
CREATE TABLE notification_preferences (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    web     INTEGER NOT NULL,
    mail    INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);
CREATE TABLE notification_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sound   INTEGER NOT NULL
);

-- The follower's cursor: the last event it has made notifications of. It
-- starts at the log's end (what happened before is not news).
CREATE TABLE notification_cursor (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL
);
INSERT INTO notification_cursor (id, event_id) SELECT 1, COALESCE(MAX(id), 0) FROM events;
