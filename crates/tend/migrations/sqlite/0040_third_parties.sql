-- Talking to third parties (SQLite). Keep in step with
-- postgres/0040_third_parties.sql.

-- BCC of a reply: the envelope's extra recipients, never in the mail's
-- headers; kept for agents (a JSON list, like `cc`).
ALTER TABLE messages ADD COLUMN bcc TEXT;

-- A side conversation by mail with a third party (a courier, a
-- warehouse), kept on the conversation and never shown to its customer.
-- `participants`: the third parties' addresses, a JSON list.
CREATE TABLE side_conversations (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    subject         TEXT NOT NULL,
    participants    TEXT NOT NULL,
    started_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX side_conversations_conversation ON side_conversations(conversation_id, id);

-- Its mails, both ways. A separate table from `messages`, so that nothing
-- that reads a conversation's messages for its customer (portal, widget,
-- exports, surveys, service levels) can ever see them. `message_id` is
-- the mail's Message-ID: answers thread by it.
CREATE TABLE side_messages (
    id                   INTEGER PRIMARY KEY,
    side_conversation_id INTEGER NOT NULL REFERENCES side_conversations(id),
    direction            TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    author_id            INTEGER REFERENCES users(id),
    author_name          TEXT,
    author_email         TEXT,
    text                 TEXT NOT NULL,
    html                 TEXT,
    message_id           TEXT NOT NULL UNIQUE,
    raw_sha256           TEXT,
    created_at           INTEGER NOT NULL
);
CREATE INDEX side_messages_side ON side_messages(side_conversation_id, id);
