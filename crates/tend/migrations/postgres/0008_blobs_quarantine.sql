-- Small raw messages are kept in the database, not as files: their bytes
-- are committed with the row that points to them. `raw_sha256` columns name
-- a row here or, for larger messages, a file in the attachment store.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    bytes  BYTEA NOT NULL
);

-- A quarantined message that an admin retried: when, and what became of it.
ALTER TABLE mail_log ADD COLUMN retried_at BIGINT;
ALTER TABLE mail_log ADD COLUMN retry_outcome TEXT;
ALTER TABLE mail_log ADD COLUMN retry_conversation_id BIGINT REFERENCES conversations(id);
CREATE INDEX mail_log_outcome ON mail_log(outcome, id);
