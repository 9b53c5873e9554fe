-- Merging, splitting and linking conversations (PostgreSQL). Keep in step with
-- sqlite/0038_conversation_merge.sql.

-- A conversation merged into another: closed, its messages (with their
-- files and events) moved to `merged_into`. Its number still leads there:
-- pages redirect, the API says `merged_into`, and mail naming it (its
-- `[#id]` token) threads into the survivor (`conversations/threading.rs`).
ALTER TABLE conversations ADD COLUMN merged_into BIGINT REFERENCES conversations(id);
CREATE INDEX conversations_merged_into ON conversations (merged_into) WHERE merged_into IS NOT NULL;

-- Related conversations. A link is symmetric and stored once, the smaller
-- id first.
CREATE TABLE conversation_links (
    low_id     BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    high_id    BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    linked_by  BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (low_id, high_id),
    CHECK (low_id < high_id)
);
CREATE INDEX conversation_links_high ON conversation_links (high_id, low_id);
