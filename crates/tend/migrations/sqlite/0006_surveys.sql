-- Surveys, follow-up tasks and editable templates (SQLite). Keep in step
-- with postgres/0006_surveys.sql.

-- One survey per solve: (conversation, solve_round) is unique, so the job that
-- sends them can run on several nodes, or twice, without asking twice. The
-- round is the conversation's reopen_count at the solve: a conversation can
-- only be solved again after a reopen.
CREATE TABLE surveys (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    inbox_id        INTEGER NOT NULL REFERENCES inboxes(id),
    -- Random, unguessable id used in the customer's links.
    token           TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,
    solved_at       INTEGER NOT NULL,
    solve_round     INTEGER NOT NULL,
    -- The owner at solve time: an unhappy answer returns the conversation to them.
    owner_id        INTEGER REFERENCES users(id),
    -- sent (mail queued), inline_due (chat asks at the end of the chat),
    -- skipped (see skip_reason).
    status          TEXT NOT NULL CHECK (status IN ('sent', 'inline_due', 'skipped')),
    skip_reason     TEXT,
    -- Whether a previous survey of this conversation was unhappy (such
    -- follow-up surveys are not held back by the per-customer limit).
    follow_up       INTEGER NOT NULL DEFAULT 0,
    -- The customer's language when known (en, ja, ko, lv, ca); pages fall
    -- back to Accept-Language, mail to English.
    language        TEXT,
    answer          TEXT CHECK (answer IN ('yes', 'no')),
    rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment         TEXT,
    unhappy         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    answered_at     INTEGER,
    UNIQUE (conversation_id, solve_round)
);
CREATE INDEX surveys_customer ON surveys(customer_id, created_at);
CREATE INDEX surveys_story ON surveys(rating, answered_at);

-- The agents a survey answer is credited to: those who sent public replies.
CREATE TABLE survey_credits (
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (survey_id, user_id)
);
CREATE INDEX survey_credits_user ON survey_credits(user_id, survey_id);

-- Follow-up tasks. assignee_id NULL means the supervisor queue.
CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    survey_id       INTEGER REFERENCES surveys(id),
    kind            TEXT NOT NULL,
    assignee_id     INTEGER REFERENCES users(id),
    due_at          INTEGER NOT NULL,
    done_at         INTEGER,
    done_by         INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX tasks_assignee ON tasks(assignee_id, done_at, due_at);
CREATE INDEX tasks_conversation ON tasks(conversation_id);

-- Admin overrides of the built-in templates.
CREATE TABLE templates (
    name       TEXT NOT NULL,
    locale     TEXT NOT NULL,
    source     TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (name, locale)
);

-- Secrets made on first use (the survey link signing key), shared by all
-- nodes through the database.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- "Only auto-generated mail ever came from this address" looks senders up.
CREATE INDEX mail_log_sender ON mail_log(sender);
