-- Phone calls and callbacks (SQLite). Keep in step with
-- postgres/0044_phone.sql.

-- A customer's phone number in E.164 (`+37120000000`), made from the typed
-- `phone` by `customers::phone::E164::parse`: calls find their customer by
-- it. NULL: not normalised yet (set, changed or merged since); '': the
-- typed number is not one.
ALTER TABLE customers ADD COLUMN phone_e164 TEXT;
CREATE INDEX customers_phone_e164 ON customers(phone_e164)
    WHERE phone_e164 IS NOT NULL;

-- A call the phone system (PBX, CTI) told us about, by its own
-- `call_id`. Numbers are kept as typed and in E.164 (the desk's side may
-- be an extension or a queue, not a number: NULL). `missed`: an inbound
-- call that ended unanswered. `conversation_id`: the phone conversation
-- the call is on (the callback, for a missed call).
CREATE TABLE calls (
    id              INTEGER PRIMARY KEY,
    call_id         TEXT NOT NULL UNIQUE,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    from_typed      TEXT NOT NULL,
    from_e164       TEXT,
    to_typed        TEXT NOT NULL,
    to_e164         TEXT,
    state           TEXT NOT NULL CHECK (state IN ('new', 'answered', 'ended')),
    missed          INTEGER NOT NULL DEFAULT 0,
    inbox_id        INTEGER NOT NULL REFERENCES inboxes(id),
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    conversation_id INTEGER REFERENCES conversations(id),
    agent_id        INTEGER REFERENCES users(id),
    started_at      INTEGER,
    answered_at     INTEGER,
    ended_at        INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX calls_customer ON calls(customer_id, id);
CREATE INDEX calls_conversation ON calls(conversation_id)
    WHERE conversation_id IS NOT NULL;

-- Each event of a call once: a repeated event changes nothing.
CREATE TABLE call_events (
    call_id     INTEGER NOT NULL REFERENCES calls(id),
    event       TEXT NOT NULL CHECK (event IN ('new', 'answered', 'hangup')),
    at          INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (call_id, event)
);
