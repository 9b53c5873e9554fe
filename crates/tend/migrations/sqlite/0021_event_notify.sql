-- Nodes wake each other: PostgreSQL only (postgres/0021_event_notify.sql
-- adds a trigger that notifies other nodes of new events). A SQLite
-- database has one node, whose own bus carries every event; nothing to do.
SELECT 1;
