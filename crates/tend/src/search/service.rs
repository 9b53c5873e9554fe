//! Searching: only what the viewer may see, best match first.

use std::collections::HashMap;

use tend_search::{Assignee, SearchOptions};

use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

use super::model::SearchHit;

/// Searches conversations with the search box syntax (see
/// `tend_search::query`). Malformed input is searched literally; it is
/// never an error. Agents see hits from the inboxes granted to their teams
/// only. Internal notes match: every API user is an agent (a customer
/// portal would search with `include_internal: false`).
pub async fn search(
    st: &AppState,
    viewer: &Viewer,
    q: &str,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let mut query = tend_search::parse(q);
    if query.is_empty() {
        return Ok(Vec::new());
    }
    // `assignee:someone@example.com` names a user by address.
    let emails: Vec<String> = query
        .assignees_mut()
        .filter_map(|a| match a {
            Assignee::Email(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    let mut users = HashMap::new();
    for e in emails {
        let id = crate::agents::service::user_by_email(st, &e)
            .await
            .ok()
            .map(|u| u.id);
        users.insert(e, id);
    }
    for a in query.assignees_mut() {
        if let Assignee::Email(e) = a {
            *a = match users.get(e.as_str()).copied().flatten() {
                Some(id) => Assignee::User(id),
                None => Assignee::Unknown,
            };
        }
    }
    let inboxes = {
        let mut c = st.db.pool().acquire().await?;
        viewer.visible_inboxes(&mut c).await?
    };
    let Some(index) = st.search().existing().map_err(internal)? else {
        // Nothing indexed yet on this node.
        return Ok(Vec::new());
    };
    let opts = SearchOptions {
        limit,
        inboxes,
        include_internal: true,
        me: viewer.user_id,
    };
    let hits = tokio::task::spawn_blocking(move || index.search(&query, &opts))
        .await
        .map_err(|e| Error::Internal(e.into()))?
        .map_err(internal)?;
    metrics::counter!("tend_search_queries_total").increment(1);
    Ok(hits.into_iter().map(SearchHit::from).collect())
}

fn internal(e: tend_search::Error) -> Error {
    Error::Internal(anyhow::Error::new(e).context("searching the index"))
}
