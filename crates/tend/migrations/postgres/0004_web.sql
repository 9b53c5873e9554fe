-- Agent web UI (PostgreSQL). Keep in step with sqlite/0004_web.sql.

-- Browser sessions. Only the SHA-256 of the cookie value is stored; the
-- CSRF token is per session and goes into every form.
CREATE TABLE web_sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions(user_id);

-- One-time links: the first-run setup link (user_id NULL) and invitations
-- (user_id set; the invitee chooses a password). Only the hash is stored.
CREATE TABLE web_links (
    token_hash  TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('setup', 'invite')),
    user_id     BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

-- The agent's timezone (IANA name) for dates in the UI.
ALTER TABLE users ADD COLUMN timezone TEXT;

-- Merged customers point at the record they were merged into.
ALTER TABLE customers ADD COLUMN merged_into BIGINT REFERENCES customers(id);

-- Inbox views sort by who has waited longest; these partial indexes serve
-- "All open"/"Unassigned" and "Mine" without sorting at 1M conversations.
CREATE INDEX conversations_open_waiting
    ON conversations(COALESCE(waiting_since, 9007199254740991), id)
    WHERE status IN ('new', 'open');
CREATE INDEX conversations_mine_waiting
    ON conversations(assignee_id, COALESCE(waiting_since, 9007199254740991), id)
    WHERE status IN ('new', 'open', 'pending');
