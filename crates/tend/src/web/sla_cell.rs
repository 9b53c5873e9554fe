//! The inbox row's service-level cell: the next deadline as a countdown
//! in the agent's language, or how long ago it passed.

use super::i18n::Tr;

/// A row's service-level cell: the next deadline as a countdown, or how
/// long ago it passed.
pub struct SlaCell {
    /// `ok`, `warning`, `breached` or `paused` (the CSS class and the test
    /// hook).
    pub state: &'static str,
    /// "First response in 2 hours", "Resolution 5 minutes overdue", "Paused".
    pub text: String,
    /// The deadline in the agent's time zone (the tooltip).
    pub title: String,
    /// RFC 3339 (the page refreshes its rows when it passes).
    pub due: String,
}

/// The cell for a conversation's service levels at `now`.
pub fn sla_cell(tr: &Tr, tz: &str, now: i64, s: &crate::sla::SlaSummary) -> SlaCell {
    let due = s.next_due.as_deref().and_then(crate::time::parse_ms);
    let metric = s
        .next_metric
        .or(s.breached.first().copied())
        .or(s.warned.first().copied())
        .map(|m| tr.t(super::labels::metric_key(m)))
        .unwrap_or_default();
    let Some(due) = due else {
        let state = if s.breached.is_empty() {
            "paused"
        } else {
            "breached"
        };
        let text = if state == "paused" {
            tr.t("sla-paused")
        } else {
            tr.s("sla-breached-paused", "metric", metric)
        };
        return SlaCell {
            state,
            title: text.clone(),
            text,
            due: String::new(),
        };
    };
    let (state, text) = if due <= now || !s.breached.is_empty() {
        (
            "breached",
            tr.args(
                "sla-overdue",
                &[
                    ("metric", metric.clone().into()),
                    ("when", tr.span(now - due).into()),
                ],
            ),
        )
    } else {
        let state = if s.warned.is_empty() { "ok" } else { "warning" };
        (
            state,
            tr.args(
                "sla-due-in",
                &[
                    ("metric", metric.clone().into()),
                    ("when", tr.span(due - now).into()),
                ],
            ),
        )
    };
    SlaCell {
        state,
        title: tr.args(
            "sla-due-at",
            &[
                ("metric", metric.into()),
                ("when", tr.datetime(due, tz).into()),
            ],
        ),
        text,
        due: crate::time::rfc3339(due),
    }
}
