//! The `saved_views` table. The spec is stored as the JSON the API takes.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::agents::Viewer;
use crate::agents::sharing::{Scope, restrict};
use crate::db::Sql;
use crate::time::rfc3339;

use super::model::{SavedView, SavedViewInput};

#[derive(Debug, FromRow)]
struct Row {
    id: i64,
    name: String,
    scope: String,
    owner_id: Option<i64>,
    team_id: Option<i64>,
    spec: String,
    created_at: i64,
    updated_at: i64,
}

impl Row {
    fn into_view(self) -> Result<SavedView> {
        let broken = |what: &str, e: &dyn std::fmt::Display| {
            crate::Error::Internal(anyhow::anyhow!(
                "saved view {}: its stored {what} does not read ({e})",
                self.id
            ))
        };
        Ok(SavedView {
            id: self.id,
            scope: Scope::from_db(&self.scope).map_err(|e| broken("scope", &e))?,
            spec: serde_json::from_str(&self.spec).map_err(|e| broken("spec", &e))?,
            name: self.name,
            owner_id: self.owner_id,
            team_id: self.team_id,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        })
    }
}

const COLUMNS: &str = "SELECT v.id, v.name, v.scope, v.owner_id, v.team_id, v.spec, \
     v.created_at, v.updated_at FROM saved_views v WHERE 1=1";

fn spec_json(v: &SavedViewInput) -> Result<String> {
    serde_json::to_string(&v.spec).map_err(|e| crate::Error::Internal(e.into()))
}

pub(super) async fn insert(
    c: &mut AnyConnection,
    v: &SavedViewInput,
    owner_id: Option<i64>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO saved_views (name, scope, owner_id, team_id, spec, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(&v.name)
    .bind(v.scope.as_str())
    .bind(owner_id)
    .bind(v.team_id)
    .bind(spec_json(v)?)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub(super) async fn update(
    c: &mut AnyConnection,
    id: i64,
    v: &SavedViewInput,
    owner_id: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE saved_views SET name = $1, scope = $2, owner_id = $3, team_id = $4, spec = $5, \
         updated_at = $6 WHERE id = $7",
    )
    .bind(&v.name)
    .bind(v.scope.as_str())
    .bind(owner_id)
    .bind(v.team_id)
    .bind(spec_json(v)?)
    .bind(now)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

pub(super) async fn delete(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM saved_views WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// One view the viewer may see.
pub(super) async fn get(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<SavedView>> {
    let mut sql = Sql::new(COLUMNS);
    sql.push(" AND v.id = ").bind(id);
    restrict(&mut sql, viewer, "v");
    let row: Option<Row> = sql.query_as().fetch_optional(c).await?;
    row.map(Row::into_view).transpose()
}

/// The views the viewer may see: their own first, then their teams', then
/// the global ones, each by name.
pub(super) async fn list(c: &mut AnyConnection, viewer: &Viewer) -> Result<Vec<SavedView>> {
    let mut sql = Sql::new(COLUMNS);
    restrict(&mut sql, viewer, "v");
    sql.push(
        " ORDER BY CASE v.scope WHEN 'personal' THEN 0 WHEN 'team' THEN 1 ELSE 2 END, \
         v.name, v.id LIMIT 500",
    );
    let rows: Vec<Row> = sql.query_as().fetch_all(c).await?;
    rows.into_iter().map(Row::into_view).collect()
}
