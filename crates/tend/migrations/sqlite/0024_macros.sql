-- Macros (SQLite). Keep in step with postgres/0024_macros.sql.

-- A reply template with a text per language and the actions it applies.
-- `scope` is `personal` (owner_id), `team` (team_id) or `global`.
-- `name_folded` is the name in lower case (Unicode, folded by Tend), for
-- the composer's search and for one name per owner. Templates and actions
-- are stored as the JSON the API takes, checked before every write.
CREATE TABLE macros (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    scope        TEXT NOT NULL,
    owner_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    team_id      INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    translations TEXT NOT NULL,
    actions      TEXT NOT NULL,
    usage_count  INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE UNIQUE INDEX macros_name ON macros (scope, COALESCE(owner_id, 0), COALESCE(team_id, 0), name_folded);
CREATE INDEX macros_owner ON macros (owner_id);
CREATE INDEX macros_team ON macros (team_id);
