//! The tables of the knowledge base's pictures: `kb_images` (images of
//! articles and the logo) and `help_theme` (the help centre's look).

use sqlx::{AnyConnection, FromRow};

use crate::Result;

/// A stored image.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ImageRow {
    pub sha256: String,
    pub content_type: String,
    pub filename: String,
    pub size: i64,
}

/// Records an image (once per content: the same bytes keep their first
/// row).
pub(super) async fn insert_image(
    c: &mut AnyConnection,
    row: &ImageRow,
    uploaded_by: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO kb_images (sha256, content_type, filename, size, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&row.sha256)
    .bind(&row.content_type)
    .bind(&row.filename)
    .bind(row.size)
    .bind(uploaded_by)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// The image stored under a digest.
pub(super) async fn image(c: &mut AnyConnection, sha256: &str) -> Result<Option<ImageRow>> {
    Ok(sqlx::query_as(
        "SELECT sha256, content_type, filename, size FROM kb_images WHERE sha256 = $1",
    )
    .bind(sha256)
    .fetch_optional(c)
    .await?)
}

/// The stored theme.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ThemeRow {
    pub company_name: String,
    pub logo_sha256: Option<String>,
    pub primary_colour: String,
    pub text_colour: String,
    pub changed_at: i64,
    /// The logo's media type (read with the theme; not written).
    pub logo_type: Option<String>,
}

/// The theme, if one was saved, with its logo's type (one read: every
/// help-centre page asks).
pub(super) async fn theme(c: &mut AnyConnection) -> Result<Option<ThemeRow>> {
    Ok(sqlx::query_as(
        "SELECT t.company_name, t.logo_sha256, t.primary_colour, t.text_colour, t.changed_at, \
         i.content_type AS logo_type \
         FROM help_theme t LEFT JOIN kb_images i ON i.sha256 = t.logo_sha256 WHERE t.id = 1",
    )
    .fetch_optional(c)
    .await?)
}

/// Saves the theme (the one row).
pub(super) async fn save_theme(
    c: &mut AnyConnection,
    row: &ThemeRow,
    changed_by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO help_theme (id, company_name, logo_sha256, primary_colour, text_colour, \
         changed_at, changed_by) VALUES (1, $1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO UPDATE SET company_name = $1, logo_sha256 = $2, \
         primary_colour = $3, text_colour = $4, changed_at = $5, changed_by = $6",
    )
    .bind(&row.company_name)
    .bind(row.logo_sha256.as_deref())
    .bind(&row.primary_colour)
    .bind(&row.text_colour)
    .bind(row.changed_at)
    .bind(changed_by)
    .execute(c)
    .await?;
    Ok(())
}
