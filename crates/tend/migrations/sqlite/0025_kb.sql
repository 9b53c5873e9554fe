-- Knowledge base (SQLite). Keep in step with postgres/0025_kb.sql.

-- Categories of the help centre; `names` is JSON {"en": "Billing", …}.
CREATE TABLE kb_categories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    position    INTEGER NOT NULL DEFAULT 0,
    names       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- An article: its stable slug, category and source language (the
-- language the other translations are translated from). `changed_at`
-- moves with every change of the article or its translations: the search
-- index of each node catches up by it.
CREATE TABLE kb_articles (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    category_id  INTEGER REFERENCES kb_categories(id) ON DELETE SET NULL,
    source_lang  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    changed_at   INTEGER NOT NULL
);
CREATE INDEX kb_articles_changed ON kb_articles (changed_at);
CREATE INDEX kb_articles_category ON kb_articles (category_id);

-- One translation per language. `version` grows when its title or body
-- changes; `source_version` is the source translation's version it was
-- written against (outdated: lower than the source's version now).
-- `body_html` is the Markdown rendered and sanitised when saved.
CREATE TABLE kb_translations (
    article_id      INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    lang            TEXT NOT NULL,
    title           TEXT NOT NULL,
    body_markdown   TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    published       INTEGER NOT NULL,
    author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    version         INTEGER NOT NULL,
    source_version  INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (article_id, lang)
);

-- The article as it was after each change (JSON of the API's input), to
-- list and restore.
CREATE TABLE kb_revisions (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    snapshot    TEXT NOT NULL,
    author_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX kb_revisions_article ON kb_revisions (article_id, id);

-- "Did this help?" answers from the help centre.
CREATE TABLE kb_votes (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    helpful     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX kb_votes_article ON kb_votes (article_id);
