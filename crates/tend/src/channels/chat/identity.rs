//! Signed-in site visitors: what the site's HMAC signs, and which customer
//! a verified identity is bound to.
//!
//! The site's server computes `user_hash`, the hex HMAC-SHA256 under the
//! inbox's identity secret of either
//! - `user_id` alone: the visitor is that site user; an `email` sent along
//!   is only a pre-chat address (where the transcript may go), or
//! - `user_id + "\n" + email` (the address exactly as sent in `email`): the
//!   site also vouches for the address.
//!
//! A verified identity is bound to a customer the first time it is seen,
//! and only by what was signed: an identity whose address was signed joins
//! the customer who has that address; otherwise it becomes a new customer,
//! whatever address it typed. It never gains anything else: its history is
//! the chats its own sessions started in that inbox (`repo::identity_history`).

use sqlx::AnyConnection;

use crate::agents::model::EmailAddress;
use crate::{Error, Result};

use super::repo;

/// Longest site user id, in characters.
const MAX_USER_ID_CHARS: usize = 200;

/// What a valid signature vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The site's user id.
    pub user_id: String,
    /// The address, when the signature covers it too.
    pub email: Option<EmailAddress>,
}

/// The message a site signs: `user_id`, or `user_id + "\n" + email`.
pub fn signed_message(user_id: &str, email: Option<&str>) -> String {
    match email {
        Some(e) => format!("{user_id}\n{e}"),
        None => user_id.to_string(),
    }
}

/// Whether `hash` is the hex HMAC-SHA256 of `message` under `secret`
/// (constant time).
fn mac_ok(secret: &str, message: &str, hash: &str) -> bool {
    let want = hex::encode(crate::crypto::hmac_sha256(
        secret.as_bytes(),
        message.as_bytes(),
    ));
    crate::crypto::same_secret(&want, &hash.trim().to_ascii_lowercase())
}

/// Checks a visitor's claimed identity. `email` is the pre-chat address as
/// sent (trimmed), `parsed` the same address validated. A user id with
/// control characters is refused, so `user_id + "\n" + email` cannot be
/// read two ways.
pub fn verify(
    secret: &str,
    user_id: &str,
    email: Option<(&str, &EmailAddress)>,
    hash: &str,
) -> Result<Verified> {
    let rejected = || {
        Error::conflict(
            "identity_rejected",
            "the visitor's identity could not be verified (user_hash does not sign user_id, \
             or user_id and email)",
            serde_json::json!({"field": "user_hash"}),
        )
    };
    if user_id.chars().count() > MAX_USER_ID_CHARS || user_id.chars().any(char::is_control) {
        return Err(rejected());
    }
    if let Some((raw, parsed)) = email
        && mac_ok(secret, &signed_message(user_id, Some(raw)), hash)
    {
        return Ok(Verified {
            user_id: user_id.to_string(),
            email: Some(parsed.clone()),
        });
    }
    if mac_ok(secret, user_id, hash) {
        return Ok(Verified {
            user_id: user_id.to_string(),
            email: None,
        });
    }
    Err(rejected())
}

/// The customer of a verified identity in an inbox, bound on first sight
/// (inside the caller's transaction): by the signed address when there is
/// one, else a new customer without an address.
pub async fn customer_in(
    c: &mut AnyConnection,
    inbox_id: i64,
    v: &Verified,
    name: Option<&str>,
    language: Option<&str>,
    now: i64,
) -> Result<i64> {
    if let Some(id) = repo::identity(c, inbox_id, &v.user_id).await? {
        return Ok(id);
    }
    let id = match &v.email {
        Some(e) => {
            crate::customers::service::find_or_create_in(c, e, name, language, now)
                .await?
                .0
        }
        None => crate::customers::service::create_without_address_in(c, name, now).await?,
    };
    repo::insert_identity(c, inbox_id, &v.user_id, id, now).await?;
    // Another session may have bound it first: theirs stands.
    Ok(repo::identity(c, inbox_id, &v.user_id).await?.unwrap_or(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, msg: &str) -> String {
        hex::encode(crate::crypto::hmac_sha256(
            secret.as_bytes(),
            msg.as_bytes(),
        ))
    }

    #[test]
    fn the_signature_decides_what_is_verified() {
        let secret = "a-long-enough-identity-secret";
        let addr = EmailAddress::parse("email", "Marta@Example.cat").expect("address");
        // user_id alone: the address is not vouched for.
        let v = verify(
            secret,
            "u-1",
            Some(("Marta@Example.cat", &addr)),
            &sign(secret, "u-1"),
        )
        .expect("valid");
        assert_eq!(v.email, None);
        // user_id and address together.
        let v = verify(
            secret,
            "u-1",
            Some(("Marta@Example.cat", &addr)),
            &sign(secret, "u-1\nMarta@Example.cat").to_uppercase(),
        )
        .expect("valid");
        assert_eq!(
            v.email.as_ref().map(EmailAddress::as_str),
            Some("marta@example.cat")
        );
        // A signature of the address for another user, or of another address.
        let other = EmailAddress::parse("email", "boss@example.cat").expect("address");
        assert!(
            verify(
                secret,
                "u-1",
                Some(("boss@example.cat", &other)),
                &sign(secret, "u-1\nMarta@Example.cat"),
            )
            .is_err()
        );
        assert!(verify(secret, "u-2", None, &sign(secret, "u-1")).is_err());
        assert!(verify("another-secret-entirely", "u-1", None, &sign(secret, "u-1")).is_err());
        // A user id that could be read as "id + address" is refused.
        let tricky = "u-1\nboss@example.cat";
        assert!(verify(secret, tricky, None, &sign(secret, tricky)).is_err());
        assert!(
            verify(
                secret,
                &"x".repeat(201),
                None,
                &sign(secret, &"x".repeat(201))
            )
            .is_err()
        );
    }
}
