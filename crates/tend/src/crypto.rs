//! The cryptographic primitives Tend writes itself, once: HMAC-SHA256
//! (signed survey links, chat identities), the comparison of secrets in
//! time that does not depend on their content, and the `Tend-Signature`
//! of signed HTTP bodies (webhooks and the channel API, both ways).

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

/// Whether two secrets (tokens, signatures, MACs) are equal, in time that
/// depends neither on where they differ nor on their lengths: both are
/// hashed first, and the digests compared without an early exit.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The `Tend-Signature` header of a body posted at `t` (unix seconds):
/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. Webhooks and the
/// channel API sign with it, and [`verify_signature`] checks with it.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(body);
    format!(
        "t={t},v1={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &message))
    )
}

/// How far a signature's timestamp may be from the receiver's clock, either
/// way: older is a replay, newer a clock that is wrong.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

/// Why a `Tend-Signature` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadSignature {
    /// Not `t=<unix seconds>,v1=<hex>`.
    Malformed,
    /// Signed this many seconds before now (more than the tolerance).
    TooOld(i64),
    /// Signed this many seconds after now (more than the tolerance).
    InTheFuture(i64),
    /// The MAC is not the body's under this secret.
    Mismatch,
}

impl std::fmt::Display for BadSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadSignature::Malformed => f.write_str(
                "the Tend-Signature header must be t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">",
            ),
            BadSignature::TooOld(s) => write!(
                f,
                "the signature is {s} s old; messages signed more than {SIGNATURE_TOLERANCE_SECS} s ago are refused as replays (sign each delivery when you send it)"
            ),
            BadSignature::InTheFuture(s) => write!(
                f,
                "the signature's time is {s} s ahead of the server's clock; more than {SIGNATURE_TOLERANCE_SECS} s is refused (check the sender's clock)"
            ),
            BadSignature::Mismatch => f.write_str(
                "the signature does not match the body under this inbox's secret",
            ),
        }
    }
}

/// Checks a `Tend-Signature` header against `body` at `now` (unix
/// seconds): the timestamp within [`SIGNATURE_TOLERANCE_SECS`], and the MAC
/// recomputed with [`signature`] and compared in constant time.
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
) -> std::result::Result<(), BadSignature> {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1.push(v),
            _ => {}
        }
    }
    let Some(t) = t else {
        return Err(BadSignature::Malformed);
    };
    if v1.is_empty() {
        return Err(BadSignature::Malformed);
    }
    let age = now.saturating_sub(t);
    if age > SIGNATURE_TOLERANCE_SECS {
        return Err(BadSignature::TooOld(age));
    }
    if -age > SIGNATURE_TOLERANCE_SECS {
        return Err(BadSignature::InTheFuture(-age));
    }
    let expected = signature(secret, t, body);
    // Several v1 values let a sender sign with an old and a new secret
    // while it rotates them.
    if v1
        .iter()
        .any(|v| same_secret(&expected, &format!("t={t},v1={v}")))
    {
        Ok(())
    } else {
        Err(BadSignature::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vectors published in `docs/CONTRACT.md` ("Signatures").
    #[test]
    fn signatures_match_the_published_vectors() {
        let secret = "tend-test-secret-0123456789";
        let body = br#"{"external_id":"m-1","from":{"id":"u-1"},"text":"Hello"}"#;
        let header = signature(secret, 1_700_000_000, body);
        assert_eq!(header, VECTOR_1);
        assert_eq!(
            verify_signature(secret, &header, body, 1_700_000_000),
            Ok(())
        );
        let header = signature(secret, 1_700_000_000, "{\"text\":\"日本語\"}".as_bytes());
        assert_eq!(header, VECTOR_2);
    }

    const VECTOR_1: &str =
        "t=1700000000,v1=82ecedc43d2a0610c05593d82a01352e5e00be3be46660d46881fda40adda33e";
    const VECTOR_2: &str =
        "t=1700000000,v1=7c7f16e12081f26c52e068c06ef39436394d2d34ab1dbd7c87806576bbff65f8";

    #[test]
    fn signatures_are_refused_when_old_early_wrong_or_malformed() {
        let body = b"{}";
        let h = signature("s", 1000, body);
        assert_eq!(verify_signature("s", &h, body, 1300), Ok(()));
        assert_eq!(verify_signature("s", &h, body, 700), Ok(()));
        assert_eq!(
            verify_signature("s", &h, body, 1301),
            Err(BadSignature::TooOld(301))
        );
        assert_eq!(
            verify_signature("s", &h, body, 699),
            Err(BadSignature::InTheFuture(301))
        );
        assert_eq!(
            verify_signature("t", &h, body, 1000),
            Err(BadSignature::Mismatch)
        );
        assert_eq!(
            verify_signature("s", &h, b"{ }", 1000),
            Err(BadSignature::Mismatch)
        );
        assert_eq!(
            verify_signature("s", "v1=00", body, 1000),
            Err(BadSignature::Malformed)
        );
        assert_eq!(
            verify_signature("s", "t=1000", body, 1000),
            Err(BadSignature::Malformed)
        );
        assert_eq!(
            verify_signature("s", "", body, 1000),
            Err(BadSignature::Malformed)
        );
        let rotated = format!("{h},v1=00ff");
        assert_eq!(verify_signature("s", &rotated, body, 1000), Ok(()));
    }

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
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
        assert!(same_secret("", ""));
    }
}
