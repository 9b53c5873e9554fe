-- Nodes wake each other (PostgreSQL). Keep in step with
-- sqlite/0021_event_notify.sql.
--
-- Every statement that appends events sends one notification on the
-- channel `tend_events` with the highest new event id. PostgreSQL delivers
-- it when the transaction commits (never for one that rolls back), so a
-- node that hears it can read the new events at once (`src/bus.rs`). The
-- event log stays the source of truth: a node that missed notifications
-- (its listening connection was lost) reads the log from its cursor, and
-- polls it once a second anyway.
CREATE FUNCTION tend_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tend_events', (SELECT max(id)::text FROM new_events));
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify
    AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT
    EXECUTE FUNCTION tend_events_notify();
