-- Files of side conversations (SQLite). Keep in step with
-- postgres/0043_side_files.sql.

-- A file of a side conversation's mail (a third party's attachment, or
-- one the desk forwarded): named by `side_message_id` instead of
-- `message_id`, so that everything that reads a conversation's files
-- through its messages (portal, widget, exports) never sees it.
ALTER TABLE attachments ADD COLUMN side_message_id INTEGER REFERENCES side_messages(id);
CREATE INDEX attachments_side_message ON attachments(side_message_id)
    WHERE side_message_id IS NOT NULL;

-- The sweep asks whether a row still names a stored file
-- (attachments/repo.rs): a side mail's original is one of them.
CREATE INDEX side_messages_raw_sha256 ON side_messages(raw_sha256)
    WHERE raw_sha256 IS NOT NULL;
