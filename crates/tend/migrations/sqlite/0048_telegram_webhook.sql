-- Telegram bots registering their own webhook. Keep in step with
-- postgres/0048_telegram_webhook.sql.

-- When Tend last told Telegram (`setWebhook`) where to post this bot's
-- updates, with the settings it has now. NULL: not told yet, or the
-- token, server, secret or mode changed since; a bot in webhook mode with
-- a token is then registered by the Telegram task (leased like a poll,
-- through `poll_lease_until`) when `public_url` is set.
ALTER TABLE telegram_inboxes ADD COLUMN webhook_set_at INTEGER;
