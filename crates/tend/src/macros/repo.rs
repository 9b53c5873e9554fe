//! The `macros` table. Templates and actions are stored as the JSON the API
//! takes, checked before every write.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::rfc3339;

use super::model::{Checked, Macro, Scope};

/// A stored macro.
#[derive(Debug, FromRow)]
struct MacroRow {
    id: i64,
    name: String,
    scope: String,
    owner_id: Option<i64>,
    team_id: Option<i64>,
    text: String,
    translations: String,
    actions: String,
    usage_count: i64,
    created_at: i64,
    updated_at: i64,
}

impl MacroRow {
    fn into_macro(self) -> Result<Macro> {
        let broken = |what: &str, e: &dyn std::fmt::Display| {
            crate::Error::Internal(anyhow::anyhow!(
                "macro {}: its stored {what} does not read ({e})",
                self.id
            ))
        };
        Ok(Macro {
            id: self.id,
            scope: Scope::from_db(&self.scope).map_err(|e| broken("scope", &e))?,
            translations: serde_json::from_str(&self.translations)
                .map_err(|e| broken("translations", &e))?,
            actions: serde_json::from_str(&self.actions).map_err(|e| broken("actions", &e))?,
            name: self.name,
            owner_id: self.owner_id,
            team_id: self.team_id,
            text: self.text,
            usage_count: self.usage_count,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        })
    }
}

const COLUMNS: &str = "SELECT m.id, m.name, m.scope, m.owner_id, m.team_id, m.text, \
     m.translations, m.actions, m.usage_count, m.created_at, m.updated_at FROM macros m";

/// The columns a write sets.
pub(super) struct Written {
    pub name: String,
    pub name_folded: String,
    pub scope: Scope,
    pub owner_id: Option<i64>,
    pub team_id: Option<i64>,
    pub text: String,
    pub translations: String,
    pub actions: String,
}

impl Written {
    pub fn of(m: &Checked, owner_id: Option<i64>) -> Result<Written> {
        let json = |v: serde_json::Result<String>| v.map_err(|e| crate::Error::Internal(e.into()));
        Ok(Written {
            name_folded: m.name.to_lowercase(),
            name: m.name.clone(),
            scope: m.scope,
            owner_id,
            team_id: m.team_id,
            text: m.text.text.clone(),
            translations: json(serde_json::to_string(&m.text.translations))?,
            actions: json(serde_json::to_string(&m.actions))?,
        })
    }
}

pub(super) async fn insert(c: &mut AnyConnection, w: &Written, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO macros (name, name_folded, scope, owner_id, team_id, text, translations, \
         actions, usage_count, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9) RETURNING id",
    )
    .bind(&w.name)
    .bind(&w.name_folded)
    .bind(w.scope.as_str())
    .bind(w.owner_id)
    .bind(w.team_id)
    .bind(&w.text)
    .bind(&w.translations)
    .bind(&w.actions)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Replaces a macro (its usage count stays).
pub(super) async fn update(c: &mut AnyConnection, id: i64, w: &Written, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE macros SET name = $1, name_folded = $2, scope = $3, owner_id = $4, team_id = $5, \
         text = $6, translations = $7, actions = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&w.name)
    .bind(&w.name_folded)
    .bind(w.scope.as_str())
    .bind(w.owner_id)
    .bind(w.team_id)
    .bind(&w.text)
    .bind(&w.translations)
    .bind(&w.actions)
    .bind(now)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn delete(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM macros WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Counts one use.
pub(super) async fn count_use(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE macros SET usage_count = usage_count + 1 WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Whether another macro of the same owner (user, team, or none for
/// global) has this name, ignoring case.
pub(super) async fn name_taken(
    c: &mut AnyConnection,
    w: &Written,
    except_id: Option<i64>,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM macros WHERE scope = $1 AND COALESCE(owner_id, 0) = $2 \
         AND COALESCE(team_id, 0) = $3 AND name_folded = $4 AND id <> $5",
    )
    .bind(w.scope.as_str())
    .bind(w.owner_id.unwrap_or(0))
    .bind(w.team_id.unwrap_or(0))
    .bind(&w.name_folded)
    .bind(except_id.unwrap_or(-1))
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// One macro the viewer may see.
pub(super) async fn get(c: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<Option<Macro>> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" WHERE m.id = ").bind(id);
    crate::agents::sharing::restrict(&mut sql, viewer, "m");
    let row: Option<MacroRow> = sql.query_as().fetch_optional(c).await?;
    row.map(MacroRow::into_macro).transpose()
}

/// The macros the viewer may use, the most used first, then by name;
/// `q` matches anywhere in the name, ignoring case.
pub(super) async fn list(
    c: &mut AnyConnection,
    viewer: &Viewer,
    q: Option<&str>,
    limit: i64,
) -> Result<Vec<Macro>> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" WHERE 1=1");
    crate::agents::sharing::restrict(&mut sql, viewer, "m");
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        sql.push(" AND m.name_folded LIKE ")
            .bind(crate::db::like_pattern(q))
            .push(" ESCAPE '\\'");
    }
    sql.push(" ORDER BY m.usage_count DESC, m.name_folded, m.id LIMIT ")
        .bind(limit);
    let rows: Vec<MacroRow> = sql.query_as().fetch_all(c).await?;
    rows.into_iter().map(MacroRow::into_macro).collect()
}
