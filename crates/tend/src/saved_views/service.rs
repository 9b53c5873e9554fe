//! Saved view use cases: write (the sharing rule of `agents::sharing`),
//! read, list and delete.

use crate::agents::Viewer;
use crate::agents::sharing::{may_change, may_write};
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{SavedView, SavedViewInput};
use super::repo;

/// Creates a view.
pub async fn create(st: &AppState, viewer: &Viewer, input: SavedViewInput) -> Result<SavedView> {
    write(st, viewer, None, input).await
}

/// Replaces a view.
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: SavedViewInput,
) -> Result<SavedView> {
    write(st, viewer, Some(id), input).await
}

async fn write(
    st: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
    input: SavedViewInput,
) -> Result<SavedView> {
    let v = input.check()?;
    let now = st.clock.now_ms();
    let who = viewer.clone();
    let id = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if let Some(id) = id {
                    let old = repo::get(c, &who, id)
                        .await?
                        .ok_or(Error::NotFound("saved view"))?;
                    may_write(c, &who, old.scope, old.owner_id, old.team_id).await?;
                }
                let owner_id = v.scope.owner_for(&who);
                may_write(c, &who, v.scope, owner_id, v.team_id).await?;
                match id {
                    Some(id) => repo::update(c, id, &v, owner_id, now).await.map(|()| id),
                    None => repo::insert(c, &v, owner_id, now).await,
                }
            })
        })
        .await?;
    get(st, viewer, id).await
}

/// Deletes a view.
pub async fn delete(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    let who = viewer.clone();
    st.db
        .write(move |c| {
            Box::pin(async move {
                let old = repo::get(c, &who, id)
                    .await?
                    .ok_or(Error::NotFound("saved view"))?;
                may_write(c, &who, old.scope, old.owner_id, old.team_id).await?;
                repo::delete(c, id).await
            })
        })
        .await
}

/// One view the viewer may see.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<SavedView> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("saved view"))
}

/// The views the viewer may see.
pub async fn list(st: &AppState, viewer: &Viewer) -> Result<Vec<SavedView>> {
    let mut c = st.db.pool().acquire().await?;
    repo::list(&mut c, viewer).await
}

/// Whether the viewer may change or delete `v` (for the page's buttons).
pub async fn editable(st: &AppState, viewer: &Viewer, v: &SavedView) -> Result<bool> {
    let mut c = st.db.pool().acquire().await?;
    may_change(&mut c, viewer, v.scope, v.owner_id, v.team_id).await
}
