-- Live chat, safe in public (SQLite). Keep in step with
-- postgres/0010_chat_security.sql.

-- Every conversation a chat session started (a session starts a new one
-- after the last was closed, and `chat_sessions.conversation_id` keeps only
-- the latest). A verified visitor's history is the conversations that the
-- sessions of the same identity started, in that inbox, and nothing else.
CREATE TABLE chat_conversations (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
    session_id      INTEGER NOT NULL REFERENCES chat_sessions(id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX chat_conversations_session ON chat_conversations(session_id);
INSERT INTO chat_conversations (conversation_id, session_id, created_at)
    SELECT conversation_id, MIN(id), MIN(created_at) FROM chat_sessions
    WHERE conversation_id IS NOT NULL GROUP BY conversation_id;

-- The sessions of one verified identity.
CREATE INDEX chat_sessions_identity ON chat_sessions(inbox_id, external_id)
    WHERE external_id IS NOT NULL;

-- A chat's transcript is mailed once, to the visitor's own address.
CREATE TABLE chat_transcripts (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
    rcpt            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
INSERT INTO chat_transcripts (conversation_id, rcpt, created_at)
    SELECT conversation_id, MIN(rcpt), MIN(created_at) FROM outbox
    WHERE kind = 'transcript' AND conversation_id IS NOT NULL GROUP BY conversation_id;
