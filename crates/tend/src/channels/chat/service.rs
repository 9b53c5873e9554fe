//! Chat use cases for visitors: the widget's configuration (office hours,
//! agents online, expected wait), sessions with optional HMAC identity,
//! messages (idempotent by client id), read receipts, the offline form,
//! the transcript by email and the inline survey.

use serde::{Deserialize, Serialize};

use crate::agents::Viewer;
use crate::agents::model::{EmailAddress, parse_name};
use crate::agents::service::{random_token, token_hash};
use crate::conversations::chat::{ChatMessage, Recorded};
use crate::conversations::service::AttachmentMeta;
use crate::inboxes::InboxKind;
use crate::inboxes::public::{self, OfficeHours, PublicSettings};
use crate::state::AppState;
use crate::{Error, Result};

pub use super::receipts::{agent_read, read_marks, visitor_read};
use super::repo::{self, Session, VisitorMessage};

/// Longest chat message, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Messages sent to a (re)connecting widget at most.
pub const RESUME_LIMIT: i64 = 500;

/// What the widget shows before and during a chat.
#[derive(Debug, Clone, Serialize)]
pub struct WidgetConfig {
    /// Inbox.
    pub inbox_id: i64,
    /// Inbox name (the desk's own; the widget titles its panel in the
    /// visitor's language instead).
    pub name: String,
    /// Inside office hours.
    pub open: bool,
    /// Agents online.
    pub agents_online: i64,
    /// Predicted wait for a new chat (seconds), when known.
    pub expected_wait_seconds: Option<i64>,
    /// Offer the offline (email) form instead of a live chat: closed, nobody
    /// online, or a wait over the inbox's limit.
    pub offline: bool,
    /// The wait is long: offer email, but let the visitor wait if they want.
    pub long_wait: bool,
    /// The queue's expected wait is over five minutes (or unknown): offer
    /// "we call you back" (`POST /help/callback`) instead of waiting.
    pub offer_callback: bool,
    /// Pre-chat requirements.
    pub require_name: bool,
    /// Pre-chat requirements.
    pub require_email: bool,
    /// Office hours, to show.
    pub office_hours: Option<OfficeHours>,
}

pub(super) async fn chat_inbox(st: &AppState, inbox_id: i64) -> Result<(String, PublicSettings)> {
    let inbox = crate::inboxes::service::get_inbox(st, &Viewer::system(), inbox_id)
        .await
        .map_err(|_| Error::NotFound("chat inbox"))?;
    if inbox.kind != InboxKind::Chat {
        return Err(Error::NotFound("chat inbox"));
    }
    Ok((inbox.name, public::get(st, inbox_id).await?))
}

/// The inbox's public settings, for the origin check (chat inboxes only).
pub async fn settings(st: &AppState, inbox_id: i64) -> Result<PublicSettings> {
    Ok(chat_inbox(st, inbox_id).await?.1)
}

/// The widget's configuration now.
pub async fn config(st: &AppState, inbox_id: i64) -> Result<WidgetConfig> {
    let (name, s) = chat_inbox(st, inbox_id).await?;
    let now = st.clock.now_ms();
    let open = s.is_open(now);
    let queue = crate::routing::reports::queue_estimate(st, inbox_id, "chat").await?;
    let offer_callback = crate::channels::phone::service::offers_callback(queue.as_ref());
    let (agents_online, wait) = match queue {
        Some(q) => (
            q.agents_online,
            q.channels.first().and_then(|c| c.expected_wait_seconds),
        ),
        None => {
            let mut c = st.db.pool().acquire().await?;
            let n = crate::routing::service::agents_online_in(&mut c).await?;
            (n, (n > 0).then_some(0))
        }
    };
    let long_wait = wait.is_none_or(|w| w > s.max_wait_secs);
    Ok(WidgetConfig {
        inbox_id,
        name,
        open,
        agents_online,
        expected_wait_seconds: wait,
        offline: !open || agents_online == 0,
        long_wait,
        offer_callback,
        require_name: s.require_name,
        require_email: s.require_email,
        office_hours: s.office_hours,
    })
}

/// `POST /chat/{inbox}/session`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartInput {
    /// A token from an earlier session, to resume it.
    pub token: Option<String>,
    /// Pre-chat name.
    pub name: Option<String>,
    /// Pre-chat address.
    pub email: Option<String>,
    /// The site's user id (signed-in visitor).
    pub user_id: Option<String>,
    /// Hex HMAC-SHA256 under the inbox's identity secret of `user_id`, or
    /// of `user_id + "\n" + email` to vouch for the address too (see
    /// [`super::identity`]).
    pub user_hash: Option<String>,
    /// Widget language.
    pub language: Option<String>,
}

/// A started or resumed session.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    /// The visitor's secret; send it with every later call.
    pub token: String,
    /// Whether the visitor was recognised by a verified identity.
    pub verified: bool,
    /// Name and address the desk knows.
    pub name: Option<String>,
    /// Address.
    pub email: Option<String>,
}

pub(super) fn clean_opt(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Starts a session (or resumes one by its token). `ip` is rate-limited.
#[tracing::instrument(skip_all, fields(inbox_id = inbox_id))]
pub async fn start(st: &AppState, inbox_id: i64, input: StartInput, ip: &str) -> Result<Started> {
    let (_, s) = chat_inbox(st, inbox_id).await?;
    let now = st.clock.now_ms();
    let name = clean_opt(input.name.as_deref())
        .map(|n| parse_name("name", n, 200))
        .transpose()?;
    let email_raw = clean_opt(input.email.as_deref());
    let email = email_raw
        .map(|e| EmailAddress::parse("email", e))
        .transpose()?;
    let language = clean_opt(input.language.as_deref())
        .and_then(crate::surveys::model::supported_locale)
        .map(str::to_string);
    // Resume: the token is the visitor's proof; identity was checked then.
    if let Some(token) = clean_opt(input.token.as_deref()) {
        let mut c = st.db.pool().acquire().await?;
        if let Some(sess) = repo::by_token(&mut c, &token_hash(token)).await?
            && sess.inbox_id == inbox_id
        {
            drop(c);
            let (n, e, l) = (
                name.clone(),
                email.as_ref().map(|e| e.as_str().to_string()),
                language.clone(),
            );
            let id = sess.id;
            let now_sess = st
                .db
                .write(move |c| {
                    Box::pin(async move {
                        repo::set_contact(c, id, n.as_deref(), e.as_deref(), l.as_deref(), now)
                            .await?;
                        repo::by_id(c, id).await
                    })
                })
                .await?
                .unwrap_or(sess);
            // What the session now holds (an address given after the chat
            // started is not taken).
            return Ok(Started {
                token: token.to_string(),
                verified: now_sess.external_id.is_some(),
                name: now_sess.name,
                email: now_sess.email,
            });
        }
    }
    if !st.public().per_ip.hit(&format!("chat:{ip}"), now) {
        return Err(Error::RateLimited);
    }
    let verified = match (
        clean_opt(input.user_id.as_deref()),
        clean_opt(input.user_hash.as_deref()),
    ) {
        (None, None) => None,
        (Some(uid), Some(hash)) => {
            let Some(secret) = public::identity_secret(st, inbox_id).await? else {
                return Err(Error::conflict(
                    "identity_rejected",
                    "this chat does not verify identities (no identity secret is set)",
                    serde_json::json!({"field": "user_hash"}),
                ));
            };
            let signed_email = email_raw.zip(email.as_ref());
            Some(super::identity::verify(&secret, uid, signed_email, hash)?)
        }
        _ => {
            return Err(Error::invalid(
                "user_hash",
                "user_id and user_hash come together",
            ));
        }
    };
    if verified.is_none() {
        if s.require_name && name.is_none() {
            return Err(Error::invalid("name", "please tell us your name"));
        }
        if s.require_email && email.is_none() {
            return Err(Error::invalid("email", "please give an email address"));
        }
    }
    let token = random_token("tcv_");
    let hash = token_hash(&token);
    let (n, e, l) = (name.clone(), email.clone(), language.clone());
    let ver = verified.clone();
    st.db
        .write(move |c| {
            Box::pin(async move {
                // A verified visitor is the customer their identity is bound
                // to, and only by what the site signed.
                let customer_id = match &ver {
                    None => None,
                    Some(v) => Some(
                        super::identity::customer_in(
                            c,
                            inbox_id,
                            v,
                            n.as_deref(),
                            l.as_deref(),
                            now,
                        )
                        .await?,
                    ),
                };
                repo::insert(
                    c,
                    &repo::NewSession {
                        token_hash: &hash,
                        inbox_id,
                        customer_id,
                        name: n.as_deref(),
                        email: e.as_ref().map(EmailAddress::as_str),
                        external_id: ver.as_ref().map(|v| v.user_id.as_str()),
                        language: l.as_deref(),
                        now,
                    },
                )
                .await
            })
        })
        .await?;
    Ok(Started {
        token,
        verified: verified.is_some(),
        name,
        email: email.map(|e| e.as_str().to_string()),
    })
}

/// The session a token opens, in this inbox.
pub async fn session(st: &AppState, inbox_id: i64, token: &str) -> Result<Session> {
    let mut c = st.db.pool().acquire().await?;
    match repo::by_token(&mut c, &token_hash(token)).await? {
        Some(s) if s.inbox_id == inbox_id => Ok(s),
        _ => Err(Error::Unauthorized),
    }
}

/// A session by id (after a change).
pub async fn session_by_id(st: &AppState, id: i64) -> Result<Session> {
    let mut c = st.db.pool().acquire().await?;
    repo::by_id(&mut c, id).await?.ok_or(Error::Unauthorized)
}

/// The conversations a visitor may read: the chat's own and, for a
/// verified visitor, the earlier chats that sessions of the same identity
/// started in this inbox. Nothing else of the customer (no email
/// conversations, no other inbox, no chats of someone who only typed the
/// same address). File downloads follow the same list.
pub async fn readable(st: &AppState, s: &Session) -> Result<Vec<i64>> {
    let mut ids = match &s.external_id {
        Some(ext) => {
            let mut c = st.db.pool().acquire().await?;
            let ids =
                repo::identity_history(&mut c, s.inbox_id, ext, s.conversation_id, 20).await?;
            crate::conversations::chat::chats_of_inbox_in(&mut c, &ids, s.inbox_id).await?
        }
        None => vec![],
    };
    if let Some(id) = s.conversation_id
        && !ids.contains(&id)
    {
        ids.push(id);
    }
    Ok(ids)
}

/// Messages the visitor may read after `after_id`.
pub async fn messages_after(
    st: &AppState,
    s: &Session,
    after_id: i64,
) -> Result<Vec<VisitorMessage>> {
    let ids = readable(st, s).await?;
    let mut c = st.db.pool().acquire().await?;
    let msgs = crate::conversations::chat::public_messages_in(&mut c, &ids, after_id, RESUME_LIMIT)
        .await?;
    Ok(msgs.into_iter().map(repo::visitor_message).collect())
}

/// A visitor message's client id and text, checked (trimmed, bounded)
/// before anything is stored.
#[derive(Debug, Clone)]
pub struct Checked {
    client_id: String,
    text: String,
}

/// Checks a visitor message's client id and text; `has_files` allows an
/// empty text.
pub fn check_message(client_id: &str, text: &str, has_files: bool) -> Result<Checked> {
    let client_id = client_id.trim();
    if client_id.is_empty() || client_id.len() > 64 {
        return Err(Error::invalid(
            "client_id",
            "client_id must be 1 to 64 characters",
        ));
    }
    let text = text.trim();
    if text.is_empty() && !has_files {
        return Err(Error::invalid("text", "the message is empty"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            "text",
            format!("a chat message is at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(Checked {
        client_id: client_id.to_string(),
        text: text.to_string(),
    })
}

/// Counts a message or an upload against the visitor's limit.
pub fn count_visitor(st: &AppState, s: &Session) -> Result<()> {
    if st
        .public()
        .per_visitor
        .hit(&format!("v:{}", s.id), st.clock.now_ms())
    {
        Ok(())
    } else {
        Err(Error::RateLimited)
    }
}

/// Stores a visitor's message (once per `client_id`), starting the
/// conversation with the first one.
#[tracing::instrument(skip_all, fields(chat_session_id = s.id, inbox_id = s.inbox_id, conversation_id = s.conversation_id))]
pub async fn post(
    st: &AppState,
    s: &Session,
    client_id: &str,
    text: &str,
    files: Vec<AttachmentMeta>,
) -> Result<Recorded> {
    let m = check_message(client_id, text, !files.is_empty())?;
    count_visitor(st, s)?;
    record(st, s, m, files).await
}

/// Stores a checked and counted visitor message with its stored files.
pub(super) async fn record(
    st: &AppState,
    s: &Session,
    m: Checked,
    files: Vec<AttachmentMeta>,
) -> Result<Recorded> {
    let now = st.clock.now_ms();
    let (sid, text, cid) = (s.id, m.text, m.client_id);
    let delivered = files.is_empty().then(|| (text.clone(), cid.clone()));
    let (recorded, mut events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let sess = repo::lock(c, sid).await?.ok_or(Error::Unauthorized)?;
                let customer_id = match sess.customer_id {
                    Some(id) => id,
                    None => match sess
                        .email
                        .as_deref()
                        .map(|e| EmailAddress::parse("email", e))
                    {
                        // Unverified: linked by address for the agents, but
                        // the visitor is never shown that customer's history.
                        Some(Ok(e)) => {
                            crate::customers::service::find_or_create_in(
                                c,
                                &e,
                                sess.name.as_deref(),
                                sess.language.as_deref(),
                                now,
                            )
                            .await?
                            .0
                        }
                        _ => {
                            crate::customers::service::create_without_address_in(
                                c,
                                sess.name.as_deref(),
                                now,
                            )
                            .await?
                        }
                    },
                };
                let (rec, events) = crate::conversations::chat::record_in(
                    c,
                    &ChatMessage {
                        inbox_id: sess.inbox_id,
                        customer_id,
                        name: sess.name.as_deref(),
                        email: sess.email.as_deref(),
                        conversation_id: sess.conversation_id,
                        client_id: &cid,
                        text: &text,
                        files: &files,
                        language: sess.language.as_deref(),
                        channel: crate::vocab::Channel::Chat,
                    },
                    now,
                )
                .await?;
                if sess.conversation_id != Some(rec.conversation_id) || sess.customer_id.is_none() {
                    repo::set_conversation(c, sid, customer_id, rec.conversation_id, now).await?;
                }
                Ok((rec, events))
            })
        })
        .await?;
    if let Some((text, cid)) = delivered
        && let Some(ev) = events
            .iter_mut()
            .find(|e| e.kind == crate::vocab::EventKind::MessageAdded)
    {
        // The room's sockets show it without reading it back.
        ev.posted = Some(std::sync::Arc::new(crate::state::Posted {
            id: recorded.message_id,
            conversation_id: recorded.conversation_id,
            text,
            client_id: Some(cid),
            at: now,
            prev_public: recorded.prev_public,
        }));
    }
    crate::conversations::chat::publish_events(st, events);
    if s.conversation_id != Some(recorded.conversation_id) {
        // Other sockets of this visitor follow the (new) conversation.
        st.public()
            .chat
            .signal(super::session_room(s.id), super::Signal::Changed);
    }
    Ok(recorded)
}
