-- Routing and ownership (SQLite). Keep in step with postgres/0005_routing.sql.

-- What the router knows about each agent. Capacity is JSON {"chat": 3,
-- "email": 20} (a channel not listed has the default: 3 chats, 20 of
-- anything else), languages a JSON list, skills JSON {"billing": 4}.
-- An agent without a row is offline.
CREATE TABLE routing_agents (
    user_id             INTEGER PRIMARY KEY REFERENCES users(id),
    presence            TEXT NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'away', 'offline')),
    -- 1 when the agent went away by inactivity (activity brings them back).
    auto_away           INTEGER NOT NULL DEFAULT 0,
    last_active_at      INTEGER NOT NULL DEFAULT 0,
    presence_changed_at INTEGER NOT NULL DEFAULT 0,
    -- Orders round-robin: who waited longest since their last assignment.
    last_assigned_at    INTEGER NOT NULL DEFAULT 0,
    capacity            TEXT NOT NULL DEFAULT '{}',
    languages           TEXT NOT NULL DEFAULT '[]',
    skills              TEXT NOT NULL DEFAULT '{}',
    updated_at          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX routing_agents_presence ON routing_agents(presence, last_active_at);

-- One routing rule per inbox: which team receives its conversations, and how.
CREATE TABLE routing_rules (
    inbox_id     INTEGER PRIMARY KEY REFERENCES inboxes(id),
    team_id      INTEGER NOT NULL REFERENCES teams(id),
    strategy     TEXT NOT NULL CHECK (strategy IN ('round_robin', 'least_loaded')),
    skills_first INTEGER NOT NULL DEFAULT 0,
    sticky       INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
);

-- Conversations waiting for an agent, per team, longest wait first. A row
-- exists exactly while its conversation has no owner and waits.
CREATE TABLE routing_queue (
    conversation_id   INTEGER PRIMARY KEY REFERENCES conversations(id),
    team_id           INTEGER NOT NULL REFERENCES teams(id),
    inbox_id          INTEGER NOT NULL REFERENCES inboxes(id),
    channel           TEXT NOT NULL,
    language          TEXT,
    skills            TEXT NOT NULL DEFAULT '[]',
    previous_agent_id INTEGER,
    queued_at         INTEGER NOT NULL
);
CREATE INDEX routing_queue_team ON routing_queue(team_id, queued_at, conversation_id);

-- Every change of owner, for sticky routing and the transfer report.
-- kind: assigned (nobody -> someone), transferred (someone -> someone else),
-- unassigned (someone -> nobody); by: agent or system.
CREATE TABLE routing_ownership (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    customer_id     INTEGER NOT NULL,
    team_id         INTEGER,
    from_user_id    INTEGER,
    to_user_id      INTEGER,
    kind            TEXT NOT NULL CHECK (kind IN ('assigned', 'transferred', 'unassigned')),
    by_kind         TEXT NOT NULL CHECK (by_kind IN ('agent', 'system')),
    reason_category TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX routing_ownership_created ON routing_ownership(created_at);
CREATE INDEX routing_ownership_customer ON routing_ownership(customer_id, id);
CREATE INDEX routing_ownership_conversation ON routing_ownership(conversation_id, id);

-- Handling times (owner's start to solved), for the expected wait.
CREATE TABLE routing_handling (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL,
    team_id         INTEGER,
    channel         TEXT NOT NULL,
    user_id         INTEGER NOT NULL,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER NOT NULL
);
CREATE INDEX routing_handling_recent ON routing_handling(team_id, channel, finished_at);
