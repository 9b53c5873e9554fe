-- Office hours become inbox calendars (SQLite). Keep in step with
-- postgres/0019_office_hours_calendars.sql. Tested by tests/api/sla.rs
-- (office_hours_saved_before_become_inbox_calendars), which runs this file
-- again on rows written the old way.

-- The chat widget's office hours become a calendar of their inbox. The
-- name carries the inbox id, so each inbox finds its own.
INSERT INTO calendars (name, timezone, hours, holidays, created_at, updated_at)
SELECT 'Office hours: ' || i.name || ' (inbox ' || i.id || ')',
       json_extract(s.office_hours, '$.timezone'),
       json(json_extract(s.office_hours, '$.days')),
       '[]', s.updated_at, s.updated_at
FROM inbox_public_settings s JOIN inboxes i ON i.id = s.inbox_id
WHERE s.office_hours <> '' AND json_valid(s.office_hours);
UPDATE inboxes SET calendar_id = (
    SELECT c.id FROM calendars c
    WHERE c.name = 'Office hours: ' || inboxes.name || ' (inbox ' || inboxes.id || ')')
WHERE id IN (SELECT inbox_id FROM inbox_public_settings
             WHERE office_hours <> '' AND json_valid(office_hours));
-- The column is no longer read; '' everywhere.
UPDATE inbox_public_settings SET office_hours = '';
