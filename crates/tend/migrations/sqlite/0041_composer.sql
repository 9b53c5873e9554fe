-- The composer (SQLite). Keep in step with postgres/0041_composer.sql.

-- An agent's unsent reply or note on a conversation, saved as they type
-- and shown again on any device; removed when a message is sent.
CREATE TABLE drafts (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    internal        INTEGER NOT NULL DEFAULT 0,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
);

-- Undo send: an agent's reply waits in the outbox until `hold_until`
-- (its `next_attempt_at` too, until the sender claims it); while the two
-- agree and the time has not come, the reply may still be taken back.
ALTER TABLE outbox ADD COLUMN hold_until INTEGER;

-- Signatures appended to outgoing mail replies: an agent's own and their
-- inbox's, each per language (the customer's), with one for any language
-- (language '') as the fallback. Exactly one owner per row.
CREATE TABLE signatures (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    inbox_id   INTEGER REFERENCES inboxes(id) ON DELETE CASCADE,
    language   TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((user_id IS NULL) <> (inbox_id IS NULL))
);
CREATE UNIQUE INDEX signatures_user ON signatures (user_id, language) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX signatures_inbox ON signatures (inbox_id, language) WHERE inbox_id IS NOT NULL;
