-- What the IMAP watcher does to a mailbox message once it is committed:
-- leave it as it is, set \Seen, or move it to `imap_move_to`.
ALTER TABLE inboxes ADD COLUMN imap_after TEXT NOT NULL DEFAULT 'leave'
    CHECK (imap_after IN ('leave', 'seen', 'move'));
ALTER TABLE inboxes ADD COLUMN imap_move_to TEXT;
