//! Signed one-click links. Each link names a survey (by its random token)
//! and one action (`yes`, `no`, `1`…`5`, `form`), and carries an HMAC-SHA256
//! of both under a key derived from a secret made once and kept in the
//! database (so every node signs alike). Changing any part of a link breaks
//! the signature.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

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
    let want = sign(key, token, action);
    let (a, b) = (want.as_bytes(), sig.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        let mac = hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex::encode(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

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
