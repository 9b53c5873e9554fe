//! Webhook subscriptions and deliveries as the API shows them, and the
//! checks of what an admin gives.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocab::{EventKind, closed_set};
use crate::{Error, Result};

/// The shortest secret accepted: 16 characters, e.g. 96 random bits in
/// base64. Receivers check signatures with it, so a guessable one would
/// let anyone forge deliveries.
pub const MIN_SECRET_CHARS: usize = 16;
/// The longest secret and URL accepted.
pub const MAX_SECRET_CHARS: usize = 200;
/// The longest URL accepted.
pub const MAX_URL_CHARS: usize = 2000;

closed_set! {
    /// Where a delivery stands. The admin page names each in every locale
    /// (`web::admin::webhooks`, an exhaustive `match`).
    pub enum DeliveryState ("delivery state") {
        /// Queued, not attempted yet.
        Pending = "pending",
        /// Attempted and not answered with a 2xx yet: retried with backoff.
        Failing = "failing",
        /// Answered with a 2xx.
        Delivered = "delivered",
    }
}

impl DeliveryState {
    /// The state of a delivery with `attempts` so far, delivered or not.
    pub fn of(attempts: i64, delivered: bool) -> DeliveryState {
        match (delivered, attempts) {
            (true, _) => DeliveryState::Delivered,
            (false, 0) => DeliveryState::Pending,
            (false, _) => DeliveryState::Failing,
        }
    }
}

/// `POST /webhooks`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Where deliveries are posted: an `http://` or `https://` URL.
    pub url: String,
    /// The event kinds delivered (e.g. `created`, `status_changed`); at
    /// least one.
    pub events: Vec<String>,
    /// Signs every delivery (`Tend-Signature`); 16 to 200 characters.
    /// Write-only: never returned.
    pub secret: String,
}

/// What a valid [`WebhookInput`] holds.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// The URL.
    pub url: String,
    /// The kinds, each once, in the order given.
    pub events: Vec<EventKind>,
    /// The secret, in plaintext (sealed before it is stored).
    pub secret: String,
}

impl WebhookInput {
    /// Checks the input; errors name the field.
    pub fn validate(self) -> Result<Subscription> {
        let url = check_url(&self.url)?;
        if self.events.is_empty() {
            return Err(Error::invalid(
                "events",
                "give at least one event kind, e.g. [\"created\"]",
            ));
        }
        let mut events = Vec::new();
        for e in &self.events {
            let k = EventKind::parse("events", e.trim())?;
            if !events.contains(&k) {
                events.push(k);
            }
        }
        check_secret("secret", &self.secret)?;
        Ok(Subscription {
            url,
            events,
            secret: self.secret,
        })
    }
}

/// Checks a signing secret (webhooks, the channel API): 16 to 200
/// characters; the error names `field`.
pub fn check_secret(field: &str, secret: &str) -> Result<()> {
    let n = secret.chars().count();
    if !(MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&n) {
        return Err(Error::invalid(
            field,
            format!(
                "the secret must have {MIN_SECRET_CHARS} to {MAX_SECRET_CHARS} characters \
                 (it has {n}); e.g. the output of `openssl rand -hex 24`"
            ),
        ));
    }
    Ok(())
}

/// Checks a delivery URL: absolute `http://` or `https://` with a host.
pub fn check_url(url: &str) -> Result<String> {
    check_url_of("url", url)
}

/// [`check_url`] for a URL given in `field` (webhooks, an inbox's
/// `outbound_url`).
pub fn check_url_of(field: &str, url: &str) -> Result<String> {
    let url = url.trim();
    let bad = || {
        Error::invalid(
            field,
            format!("the {field} must be an absolute http:// or https:// URL, got {url:?}"),
        )
    };
    if url.len() > MAX_URL_CHARS {
        return Err(Error::invalid(
            field,
            format!("the {field} is longer than {MAX_URL_CHARS} characters"),
        ));
    }
    let parsed = url::Url::parse(url).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    Ok(url.to_string())
}

/// A subscription. Its secret is never shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    /// Id.
    pub id: i64,
    /// Where deliveries are posted.
    pub url: String,
    /// The event kinds delivered.
    pub events: Vec<EventKind>,
    /// When it was made, RFC 3339; events before it are not delivered.
    pub created_at: String,
}

/// One delivery of one event, as the delivery log shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    /// Id (also the `Tend-Delivery` header).
    pub id: i64,
    /// The event delivered.
    pub event_id: i64,
    /// Its kind.
    pub kind: EventKind,
    /// Its conversation.
    pub conversation_id: i64,
    /// Pending, failing (retried with backoff) or delivered.
    pub status: DeliveryState,
    /// Attempts so far.
    pub attempts: i64,
    /// The HTTP status of the last answer; null before any, or when the
    /// last attempt got none (see `last_error`).
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed (trimmed); null when it did not.
    pub last_error: Option<String>,
    /// When it is attempted next, RFC 3339; null once delivered.
    pub next_attempt_at: Option<String>,
    /// When a 2xx answered it, RFC 3339.
    pub delivered_at: Option<String>,
}

/// What one delivery posts: the event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Payload {
    /// The event's id.
    pub id: i64,
    /// The event's kind.
    pub kind: EventKind,
    /// Its conversation.
    pub conversation_id: i64,
    /// The event's data, as in the conversation's events.
    pub data: serde_json::Value,
    /// When the event was committed, RFC 3339 (milliseconds).
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, events: &[&str], secret: &str) -> WebhookInput {
        WebhookInput {
            url: url.into(),
            events: events.iter().map(|s| s.to_string()).collect(),
            secret: secret.into(),
        }
    }

    #[test]
    fn a_subscription_needs_a_web_url_known_kinds_and_a_long_secret() {
        let ok = input(
            "https://hooks.example/t",
            &["created", "created", "status_changed"],
            "0123456789abcdef",
        )
        .validate()
        .unwrap();
        assert_eq!(
            ok.events,
            vec![EventKind::Created, EventKind::StatusChanged]
        );
        for (i, field) in [
            (
                input("ftp://x.example/", &["created"], "0123456789abcdef"),
                "url",
            ),
            (input("/relative", &["created"], "0123456789abcdef"), "url"),
            (
                input("https://x.example/", &[], "0123456789abcdef"),
                "events",
            ),
            (
                input("https://x.example/", &["nope"], "0123456789abcdef"),
                "events",
            ),
            (input("https://x.example/", &["created"], "short"), "secret"),
        ] {
            match i.validate() {
                Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_state_follows_attempts_and_delivery() {
        assert_eq!(DeliveryState::of(0, false), DeliveryState::Pending);
        assert_eq!(DeliveryState::of(2, false), DeliveryState::Failing);
        assert_eq!(DeliveryState::of(2, true), DeliveryState::Delivered);
    }
}
