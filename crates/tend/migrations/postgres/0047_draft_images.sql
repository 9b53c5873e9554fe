-- The composer's inline images (PostgreSQL). Keep in step with
-- sqlite/0047_draft_images.sql.

-- A picture an agent pasted or dropped into the reply they are typing,
-- kept with their draft (the text names it as `cid:content_id`): so a
-- refused reply, an undone send and the draft opened on another device
-- still show it, and sending the text sends it. Removed when a message is
-- sent; the bytes are in the attachment store under `sha256`.
CREATE TABLE draft_images (
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    content_id      TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    size            BIGINT NOT NULL,
    content_type    TEXT NOT NULL,
    filename        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (user_id, conversation_id, content_id)
);
-- The attachment sweep asks whether a row still names a stored file.
CREATE INDEX draft_images_sha256 ON draft_images(sha256);
