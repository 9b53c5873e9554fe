//! Secrets at rest. Every secret Tend must be able to read back (IMAP
//! passwords, chat identity secrets, webhook secrets, the survey link key,
//! any value in the `secrets` table) is stored sealed: ChaCha20-Poly1305 (ring's AEAD) under
//! a 256-bit key that never enters the database, so a dump of the database
//! alone reveals none of them. Secrets Tend only has to *check* (passwords,
//! API tokens, session cookies) are hashed instead and never come here.
//!
//! The key is `TEND_SECRET_KEY` (64 hex digits or base64 of 32 bytes), else
//! the file `secret.key` in the data directory, created with mode 0600 on
//! first start. Several nodes on one PostgreSQL database need the same key.
//!
//! The small API: [`SecretBox::seal`] / [`SecretBox::open`] for a value,
//! [`SecretBox::seal_url_password`] / [`SecretBox::open_url_password`] for
//! the password inside a URL (the rest of the URL stays readable, so the
//! admin pages can show it with the password hidden), [`app_secret`] for a
//! random secret made on first use, and [`at_start`], which checks the key
//! against the database and seals plaintext left by older versions.
//!
//! A sealed value reads `sealed.v1.<base64url(nonce ‖ ciphertext ‖ tag)>`;
//! the purpose ([`Purpose`]) is the associated data, so a value sealed as
//! one kind of secret does not open as another.

mod repo;
mod service;

use std::path::Path;

use base64::Engine as _;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::config::{Config, ConfigError};
use crate::{Error, Result};

pub use service::{app_secret, at_start};

/// How a sealed value begins (URL-safe, so it can stand as a URL password).
pub const SEALED_PREFIX: &str = "sealed.v1.";

/// The key file's name in the data directory.
pub const KEY_FILE: &str = "secret.key";

/// What a sealed value is for; bound to it as associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The password in an inbox's IMAP URL.
    ImapPassword,
    /// An inbox's chat identity (HMAC) secret.
    ChatIdentity,
    /// A value of the `secrets` table (e.g. the survey link key).
    AppSecret,
    /// A webhook's signing secret (`crate::webhooks`).
    WebhookSecret,
    /// A channel API inbox's signing secret (`crate::channels::api`).
    ChannelSecret,
    /// A Telegram inbox's bot token (`crate::channels::telegram`), a
    /// WhatsApp inbox's access token (`crate::channels::whatsapp`).
    BotToken,
    /// The value that proves the key is the one the database was sealed with.
    KeyCheck,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::ImapPassword => b"tend/imap-password",
            Purpose::ChatIdentity => b"tend/chat-identity",
            Purpose::AppSecret => b"tend/app-secret",
            Purpose::WebhookSecret => b"tend/webhook-secret",
            Purpose::ChannelSecret => b"tend/channel-secret",
            Purpose::BotToken => b"tend/bot-token",
            Purpose::KeyCheck => b"tend/key-check",
        }
    }
}

/// The sealing key. Its `Debug` output never shows the key.
pub struct SecretBox {
    key: LessSafeKey,
}

impl crate::state::AppState {
    /// The key that seals stored secrets (never in the database).
    pub fn secrets(&self) -> &SecretBox {
        self.slots.get()
    }
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

/// Whether a stored value is sealed (else it is plaintext from before).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

impl SecretBox {
    /// A box over a raw 256-bit key.
    pub fn from_key(key: &[u8; 32]) -> SecretBox {
        match UnboundKey::new(&CHACHA20_POLY1305, key) {
            Ok(k) => SecretBox {
                key: LessSafeKey::new(k),
            },
            // Only a key of the wrong length fails, and the type fixes it.
            Err(_) => std::process::abort(),
        }
    }

    /// The key from `TEND_SECRET_KEY`, else from the data directory's key
    /// file, which is created (mode 0600) when missing.
    pub fn load(config: &Config) -> std::result::Result<SecretBox, ConfigError> {
        match &config.secret_key {
            Some(text) => parse_key(&text.0)
                .map(|k| SecretBox::from_key(&k))
                .ok_or_else(|| {
                    ConfigError(
                    "TEND_SECRET_KEY (secret_key) must be 32 random bytes written as 64 hex digits \
                     or in base64, for example the output of `openssl rand -hex 32`"
                        .into(),
                )
                }),
            None => key_file(&config.data_dir).map(|k| SecretBox::from_key(&k)),
        }
    }

    /// Seals `plain` for `purpose`.
    pub fn seal(&self, purpose: Purpose, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        if getrandom::fill(&mut nonce).is_err() {
            // Without randomness a nonce could repeat; refuse to go on.
            std::process::abort();
        }
        let mut buf = plain.as_bytes().to_vec();
        if self
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.label()),
                &mut buf,
            )
            .is_err()
        {
            // Only fails for inputs of more than 256 GiB.
            std::process::abort();
        }
        let mut out = Vec::with_capacity(NONCE_LEN + buf.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        format!(
            "{SEALED_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
        )
    }

    /// Opens a stored value sealed for `purpose`. A value that is not
    /// sealed is plaintext written before Tend sealed secrets (or by an
    /// older node); it is returned as it is and sealed at the next start.
    pub fn open(&self, purpose: Purpose, stored: &str) -> Result<String> {
        let Some(body) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_string());
        };
        let wrong = || {
            Error::Internal(anyhow::anyhow!(
                "a stored secret does not open with this secret key (TEND_SECRET_KEY or \
                 {KEY_FILE} in the data directory): the key is not the one it was sealed with"
            ))
        };
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| wrong())?;
        if raw.len() < NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| wrong())?;
        let mut buf = sealed.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(purpose.label()), &mut buf)
            .map_err(|_| wrong())?;
        String::from_utf8(plain.to_vec()).map_err(|_| wrong())
    }

    /// The URL with its password sealed (already sealed passwords, and URLs
    /// without one, are returned as they are).
    pub fn seal_url_password(&self, url: &str) -> Result<String> {
        let mut u =
            url::Url::parse(url).map_err(|e| Error::invalid("url", format!("not a URL ({e})")))?;
        let Some(password) = u.password() else {
            return Ok(url.to_string());
        };
        if is_sealed(password) {
            return Ok(url.to_string());
        }
        let plain = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
        let sealed = self.seal(Purpose::ImapPassword, &plain);
        u.set_password(Some(&sealed))
            .map_err(|()| Error::invalid("url", "this URL cannot carry a password"))?;
        Ok(u.to_string())
    }

    /// The URL with its password opened, as it was given.
    pub fn open_url_password(&self, url: &str) -> Result<String> {
        let mut u = url::Url::parse(url)
            .map_err(|e| Error::Internal(anyhow::anyhow!("a stored URL does not parse: {e}")))?;
        let Some(password) = u.password().filter(|p| is_sealed(p)) else {
            return Ok(url.to_string());
        };
        let plain = self.open(Purpose::ImapPassword, password)?;
        u.set_password(Some(&plain)).map_err(|()| {
            Error::Internal(anyhow::anyhow!("a stored URL cannot carry a password"))
        })?;
        Ok(u.to_string())
    }
}

/// Whether the URL carries a password that is not sealed.
pub fn url_password_is_plain(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(|p| !is_sealed(p)))
        .unwrap_or(false)
}

/// 32 bytes from 64 hex digits or base64 (standard or URL-safe, padded or not).
fn parse_key(text: &str) -> Option<[u8; 32]> {
    let t = text.trim();
    let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(t).ok()?
    } else {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE};
        let t = t.trim_end_matches('=');
        let padded = format!("{t}{}", "=".repeat((4 - t.len() % 4) % 4));
        STANDARD
            .decode(&padded)
            .or_else(|_| URL_SAFE.decode(&padded))
            .ok()?
    };
    bytes.try_into().ok()
}

/// Reads the key file, or creates it (mode 0600) with a fresh key. Two
/// processes starting at once agree: the file appears complete or not at
/// all (written beside it, then hard-linked into place, which fails when
/// another process was first).
fn key_file(dir: &Path) -> std::result::Result<[u8; 32], ConfigError> {
    let path = dir.join(KEY_FILE);
    let unreadable = |e: std::io::Error| {
        ConfigError(format!(
            "cannot read the secret key {} ({e}); restore it, or set TEND_SECRET_KEY",
            path.display()
        ))
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            return parse_key(&text).ok_or_else(|| {
                ConfigError(format!(
                    "the secret key file {} does not hold a key (64 hex digits); restore it from \
                     a backup, or set TEND_SECRET_KEY",
                    path.display()
                ))
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(unreadable(e)),
    }
    let mut key = [0u8; 32];
    if getrandom::fill(&mut key).is_err() {
        std::process::abort();
    }
    let cannot_write = |e: std::io::Error| {
        ConfigError(format!(
            "cannot create the secret key file {} ({e}); make the data directory writable or \
             set TEND_SECRET_KEY",
            path.display()
        ))
    };
    let tmp = dir.join(format!(
        ".{KEY_FILE}.{}",
        crate::agents::service::random_token("")
    ));
    write_private(&tmp, format!("{}\n", hex::encode(key)).as_bytes()).map_err(cannot_write)?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "created the secret key that seals stored secrets; back it up with the database");
            Ok(key)
        }
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(&path).map_err(unreadable)?;
            parse_key(&text)
                .ok_or_else(|| ConfigError(format!("{} does not hold a key", path.display())))
        }
        Err(e) => Err(cannot_write(e)),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(m) = std::fs::metadata(path)
        && m.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{:o}", m.permissions().mode() & 0o777),
            "the secret key file is readable by other users; run chmod 600 on it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn sb() -> SecretBox {
        SecretBox::from_key(&[7u8; 32])
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let s = sb().seal(Purpose::ChatIdentity, "hunter2-hunter2-hunter2");
        assert!(is_sealed(&s), "{s}");
        assert!(!s.contains("hunter2"));
        assert_ne!(
            s,
            sb().seal(Purpose::ChatIdentity, "hunter2-hunter2-hunter2"),
            "fresh nonce"
        );
        assert_eq!(
            sb().open(Purpose::ChatIdentity, &s).unwrap(),
            "hunter2-hunter2-hunter2"
        );
        assert!(
            sb().open(Purpose::AppSecret, &s).is_err(),
            "another purpose"
        );
        assert!(
            SecretBox::from_key(&[8u8; 32])
                .open(Purpose::ChatIdentity, &s)
                .is_err()
        );
        let mut tampered = s.clone();
        tampered.pop();
        tampered.push(if s.ends_with('A') { 'B' } else { 'A' });
        assert!(sb().open(Purpose::ChatIdentity, &tampered).is_err());
        assert_eq!(sb().open(Purpose::ChatIdentity, "plain").unwrap(), "plain");
    }

    #[test]
    fn url_passwords_are_sealed_in_place() {
        let url = "imap://sup%40ort:p%40ss%2Fw@127.0.0.1:1143/Support%20Mail?tls=none";
        let sealed = sb().seal_url_password(url).unwrap();
        assert!(!sealed.contains("p%40ss"), "{sealed}");
        assert!(
            sealed.starts_with("imap://sup%40ort:sealed.v1."),
            "{sealed}"
        );
        assert!(
            sealed.ends_with("@127.0.0.1:1143/Support%20Mail?tls=none"),
            "{sealed}"
        );
        assert!(!url_password_is_plain(&sealed));
        assert!(url_password_is_plain(url));
        assert_eq!(
            sb().seal_url_password(&sealed).unwrap(),
            sealed,
            "sealed once"
        );
        let opened = sb().open_url_password(&sealed).unwrap();
        let t = crate::inboxes::imap_url::parse_target(&opened).unwrap();
        assert_eq!(
            (t.user.as_str(), t.password.as_str()),
            ("sup@ort", "p@ss/w")
        );
        assert_eq!(
            sb().seal_url_password("imap://u@h/INBOX").unwrap(),
            "imap://u@h/INBOX"
        );
    }

    #[test]
    fn keys_parse_from_hex_or_base64() {
        let hex = "00".repeat(31) + "ff";
        assert_eq!(parse_key(&hex).unwrap()[31], 0xff);
        let b64 = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        assert_eq!(parse_key(&b64).unwrap(), [1u8; 32]);
        assert_eq!(parse_key(b64.trim_end_matches('=')).unwrap(), [1u8; 32]);
        assert!(parse_key("short").is_none());
        assert!(parse_key(&"00".repeat(16)).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_made_once_with_mode_0600() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let a = key_file(dir.path()).unwrap();
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(key_file(dir.path()).unwrap(), a, "read back, not replaced");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp files left"
        );
    }
}
