-- Access edges (SQLite). Keep in step with postgres/0015_access.sql.

-- The attachment sweep asks, for old files in the store, whether any row
-- still names them (attachments/repo.rs). One index per naming column
-- makes each question a few index probes.
CREATE INDEX attachments_sha256 ON attachments(sha256);
CREATE INDEX messages_raw_sha256 ON messages(raw_sha256) WHERE raw_sha256 IS NOT NULL;
CREATE INDEX mail_log_raw_sha256 ON mail_log(raw_sha256) WHERE raw_sha256 IS NOT NULL;
CREATE INDEX outbox_raw_sha256 ON outbox(raw_sha256);

-- The customer address a conversation is with: the one that wrote in (or
-- that the API named). Replies and surveys go there, and it is what the
-- conversation shows of its customer, so seeing a conversation reveals no
-- other address of the customer (agents::access). NULL on rows from before:
-- filled from their first customer message, when that address still
-- belongs to the conversation's customer; else the primary address is used.
ALTER TABLE conversations ADD COLUMN customer_email TEXT;
UPDATE conversations SET customer_email = (
    SELECT m.author_email FROM messages m
    WHERE m.conversation_id = conversations.id AND m.direction = 'in'
      AND m.author_email IN (SELECT ce.email FROM customer_emails ce
                             WHERE ce.customer_id = conversations.customer_id)
    ORDER BY m.id LIMIT 1);
