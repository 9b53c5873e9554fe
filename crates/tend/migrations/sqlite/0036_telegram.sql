-- Telegram inboxes (SQLite). Keep in step with postgres/0036_telegram.sql.

-- An inbox of kind `telegram`: its bot's token (sealed, `secrets`), the Bot
-- API server (Telegram's, or a self-hosted one), the secret Telegram sends
-- with each webhook call (sealed), and how updates are read: by long
-- polling while `webhook_since` is NULL, else by the webhook (since then).
-- `poll_offset` is the next update to ask `getUpdates` for (every earlier
-- one is stored); `poll_lease_until` is when the node polling the bot lets
-- go of it (`db::claim`), 0: nobody polls it now. The inbox's failing state
-- (a revoked token) is the inbox's own (`inboxes.failing_since`).
CREATE TABLE telegram_inboxes (
    id                INTEGER PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
    bot_token         TEXT,
    api_base          TEXT NOT NULL DEFAULT 'https://api.telegram.org',
    webhook_secret    TEXT,
    webhook_since     INTEGER,
    poll_offset       INTEGER NOT NULL DEFAULT 0,
    poll_lease_until  INTEGER NOT NULL DEFAULT 0
);

-- The parts of a queued message a channel took before an attempt failed
-- (Telegram sends the text and each file on its own): a retry sends only
-- the rest.
ALTER TABLE channel_outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
