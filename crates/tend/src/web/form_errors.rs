//! A form's mistake, the one way every workspace form shows it: the page
//! comes back (422, or 409 for a conflict) with what was typed, and the
//! message beside its field (`aria-invalid`, `aria-describedby`), in the
//! agent's language.
//!
//! The services name the field of a mistake (`Error::Invalid { field, .. }`)
//! with English words for the API; [`words`] turns them into the
//! catalogue's words once, for every page. A page takes a [`FieldErrors`],
//! asks it for the message beside each of its fields ([`FieldErrors::note`],
//! [`FieldErrors::attrs`]) and for the one no field of its own shows
//! ([`FieldErrors::elsewhere`]), and answers with [`render_form`].
//!
//! One file (about 500 lines) for now; the next field added moves the
//! [`words`] table into a module of its own.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::Tr;
use super::pages::render_status;
use crate::Error;
use crate::html::escape;

/// The mistake of a form that came back, if any: the field it is about
/// and the words shown beside it.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    error: Option<(String, String)>,
    conflict: bool,
}

impl FieldErrors {
    /// No mistake (the form as first shown).
    pub fn none() -> FieldErrors {
        FieldErrors::default()
    }

    /// A mistake the page found itself, already in the agent's words.
    pub fn on(field: impl Into<String>, message: String) -> FieldErrors {
        FieldErrors {
            error: Some((field.into(), message)),
            conflict: false,
        }
    }

    /// The mistake of a service's answer, in the agent's words: input
    /// errors and conflicts; anything else is given back for the error
    /// page.
    pub fn of(tr: &Tr, e: Error) -> Result<FieldErrors, Error> {
        match e {
            Error::Invalid { field, message } => {
                let words = words(tr, &field, &message);
                Ok(FieldErrors::on(field, words))
            }
            Error::Conflict { code, message, .. } => Ok(FieldErrors {
                error: Some((String::new(), conflict_words(tr, code, &message))),
                conflict: true,
            }),
            other => Err(other),
        }
    }

    /// A conflict, which names no field, placed beside `field`.
    pub fn about(mut self, field: &str) -> FieldErrors {
        if let Some((f, _)) = self.error.as_mut()
            && f.is_empty()
        {
            *f = field.to_string();
        }
        self
    }

    /// Whether there is a mistake.
    pub fn any(&self) -> bool {
        self.error.is_some()
    }

    /// The field in error (empty: none, or a conflict of the whole form).
    pub fn field(&self) -> &str {
        self.error.as_ref().map_or("", |(f, _)| f.as_str())
    }

    /// The message when it is about `field` (or a part of it:
    /// `translations.ja.title` is about `translations`).
    pub fn at(&self, field: &str) -> Option<&str> {
        let (f, m) = self.error.as_ref()?;
        let about = f == field
            || f.strip_prefix(field)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['));
        about.then_some(m.as_str())
    }

    /// Whether `field` is in error.
    pub fn invalid(&self, field: &str) -> bool {
        self.at(field).is_some()
    }

    /// Whether the part `part` of `field` is in error (`translations.ja`:
    /// one of a list of inputs under one message).
    pub fn invalid_part(&self, field: &str, part: &str) -> bool {
        self.invalid(&format!("{field}.{part}"))
    }

    /// The message beside `field`, whose input has the id `id`: a
    /// paragraph with the id `{id}-error` (empty when the field is fine).
    /// Written escaped, for `|safe` in templates.
    pub fn note(&self, field: &str, id: &str) -> String {
        match self.at(field) {
            Some(m) => format!(
                r#"<p class="field-error" id="{id}-error" role="alert">{}</p>"#,
                escape(m)
            ),
            None => String::new(),
        }
    }

    /// The attributes of the input `id` of `field`: ` aria-invalid="true"
    /// aria-describedby="{id}-error"` when it is in error (empty
    /// otherwise). For `|safe` in templates.
    pub fn attrs(&self, field: &str, id: &str) -> String {
        self.attrs_help(field, id, "")
    }

    /// As [`FieldErrors::attrs`], for an input described by a help text
    /// `help` too (its `aria-describedby` is written either way).
    pub fn attrs_help(&self, field: &str, id: &str, help: &str) -> String {
        let invalid = self.invalid(field);
        let described: Vec<String> = [
            (!help.is_empty()).then(|| help.to_string()),
            invalid.then(|| format!("{id}-error")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut out = String::new();
        if invalid {
            out.push_str(r#" aria-invalid="true""#);
        }
        if !described.is_empty() {
            out.push_str(&format!(r#" aria-describedby="{}""#, described.join(" ")));
        }
        out
    }

    /// The message, whichever field it is about: for a page that shows
    /// every mistake at the top.
    pub fn message(&self) -> Option<&str> {
        self.error.as_ref().map(|(_, m)| m.as_str())
    }

    /// The message when none of the page's own fields (`placed`) shows it:
    /// for the top of the form.
    pub fn elsewhere<'a>(&self, placed: impl AsRef<[&'a str]>) -> Option<&str> {
        let (_, m) = self.error.as_ref()?;
        (!placed.as_ref().iter().any(|p| self.invalid(p))).then_some(m.as_str())
    }

    /// The answer's status: 200 without a mistake, 422 for input, 409 for
    /// a conflict.
    pub fn status(&self) -> StatusCode {
        match (&self.error, self.conflict) {
            (None, _) => StatusCode::OK,
            (Some(_), false) => StatusCode::UNPROCESSABLE_ENTITY,
            (Some(_), true) => StatusCode::CONFLICT,
        }
    }
}

/// A form as it was posted (its pairs in order; a name may repeat), to
/// show it again as typed.
#[derive(Debug, Clone, Copy)]
pub struct Kept<'a>(pub &'a [(String, String)]);

impl<'a> Kept<'a> {
    /// The first value of `name`, as typed (empty when absent).
    pub fn one(&self, name: &str) -> String {
        self.all(name)
            .first()
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A form page: 200 as first shown, 422 (or 409) when it came back with a
/// mistake.
pub fn render_form<T: Template>(errors: &FieldErrors, page: &T) -> Response {
    render_status(errors.status(), page)
}

/// Marks a message a page wrote in the agent's words already.
const SAID: char = '\u{E000}';

/// An input error a page found and worded itself (in the agent's
/// language): [`words`] keeps its words.
pub fn said(field: impl Into<String>, words: String) -> Error {
    Error::invalid(field, format!("{SAID}{words}"))
}

/// A message without the mark of [`said`].
pub fn unmarked(message: &str) -> &str {
    message.strip_prefix(SAID).unwrap_or(message)
}

/// The largest whole number in `s` (the limit a service names: "1 to
/// 200 characters"), else 0.
fn number_in(s: &str) -> i64 {
    s.split(|c: char| !c.is_ascii_digit() && c != ',')
        .filter_map(|n| n.replace(',', "").parse::<i64>().ok())
        .max()
        .unwrap_or(0)
}

/// A service's input error in the agent's words, by the field it names
/// (and, where one field has several mistakes, by what its English words
/// say). The one table for every page. In English, a mistake the table
/// words only in general (a name too long, a template's placeholder)
/// reads as the service wrote it, which says more; in the other languages
/// it reads in general words, and "check this field" where nothing fits.
pub fn words(tr: &Tr, field: &str, message: &str) -> String {
    if let Some(own) = message.strip_prefix(SAID) {
        return own.to_string();
    }
    let has = |w: &str| message.contains(w);
    let last = field.rsplit(['.', ']']).next().unwrap_or(field);
    let key = match field {
        "reason" => "transfer-needs-reason",
        "until" if has("future") => "form-error-until-past",
        "until" if has("year") => "form-error-until-far",
        "until" => "snooze-bad-time",
        "tags" if has("at most") => {
            return tr.s("form-error-tags-many", "count", number_in(message));
        }
        "tags" | "add_tags" | "remove_tags" => "form-error-tag",
        "assignee_id" | "assignee" => "form-error-assignee",
        "team_id" | "team" => "form-error-team",
        "scope" | "share" => "form-error-scope",
        "slug" if has("another") => "form-error-slug-taken",
        "slug" => "form-error-slug",
        "category" => "form-error-category",
        "names" => "form-error-required",
        "amount" => "remedy-error-amount",
        "currency" => "remedy-error-currency",
        "note" => "remedy-error-note",
        "kind" => "remedy-error-kind",
        "user" => "remedy-error-user",
        "text" if has("actions") => "form-error-macro-empty",
        _ if tr.code() == "en" => return message.to_string(),
        // The admin pages' and the account's fields.
        "email" | "address" if has("already") => "form-error-address-taken",
        "email" | "address" if has("there is no") => "form-error-unknown-address",
        "email" | "address" if has("needs an address") || has("is required") => {
            "form-error-required"
        }
        "email" | "address" => "form-error-email",
        "role" | "imap_after" if !has("only email") => "admin-choose-one",
        "imap_url" | "imap_after" if has("only email") => "form-error-imap-email",
        "imap_url" => "form-error-imap-url",
        "imap_move_to" if has("differ") => "form-error-move-same",
        "imap_move_to" => "form-error-move-to",
        "url" | "outbound_url" | "telegram.api_base" => "form-error-url",
        "telegram.bot_token" => "form-error-bot-token",
        "telegram.webhook_secret" => "form-error-webhook-secret",
        "telegram.mode" => "admin-choose-one",
        "events" => "form-error-events",
        "secret" | "identity_secret" => {
            let n = numbers(message);
            let (min, max) = (n.first().copied(), n.get(1).copied());
            return tr.args(
                "form-error-secret",
                &[
                    ("count", min.unwrap_or_default().into()),
                    ("limit", max.unwrap_or_default().into()),
                ],
            );
        }
        "primary" | "text" if has("not a colour") => "form-error-colour",
        "company_name" => return tr.s("form-error-too-long", "count", number_in(message)),
        "allowed_origins" => "form-error-origins",
        "office_hours.timezone" => "form-error-timezone",
        _ if field.starts_with("office_hours") => "form-error-hours",
        "max_wait_secs" => "form-error-max-wait",
        "customer_id" if has("no address") => "form-error-no-address",
        "password" => "form-error-password",
        // A template's mistake names where it is, in any field.
        _ if position(message).is_some() => {
            let (line, column) = position(message).unwrap_or_default();
            return tr.args(
                "form-error-template",
                &[("line", line.into()), ("column", column.into())],
            );
        }
        _ if field.ends_with(".title") || field == "title" => {
            return tr.s("form-error-length", "count", number_in(message).max(1));
        }
        _ if last == "body_markdown" => "form-error-too-long-body",
        // A problem's fix message, in no language or too long.
        _ if field == "message" => "form-error-required",
        _ if field.starts_with("message.") => "form-error-too-long-body",
        _ if has("must not be empty") || has("is required") || has("needs a name") => {
            "form-error-required"
        }
        _ if has("must be at most") => {
            return tr.s("form-error-too-long", "count", number_in(message));
        }
        _ if has("exists already") || has("already exists") => "form-error-taken",
        _ if has("tag") && field.starts_with("actions") => "form-error-tag",
        _ => "form-error-check",
    };
    tr.t(key)
}

/// A conflict in the agent's words, by its code.
/// In English, the service's words (which name both statuses).
fn conflict_words(tr: &Tr, code: &str, message: &str) -> String {
    match code {
        _ if tr.code() == "en" => message.to_string(),
        "illegal_status_transition" => tr.t("form-error-status"),
        "cannot_snooze" => tr.t("form-error-cannot-snooze"),
        "last_admin" => tr.t("form-error-last-admin"),
        _ => tr.t("form-error-check"),
    }
}

/// Every whole number in `s`, in order ("16 to 200 characters").
fn numbers(s: &str) -> Vec<i64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// `… at line L, column C` of a template's mistake.
fn position(message: &str) -> Option<(i64, i64)> {
    let (_, rest) = message.split_once(" at line ")?;
    let (line, rest) = rest.split_once(", column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistake_is_beside_its_field_and_described_by_it() {
        let e = FieldErrors::on("name", "Fill this in.".into());
        assert_eq!(e.at("name"), Some("Fill this in."));
        assert_eq!(e.at("names"), None);
        assert_eq!(
            e.attrs_help("name", "m-name", "m-help"),
            r#" aria-invalid="true" aria-describedby="m-help m-name-error""#
        );
        assert_eq!(e.attrs("text", "m-text"), "");
        assert_eq!(
            e.attrs_help("text", "m-text", "h"),
            r#" aria-describedby="h""#
        );
        assert!(e.note("name", "m-name").contains(r#"id="m-name-error""#));
        assert_eq!(e.elsewhere(["name"]), None);
        assert_eq!(e.elsewhere(["text"]), Some("Fill this in."));
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(FieldErrors::none().status(), StatusCode::OK);
    }

    #[test]
    fn a_part_of_a_field_is_that_field() {
        let e = FieldErrors::on("translations.ja.title", "x".into());
        assert!(e.invalid("translations"));
        assert!(!e.invalid("translation"));
        let e = FieldErrors::on("actions[1].value", "x".into());
        assert!(e.invalid("actions"));
    }

    #[test]
    fn a_kept_form_gives_its_values_in_order() {
        let pairs =
            [("a", "1"), ("b", "2"), ("a", "3")].map(|(k, v)| (k.to_string(), v.to_string()));
        let kept = Kept(&pairs);
        assert_eq!(kept.one("a"), "1");
        assert_eq!(kept.one("c"), "");
        assert_eq!(kept.all("a"), ["1", "3"]);
    }

    #[test]
    fn the_note_is_escaped() {
        let e = FieldErrors::on("name", "<b>".into());
        assert!(e.note("name", "n").contains("&lt;b&gt;"));
    }

    #[test]
    fn service_errors_read_in_every_language() {
        let cases = [
            ("name", "name must not be empty"),
            ("name", "name must be at most 200 characters"),
            (
                "name",
                "a personal macro named \"x\" exists already; choose another name",
            ),
            (
                "tags",
                "\"a,b\" is not a valid tag (1–64 characters, no commas)",
            ),
            ("tags", "at most 50 tags"),
            ("until", "the snooze must end in the future"),
            (
                "until",
                "a snooze may last at most a year; pick an earlier time",
            ),
            ("slug", "\"A B\" is not a slug: use lower-case letters"),
            ("slug", "another article has the slug \"x\"; choose another"),
            ("translations.ja.title", "a title has 1 to 200 characters"),
            (
                "text",
                "unknown variable `x` at line 2, column 7; choose one of …",
            ),
            (
                "text",
                "a macro needs a text or actions; give it at least one",
            ),
            ("team_id", "a team's one needs its team_id"),
            ("email", "\"x\" is not a valid email address: it has no @"),
            ("address", "another inbox already uses this address"),
            ("email", "there is no customer with the address a@b.example"),
            (
                "imap_move_to",
                "a folder is required when imap_after is move",
            ),
            ("url", "the url must be an absolute http:// or https:// URL"),
            ("events", "give at least one event kind"),
            (
                "secret",
                "the secret must have 16 to 200 characters (it has 5)",
            ),
            ("primary", "\"red\" is not a colour; write it as #rrggbb"),
            ("allowed_origins", "\"x\" is not an origin"),
            ("office_hours.mon", "mon: write times as 09:00-17:00"),
            (
                "office_hours.timezone",
                "timezone: \"Mars\" is not a known time zone",
            ),
            ("max_wait_secs", "must be between 0 and 86400 seconds"),
            ("customer_id", "this customer has no address to write to"),
            ("password", "a password needs at least 8 characters"),
            ("something", "a mistake no table knows"),
        ];
        for locale in crate::web::i18n::LOCALES_SUPPORTED {
            let tr = Tr::new(locale);
            for (field, message) in cases {
                let w = words(&tr, field, message);
                assert!(!w.is_empty() && !w.contains('⟦'), "{locale} {field}: {w}");
                if locale != "en" {
                    assert_ne!(w, message, "{locale} {field}");
                }
            }
        }
        let ja = Tr::new("ja");
        assert_eq!(
            words(&ja, "text", "unknown variable `x` at line 2, column 7; …"),
            words(&ja, "translations.ja", "unknown filter at line 2, column 7")
        );
        assert!(words(&ja, "text", "unknown `x` at line 2, column 7").contains('7'));
        let lv = Tr::new("lv");
        let secret = words(&lv, "secret", "must have 16 to 200 characters (it has 300)");
        assert!(secret.contains("16") && secret.contains("200"), "{secret}");
        assert!(!secret.contains("300"), "{secret}");
        let en = Tr::new("en");
        assert!(words(&en, "tags", "at most 50 tags").contains("50"));
        // In English, the service's own words where they say more.
        assert_eq!(
            words(&en, "text", "unknown variable `x` at line 2, column 7"),
            "unknown variable `x` at line 2, column 7"
        );
    }

    #[test]
    fn a_page_s_own_words_are_kept() {
        let ja = Tr::new("ja");
        let Error::Invalid { field, message } = said("other", "番号".into()) else {
            panic!("not an input error");
        };
        assert_eq!(words(&ja, &field, &message), "番号");
        assert_eq!(unmarked(&message), "番号");
    }

    #[test]
    fn numbers_and_positions_are_read_from_the_service_words() {
        assert_eq!(number_in("a body has at most 1,000,000 bytes"), 1_000_000);
        assert_eq!(number_in("none"), 0);
        assert_eq!(number_in("give a title of 1–200 characters"), 200);
        assert_eq!(
            position("unknown `x` at line 3, column 12; hint"),
            Some((3, 12))
        );
        assert_eq!(position("no position"), None);
    }
}
