-- Problems (SQLite). Keep in step with postgres/0035_problems.sql.

-- A problem: the one cause behind many conversations. `status` is
-- `investigating`, `known` (understood; `workaround` is what to tell
-- customers meanwhile) or `fixed`. `fix_message` (JSON, text by language)
-- is what its linked customers were told when it was fixed.
CREATE TABLE problems (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    status      TEXT NOT NULL,
    owner_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    workaround  TEXT,
    created_by  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    fixed_at    INTEGER,
    fixed_by    INTEGER,
    fix_message TEXT
);
CREATE INDEX problems_status ON problems (status, id);

-- A conversation linked to a problem: at most one problem per
-- conversation (the key). `notified_at` is when the fix message was
-- claimed for it, so that it is sent once however often the problem is
-- marked fixed.
CREATE TABLE problem_links (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    problem_id      INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    linked_by       INTEGER,
    linked_at       INTEGER NOT NULL,
    notified_at     INTEGER
);
CREATE INDEX problem_links_problem ON problem_links (problem_id, linked_at);
