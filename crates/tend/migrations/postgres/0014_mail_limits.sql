-- Mail resources (PostgreSQL). Keep in step with sqlite/0014_mail_limits.sql.

-- Automatic outbound mail (acknowledgements, surveys, transcripts: every
-- kind but 'reply') is capped per inbox and hour. Mail over the cap stays
-- in the outbox, held, with the reason; an admin may release it.
ALTER TABLE outbox ADD COLUMN inbox_id BIGINT REFERENCES inboxes(id);
ALTER TABLE outbox ADD COLUMN held_reason TEXT;
UPDATE outbox SET inbox_id = (SELECT c.inbox_id FROM conversations c WHERE c.id = outbox.conversation_id);
-- Acknowledgements were queued as replies; they are automatic.
UPDATE outbox SET kind = 'ack' WHERE kind = 'reply'
    AND message_id IN (SELECT id FROM messages WHERE author_kind = 'system');
-- The cap counts an inbox's automatic mail of the last hour; held mail
-- does not count (and is never scanned).
CREATE INDEX outbox_automatic ON outbox(inbox_id, created_at)
    WHERE kind <> 'reply' AND held_reason IS NULL;
CREATE INDEX outbox_held ON outbox(id) WHERE held_reason IS NOT NULL;

-- An inbox's own cap (NULL: the configured default, auto_mail_per_hour).
ALTER TABLE inboxes ADD COLUMN auto_mail_per_hour BIGINT;
