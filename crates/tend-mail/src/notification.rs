//! Events that cloud mail services mail as JSON: Amazon SES through SNS
//! (`"notificationType": "Bounce"`, also wrapped in an SNS envelope whose
//! `Message` is the event as a string), SES event publishing
//! (`"eventType"`), SendGrid and Mandrill (arrays of `"event"` objects),
//! Mailgun (`"event-data"`), Postmark (`"RecordType"`), SparkPost
//! (`"msys"`), Mailjet, Brevo, Postal and Resend.
//!
//! Recognised by structure, not by sender: the body *starts* with a JSON
//! value (a person who pastes one writes words above it), and the value
//! holds an event name of mail delivery next to a recipient or message
//! field.

use serde_json::{Map, Value};

/// A mail-delivery event found in a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CloudEvent {
    /// The event, normalised: lowercase without separators (`bounce`,
    /// `hardbounce`, `complaint`, `delivery`, …).
    pub event: String,
    /// A permanent delivery failure (a hard bounce, a drop, a rejection).
    pub permanent: bool,
    /// A delivery failure of any kind (permanent or temporary).
    pub failure: bool,
    /// The Message-ID of the mail the event is about, when the JSON has it.
    pub original_message_id: Option<String>,
    /// Recipient addresses named in the event (at most a few).
    pub recipients: Vec<String>,
}

/// Larger bodies are not parsed: notifications are small.
const MAX_JSON_BYTES: usize = 512 * 1024;
/// How deep an event may sit (envelope → event → `event-data` → …).
const MAX_DEPTH: usize = 5;

/// Event names, normalised (see [`normalise`]).
const EVENTS: &[&str] = &[
    "bounce",
    "bounced",
    "hardbounce",
    "softbounce",
    "complaint",
    "complained",
    "spamreport",
    "spamcomplaint",
    "spam",
    "failed",
    "failure",
    "permanentfail",
    "tempfail",
    "dropped",
    "deferred",
    "deferral",
    "delayed",
    "deliverydelay",
    "delivery",
    "delivered",
    "reject",
    "rejected",
    "blocked",
    "unsubscribe",
    "unsubscribed",
    "groupunsubscribe",
    "listunsubscribe",
    "open",
    "opened",
    "click",
    "clicked",
    "processed",
    "send",
    "sent",
    "renderingfailure",
    "subscription",
    "subscriptionchange",
    "injection",
    "policyrejection",
    "outofband",
    "generationfailure",
    "generationrejection",
    "inbound",
    "messagebounced",
    "messagedeliveryfailed",
    "messagedelayed",
    "messagesent",
    "messageheld",
    "emailbounced",
    "emailcomplained",
    "emaildelivered",
    "emaildeliverydelayed",
    "emailsent",
    "emailopened",
    "emailclicked",
];

/// Events that mean the mail permanently failed, unless the event says
/// the failure is temporary.
const FAILURES: &[&str] = &[
    "bounce",
    "bounced",
    "hardbounce",
    "softbounce",
    "failed",
    "failure",
    "permanentfail",
    "tempfail",
    "dropped",
    "reject",
    "rejected",
    "blocked",
    "deferred",
    "deferral",
    "delayed",
    "deliverydelay",
    "renderingfailure",
    "policyrejection",
    "outofband",
    "generationfailure",
    "generationrejection",
    "messagebounced",
    "messagedeliveryfailed",
    "messagedelayed",
    "emailbounced",
    "emaildeliverydelayed",
];

/// Keys that name the event.
const EVENT_KEYS: &[&str] = &[
    "notificationtype",
    "eventtype",
    "event",
    "recordtype",
    "type",
];

/// Keys that show the object is about a mail and its recipients.
const MAIL_KEYS: &[&str] = &[
    "email",
    "emailaddress",
    "recipient",
    "recipients",
    "rcpt_to",
    "mail",
    "destination",
    "bouncedrecipients",
    "complainedrecipients",
    "bounce",
    "complaint",
    "delivery",
    "smtp-id",
    "sg_event_id",
    "sg_message_id",
    "message",
    "messageid",
    "message-id",
    "msg",
    "event-data",
    "payload",
    "data",
    "msys",
];

/// Finds a cloud mail service's event in a body that starts with JSON.
pub(crate) fn detect(text: &str) -> Option<CloudEvent> {
    let body = text.trim_start();
    if !(body.starts_with('{') || body.starts_with('[')) || body.len() > MAX_JSON_BYTES {
        return None;
    }
    // The first value only: SNS appends an unsubscribe footer after it.
    let value = serde_json::Deserializer::from_str(body)
        .into_iter::<Value>()
        .next()?
        .ok()?;
    event_in(&value, 0)
}

fn event_in(value: &Value, depth: usize) -> Option<CloudEvent> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().take(16).find_map(|v| event_in(v, depth + 1)),
        Value::Object(map) => event_in_object(map, depth),
        _ => None,
    }
}

fn event_in_object(map: &Map<String, Value>, depth: usize) -> Option<CloudEvent> {
    // An SNS envelope: the event is a JSON string in `Message`. Whatever
    // it carries, an SNS notification is machine mail.
    if let Some(Value::String(inner)) = get(map, "message")
        && get(map, "topicarn").is_some()
        && get(map, "type").and_then(Value::as_str) == Some("Notification")
    {
        let found = serde_json::from_str::<Value>(inner)
            .ok()
            .and_then(|inner| event_in(&inner, depth + 1));
        return Some(found.unwrap_or(CloudEvent {
            event: "notification".into(),
            permanent: false,
            failure: false,
            original_message_id: None,
            recipients: Vec::new(),
        }));
    }
    let named = EVENT_KEYS.iter().find_map(|k| {
        let v = normalise(get(map, k)?.as_str()?);
        EVENTS.contains(&v.as_str()).then_some(v)
    });
    if let Some(event) = named
        && map
            .keys()
            .any(|k| MAIL_KEYS.contains(&k.to_ascii_lowercase().as_str()))
    {
        let failure = FAILURES.contains(&event.as_str());
        let temporary = says_temporary(map, 0) || event.contains("soft") || event.contains("delay");
        let mut recipients = Vec::new();
        collect_recipients(&Value::Object(map.clone()), 0, &mut recipients);
        return Some(CloudEvent {
            permanent: failure && !temporary,
            failure,
            original_message_id: message_id_in(&Value::Object(map.clone()), 0),
            recipients,
            event,
        });
    }
    map.values()
        .filter(|v| v.is_object() || v.is_array())
        .find_map(|v| event_in(v, depth + 1))
}

/// A key's value, matching the key without regard to case.
fn get<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// `email.bounced`, `hard_bounce`, `Bounce` → `emailbounced`, `hardbounce`,
/// `bounce`.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// SES `bounceType: Transient`, Mailgun `severity: temporary`, Postmark
/// `Type: SoftBounce`, SendGrid `type: deferred`.
fn says_temporary(map: &Map<String, Value>, depth: usize) -> bool {
    if depth > 2 {
        return false;
    }
    map.iter().any(|(k, v)| match v {
        Value::String(s) => {
            let k = k.to_ascii_lowercase();
            let s = normalise(s);
            matches!(
                k.as_str(),
                "bouncetype" | "bounce_type" | "severity" | "type"
            ) && matches!(
                s.as_str(),
                "transient" | "temporary" | "softbounce" | "soft" | "undetermined"
            )
        }
        Value::Object(inner) => says_temporary(inner, depth + 1),
        _ => false,
    })
}

/// The Message-ID of the mail an event is about: SES
/// `mail.commonHeaders.messageId` or its `headers` list, SendGrid
/// `smtp-id`, Mailgun `message.headers.message-id`. Provider ids (SES's
/// `messageId`, Postmark's `MessageID`) have no `@` and are passed over.
fn message_id_in(value: &Value, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Value::Object(map) => {
            let direct = map.iter().find_map(|(k, v)| {
                let k = k.to_ascii_lowercase();
                let s = v.as_str()?;
                matches!(
                    k.as_str(),
                    "smtp-id" | "message-id" | "messageid" | "message_id"
                )
                .then(|| id_value(s))
                .flatten()
            });
            let header = || {
                let name = get(map, "name")?.as_str()?;
                name.eq_ignore_ascii_case("message-id")
                    .then(|| id_value(get(map, "value")?.as_str()?))
                    .flatten()
            };
            direct
                .or_else(header)
                .or_else(|| map.values().find_map(|v| message_id_in(v, depth + 1)))
        }
        Value::Array(items) => items
            .iter()
            .take(64)
            .find_map(|v| message_id_in(v, depth + 1)),
        _ => None,
    }
}

fn id_value(s: &str) -> Option<String> {
    s.contains('@')
        .then(|| crate::parse::normalise_id(s))
        .flatten()
}

fn collect_recipients(value: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 3 || out.len() >= 8 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let k = k.to_ascii_lowercase();
                if let Value::String(s) = v
                    && matches!(
                        k.as_str(),
                        "email" | "emailaddress" | "recipient" | "rcpt_to"
                    )
                    && s.contains('@')
                    && !out.contains(&s.to_lowercase())
                {
                    out.push(s.trim().to_lowercase());
                } else if matches!(
                    k.as_str(),
                    "bounce"
                        | "bouncedrecipients"
                        | "complaint"
                        | "complainedrecipients"
                        | "event-data"
                        | "msg"
                        | "message_event"
                        | "bounce_event"
                ) {
                    collect_recipients(v, depth + 1, out);
                }
            }
        }
        Value::Array(items) => {
            for v in items.iter().take(8) {
                collect_recipients(v, depth + 1, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ses_bounce_through_sns_is_a_permanent_failure_of_our_message() {
        let inner = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[{"emailAddress":"gone@example.com"}]},"mail":{"messageId":"0100018-abc","commonHeaders":{"messageId":"<out1@tend.example>"}}}"#;
        let envelope = serde_json::json!({"Type": "Notification", "TopicArn": "arn:aws:sns:x", "Message": inner});
        let text = format!(
            "{envelope}\n\n--\nIf you wish to stop receiving notifications from this topic, please click"
        );
        let e = detect(&text).expect("event");
        assert_eq!(e.event, "bounce");
        assert!(e.permanent);
        assert_eq!(e.original_message_id.as_deref(), Some("out1@tend.example"));
        assert_eq!(e.recipients, ["gone@example.com"]);
    }

    #[test]
    fn transient_bounces_and_complaints_are_not_permanent_failures() {
        let t = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Transient"},"mail":{}}"#;
        assert!(!detect(t).expect("event").permanent);
        let c = r#"[{"event":"spamreport","email":"a@example.com","sg_event_id":"x"}]"#;
        let e = detect(c).expect("event");
        assert!(!e.failure && !e.permanent);
    }

    #[test]
    fn json_without_mail_fields_or_after_words_is_not_an_event() {
        assert_eq!(detect(r#"{"event":"bounce"}"#), None);
        assert_eq!(detect(r#"{"type":"bug","text":"x"}"#), None);
        assert_eq!(
            detect("Hi, see this: {\"event\":\"bounce\",\"email\":\"a@b\"}"),
            None
        );
        assert_eq!(detect("{not json"), None);
    }
}
