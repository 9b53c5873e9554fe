//! `/admin/quarantine`: mail that did not become a conversation, as the
//! mail log holds it (quarantined, or ignored on the second tab), with a
//! download of each raw message and a Retry button. A retry posts the form
//! (CSRF-checked like every UI form) and redirects back with `?retried=ID`,
//! whose notice says what the retry came to, as recorded on the entry.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{admin_only, status_for};
use crate::Error;
use crate::channels::email::hold::{HoldReason, SENDER_LIMIT};
use crate::channels::email::ingest::Outcome;
use crate::channels::email::quarantine::{self, Filter, MailLogItem};
use crate::state::AppState;
use crate::web::form_errors::FieldErrors;
use crate::web::i18n::Tr;
use crate::web::pages::{Chrome, error_page, render_status, see_other};
use crate::web::session::Agent;
use fluent_templates::fluent_bundle::FluentValue;

/// Entries per page.
const PAGE: i64 = 50;

/// A mail-log entry as the page shows it.
pub struct EntryView {
    pub id: i64,
    pub received: String,
    pub sender: String,
    pub subject: String,
    pub reason: String,
    /// A machine's words beside the reason (shown as code).
    pub reason_detail: Option<String>,
    pub size: String,
    pub has_raw: bool,
    /// Empty until retried.
    pub retried: String,
    /// The conversation a retry put it in.
    pub conversation_id: Option<i64>,
    pub can_retry: bool,
}

/// A tab of the page.
pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "web/admin/quarantine.html")]
struct QuarantinePage {
    c: Chrome,
    tabs: Vec<Tab>,
    view: &'static str,
    entries: Vec<EntryView>,
    next: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

/// The query of `GET /admin/quarantine`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `quarantined` (default) or `ignored`.
    view: Option<String>,
    /// The id below which the page starts.
    cursor: Option<String>,
    /// The entry just retried (its notice is shown).
    retried: Option<String>,
    /// How many entries a bulk action retried (`retried_n`) or deleted.
    retried_n: Option<i64>,
    deleted: Option<i64>,
}

impl ListQuery {
    /// The first page of a tab.
    pub(crate) fn of_view(view: &str) -> ListQuery {
        ListQuery {
            view: Some(view.to_string()),
            ..ListQuery::default()
        }
    }
}

pub(crate) fn view_of(v: Option<&str>) -> (&'static str, Outcome) {
    match v {
        Some("ignored") => ("ignored", Outcome::Ignored),
        _ => ("quarantined", Outcome::Quarantined),
    }
}

/// A size people read: `812 B`, `14.2 KB`, `2.1 MB`.
fn human_size(bytes: i64) -> String {
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// What a recorded retry came to, in the agent's language.
fn retry_notice(a: &Agent, e: &MailLogItem) -> Option<String> {
    let id = e.retry_conversation_id.unwrap_or_default();
    Some(match e.retry_outcome? {
        Outcome::Created => a.tr.s("quarantine-retried-created", "id", id),
        Outcome::Appended => a.tr.s("quarantine-retried-appended", "id", id),
        Outcome::Duplicate => a.tr.s("quarantine-retried-duplicate", "id", id),
        Outcome::Quarantined => a.tr.s(
            "quarantine-retried-held",
            "value",
            reason_text(&a.tr, &e.reason),
        ),
        Outcome::Ignored => a.tr.s(
            "quarantine-retried-ignored",
            "value",
            reason_text(&a.tr, &e.reason),
        ),
    })
}

/// A mail-log reason in the admin's language, and the words of the
/// machine that gave it (a parser's message, a reason this version does not
/// know) to show as code beside them.
pub(crate) fn reason_words(tr: &Tr, reason: &str) -> (String, Option<String>) {
    let size = |b: u64| FluentValue::from(human_size(b as i64));
    match HoldReason::parse(reason) {
        HoldReason::TooLarge { size: s, limit } => (
            tr.args(
                "mail-reason-too-large",
                &[("size", size(s)), ("limit", size(limit))],
            ),
            None,
        ),
        HoldReason::NotFetched {
            size: Some(s),
            limit,
            ..
        } => (
            tr.args(
                "mail-reason-not-fetched",
                &[("size", size(s)), ("limit", size(limit))],
            ),
            None,
        ),
        HoldReason::NotFetched {
            size: None, limit, ..
        } => (
            tr.args("mail-reason-not-fetched-over", &[("limit", size(limit))]),
            None,
        ),
        HoldReason::Unreadable { detail } => (tr.t("mail-reason-unreadable"), Some(detail)),
        HoldReason::NoFrom => (tr.t("mail-reason-no-from"), None),
        HoldReason::SenderLimit { sender } => (
            tr.args(
                "mail-reason-sender-limit",
                &[
                    ("sender", FluentValue::from(sender)),
                    ("count", FluentValue::from(SENDER_LIMIT)),
                ],
            ),
            None,
        ),
        HoldReason::Machine { kind, matched } => {
            let text = tr.t(&format!("mail-reason-{}", kind.code()));
            if matched {
                (tr.s("mail-reason-matched", "value", text), None)
            } else {
                (text, None)
            }
        }
        HoldReason::OwnAddress => (tr.t("mail-reason-own_address_loop"), None),
        HoldReason::Other(s) => (tr.t("mail-reason-other"), Some(s)),
    }
}

/// A reason as one line (the notices).
fn reason_text(tr: &Tr, reason: &str) -> String {
    match reason_words(tr, reason) {
        (words, Some(detail)) => format!("{words} ({detail})"),
        (words, None) => words,
    }
}

pub(crate) async fn page(
    st: &AppState,
    a: &Agent,
    q: &ListQuery,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let (view, outcome) = view_of(q.view.as_deref());
    let before = q
        .cursor
        .as_deref()
        .and_then(|c| c.parse::<i64>().ok())
        .filter(|c| *c > 0);
    let filter = Filter {
        outcome: Some(outcome),
        inbox_id: None,
        before,
        limit: PAGE,
    };
    let (items, more) = match quarantine::list(st, &a.viewer, filter).await {
        Ok(l) => l,
        Err(e) => return error_page(&a.tr, e),
    };
    let next = more
        .then(|| items.last())
        .flatten()
        .map(|e| format!("/admin/quarantine?view={view}&cursor={}", e.id));
    let entries = items
        .into_iter()
        .map(|e| {
            let received = crate::time::parse_ms(&e.created_at)
                .map(|ms| a.tr.datetime(ms, &a.tz))
                .unwrap_or_default();
            let retried = e
                .retried_at
                .as_deref()
                .and_then(crate::time::parse_ms)
                .map(|ms| {
                    a.tr.s("quarantine-retried-at", "when", a.tr.datetime(ms, &a.tz))
                })
                .unwrap_or_default();
            let (reason, reason_detail) = reason_words(&a.tr, &e.reason);
            EntryView {
                id: e.id,
                received,
                sender: e
                    .sender
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| a.tr.t("quarantine-no-sender")),
                subject: e
                    .subject
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| a.tr.t("quarantine-no-subject")),
                reason,
                reason_detail,
                size: human_size(e.size),
                has_raw: e.has_raw,
                retried,
                conversation_id: e.retry_conversation_id,
                can_retry: e.has_raw && e.inbox_id.is_some() && e.retry_conversation_id.is_none(),
            }
        })
        .collect();
    let tabs = [
        ("quarantined", "quarantine-tab-quarantined"),
        ("ignored", "quarantine-tab-ignored"),
    ]
    .into_iter()
    .map(|(v, key)| Tab {
        href: format!("/admin/quarantine?view={v}"),
        label: a.tr.t(key),
        current: v == view,
    })
    .collect();
    render_status(
        status_for(&error),
        &QuarantinePage {
            c: Chrome::agent(a, a.tr.t("admin-quarantine"), "admin"),
            tabs,
            view,
            entries,
            next,
            notice,
            error,
        },
    )
}

/// `GET /admin/quarantine`
pub async fn list(State(st): State<AppState>, a: Agent, Query(q): Query<ListQuery>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let bulk = match (q.retried_n, q.deleted) {
        (Some(n), _) => Some(a.tr.n("quarantine-bulk-retried", n)),
        (None, Some(n)) => Some(a.tr.n("quarantine-deleted", n)),
        (None, None) => None,
    };
    let notice = match q.retried.as_deref().and_then(|s| s.parse::<i64>().ok()) {
        Some(id) => match quarantine::get(&st, &a.viewer, id).await {
            Ok(e) => retry_notice(&a, &e),
            Err(_) => None,
        },
        None => None,
    };
    page(&st, &a, &q, notice.or(bulk), None).await
}

/// The retry form.
#[derive(Debug, Deserialize)]
pub struct RetryForm {
    /// The tab to go back to.
    view: Option<String>,
}

/// `POST /admin/quarantine/{id}/retry`
pub async fn retry(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<RetryForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let (view, _) = view_of(f.view.as_deref());
    match quarantine::retry(&st, &a.viewer, id).await {
        Ok(_) => see_other(&format!("/admin/quarantine?view={view}&retried={id}")),
        Err(e) => {
            let q = ListQuery {
                view: Some(view.to_string()),
                ..ListQuery::default()
            };
            let message = match &e {
                Error::Conflict {
                    code: "already_retried",
                    details,
                    ..
                } => a.tr.s(
                    "quarantine-already-retried",
                    "id",
                    details["conversation_id"].as_i64().unwrap_or_default(),
                ),
                _ => match FieldErrors::of(&a.tr, e) {
                    Ok(errors) => errors.message().unwrap_or_default().to_string(),
                    Err(e) => return error_page(&a.tr, e),
                },
            };
            page(&st, &a, &q, None, Some(message)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{human_size, reason_text};
    use crate::web::i18n::Tr;

    #[test]
    fn reason_codes_read_in_the_admins_language() {
        let en = Tr::new("en");
        assert_eq!(reason_text(&en, "list_notice"), "Mailing-list notice");
        assert_eq!(
            reason_text(&en, "delivery_report_matched"),
            "Delivery report (bounce), about a message we sent"
        );
        assert_eq!(reason_text(&Tr::new("ja"), "read_receipt"), "開封確認");
        // Every code tend-mail can give has a string.
        for kind in tend_mail::MachineKind::ALL {
            assert_ne!(reason_text(&en, kind.code()), kind.code());
        }
        // The quarantine's sentences read in every language, never as
        // recorded.
        let held = [
            "the message is 3 bytes, over the limit of 2",
            "the message is 3 bytes, over the limit of 2; it was not fetched and stays in the IMAP mailbox (UID 4)",
            "the message is larger than the limit of 2 bytes; it was not fetched and stays in the IMAP mailbox (UID 4)",
            "the message has no usable From address",
            "a@b.c sent more than 30 messages in 10 minutes (loop protection)",
            "own_address_loop",
        ];
        for code in ["en", "ja", "ko", "lv", "ca"] {
            let tr = Tr::new(code);
            for r in held {
                let text = reason_text(&tr, r);
                assert_ne!(text, r, "{code}");
                assert!(!text.contains('⟦'), "{code}: {text}");
            }
        }
        assert_eq!(
            reason_text(&en, held[0]),
            "The message is 3 B, over the limit of 2 B."
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(14_540), "14.2 KB");
        assert_eq!(human_size(2_200_000), "2.1 MB");
    }
}
