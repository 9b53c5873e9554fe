-- Tend core schema (SQLite). Integers are 64-bit, flags 0/1, times are
-- milliseconds since the epoch, JSON is text. Keep in step with postgres/.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    domain      TEXT UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    name            TEXT,
    -- Unicode-lowercased name for substring filters.
    name_fold       TEXT,
    phone           TEXT,
    language        TEXT,
    timezone        TEXT,
    organization_id INTEGER REFERENCES organizations(id),
    notes           TEXT,
    first_seen_at   INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Addresses are stored lowercased; one address belongs to one customer.
CREATE TABLE customer_emails (
    email       TEXT PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    is_primary  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX customer_emails_customer ON customer_emails(customer_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    language      TEXT,
    created_at    INTEGER NOT NULL
);

-- Only the SHA-256 of a token is stored.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

CREATE TABLE inboxes (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    address    TEXT UNIQUE,
    imap_url   TEXT,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE team_inboxes (
    team_id  INTEGER NOT NULL REFERENCES teams(id),
    inbox_id INTEGER NOT NULL REFERENCES inboxes(id),
    PRIMARY KEY (team_id, inbox_id)
);
CREATE INDEX team_inboxes_inbox ON team_inboxes(inbox_id);

CREATE TABLE conversations (
    id                INTEGER PRIMARY KEY,
    inbox_id          INTEGER NOT NULL REFERENCES inboxes(id),
    customer_id       INTEGER NOT NULL REFERENCES customers(id),
    subject           TEXT NOT NULL,
    -- Unicode-lowercased subject for substring filters (SQLite's LOWER is ASCII-only).
    subject_fold      TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'solved', 'closed')),
    priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channel           TEXT NOT NULL,
    assignee_id       INTEGER REFERENCES users(id),
    team_id           INTEGER REFERENCES teams(id),
    tags              TEXT NOT NULL DEFAULT '[]',
    language          TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    first_response_at INTEGER,
    solved_at         INTEGER,
    closed_at         INTEGER,
    -- When the customer started waiting for us (NULL when nobody waits).
    waiting_since     INTEGER,
    reopen_count      INTEGER NOT NULL DEFAULT 0,
    transfer_count    INTEGER NOT NULL DEFAULT 0,
    message_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_status ON conversations(status, id);
CREATE INDEX conversations_inbox_status ON conversations(inbox_id, status, id);
CREATE INDEX conversations_assignee_status ON conversations(assignee_id, status, id);
CREATE INDEX conversations_customer ON conversations(customer_id, id);

CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    tag             TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_tag ON conversation_tags(tag, conversation_id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    internal        INTEGER NOT NULL DEFAULT 0,
    author_kind     TEXT NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
    author_id       INTEGER,
    author_name     TEXT,
    author_email    TEXT,
    text            TEXT NOT NULL,
    html            TEXT,
    message_id      TEXT,
    delivery_status TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_message_id ON messages(message_id) WHERE message_id IS NOT NULL;

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER REFERENCES messages(id),
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    filename     TEXT NOT NULL,
    inline       INTEGER NOT NULL DEFAULT 0,
    content_id   TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id);

-- The append-only timeline, audit trail and outbox.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    kind            TEXT NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        INTEGER,
    data            TEXT NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL
);
CREATE INDEX events_conversation ON events(conversation_id, id);
