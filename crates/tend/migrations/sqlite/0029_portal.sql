-- The customer portal (SQLite). Keep in step with postgres/0029_portal.sql.
--
-- A sign-in link is mailed to an address a customer already has; only the
-- SHA-256 of its secret is kept. It works once (`used_at`), until
-- `expires_at` (15 minutes), and a newer link makes older unused ones stop
-- working.
CREATE TABLE portal_links (
    token_hash   TEXT PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    -- The page's language when the link was asked for.
    language     TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX portal_links_customer ON portal_links(customer_id);
CREATE INDEX portal_links_expires ON portal_links(expires_at);

-- A signed-in customer's browser: only the SHA-256 of the cookie's secret.
-- It ends `expires_at` (moved on while in use, up to `ends_at`).
CREATE TABLE portal_sessions (
    token_hash    TEXT PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    language      TEXT,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL
);
CREATE INDEX portal_sessions_customer ON portal_sessions(customer_id);
CREATE INDEX portal_sessions_expires ON portal_sessions(expires_at);
