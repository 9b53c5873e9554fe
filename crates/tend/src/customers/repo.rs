//! The only SQL about customers and organisations.
//!
//! One file because `repo` is the domain's one private door to its tables
//! (customers, their addresses and channel ids, organisations, merges):
//! a merge moves rows of all of them in one place. Split it into a
//! folder (`repo/`, as `conversations` has) when it grows further.

use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::rfc3339;

use super::model::{Customer, OrganizationRef};

pub(super) async fn id_by_email(c: &mut AnyConnection, email: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT customer_id FROM customer_emails WHERE email = $1")
            .bind(email)
            .fetch_optional(c)
            .await?,
    )
}

/// A customer without an address (yet).
pub(super) async fn insert_without_address(
    c: &mut AnyConnection,
    name: Option<&str>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO customers (name, name_fold, first_seen_at, last_seen_at, created_at, updated_at) \
         VALUES ($1, $3, $2, $2, $2, $2) RETURNING id",
    )
    .bind(name)
    .bind(now)
    .bind(name.map(str::to_lowercase))
    .fetch_one(&mut *c)
    .await?)
}

pub(super) async fn insert(
    c: &mut AnyConnection,
    name: Option<&str>,
    email: &str,
    now: i64,
) -> Result<i64> {
    let id = insert_without_address(c, name, now).await?;
    sqlx::query("INSERT INTO customer_emails (email, customer_id, is_primary, created_at) VALUES ($1, $2, 1, $3)")
        .bind(email)
        .bind(id)
        .bind(now)
        .execute(c)
        .await?;
    Ok(id)
}

/// Records contact: last seen, and the name if we did not know it. Returns
/// the record this one was merged into, if it was.
pub(super) async fn touch(
    c: &mut AnyConnection,
    id: i64,
    name: Option<&str>,
    now: i64,
) -> Result<Option<i64>> {
    let merged: Option<Option<i64>> = sqlx::query_scalar(
        "UPDATE customers SET last_seen_at = $1, name = COALESCE(name, $2), \
         name_fold = COALESCE(name_fold, $4), updated_at = $1 WHERE id = $3 RETURNING merged_into",
    )
    .bind(now)
    .bind(name)
    .bind(id)
    .bind(name.map(str::to_lowercase))
    .fetch_optional(c)
    .await?;
    Ok(merged.flatten())
}

/// The customer [`touch_by_email`] touched.
#[derive(FromRow)]
pub(super) struct Touched {
    pub id: i64,
    pub merged_into: Option<i64>,
    pub name: Option<String>,
    pub language: Option<String>,
    pub primary_email: Option<String>,
}

/// The update of [`touch_by_email`]: `$1` now, `$2` name, `$3` address,
/// `$4` folded name, `$5` language.
macro_rules! touch_by_email_sql {
    () => {
        "UPDATE customers SET last_seen_at = $1, name = COALESCE(name, $2), \
         name_fold = COALESCE(name_fold, $4), language = COALESCE(language, $5), updated_at = $1 \
         WHERE id = (SELECT customer_id FROM customer_emails WHERE email = $3) \
         RETURNING id, merged_into, name, language, \
         (SELECT ce.email FROM customer_emails ce WHERE ce.customer_id = customers.id \
          ORDER BY ce.is_primary DESC, ce.created_at LIMIT 1) AS primary_email"
    };
}

/// [`touch`] for the customer who owns `email` (and their language when
/// unknown), found in the same statement (on SQLite every statement of a
/// write costs the whole process's writer a round trip). Answers `None` for
/// a new address, else the record touched (with what a conversation shows
/// of it), and the record it was merged into, if it was.
pub(super) async fn touch_by_email(
    c: &mut AnyConnection,
    email: &str,
    name: Option<&str>,
    language: Option<&str>,
    now: i64,
) -> Result<Option<Touched>> {
    Ok(
        touch_or_insert(c, touch_by_email_sql!(), email, name, language, now)
            .await?
            .into_iter()
            .next(),
    )
}

/// SQLite: [`touch_by_email`], or for a new address [`insert`] with
/// `language`, in one round trip to the worker thread (three statements in
/// one execution; the inserts do nothing when the address exists, and
/// `last_insert_rowid()` is the new customer). Answers the record as
/// [`touch_by_email`] does.
pub(super) async fn find_or_insert_sqlite(
    c: &mut AnyConnection,
    email: &str,
    name: Option<&str>,
    language: Option<&str>,
    now: i64,
) -> Result<Touched> {
    let sql = concat!(
        touch_by_email_sql!(),
        "; INSERT INTO customers (name, name_fold, language, first_seen_at, last_seen_at, \
         created_at, updated_at) SELECT $2, $4, $5, $1, $1, $1, $1 \
         WHERE NOT EXISTS (SELECT 1 FROM customer_emails WHERE email = $3); \
         INSERT INTO customer_emails (email, customer_id, is_primary, created_at) \
         SELECT $3, last_insert_rowid(), 1, $1 \
         WHERE NOT EXISTS (SELECT 1 FROM customer_emails WHERE email = $3) \
         RETURNING customer_id AS id, NULL AS merged_into, $2 AS name, $5 AS language, \
         email AS primary_email"
    );
    touch_or_insert(c, sql, email, name, language, now)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| crate::Error::Internal(anyhow::anyhow!("no customer found or made")))
}

async fn touch_or_insert(
    c: &mut AnyConnection,
    sql: &'static str,
    email: &str,
    name: Option<&str>,
    language: Option<&str>,
    now: i64,
) -> Result<Vec<Touched>> {
    Ok(sqlx::query_as(sql)
        .bind(now)
        .bind(name)
        .bind(email)
        .bind(name.map(str::to_lowercase))
        .bind(language)
        // Every statement run to its end, whatever rows come back.
        .fetch_all(c)
        .await?)
}

pub(super) async fn set_language_if_unset(
    c: &mut AnyConnection,
    id: i64,
    language: &str,
) -> Result<()> {
    sqlx::query("UPDATE customers SET language = COALESCE(language, $1) WHERE id = $2")
        .bind(language)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct CustomerRow {
    id: i64,
    name: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    organization_id: Option<i64>,
    organization_name: Option<String>,
    notes: Option<String>,
    first_seen_at: i64,
    last_seen_at: i64,
    merged_into: Option<i64>,
    conversation_count: i64,
    sees_private: i64,
}

/// Customers the viewer may see, newest first, filtered by exact address or
/// a name/address fragment. Of each, only what the viewer may see of it
/// (`agents::access`): the addresses given where they can see, and the
/// private fields only when they may see every conversation. The filters
/// match only those addresses too, so a search cannot tell who owns an
/// address the viewer may not see.
pub(super) async fn list(
    c: &mut AnyConnection,
    viewer: &Viewer,
    email: Option<&str>,
    q: Option<&str>,
    only_id: Option<i64>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Customer>> {
    let mut sql = Sql::new(
        "SELECT cu.id, cu.name, cu.phone, cu.language, cu.timezone, cu.organization_id, \
         o.name AS organization_name, cu.notes, cu.first_seen_at, cu.last_seen_at, \
         cu.merged_into, (SELECT COUNT(*) FROM conversations cc WHERE cc.customer_id = cu.id",
    );
    viewer.restrict_inboxes(&mut sql, "cc.inbox_id");
    sql.push(") AS conversation_count, ");
    viewer.push_sees_private_fields(&mut sql, "cu.id");
    sql.push(
        " AS sees_private FROM customers cu \
         LEFT JOIN organizations o ON o.id = cu.organization_id WHERE 1=1",
    );
    viewer.restrict_customers(&mut sql, "cu.id");
    match only_id {
        Some(id) => {
            sql.push(" AND cu.id = ").bind(id);
        }
        // Merged records live on only for links to them; lists hide them.
        None => {
            sql.push(" AND cu.merged_into IS NULL");
        }
    }
    if let Some(e) = email {
        sql.push(" AND cu.id IN (SELECT fe.customer_id FROM customer_emails fe WHERE fe.email = ")
            .bind(e.trim().to_lowercase());
        viewer.restrict_customer_emails(&mut sql, "fe.customer_id", "fe.email");
        sql.push(")");
    }
    if let Some(q) = q {
        let pattern = crate::db::like_pattern(q);
        sql.push(" AND (cu.name_fold LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR cu.id IN (SELECT fe.customer_id FROM customer_emails fe WHERE fe.email LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\'");
        viewer.restrict_customer_emails(&mut sql, "fe.customer_id", "fe.email");
        sql.push("))");
    }
    if let Some(b) = before_id {
        sql.push(" AND cu.id < ").bind(b);
    }
    sql.push(" ORDER BY cu.id DESC LIMIT ").bind(limit);
    let rows: Vec<CustomerRow> = sql.query_as().fetch_all(&mut *c).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut emails = emails_of(c, viewer, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            // Private fields are left out, not blanked in SQL, so the rule
            // stays in one expression (`push_sees_private_fields`).
            let private = r.sees_private != 0;
            Customer {
                id: r.id,
                name: r.name,
                emails: emails.remove(&r.id).unwrap_or_default(),
                phone: r.phone.filter(|_| private),
                language: r.language,
                timezone: r.timezone.filter(|_| private),
                organization: r
                    .organization_id
                    .zip(r.organization_name)
                    .filter(|_| private)
                    .map(|(id, name)| OrganizationRef { id, name }),
                notes: r.notes.filter(|_| private),
                private_hidden: !private,
                first_seen_at: rfc3339(r.first_seen_at),
                last_seen_at: rfc3339(r.last_seen_at),
                conversation_count: r.conversation_count,
                merged_into: r.merged_into,
                conversations: None,
                health: None,
            }
        })
        .collect())
}

/// Whether the viewer may see (and so change) customer `id`'s private
/// fields (`Viewer::push_sees_private_fields`).
pub(super) async fn sees_private(c: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<bool> {
    let mut sql = Sql::new("SELECT ");
    viewer.push_sees_private_fields(&mut sql, "cu.id");
    sql.push(" FROM customers cu WHERE cu.id = ").bind(id);
    let row: Option<(i64,)> = sql.query_as().fetch_optional(c).await?;
    Ok(row.is_some_and(|(v,)| v != 0))
}

/// The addresses per customer that the viewer may see, primary first.
pub(super) async fn emails_of(
    c: &mut AnyConnection,
    viewer: &Viewer,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut map = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    let mut sql = Sql::new(
        "SELECT ce.customer_id, ce.email FROM customer_emails ce WHERE ce.customer_id IN ",
    );
    sql.bind_list(ids.iter().copied());
    viewer.restrict_customer_emails(&mut sql, "ce.customer_id", "ce.email");
    sql.push(" ORDER BY ce.is_primary DESC, ce.created_at, ce.email");
    let rows: Vec<(i64, String)> = sql.query_as().fetch_all(c).await?;
    for (id, email) in rows {
        map.entry(id).or_insert_with(Vec::new).push(email);
    }
    Ok(map)
}

pub(super) struct ProfileUpdate<'a> {
    pub name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: Option<&'a str>,
    pub timezone: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// `Some(None)` removes the organisation.
    pub organization_id: Option<Option<i64>>,
}

pub(super) async fn update(
    c: &mut AnyConnection,
    id: i64,
    u: &ProfileUpdate<'_>,
    now: i64,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE customers SET updated_at = ");
    sql.bind(now);
    let fields: [(&str, Option<&str>); 5] = [
        ("name", u.name),
        ("phone", u.phone),
        ("language", u.language),
        ("timezone", u.timezone),
        ("notes", u.notes),
    ];
    for (col, v) in fields {
        if let Some(v) = v {
            sql.push(", ")
                .push(col)
                .push(" = ")
                .bind(Some(v.to_string()).filter(|s| !s.is_empty()));
        }
    }
    if u.phone.is_some() {
        // Normalised again before the next call looks it up
        // (`phone_repo::pending`).
        sql.push(", phone_e164 = NULL");
    }
    if let Some(name) = u.name {
        sql.push(", name_fold = ").bind(name.to_lowercase());
    }
    if let Some(org) = u.organization_id {
        sql.push(", organization_id = ").bind(org);
    }
    sql.push(" WHERE id = ").bind(id);
    sql.query().execute(c).await?;
    Ok(())
}

pub(super) async fn organization_by_name(
    c: &mut AnyConnection,
    name: &str,
    now: i64,
) -> Result<i64> {
    if let Some(id) =
        sqlx::query_scalar("SELECT id FROM organizations WHERE name = $1 ORDER BY id LIMIT 1")
            .bind(name)
            .fetch_optional(&mut *c)
            .await?
    {
        return Ok(id);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id",
    )
    .bind(name)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Moves every address of `from` to `to` (as secondary addresses), and
/// their ids on channels.
pub(super) async fn move_emails(c: &mut AnyConnection, from: i64, to: i64) -> Result<()> {
    for sql in [
        "UPDATE customer_emails SET customer_id = $2, is_primary = 0 WHERE customer_id = $1",
        "UPDATE customer_channel_ids SET customer_id = $2 WHERE customer_id = $1",
    ] {
        sqlx::query(sql)
            .bind(from)
            .bind(to)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// The customer who has `external_id` on inbox `inbox_id`'s channel (the
/// record they were merged into, if they were).
pub(super) async fn id_by_channel(
    c: &mut AnyConnection,
    inbox_id: i64,
    external_id: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(cu.merged_into, cu.id) FROM customer_channel_ids x \
         JOIN customers cu ON cu.id = x.customer_id WHERE x.inbox_id = $1 AND x.external_id = $2",
    )
    .bind(inbox_id)
    .bind(external_id)
    .fetch_optional(c)
    .await?)
}

/// Gives customer `id` the channel id; answers false when another customer
/// has it already (a concurrent delivery on PostgreSQL).
pub(super) async fn insert_channel_id(
    c: &mut AnyConnection,
    inbox_id: i64,
    external_id: &str,
    id: i64,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO customer_channel_ids (inbox_id, external_id, customer_id, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (inbox_id, external_id) DO NOTHING",
    )
    .bind(inbox_id)
    .bind(external_id)
    .bind(id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes a customer created in this transaction that turned out to be
/// somebody already known.
pub(super) async fn delete_new(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM customers WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Fills what `to` does not know from `from`: name, phone, language,
/// timezone and organisation; notes are joined; first and last seen span
/// both records.
pub(super) async fn absorb(c: &mut AnyConnection, from: i64, to: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE customers SET \
         name = COALESCE(name, (SELECT f.name FROM customers f WHERE f.id = $1)), \
         name_fold = COALESCE(name_fold, (SELECT f.name_fold FROM customers f WHERE f.id = $1)), \
         phone = COALESCE(phone, (SELECT f.phone FROM customers f WHERE f.id = $1)), \
         phone_e164 = CASE WHEN phone IS NULL THEN NULL ELSE phone_e164 END, \
         language = COALESCE(language, (SELECT f.language FROM customers f WHERE f.id = $1)), \
         timezone = COALESCE(timezone, (SELECT f.timezone FROM customers f WHERE f.id = $1)), \
         organization_id = COALESCE(organization_id, (SELECT f.organization_id FROM customers f WHERE f.id = $1)), \
         notes = CASE \
           WHEN (SELECT f.notes FROM customers f WHERE f.id = $1) IS NULL THEN notes \
           WHEN notes IS NULL THEN (SELECT f.notes FROM customers f WHERE f.id = $1) \
           ELSE notes || $4 || (SELECT f.notes FROM customers f WHERE f.id = $1) END, \
         first_seen_at = (SELECT MIN(x.first_seen_at) FROM customers x WHERE x.id IN ($1, $2)), \
         last_seen_at = (SELECT MAX(x.last_seen_at) FROM customers x WHERE x.id IN ($1, $2)), \
         updated_at = $3 \
         WHERE id = $2",
    )
    .bind(from)
    .bind(to)
    .bind(now)
    .bind("\n\n")
    .execute(c)
    .await?;
    Ok(())
}

/// Marks `from` as merged into `to`; records merged into `from` earlier
/// now point at `to` as well.
pub(super) async fn mark_merged(c: &mut AnyConnection, from: i64, to: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE customers SET merged_into = $2, updated_at = $3 WHERE id = $1 OR merged_into = $1",
    )
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Locks both customer rows (PostgreSQL row locks, taken in one statement
/// and so in one order; a no-op on SQLite's single writer), so that two
/// merges of the same records wait for each other instead of deadlocking,
/// and the checks that follow see the other's result.
pub(super) async fn lock_pair(c: &mut AnyConnection, a: i64, b: i64) -> Result<()> {
    sqlx::query("UPDATE customers SET merged_into = merged_into WHERE id IN ($1, $2)")
        .bind(a)
        .bind(b)
        .execute(c)
        .await?;
    Ok(())
}

/// Name, language, organisation and merge target of these customers.
pub(super) async fn briefs(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<
    Vec<(
        i64,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
    )>,
> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, name, language, organization_id, merged_into FROM customers WHERE id IN ",
    );
    sql.bind_list(ids.iter().copied()).push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// Every organisation: id and name, by name.
pub(super) async fn organizations(c: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, name FROM organizations ORDER BY name, id LIMIT 1000")
            .fetch_all(c)
            .await?,
    )
}
