-- Answers offered before asking (SQLite). Keep in step with
-- postgres/0028_kb_deflection.sql.
--
-- A visit is one visitor typing into one inbox's contact form or chat
-- widget, named by a random token their page made (`kb::deflection`
-- checks its shape). It is written at the first suggestion shown, so a
-- stranger can only add rows through `GET /help/api/suggest` (rate
-- limited per address) and each visit holds a bounded number of offers.
-- `sent_at`: the visitor then sent their message anyway (with the
-- conversation it became).
CREATE TABLE kb_visits (
    id               INTEGER PRIMARY KEY,
    token            TEXT NOT NULL UNIQUE,
    inbox_id         INTEGER NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    conversation_id  INTEGER REFERENCES conversations(id) ON DELETE SET NULL
);
CREATE INDEX kb_visits_created ON kb_visits (created_at);

-- Each article a visit was offered (once, however often it came back), in
-- which language, and when the visitor opened it.
CREATE TABLE kb_offers (
    visit_id    INTEGER NOT NULL REFERENCES kb_visits(id) ON DELETE CASCADE,
    article_id  INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    shown_at    INTEGER NOT NULL,
    opened_at   INTEGER,
    PRIMARY KEY (visit_id, article_id)
);
CREATE INDEX kb_offers_shown ON kb_offers (shown_at);
CREATE INDEX kb_offers_article ON kb_offers (article_id);
