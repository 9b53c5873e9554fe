-- Customer health follows the event log on its own cursor (SQLite).
-- Keep in step with postgres/0034_health_follower.sql.
--
-- Until now the reports projection refreshed health inside its pass, on
-- the single writer; `health::follower` now reads and scores off the
-- writer and writes only the scores that changed. Its cursor (an event
-- id) starts where the projection's is, which is what health had been
-- refreshed up to.
INSERT INTO health_marks (name, at, note)
    SELECT 'cursor', event_id, '' FROM report_cursor WHERE id = 1;
