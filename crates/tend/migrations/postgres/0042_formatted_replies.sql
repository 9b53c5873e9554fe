-- The composer's formatting (PostgreSQL). Keep in step with
-- sqlite/0042_formatted_replies.sql.

-- A reply or note written with formatting keeps the Markdown as its agent
-- typed it (`text` is its plain rendering, `html` the formatted one), so
-- "Undo send" puts it back in the box as it was. NULL: typed as plain text.
ALTER TABLE messages ADD COLUMN markdown TEXT;
