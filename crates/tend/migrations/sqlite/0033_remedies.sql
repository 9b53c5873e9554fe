-- Remedies and authority limits (SQLite). Keep in step with
-- postgres/0033_remedies.sql.

-- What an agent may give a customer: refund, credit, … or the desk's own.
CREATE TABLE remedy_kinds (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    -- Optional: granted and approved remedies of this kind are posted
    -- here (a billing system acts on a refund), signed with the secret
    -- (sealed at rest), through the webhooks' durable queue.
    webhook_url    TEXT,
    webhook_secret TEXT,
    created_at INTEGER NOT NULL
);
INSERT INTO remedy_kinds (key, name, created_at) VALUES
    ('refund', 'Refund', 0), ('credit', 'Credit', 0), ('discount', 'Discount', 0),
    ('replacement', 'Replacement', 0), ('goodwill', 'Goodwill gesture', 0);

-- How much an agent may grant without asking, per case and per calendar
-- month (UTC), in a currency's minor units. `subject` says whom it binds:
-- `user:<id>`, `team:<id>` or `role:<role>`; the most specific applies.
CREATE TABLE authority_limits (
    id              INTEGER PRIMARY KEY,
    subject         TEXT NOT NULL,
    kind            TEXT NOT NULL REFERENCES remedy_kinds(key) ON DELETE CASCADE,
    currency        TEXT NOT NULL,
    limit_per_case  INTEGER NOT NULL,
    limit_per_month INTEGER NOT NULL,
    updated_by      INTEGER,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX authority_limits_key ON authority_limits (subject, kind, currency);

-- A remedy recorded on a conversation, and its state: `granted` (within
-- the agent's limits), `awaiting_approval`, `approved` or `declined`.
-- `month` (YYYY-MM, UTC) is what the monthly limit sums.
CREATE TABLE remedies (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL,
    team_id         INTEGER,
    kind            TEXT NOT NULL,
    currency        TEXT NOT NULL,
    amount          INTEGER NOT NULL,
    note            TEXT NOT NULL,
    state           TEXT NOT NULL,
    basis           TEXT NOT NULL,
    requested_by    INTEGER NOT NULL,
    month           TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    decided_by      INTEGER,
    decision_note   TEXT,
    decided_at      INTEGER,
    -- The event whose delivery to the kind's webhook tells of it.
    webhook_event_id INTEGER
);
CREATE INDEX remedies_conversation ON remedies (conversation_id);
CREATE INDEX remedies_month ON remedies (requested_by, kind, currency, month);
CREATE INDEX remedies_waiting ON remedies (state, created_at);

-- The ledger: every grant, request and decision, append-only (the
-- trigger refuses to change or remove a line).
CREATE TABLE remedy_ledger (
    id              INTEGER PRIMARY KEY,
    remedy_id       INTEGER NOT NULL,
    entry           TEXT NOT NULL,
    actor_id        INTEGER,
    conversation_id INTEGER NOT NULL,
    customer_id     INTEGER NOT NULL,
    team_id         INTEGER,
    kind            TEXT NOT NULL,
    currency        TEXT NOT NULL,
    amount          INTEGER NOT NULL,
    basis           TEXT NOT NULL,
    note            TEXT NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX remedy_ledger_at ON remedy_ledger (at);

CREATE TRIGGER remedy_ledger_no_update BEFORE UPDATE ON remedy_ledger
BEGIN
    SELECT RAISE(ABORT, 'the remedy ledger is append-only');
END;

CREATE TRIGGER remedy_ledger_no_delete BEFORE DELETE ON remedy_ledger
BEGIN
    SELECT RAISE(ABORT, 'the remedy ledger is append-only');
END;
