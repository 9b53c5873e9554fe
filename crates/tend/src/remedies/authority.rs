//! Remedy kinds and authority limits (admins write them; everyone signed
//! in reads them: limits are meant to be seen). The rule that applies
//! them is `service::decide_state`.

use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

use super::authority_repo as repo;
use super::model::{Bound, Limit, LimitInput, RemedyKind, RemedyKindInput};

/// The remedy kinds (everyone signed in).
pub async fn kinds(st: &AppState) -> Result<Vec<RemedyKind>> {
    let mut c = st.db.pool().acquire().await?;
    repo::kinds(&mut c).await
}

/// Adds a remedy kind (admins).
pub async fn create_kind(
    st: &AppState,
    viewer: &Viewer,
    input: RemedyKindInput,
) -> Result<RemedyKind> {
    viewer.require_admin()?;
    let (key, name) = input.checked()?;
    let (url, secret) = webhook_of(st, &input)?;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                if repo::kind_exists(c, &key).await? {
                    return Err(Error::invalid(
                        "key",
                        format!("there is a remedy kind {key:?} already"),
                    ));
                }
                repo::insert_kind(c, &key, &name, url.as_deref(), secret.as_deref(), now).await
            })
        })
        .await
}

/// A kind's webhook as given: the URL checked, the secret sealed.
fn webhook_of(st: &AppState, input: &RemedyKindInput) -> Result<(Option<String>, Option<String>)> {
    let url = input
        .webhook_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .map(crate::webhooks::model::check_url)
        .transpose()
        .map_err(|_| {
            Error::invalid(
                "webhook_url",
                "give an http:// or https:// URL for the webhook",
            )
        })?;
    let secret = input
        .webhook_secret
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| st.secrets().seal(crate::secrets::Purpose::WebhookSecret, s));
    if secret.is_some() && url.is_none() {
        return Err(Error::invalid(
            "webhook_secret",
            "a secret signs a webhook: give webhook_url too",
        ));
    }
    Ok((url, secret))
}

/// Replaces a kind's name and webhook (admins); its key stays. Without
/// `webhook_url` the kind posts nowhere; without `webhook_secret` the
/// secret it had stays.
pub async fn update_kind(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: RemedyKindInput,
) -> Result<RemedyKind> {
    viewer.require_admin()?;
    let (_, name) = input.checked()?;
    let (url, secret) = webhook_of(st, &input)?;
    st.db
        .write(move |c| {
            Box::pin(async move {
                if !repo::update_kind(c, id, &name, url.as_deref(), secret.as_deref()).await? {
                    return Err(Error::NotFound("remedy kind"));
                }
                repo::kinds(c)
                    .await?
                    .into_iter()
                    .find(|k| k.id == id)
                    .ok_or(Error::NotFound("remedy kind"))
            })
        })
        .await
}

/// Every authority limit (everyone signed in: limits are meant to be
/// seen).
pub async fn limits(st: &AppState) -> Result<Vec<Limit>> {
    let mut c = st.db.pool().acquire().await?;
    repo::limits(&mut c).await
}

/// Sets a role's, team's or user's limit for a kind and currency (admins).
pub async fn put_limit(st: &AppState, viewer: &Viewer, input: LimitInput) -> Result<Limit> {
    viewer.require_admin()?;
    let bound = input.bound()?;
    let by = viewer.user_id;
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                match bound {
                    Bound::Team(t) if !crate::agents::service::team_exists_in(c, t).await? => {
                        return Err(Error::invalid("team_id", format!("there is no team {t}")));
                    }
                    Bound::User(u) => {
                        crate::agents::service::user_in(c, u).await.map_err(|_| {
                            Error::invalid("user_id", format!("there is no user {u}"))
                        })?;
                    }
                    _ => {}
                }
                if !repo::kind_exists(c, &input.kind).await? {
                    return Err(unknown_kind(&input.kind));
                }
                repo::put_limit(
                    c,
                    &bound,
                    &input.kind,
                    &input.currency,
                    input.limit_per_case,
                    input.limit_per_month,
                    by,
                    now,
                )
                .await
            })
        })
        .await
}

/// Removes a limit (admins).
pub async fn delete_limit(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    viewer.require_admin()?;
    let gone = st
        .db
        .write(move |c| Box::pin(async move { repo::delete_limit(c, id).await }))
        .await?;
    if gone {
        Ok(())
    } else {
        Err(Error::NotFound("limit"))
    }
}

pub(super) fn unknown_kind(kind: &str) -> Error {
    Error::invalid(
        "kind",
        format!("there is no remedy kind {kind:?}; see GET /api/v1/remedy-kinds"),
    )
}
