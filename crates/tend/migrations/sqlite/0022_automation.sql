-- Automation rules (SQLite). Keep in step with postgres/0022_automation.sql.

-- A rule runs on an event (`on_event`) or some minutes after a moment
-- (`after_minutes`, `since`, counted on `calendar_id` when given), in
-- `position` order, inside the transaction of the change that fired it.
CREATE TABLE automations (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 0,
    position      INTEGER NOT NULL,
    -- An event rule: the event's name; NULL for a time rule.
    on_event      TEXT,
    -- A time rule: minutes after the moment `since`.
    after_minutes INTEGER,
    since         TEXT,
    calendar_id   INTEGER REFERENCES calendars(id),
    -- JSON {"all": [...], "any": [...]}.
    conditions    TEXT NOT NULL,
    -- JSON list of actions.
    actions       TEXT NOT NULL,
    -- Record the evaluations that did not fire (automation_traces).
    trace         INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- When a time rule next looks at a conversation: one row per rule and
-- conversation, set when the rule's moment happens (or when the rule is
-- enabled) and taken by the firing, in the firing's transaction, which
-- keeps the moment it took (`fired_moment`, `due_at` NULL): a moment is
-- never armed again, however often the rule is saved.
CREATE TABLE automation_timers (
    automation_id   INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    moment          INTEGER NOT NULL,
    due_at          INTEGER,
    fired_moment    INTEGER,
    PRIMARY KEY (automation_id, conversation_id)
);
CREATE INDEX automation_timers_due ON automation_timers(due_at) WHERE due_at IS NOT NULL;

-- Automatic replies, decided inside the firing's transaction and sent
-- right after it. At most one per customer message (`message_id`: the
-- customer message answered).
CREATE TABLE automation_replies (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    automation_id   INTEGER NOT NULL,
    message_id      INTEGER NOT NULL UNIQUE,
    -- JSON {"text", "translations"?}: the template.
    template        TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    -- Why it was not sent, as a user can read it.
    skipped         TEXT
);
CREATE INDEX automation_replies_unsent ON automation_replies(id) WHERE sent_at IS NULL AND skipped IS NULL;

-- Evaluations that did not fire, for rules with `trace` on: why didn't
-- my rule fire?
CREATE TABLE automation_traces (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    automation_id   INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
    -- What the rule looked at: the event, or the time rule's moment.
    cause           TEXT NOT NULL,
    -- JSON: each condition and whether it held.
    detail          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX automation_traces_conversation ON automation_traces(conversation_id, id);
