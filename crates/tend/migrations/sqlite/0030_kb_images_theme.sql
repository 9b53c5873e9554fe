-- Images of the knowledge base and the help centre's theme (SQLite). Keep
-- in step with postgres/0029_kb_images_theme.sql.
--
-- An image uploaded for an article (or as the help centre's logo) is a
-- file of the attachment store, named here by its SHA-256 so that the
-- sweep keeps it (`attachments/repo.rs`) and the help centre serves it at
-- `/help/images/<sha256>.<ext>`. The type was judged from the bytes.
CREATE TABLE kb_images (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,
    content_type  TEXT NOT NULL,
    filename      TEXT NOT NULL,
    size          INTEGER NOT NULL,
    uploaded_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL
);

-- The help centre's look, one row (absent: Tend's own look). Colours are
-- `#rrggbb`, checked when saved; the logo is one of `kb_images`.
CREATE TABLE help_theme (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    company_name    TEXT NOT NULL,
    logo_sha256     TEXT REFERENCES kb_images(sha256),
    primary_colour  TEXT NOT NULL,
    text_colour     TEXT NOT NULL,
    changed_at      INTEGER NOT NULL,
    changed_by      INTEGER REFERENCES users(id) ON DELETE SET NULL
);
