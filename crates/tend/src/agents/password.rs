//! Passwords: the strength rule, Argon2id hashing and checking.
//!
//! Argon2 is slow on purpose (tens of milliseconds of CPU and 19 MiB of
//! memory per hash), so every hash and check runs on tokio's blocking
//! pool, never on the async worker threads that serve requests. A sign-in
//! for an address that has no password (unknown, invited, no hash) checks
//! against a dummy hash made with the same parameters, so the answer takes
//! the same work either way and does not tell which addresses exist.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, phc::PasswordHash};

use crate::{Error, Result};

/// Fails unless `password` is acceptable (at least 8 characters).
pub fn check_strength(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(Error::invalid(
            "password",
            "a password needs at least 8 characters",
        ));
    }
    Ok(())
}

/// Hashes an acceptable password with Argon2id (on the blocking pool).
pub async fn hash(password: &str) -> Result<String> {
    check_strength(password)?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("hashing a password: {e}")))?
}

/// Stores a hash made by [`hash`] as the user's password, inside the
/// caller's transaction.
pub async fn set_hash_in(c: &mut sqlx::AnyConnection, user_id: i64, hash: &str) -> Result<()> {
    super::repo::set_password_hash(c, user_id, hash).await
}

/// Sets a user's password (checked for strength, then hashed).
pub async fn set(st: &crate::state::AppState, user_id: i64, password: &str) -> Result<()> {
    let hash = hash(password).await?;
    st.db
        .write(move |c| Box::pin(async move { set_hash_in(c, user_id, &hash).await }))
        .await
}

/// Whether `password` matches the stored `hash` (on the blocking pool).
/// Without a stored hash, a dummy one is checked, which fails after the
/// same work.
pub async fn verify(password: &str, hash: Option<&str>) -> bool {
    let password = password.to_string();
    let stored = hash.map(str::to_string);
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => verify_now(&password, &h),
        None => {
            let _ = verify_now(&password, dummy());
            false
        }
    })
    .await
    .unwrap_or(false)
}

fn hash_now(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(anyhow::anyhow!("hashing a password: {e}")))
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random secret with today's parameters, made once.
fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_now(&super::service::random_token("")).unwrap_or_else(|_| {
            // Cannot happen with the default parameters; keep the work anyway.
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()
        })
    })
}

/// Makes the dummy hash now (at start-up, on the blocking pool), so the
/// first sign-in for an unknown address is not the one that pays for it.
pub async fn warm_up() {
    let _ = tokio::task::spawn_blocking(dummy).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_verify_only_with_the_right_secret() {
        let h = hash("correct horse").await.expect("hashes");
        assert!(verify("correct horse", Some(&h)).await);
        assert!(!verify("correct horsf", Some(&h)).await);
        assert!(hash("short").await.is_err());
        assert!(check_strength("short").is_err());
        assert!(!verify("anything at all", None).await);
        assert!(!verify("anything", Some("not a hash")).await);
    }

    #[test]
    fn the_dummy_hash_has_the_parameters_of_real_ones() {
        let real = hash_now("some password").expect("hashes");
        let params = |h: &str| h.split('$').nth(3).map(str::to_string);
        assert_eq!(params(dummy()), params(&real));
        assert!(PasswordHash::new(dummy()).is_ok());
    }
}
