-- Saved views of the inbox (SQLite). Keep in step with
-- postgres/0039_saved_views.sql.

-- A view kept under a name: `scope` is `personal` (owner_id's),
-- `team` (team_id's members') or `global`; `spec` is the view, its
-- filters, order and columns, as the API's JSON.
CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    scope      TEXT NOT NULL CHECK (scope IN ('personal', 'team', 'global')),
    owner_id   INTEGER REFERENCES users(id) ON DELETE CASCADE,
    team_id    INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    spec       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX saved_views_owner ON saved_views (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX saved_views_team ON saved_views (team_id) WHERE team_id IS NOT NULL;

-- Live chats that wait, for the inbox's strip above its list: a chat's
-- visitor is on the page now, and must not wait behind a day of mail.
CREATE INDEX conversations_chat_waiting ON conversations (waiting_since, id)
    WHERE channel = 'chat' AND status IN ('new', 'open') AND waiting_since IS NOT NULL;
