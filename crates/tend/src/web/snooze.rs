//! Snooze in the workspace: the conversation page's form (a
//! `datetime-local` read in the agent's time zone) and "Snoozed until …"
//! on the page and in the inbox rows, over `conversations::snooze`.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::form_errors::{FieldErrors, render_form};
use super::pages::{error_page, see_other};
use super::session::Agent;
use crate::conversations::{Conversation, snooze};
use crate::state::AppState;
use crate::{Error, Result};

/// The conversation page's snooze section.
#[derive(Debug, Clone, Default)]
pub struct SnoozePanel {
    /// "Snoozed until …" (empty: not snoozed).
    pub until: String,
    /// Whether it may be snoozed (new, open or pending).
    pub may: bool,
    /// The field's first value: tomorrow at 09:00 in the agent's zone.
    pub suggested: String,
    /// The agent's time zone, named beside the field.
    pub tz: String,
    /// The value the agent gave, after an error.
    pub given: String,
    /// What was wrong with it.
    pub error: Option<String>,
}

/// "Snoozed until …" of a conversation in the agent's time zone.
pub fn until_text(a: &Agent, until: Option<&str>) -> String {
    match until.and_then(crate::time::parse_ms) {
        Some(ms) => a.tr.s("snoozed-until", "until", a.tr.datetime(ms, &a.tz)),
        None => String::new(),
    }
}

/// The snooze section of conversation `conv` at `now`.
pub fn panel(a: &Agent, conv: &Conversation, now: i64) -> SnoozePanel {
    SnoozePanel {
        until: until_text(a, conv.snoozed_until.as_deref()),
        may: conv.status.may_snooze(),
        suggested: tomorrow_morning(now, &a.tz),
        tz: a.tz.clone(),
        given: String::new(),
        error: None,
    }
}

/// Tomorrow at 09:00 in `tz`, as a `datetime-local` value.
fn tomorrow_morning(now: i64, tz: &str) -> String {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let Ok(ts) = jiff::Timestamp::from_millisecond(now) else {
        return String::new();
    };
    ts.to_zoned_datetime(zone)
        .date()
        .tomorrow()
        .map(|day| format!("{day}T09:00"))
        .unwrap_or_default()
}

/// The snooze form.
#[derive(Deserialize)]
pub struct SnoozeForm {
    until: String,
}

/// `POST /c/{id}/snooze`: snoozes until the local time given; a bad time
/// comes back with the error beside the field.
pub async fn snooze(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<SnoozeForm>,
) -> Response {
    let result = match snooze::parse_until(&f.until, Some(&a.tz)) {
        Some(until) => snooze::snooze(&st, &a.viewer, id, until).await.map(|_| ()),
        None => Err(Error::invalid("until", "give a date and a time")),
    };
    match result {
        Ok(()) => see_other(&format!("/c/{id}")),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => again(&st, &a, id, f.until, errors).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// The page again with the time as given and the mistake beside it (a
/// conversation that may not be snoozed is the field's mistake too).
async fn again(st: &AppState, a: &Agent, id: i64, given: String, errors: FieldErrors) -> Response {
    let page: Result<_> = super::conversation::load(st, a, id).await;
    match page {
        Ok(mut p) => {
            p.snooze.given = given;
            p.snooze.error = errors
                .clone()
                .about("until")
                .at("until")
                .map(str::to_string);
            render_form(&errors, &p)
        }
        Err(e) => error_page(&a.tr, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggestion_is_tomorrow_morning_where_the_agent_is() {
        // 2026-12-07 23:30 UTC is already 2026-12-08 in Tokyo.
        let now = crate::time::parse_ms("2026-12-07T23:30:00Z").unwrap();
        assert_eq!(tomorrow_morning(now, "UTC"), "2026-12-08T09:00");
        assert_eq!(tomorrow_morning(now, "Asia/Tokyo"), "2026-12-09T09:00");
    }
}
