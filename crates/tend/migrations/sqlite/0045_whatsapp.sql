-- WhatsApp inboxes (SQLite). Keep in step with postgres/0045_whatsapp.sql.

-- An inbox of kind `whatsapp` (the WhatsApp Business Cloud API): the
-- business phone number's id, the access token and the app secret (both
-- sealed, `secrets`), the verify token of the webhook's subscription
-- (sealed), the Graph API base, the approved message templates the desk
-- may send outside the 24-hour window (a JSON list of {"name",
-- "language", "parameters"}) and the one of them the satisfaction survey
-- uses then (by name). The inbox's failing state (a revoked token) is the
-- inbox's own (`inboxes.failing_since`).
CREATE TABLE whatsapp_inboxes (
    id               INTEGER PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
    phone_number_id  TEXT,
    access_token     TEXT,
    app_secret       TEXT,
    verify_token     TEXT,
    api_base         TEXT NOT NULL DEFAULT 'https://graph.facebook.com/v20.0',
    templates        TEXT NOT NULL DEFAULT '[]',
    survey_template  TEXT
);

-- The WhatsApp message ids (`wamid.…`) of what the desk sent: the
-- webhook's `statuses[]` name them, and the desk's message they belong to
-- takes their delivery state.
CREATE TABLE whatsapp_sent (
    wamid       TEXT PRIMARY KEY,
    inbox_id    INTEGER NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
);
