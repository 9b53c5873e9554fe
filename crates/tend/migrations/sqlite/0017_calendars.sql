-- Business calendars (SQLite). Keep in step with postgres/0017_calendars.sql.

-- A time zone, opening intervals per weekday and holidays, stored as the
-- JSON the API takes (`{"mon": [["09:00","13:00"], …], …}` and
-- `[{"date", "name"?, "hours"?}]`), checked by `tend-calendar` before
-- every write.
CREATE TABLE calendars (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    hours      TEXT NOT NULL,
    holidays   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
