//! Use cases for customers.

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::agents::model::{EmailAddress, parse_name};
use crate::db::is_unique_violation;
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{Customer, CustomerPatch, parse_language, parse_timezone};
use super::{phone_repo, repo};

/// How many earlier conversations a profile shows.
const HISTORY_LIMIT: i64 = 200;

/// What a conversation shows of its customer, as a use case that has just
/// found or created them knows it.
#[derive(Debug, Clone)]
pub(crate) struct Known {
    /// Name.
    pub name: Option<String>,
    /// Primary address.
    pub email: Option<String>,
    /// Language.
    pub language: Option<String>,
}

/// A customer without an address (an anonymous chat visitor), inside the
/// caller's transaction.
pub(crate) async fn create_without_address_in(
    c: &mut AnyConnection,
    name: Option<&str>,
    now: i64,
) -> Result<i64> {
    repo::insert_without_address(c, name, now).await
}

/// Finds the customer who owns `email`, or creates them; records the
/// contact, and `language` when theirs is not known yet. Runs inside the
/// caller's transaction. Answers the customer's id, and their name,
/// primary address and language after the contact was recorded when the
/// same statements told them (`None`: read them).
pub(crate) async fn find_or_create_in(
    c: &mut AnyConnection,
    email: &EmailAddress,
    name: Option<&str>,
    language: Option<&str>,
    now: i64,
) -> Result<(i64, Option<Known>)> {
    let touched = if !crate::db::is_postgres(c) {
        // One writer, so the address cannot be taken between the look-up
        // and the insert: both in one round trip, no savepoint.
        Some(repo::find_or_insert_sqlite(c, email.as_str(), name, language, now).await?)
    } else {
        repo::touch_by_email(c, email.as_str(), name, language, now).await?
    };
    if let Some(t) = touched {
        // A merge that committed after the statement read the address moved
        // it (the update waits for the row lock, PostgreSQL): follow it to
        // the record that stayed.
        return Ok(match t.merged_into {
            Some(into) => {
                repo::touch(c, into, name, now).await?;
                if let Some(l) = language {
                    learn_language_in(c, into, l).await?;
                }
                (into, None)
            }
            None => (
                t.id,
                Some(Known {
                    name: t.name,
                    email: t.primary_email,
                    language: t.language,
                }),
            ),
        });
    }
    let owned_name = name.map(str::to_string);
    let owned_email = email.as_str().to_string();
    let inserted = crate::db::savepoint(c, move |c| {
        Box::pin(async move { repo::insert(c, owned_name.as_deref(), &owned_email, now).await })
    })
    .await;
    let (id, known) = match inserted {
        Ok(id) => (
            id,
            Some(Known {
                name: name.map(str::to_string),
                email: Some(email.as_str().to_string()),
                // Learned just below.
                language: language.map(str::to_string),
            }),
        ),
        // Another writer created the same address between our read and write.
        Err(Error::Database(d)) if is_unique_violation(&d) => (
            repo::id_by_email(c, email.as_str())
                .await?
                .ok_or(Error::NotFound("customer"))?,
            None,
        ),
        Err(e) => return Err(e),
    };
    if let Some(l) = language {
        learn_language_in(c, id, l).await?;
    }
    Ok((id, known))
}

/// Finds the customer who writes as `external_id` on inbox `inbox_id`'s
/// channel (a platform's user id means nothing on another inbox), or
/// creates them without an address; records the contact, and `language`
/// when theirs is not known yet. When the id is a phone number (`phone`:
/// WhatsApp), a new one is first looked for by it, as calls are, so the
/// caller and the writer with one number are one customer. Runs inside
/// the caller's transaction.
pub(crate) async fn find_or_create_by_channel_in(
    c: &mut AnyConnection,
    inbox_id: i64,
    external_id: &str,
    phone: Option<&super::phone::E164>,
    name: Option<&str>,
    language: Option<&str>,
    now: i64,
) -> Result<i64> {
    let id = match repo::id_by_channel(c, inbox_id, external_id).await? {
        Some(id) => {
            repo::touch(c, id, name, now).await?;
            id
        }
        None => {
            let (id, new) = match phone {
                Some(number) => {
                    find_or_create_by_phone_in(c, number, number.as_str(), name, None, now).await?
                }
                None => (repo::insert_without_address(c, name, now).await?, true),
            };
            if repo::insert_channel_id(c, inbox_id, external_id, id, now).await? {
                id
            } else {
                // Another delivery made them first (PostgreSQL waits for
                // its commit, so they are there now).
                if new {
                    repo::delete_new(c, id).await?;
                }
                let id = repo::id_by_channel(c, inbox_id, external_id)
                    .await?
                    .ok_or(Error::NotFound("customer"))?;
                repo::touch(c, id, name, now).await?;
                id
            }
        }
    };
    if let Some(l) = language {
        learn_language_in(c, id, l).await?;
    }
    Ok(id)
}

/// Finds the customer whose phone number is `number` (however it was
/// typed on their profile), or creates them with it (`typed`) and `name`;
/// records the contact. Numbers typed since the last look-up are
/// normalised first, with `region` for those without `+country`. Runs
/// inside the caller's transaction. Answers the id and whether the
/// customer is new.
pub(crate) async fn find_or_create_by_phone_in(
    c: &mut AnyConnection,
    number: &super::phone::E164,
    typed: &str,
    name: Option<&str>,
    region: Option<super::phone::Region>,
    now: i64,
) -> Result<(i64, bool)> {
    loop {
        let batch = phone_repo::pending(c, 500).await?;
        if batch.is_empty() {
            break;
        }
        for (id, phone) in batch {
            let e164 = super::phone::E164::parse("phone", &phone, region)
                .map(|n| n.as_str().to_string())
                .unwrap_or_default();
            phone_repo::set_e164(c, id, &e164).await?;
        }
    }
    if let Some(id) = phone_repo::id_by_e164(c, number.as_str()).await? {
        repo::touch(c, id, name, now).await?;
        return Ok((id, false));
    }
    let id = repo::insert_without_address(c, name, now).await?;
    phone_repo::set_phone(c, id, typed.trim(), number.as_str()).await?;
    Ok((id, true))
}

/// Sets the customer's language when it is not known yet.
pub(crate) async fn learn_language_in(
    c: &mut AnyConnection,
    id: i64,
    language: &str,
) -> Result<()> {
    repo::set_language_if_unset(c, id, language).await
}

/// Whether the viewer may see customer `id` (inside a transaction). A
/// record merged into another one counts as gone.
pub(crate) async fn visible_in(c: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<bool> {
    Ok(repo::list(c, viewer, None, None, Some(id), None, 1)
        .await?
        .first()
        .is_some_and(|cu| cu.merged_into.is_none()))
}

/// The address a conversation moved to customer `id` by this viewer is
/// with: the customer's first address the viewer may see, primary first
/// (inside the caller's transaction). `None` when they may see none.
pub(crate) async fn address_for_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<String>> {
    Ok(repo::emails_of(c, viewer, &[id])
        .await?
        .remove(&id)
        .and_then(|v| v.into_iter().next()))
}

/// Customers the viewer may see, newest first.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn list(
    st: &AppState,
    viewer: &Viewer,
    email: Option<&str>,
    q: Option<&str>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Customer>> {
    let mut c = st.db.pool().acquire().await?;
    repo::list(
        &mut c,
        viewer,
        email,
        q.filter(|q| !q.trim().is_empty()),
        None,
        before_id,
        limit,
    )
    .await
}

/// A customer profile with the viewer-visible history.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, customer_id = id))]
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Customer> {
    let mut c = st.db.pool().acquire().await?;
    get_in(&mut c, viewer, id).await
}

async fn get_in(c: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<Customer> {
    let mut customer = repo::list(c, viewer, None, None, Some(id), None, 1)
        .await?
        .pop()
        .ok_or(Error::NotFound("customer"))?;
    customer.conversations = Some(
        crate::conversations::service::history_of_customer_in(c, viewer, id, HISTORY_LIMIT).await?,
    );
    // Health is derived from every conversation: shown with the private
    // fields, to those who see them all.
    if !customer.private_hidden {
        customer.health = crate::health::service::of_customer_in(c, id).await?;
    }
    Ok(customer)
}

/// Edits a customer profile.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, customer_id = id))]
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    patch: CustomerPatch,
) -> Result<Customer> {
    let name = patch
        .name
        .as_deref()
        .map(|n| parse_name("name", n, 200))
        .transpose()?;
    let language = patch
        .language
        .as_deref()
        .map(|l| parse_language("language", l))
        .transpose()?;
    let timezone = patch.timezone.as_deref().map(parse_timezone).transpose()?;
    let phone = patch
        .phone
        .as_deref()
        .map(|p| p.trim().chars().take(64).collect::<String>());
    let notes = patch
        .notes
        .as_deref()
        .map(|n| n.chars().take(20_000).collect::<String>());
    let organization = patch
        .organization
        .as_deref()
        .map(str::trim)
        .map(str::to_string);
    let now = st.clock.now_ms();
    let viewer = viewer.clone();
    st.db
        .write(move |c| {
            Box::pin(async move {
                if !visible_in(c, &viewer, id).await? {
                    return Err(Error::NotFound("customer"));
                }
                // What one may not see, one may not overwrite either.
                let private = phone.is_some()
                    || notes.is_some()
                    || organization.is_some()
                    || timezone.is_some();
                if private && !repo::sees_private(c, &viewer, id).await? {
                    return Err(Error::Forbidden(
                        "phone, notes, organisation and time zone of a customer with conversations you cannot see may be changed only by supervisors and admins",
                    ));
                }
                let organization_id = match organization.as_deref() {
                    None => None,
                    Some("") => Some(None),
                    Some(o) => Some(Some(
                        repo::organization_by_name(c, &parse_name("organization", o, 200)?, now)
                            .await?,
                    )),
                };
                let u = repo::ProfileUpdate {
                    name: name.as_deref(),
                    phone: phone.as_deref(),
                    language: language.as_deref(),
                    timezone: timezone.as_deref(),
                    notes: notes.as_deref(),
                    organization_id,
                };
                repo::update(c, id, &u, now).await?;
                get_in(c, &viewer, id).await
            })
        })
        .await
}

/// The id of the visible customer who owns `email`.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn id_by_email(st: &AppState, viewer: &Viewer, email: &str) -> Result<i64> {
    let email = EmailAddress::parse("email", email)?;
    list(st, viewer, Some(email.as_str()), None, None, 1)
        .await?
        .first()
        .map(|cu| cu.id)
        .ok_or_else(|| {
            Error::invalid(
                "email",
                format!("there is no customer with the address {}", email.as_str()),
            )
        })
}

/// Merges customer `from_id` into `into_id`, in one transaction: the
/// addresses and every conversation move over (each conversation records a
/// `customer_changed` event), `into_id` takes over what it did not know
/// (name, phone, language, timezone, organisation; notes are joined), and
/// `from_id` is marked merged, which hides it from lists.
///
/// Who may merge: admins and supervisors; an agent only when they can see
/// every conversation of both customers (a merge must not move
/// conversations the agent cannot see). Others get 403; customers the
/// viewer cannot see at all answer 404.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, into_id = into_id, from_id = from_id))]
pub async fn merge(st: &AppState, viewer: &Viewer, into_id: i64, from_id: i64) -> Result<Customer> {
    if into_id == from_id {
        return Err(Error::invalid(
            "customer_id",
            "a customer cannot be merged into itself",
        ));
    }
    let now = st.clock.now_ms();
    let viewer2 = viewer.clone();
    let events = st
        .db
        .write(move |c| {
            Box::pin(async move {
                repo::lock_pair(c, into_id, from_id).await?;
                for (id, field) in [(into_id, None), (from_id, Some("customer_id"))] {
                    let Some(cu) = repo::list(c, &viewer2, None, None, Some(id), None, 1)
                        .await?
                        .pop()
                    else {
                        return Err(match field {
                            // The one named in the body is input; the one in the path is the resource.
                            Some(f) => Error::invalid(f, format!("there is no customer {id}")),
                            None => Error::NotFound("customer"),
                        });
                    };
                    if let Some(m) = cu.merged_into {
                        return Err(Error::conflict(
                            "customer_merged",
                            format!("customer {id} was already merged into customer {m}"),
                            serde_json::json!({"customer_id": id, "merged_into": m}),
                        ));
                    }
                    if !viewer2.sees_all() {
                        let (all, seen) = crate::conversations::service::totals_of_customer_in(c, &viewer2, id).await?;
                        if all != seen {
                            return Err(Error::Forbidden(
                                "only supervisors and admins may merge customers with conversations you cannot see",
                            ));
                        }
                    }
                }
                repo::absorb(c, from_id, into_id, now).await?;
                repo::move_emails(c, from_id, into_id).await?;
                let events = crate::conversations::merge::move_customer_in(
                    c, &viewer2, from_id, into_id, now,
                )
                .await?;
                repo::mark_merged(c, from_id, into_id, now).await?;
                Ok(events)
            })
        })
        .await?;
    st.publish(events);
    get(st, viewer, into_id).await
}

/// What other domains show of a customer without a viewer (the radar,
/// which only supervisors and admins read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Language.
    pub language: Option<String>,
    /// Organisation.
    pub organization_id: Option<i64>,
    /// Set when merged into another record.
    pub merged_into: Option<i64>,
}

/// [`Brief`]s of these customers (ids that do not exist are left out),
/// inside the caller's connection.
pub(crate) async fn briefs_in(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Brief>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for (id, name, language, organization_id, merged_into) in repo::briefs(c, chunk).await? {
            out.push(Brief {
                id,
                name,
                language,
                organization_id,
                merged_into,
            });
        }
    }
    Ok(out)
}

/// Every organisation (id, name), by name: the radar's filter.
pub async fn organizations(st: &AppState) -> Result<Vec<(i64, String)>> {
    let mut c = st.db.pool().acquire().await?;
    repo::organizations(&mut c).await
}
