-- Customer health and the radar (SQLite). Keep in step with
-- postgres/0032_health.sql.
--
-- `health::rules::assess` scores a customer from their facts (pure);
-- the reports projection refreshes the facts of the customers whose
-- conversations have new events, and the `health` task scores every row
-- again once a day (the time-based signals) from the stored facts.

-- One row per customer with at least one conversation.
CREATE TABLE customer_health (
    customer_id     INTEGER PRIMARY KEY,
    -- 0 (leaving) to 100 (healthy): 100 minus the weights of the signals.
    score           INTEGER NOT NULL,
    -- JSON array of {kind, weight, detail}.
    signals         TEXT NOT NULL,
    -- JSON of `health::model::Facts`, what the score is computed from.
    facts           TEXT NOT NULL,
    -- The radar's filters, copied so one index serves each: the inbox of
    -- the latest conversation, the customer's language and organisation.
    inbox_id        INTEGER,
    language        TEXT,
    organization_id INTEGER,
    -- When the score last went below the radar's threshold (NULL when
    -- above): the weekly digest lists the customers newly at risk.
    at_risk_since   INTEGER,
    computed_at     INTEGER NOT NULL
);
CREATE INDEX customer_health_radar ON customer_health(score, customer_id);
CREATE INDEX customer_health_inbox ON customer_health(inbox_id, score, customer_id);
CREATE INDEX customer_health_language ON customer_health(language, score, customer_id);
CREATE INDEX customer_health_organization ON customer_health(organization_id, score, customer_id);

-- Proactive outreach started from the radar, and how it ended
-- (`health::outcome`: pending, answered, satisfied, left).
CREATE TABLE outreaches (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL UNIQUE,
    assignee_id     INTEGER NOT NULL,
    created_by      INTEGER,
    -- The customer's score when it started.
    score           INTEGER NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('pending', 'answered', 'satisfied', 'left')),
    created_at      INTEGER NOT NULL,
    decided_at      INTEGER
);
CREATE INDEX outreaches_customer ON outreaches(customer_id, id);
CREATE INDEX outreaches_created ON outreaches(created_at);
CREATE INDEX outreaches_pending ON outreaches(outcome, created_at);

-- Durable "last done" marks of the health task: the daily scoring
-- (`rescore`, with the weights it used) and the weekly digest (`digest`),
-- claimed with a conditional UPDATE so one node does each once.
CREATE TABLE health_marks (
    name TEXT PRIMARY KEY,
    at   INTEGER NOT NULL,
    note TEXT NOT NULL
);
INSERT INTO health_marks (name, at, note) VALUES ('rescore', 0, '');
INSERT INTO health_marks (name, at, note) VALUES ('digest', 0, '');
