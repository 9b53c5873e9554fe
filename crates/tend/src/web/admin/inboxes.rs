//! `/admin/inboxes`: create inboxes and change their name, address, IMAP
//! polling (and what happens to a fetched message) and acknowledgement
//! setting; a channel API inbox's outbound URL and signing secret; a
//! Telegram inbox's bot token, Bot API server, mode and webhook secret.
//! Secrets (an empty field keeps the one set) and the IMAP password are
//! never shown
//! back: the page shows the URL with the password hidden, and an empty
//! field keeps the current URL. A mistake brings the page back with the
//! form as typed (an IMAP URL without its password) and the message
//! beside its field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Saved, admin_only};
use crate::Result;
use crate::inboxes::model::{ImapAfter, InboxKind, TelegramMode};
use crate::inboxes::service::{self as inboxes, InboxChanges, NewInbox};
use crate::inboxes::telegram::TelegramInput;
use crate::state::AppState;
use crate::web::form_errors::{FieldErrors, render_form};
use crate::web::pages::{Chrome, error_page, see_other};
use crate::web::session::Agent;

/// An inbox as the page shows it.
pub struct InboxView {
    pub id: i64,
    pub kind: &'static str,
    pub kind_label: String,
    pub name: String,
    pub address: String,
    pub imap_url: String,
    pub is_default: bool,
    pub ack_enabled: bool,
    pub imap_after: &'static str,
    pub imap_move_to: String,
    /// Channel API inboxes: where replies are posted.
    pub outbound_url: String,
    /// Channel API inboxes: whether a signing secret is set.
    pub has_secret: bool,
    /// Telegram inboxes: the bot's settings as shown (secrets never are).
    pub bot: Option<BotView>,
    /// Channel API inboxes: why the outbound URL refuses Tend, and since when.
    pub failing: Option<String>,
    /// Telegram inboxes: how the bot is read, or that it has no token.
    pub telegram: Option<String>,
    /// WhatsApp inboxes: which number sends, or that it is not set up.
    pub whatsapp: Option<String>,
    /// Whether "stop polling" was ticked (a form that came back).
    pub imap_off: bool,
    /// The card's mistake, beside its field (none for the other cards).
    pub errors: FieldErrors,
}

impl InboxView {
    /// The card's input `{prefix}-{id}`: its mistake's attributes.
    pub fn attrs(&self, field: &str, prefix: &str) -> String {
        self.errors.attrs(field, &format!("{prefix}-{}", self.id))
    }

    /// As [`InboxView::attrs`], for an input described by its help
    /// `{help}-{id}` too.
    pub fn attrs_help(&self, field: &str, prefix: &str, help: &str) -> String {
        self.errors.attrs_help(
            field,
            &format!("{prefix}-{}", self.id),
            &format!("{help}-{}", self.id),
        )
    }

    /// The message beside the card's input `{prefix}-{id}`.
    pub fn note(&self, field: &str, prefix: &str) -> String {
        self.errors.note(field, &format!("{prefix}-{}", self.id))
    }
}

/// A Telegram inbox's settings on its card.
pub struct BotView {
    pub api_base: String,
    pub mode: &'static str,
    pub has_token: bool,
    pub has_webhook_secret: bool,
    /// Where Telegram posts in webhook mode, and who tells it: Tend when
    /// `public_url` is set, else the admin.
    pub webhook_help: String,
}

/// The fields of an inbox's forms, by the names the service gives them.
const FIELDS: [&str; 12] = [
    "kind",
    "name",
    "address",
    "imap_url",
    "imap_after",
    "imap_move_to",
    "secret",
    "outbound_url",
    "telegram.bot_token",
    "telegram.api_base",
    "telegram.mode",
    "telegram.webhook_secret",
];

const MODES: [TelegramMode; 2] = [TelegramMode::Polling, TelegramMode::Webhook];

/// The form that came back, as typed, with its mistake.
enum Typed {
    /// The create form.
    New(CreateForm),
    /// An inbox's form.
    Edit(i64, EditForm),
    /// A form without fields of its own.
    Other,
}

#[derive(Template)]
#[template(path = "web/admin/inboxes.html")]
struct InboxesPage {
    c: Chrome,
    inboxes: Vec<InboxView>,
    kinds: Vec<(&'static str, String)>,
    afters: Vec<(&'static str, String)>,
    modes: Vec<(&'static str, String)>,
    notice: Option<String>,
    /// A mistake no field shows.
    error: Option<String>,
    /// The create form as typed (empty as first shown).
    new: CreateForm,
    /// The create form's mistake, beside its field.
    new_errors: FieldErrors,
}

const AFTERS: [ImapAfter; 3] = [ImapAfter::Leave, ImapAfter::Seen, ImapAfter::Move];

const KINDS: [InboxKind; 6] = [
    InboxKind::Email,
    InboxKind::Chat,
    InboxKind::Web,
    InboxKind::Api,
    InboxKind::Telegram,
    InboxKind::Whatsapp,
];

/// The page; after a failed post, with the form as typed and its mistake.
async fn page(
    st: &AppState,
    a: &Agent,
    notice: Option<String>,
    errors: FieldErrors,
    typed: Typed,
) -> Response {
    let list = match inboxes::list_inboxes(st, &a.viewer).await {
        Ok(l) => l,
        Err(e) => return error_page(&a.tr, e),
    };
    let kind_label = |k: InboxKind| a.tr.t(&format!("inbox-kind-{}", k.as_str()));
    let error = match &typed {
        Typed::Other => errors.message(),
        Typed::New(_) | Typed::Edit(..) => errors.elsewhere(FIELDS),
    }
    .map(str::to_string);
    let (new, new_errors) = match &typed {
        Typed::New(f) => (f.kept(), errors.clone()),
        _ => (CreateForm::default(), FieldErrors::none()),
    };
    render_form(
        &errors,
        &InboxesPage {
            c: Chrome::agent(a, a.tr.t("admin-inboxes"), "admin"),
            inboxes: list
                .into_iter()
                .map(|i| InboxView {
                    id: i.id,
                    kind: i.kind.as_str(),
                    kind_label: kind_label(i.kind),
                    name: i.name,
                    address: i.address.unwrap_or_default(),
                    imap_url: i.imap_url.unwrap_or_default(),
                    is_default: i.is_default,
                    ack_enabled: i.ack_enabled,
                    imap_after: i.imap_after.as_str(),
                    imap_move_to: i.imap_move_to.unwrap_or_default(),
                    outbound_url: i.outbound_url.unwrap_or_default(),
                    has_secret: i.has_secret,
                    bot: i.telegram.as_ref().map(|t| BotView {
                        api_base: t.api_base.clone(),
                        mode: t.mode.as_str(),
                        has_token: t.has_bot_token,
                        has_webhook_secret: t.has_webhook_secret,
                        webhook_help: match st.config.public_url.as_deref() {
                            Some(u) => a.tr.s(
                                "inbox-webhook-auto",
                                "url",
                                crate::channels::telegram::register::webhook_url(u, i.id),
                            ),
                            None => a.tr.s(
                                "inbox-webhook-manual",
                                "url",
                                crate::channels::telegram::register::webhook_url("", i.id),
                            ),
                        },
                    }),
                    telegram: i
                        .telegram
                        .as_ref()
                        .map(|t| match (t.has_bot_token, t.mode) {
                            (false, _) => a.tr.t("inbox-telegram-no-token"),
                            (true, TelegramMode::Polling) => {
                                a.tr.s("inbox-telegram-polling", "url", &t.api_base)
                            }
                            (true, TelegramMode::Webhook) => {
                                a.tr.s("inbox-telegram-webhook", "url", &t.api_base)
                            }
                        }),
                    whatsapp: i.whatsapp.as_ref().map(|w| {
                        match (&w.phone_number_id, w.has_access_token) {
                            (Some(id), true) => a.tr.args(
                                "inbox-whatsapp-number",
                                &[
                                    ("id", id.clone().into()),
                                    ("url", w.api_base.clone().into()),
                                ],
                            ),
                            _ => a.tr.t("inbox-whatsapp-unset"),
                        }
                    }),
                    failing: i.failing_since.map(|since| {
                        a.tr.args(
                            match i.kind {
                                InboxKind::Telegram => "inbox-failing-telegram",
                                InboxKind::Whatsapp => "inbox-failing-whatsapp",
                                InboxKind::Email
                                | InboxKind::Chat
                                | InboxKind::Web
                                | InboxKind::Api => "inbox-failing",
                            },
                            &[
                                ("when", since.into()),
                                ("value", i.failing_error.clone().unwrap_or_default().into()),
                            ],
                        )
                    }),
                    imap_off: false,
                    errors: FieldErrors::none(),
                })
                .map(|mut v| {
                    if let Typed::Edit(id, f) = &typed
                        && *id == v.id
                    {
                        f.keep(&mut v);
                        v.errors = errors.clone();
                    }
                    v
                })
                .collect(),
            kinds: KINDS.iter().map(|k| (k.as_str(), kind_label(*k))).collect(),
            modes: MODES
                .iter()
                .map(|m| (m.as_str(), a.tr.t(&format!("inbox-mode-{}", m.as_str()))))
                .collect(),
            afters: AFTERS
                .iter()
                .map(|x| {
                    (
                        x.as_str(),
                        a.tr.t(&format!("inbox-imap-after-{}", x.as_str())),
                    )
                })
                .collect(),
            notice,
            error,
            new,
            new_errors,
        },
    )
}

async fn done<T>(st: &AppState, a: &Agent, r: Result<T>, typed: Typed) -> Response {
    match r {
        Ok(_) => see_other("/admin/inboxes?saved=1"),
        Err(e) => match FieldErrors::of(&a.tr, e) {
            Ok(errors) => page(st, a, None, errors, typed).await,
            Err(e) => error_page(&a.tr, e),
        },
    }
}

/// `GET /admin/inboxes`
pub async fn list(State(st): State<AppState>, a: Agent, Query(s): Query<Saved>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    page(&st, &a, s.notice(&a), FieldErrors::none(), Typed::Other).await
}

fn filled(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// An IMAP URL as typed, without its password (never shown back).
fn without_password(s: &str) -> String {
    match url::Url::parse(s.trim()) {
        Ok(mut u) if u.password().is_some() => {
            // Only URLs that cannot have a password refuse this.
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => s.to_string(),
    }
}

/// The create form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CreateForm {
    kind: String,
    name: Option<String>,
    address: Option<String>,
    imap_url: Option<String>,
    imap_after: Option<String>,
    imap_move_to: Option<String>,
    ack: Option<String>,
}

impl CreateForm {
    /// The form to show again: as typed, the IMAP URL without its password.
    fn kept(&self) -> CreateForm {
        CreateForm {
            imap_url: self.imap_url.as_deref().map(without_password),
            ..self.clone()
        }
    }
}

/// `POST /admin/inboxes`
pub async fn create(State(st): State<AppState>, a: Agent, Form(f): Form<CreateForm>) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let typed = Typed::New(f.clone());
    let after = filled(f.imap_after)
        .as_deref()
        .map(ImapAfter::parse)
        .transpose()
        .map(Option::unwrap_or_default);
    let r = match (InboxKind::parse(&f.kind), after) {
        (Ok(kind), Ok(imap_after)) => {
            inboxes::create_inbox(
                &st,
                &a.viewer,
                NewInbox {
                    kind,
                    name: filled(f.name),
                    address: filled(f.address),
                    imap_url: filled(f.imap_url),
                    ack_enabled: f.ack.is_some(),
                    imap_after,
                    imap_move_to: filled(f.imap_move_to),
                },
            )
            .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    done(&st, &a, r, typed).await
}

/// The edit form. Checkboxes are absent when unticked.
#[derive(Debug, Clone, Deserialize)]
pub struct EditForm {
    name: Option<String>,
    address: Option<String>,
    imap_url: Option<String>,
    imap_off: Option<String>,
    imap_after: Option<String>,
    /// Absent: the page did not show the field (not an email inbox); empty
    /// clears the folder.
    imap_move_to: Option<String>,
    ack: Option<String>,
    /// Channel API inboxes (absent on other cards): empty stops posting.
    outbound_url: Option<String>,
    /// Channel API inboxes: a new secret; empty keeps the one set.
    secret: Option<String>,
    /// Channel API inboxes: remove the secret.
    secret_off: Option<String>,
    /// Telegram inboxes: a new token; empty keeps the one set.
    bot_token: Option<String>,
    /// Telegram inboxes (absent on other cards).
    api_base: Option<String>,
    mode: Option<String>,
    /// Telegram inboxes: a new webhook secret; empty keeps the one set.
    webhook_secret: Option<String>,
}

impl EditForm {
    /// The Telegram settings of a Telegram inbox's card (`None` on other
    /// cards, which have no such fields).
    fn telegram(&self) -> Option<TelegramInput> {
        self.mode.as_ref().map(|mode| TelegramInput {
            bot_token: filled(self.bot_token.clone()).map(Some),
            api_base: self.api_base.clone().map(|u| u.trim().to_string()),
            mode: Some(mode.clone()),
            webhook_secret: filled(self.webhook_secret.clone()).map(Some),
        })
    }

    /// Shows the card as typed (the IMAP URL stays empty: an empty field
    /// keeps the current one, and its password is never shown).
    fn keep(&self, v: &mut InboxView) {
        if let Some(n) = &self.name {
            v.name.clone_from(n);
        }
        if let Some(ad) = &self.address {
            v.address.clone_from(ad);
        }
        v.imap_off = self.imap_off.is_some();
        if let Some(Ok(x)) = filled(self.imap_after.clone())
            .as_deref()
            .map(ImapAfter::parse)
        {
            v.imap_after = x.as_str();
        }
        if let Some(m) = &self.imap_move_to {
            v.imap_move_to.clone_from(m);
        }
        v.ack_enabled = self.ack.is_some();
        if let Some(u) = &self.outbound_url {
            v.outbound_url.clone_from(u);
        }
        if let Some(b) = &mut v.bot {
            if let Some(u) = &self.api_base {
                b.api_base.clone_from(u);
            }
            if let Some(Ok(m)) = self.mode.as_deref().map(|m| TelegramMode::parse("mode", m)) {
                b.mode = m.as_str();
            }
        }
    }
}

/// `POST /admin/inboxes/{id}`
pub async fn update(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Response {
    if let Some(r) = admin_only(&a) {
        return r;
    }
    let typed = Typed::Edit(id, f.clone());
    let telegram = f.telegram();
    let imap_url = if f.imap_off.is_some() {
        Some(None)
    } else {
        filled(f.imap_url).map(Some)
    };
    let imap_after = match filled(f.imap_after).as_deref().map(ImapAfter::parse) {
        None => None,
        Some(Ok(x)) => Some(x),
        Some(Err(e)) => return done::<()>(&st, &a, Err(e), typed).await,
    };
    let ch = InboxChanges {
        calendar_id: None,
        name: filled(f.name),
        address: filled(f.address),
        imap_url,
        ack_enabled: Some(f.ack.is_some()),
        imap_after,
        imap_move_to: f.imap_move_to.clone().map(|m| filled(Some(m))),
        // Not on the page yet: set through the API.
        auto_mail_per_hour: None,
        secret: if f.secret_off.is_some() {
            Some(None)
        } else {
            filled(f.secret.clone()).map(Some)
        },
        outbound_url: f.outbound_url.clone().map(|u| filled(Some(u))),
        telegram,
        whatsapp: None,
    };
    let r = inboxes::update_inbox(&st, &a.viewer, id, ch).await;
    done(&st, &a, r, typed).await
}
