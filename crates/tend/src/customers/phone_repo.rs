//! The only SQL of customers' phone numbers in E.164 (`phone_e164`, made
//! from the typed `phone` by `phone::E164::parse`; NULL: not normalised
//! yet, '': not a number).

use sqlx::AnyConnection;

use crate::Result;

/// Customers whose typed phone is not normalised yet, a batch at a time.
pub(super) async fn pending(c: &mut AnyConnection, limit: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, phone FROM customers WHERE phone IS NOT NULL AND phone_e164 IS NULL \
         ORDER BY id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Stores a customer's number in E.164 ('': the typed one is none).
pub(super) async fn set_e164(c: &mut AnyConnection, id: i64, e164: &str) -> Result<()> {
    sqlx::query("UPDATE customers SET phone_e164 = $1 WHERE id = $2")
        .bind(e164)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Gives a customer a phone number (as typed, and in E.164).
pub(super) async fn set_phone(
    c: &mut AnyConnection,
    id: i64,
    typed: &str,
    e164: &str,
) -> Result<()> {
    sqlx::query("UPDATE customers SET phone = $1, phone_e164 = $2 WHERE id = $3")
        .bind(typed)
        .bind(e164)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// The customer with this number (the oldest, when several share it;
/// never one merged away).
pub(super) async fn id_by_e164(c: &mut AnyConnection, e164: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM customers WHERE phone_e164 = $1 AND merged_into IS NULL \
         ORDER BY id LIMIT 1",
    )
    .bind(e164)
    .fetch_optional(c)
    .await?)
}
