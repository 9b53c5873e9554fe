//! Signed one-click links. Each link names a survey (by its random token)
//! and one action (`yes`, `no`, `1`…`5`, `form`), and carries an HMAC-SHA256
//! of both under a key derived from a secret made once and kept in the
//! database (so every node signs alike). Changing any part of a link breaks
//! the signature.

use crate::crypto::{hmac_sha256, same_secret};
use base64::Engine as _;

/// The link key, derived from the stored secret.
pub fn link_key(secret: &str) -> [u8; 32] {
    hmac_sha256(secret.as_bytes(), b"tend/survey-links/v1")
}

/// The signature of `action` on survey `token` (128 bits, base64url).
pub fn sign(key: &[u8; 32], token: &str, action: &str) -> String {
    let mac = hmac_sha256(key, format!("{token}\n{action}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&mac[..16])
}

/// Whether `sig` is the signature of `action` on `token`, compared in
/// constant time.
pub fn verify(key: &[u8; 32], token: &str, action: &str, sig: &str) -> bool {
    same_secret(&sign(key, token, action), sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_breaks_the_signature() {
        let key = link_key("secret");
        let sig = sign(&key, "tok", "yes");
        assert!(verify(&key, "tok", "yes", &sig));
        assert!(!verify(&key, "tok", "no", &sig));
        assert!(!verify(&key, "tol", "yes", &sig));
        assert!(!verify(&link_key("other"), "tok", "yes", &sig));
        let mut forged = sig.clone().into_bytes();
        forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
        assert!(!verify(
            &key,
            "tok",
            "yes",
            &String::from_utf8_lossy(&forged)
        ));
        assert!(!verify(&key, "tok", "yes", ""));
    }
}
