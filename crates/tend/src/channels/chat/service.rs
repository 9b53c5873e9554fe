//! Chat use cases for visitors: the widget's configuration (office hours,
//! agents online, expected wait), sessions with optional HMAC identity,
//! messages (idempotent by client id), read receipts, the offline form,
//! the transcript by email and the inline survey.

use serde::{Deserialize, Serialize};

use crate::agents::Viewer;
use crate::agents::model::{EmailAddress, parse_name};
use crate::agents::service::{random_token, token_hash};
use crate::app::AppState;
use crate::conversations::chat::{ChatMessage, Recorded};
use crate::conversations::service::AttachmentMeta;
use crate::inboxes::InboxKind;
use crate::inboxes::public::{self, OfficeHours, PublicSettings};
use crate::{Error, Result};

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
    /// Inbox name (the panel's title).
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
    /// Pre-chat requirements.
    pub require_name: bool,
    /// Pre-chat requirements.
    pub require_email: bool,
    /// Office hours, to show.
    pub office_hours: Option<OfficeHours>,
}

async fn chat_inbox(st: &AppState, inbox_id: i64) -> Result<(String, PublicSettings)> {
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
    let (agents_online, wait) =
        match crate::routing::reports::queue_estimate(st, inbox_id, "chat").await? {
            Some(q) => (
                q.agents_online,
                q.channels.first().and_then(|c| c.expected_wait_seconds),
            ),
            None => {
                let mut c = st.db.pool().acquire().await?;
                let n = repo::agents_online(&mut c).await?;
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
    /// Hex HMAC-SHA256 of `user_id` under the inbox's identity secret.
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

fn clean_opt(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Whether `hash` is the hex HMAC-SHA256 of `user_id` under `secret`
/// (constant time).
pub fn identity_ok(secret: &str, user_id: &str, hash: &str) -> bool {
    let want = hex::encode(crate::surveys::sign::hmac_sha256(
        secret.as_bytes(),
        user_id.as_bytes(),
    ));
    let got = hash.trim().to_ascii_lowercase();
    want.len() == got.len()
        && want
            .bytes()
            .zip(got.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Starts a session (or resumes one by its token). `ip` is rate-limited.
pub async fn start(st: &AppState, inbox_id: i64, input: StartInput, ip: &str) -> Result<Started> {
    let (_, s) = chat_inbox(st, inbox_id).await?;
    let now = st.clock.now_ms();
    let name = clean_opt(input.name.as_deref())
        .map(|n| parse_name("name", n, 200))
        .transpose()?;
    let email = clean_opt(input.email.as_deref())
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
            st.db
                .write(move |c| {
                    Box::pin(async move {
                        repo::set_contact(c, id, n.as_deref(), e.as_deref(), l.as_deref(), now)
                            .await
                    })
                })
                .await?;
            return Ok(Started {
                token: token.to_string(),
                verified: sess.external_id.is_some(),
                name: name.or(sess.name),
                email: email.map(|e| e.as_str().to_string()).or(sess.email),
            });
        }
    }
    if !st.public.per_ip.hit(&format!("chat:{ip}"), now) {
        return Err(Error::RateLimited);
    }
    let external = match (
        clean_opt(input.user_id.as_deref()),
        clean_opt(input.user_hash.as_deref()),
    ) {
        (None, None) => None,
        (Some(uid), Some(hash)) => {
            let secret = public::identity_secret(st, inbox_id).await?;
            match secret {
                Some(sec) if uid.chars().count() <= 200 && identity_ok(&sec, uid, hash) => {
                    Some(uid.to_string())
                }
                _ => {
                    return Err(Error::conflict(
                        "identity_rejected",
                        "the visitor's identity could not be verified (user_hash does not match user_id)",
                        serde_json::json!({"field": "user_hash"}),
                    ));
                }
            }
        }
        _ => {
            return Err(Error::invalid(
                "user_hash",
                "user_id and user_hash come together",
            ));
        }
    };
    if external.is_none() {
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
    let ext = external.clone();
    st.db
        .write(move |c| {
            Box::pin(async move {
                // A verified visitor is the customer their identity names
                // (created on first sight, by address when one is given).
                let customer_id = match &ext {
                    None => None,
                    Some(x) => Some(match repo::identity(c, inbox_id, x).await? {
                        Some(id) => id,
                        None => {
                            let id = match &e {
                                Some(e) => {
                                    crate::customers::service::find_or_create_in(
                                        c,
                                        e,
                                        n.as_deref(),
                                        l.as_deref(),
                                        now,
                                    )
                                    .await?
                                    .0
                                }
                                None => repo::insert_customer(c, n.as_deref(), now).await?,
                            };
                            repo::insert_identity(c, inbox_id, x, id, now).await?;
                            repo::identity(c, inbox_id, x).await?.unwrap_or(id)
                        }
                    }),
                };
                repo::insert(
                    c,
                    &repo::NewSession {
                        token_hash: &hash,
                        inbox_id,
                        customer_id,
                        name: n.as_deref(),
                        email: e.as_ref().map(EmailAddress::as_str),
                        external_id: ext.as_deref(),
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
        verified: external.is_some(),
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

/// The conversations a visitor may read: a verified visitor's earlier
/// conversations, then the chat's own.
pub async fn readable(st: &AppState, s: &Session) -> Result<Vec<i64>> {
    let mut ids = match (&s.external_id, s.customer_id) {
        (Some(_), Some(cust)) => {
            let mut c = st.db.pool().acquire().await?;
            repo::earlier_conversations(&mut c, cust, s.conversation_id, 20).await?
        }
        _ => vec![],
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
    repo::visitor_messages(&mut c, &ids, after_id, RESUME_LIMIT).await
}

/// Stores a visitor's message (once per `client_id`), starting the
/// conversation with the first one.
pub async fn post(
    st: &AppState,
    s: &Session,
    client_id: &str,
    text: &str,
    files: Vec<AttachmentMeta>,
) -> Result<Recorded> {
    let client_id = client_id.trim();
    if client_id.is_empty() || client_id.len() > 64 {
        return Err(Error::invalid(
            "client_id",
            "client_id must be 1 to 64 characters",
        ));
    }
    let text = text.trim();
    if text.is_empty() && files.is_empty() {
        return Err(Error::invalid("text", "the message is empty"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            "text",
            format!("a chat message is at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    let now = st.clock.now_ms();
    if !st.public.per_visitor.hit(&format!("v:{}", s.id), now) {
        return Err(Error::RateLimited);
    }
    let (sid, text, cid) = (s.id, text.to_string(), client_id.to_string());
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
                        _ => repo::insert_customer(c, sess.name.as_deref(), now).await?,
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
        && let Some(ev) = events.iter_mut().find(|e| e.kind == "message_added")
    {
        // The room's sockets show it without reading it back.
        ev.chat = Some(std::sync::Arc::new(super::Delivery {
            message: VisitorMessage {
                id: recorded.message_id,
                conversation_id: recorded.conversation_id,
                from: "visitor",
                name: None,
                text,
                client_id: Some(cid),
                at: crate::time::rfc3339(now),
                files: vec![],
            },
            prev: recorded.prev_public,
        }));
    }
    crate::conversations::chat::publish_events(st, events);
    if s.conversation_id != Some(recorded.conversation_id) {
        // Other sockets of this visitor follow the (new) conversation.
        st.public
            .chat
            .signal(super::session_room(s.id), super::Signal::Changed);
    }
    Ok(recorded)
}

/// The visitor has seen messages up to `up_to`.
pub async fn visitor_read(st: &AppState, s: &Session, up_to: i64) -> Result<()> {
    if up_to <= s.visitor_read_id {
        return Ok(());
    }
    let sid = s.id;
    st.db
        .write(move |c| Box::pin(async move { repo::visitor_read(c, sid, up_to).await }))
        .await?;
    if let Some(conv) = s.conversation_id {
        let _ = st.public.chat.visitor_events.send((conv, "read"));
    }
    Ok(())
}

/// An agent has seen conversation `id` up to message `up_to` (the
/// conversation page calls this); connected visitors get a read receipt.
pub async fn agent_read(st: &AppState, conversation_id: i64, up_to: i64) -> Result<()> {
    let moved = st
        .db
        .write(move |c| Box::pin(async move { repo::agent_read(c, conversation_id, up_to).await }))
        .await?;
    if moved {
        st.public.chat.signal(conversation_id, super::Signal::Read);
    }
    Ok(())
}

/// The read marks of a conversation's chat: (visitor has seen up to, agent
/// has seen up to); `None` when it is not a chat.
pub async fn read_marks(st: &AppState, conversation_id: i64) -> Result<Option<(i64, i64)>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(sqlx::query_as::<_, (i64, i64)>(
        "SELECT MAX(visitor_read_id), MAX(agent_read_id) FROM chat_sessions WHERE conversation_id = $1 \
         GROUP BY conversation_id",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *c)
    .await?)
}

/// `POST /chat/{inbox}/offline`: a message when nobody can chat; it becomes
/// an email conversation answered by mail.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineInput {
    /// Name.
    pub name: Option<String>,
    /// Address (required: the answer goes there).
    pub email: String,
    /// The message.
    pub text: String,
    /// Widget language.
    pub language: Option<String>,
}

/// Creates the email conversation of an offline message.
pub async fn offline(st: &AppState, inbox_id: i64, input: OfflineInput, ip: &str) -> Result<i64> {
    chat_inbox(st, inbox_id).await?;
    let text = input.text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            "text",
            format!("a message is at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if !st
        .public
        .per_ip
        .hit(&format!("chat:{ip}"), st.clock.now_ms())
    {
        return Err(Error::RateLimited);
    }
    let subject: String = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("Chat")
        .chars()
        .take(80)
        .collect();
    let conv = crate::conversations::service::create(
        st,
        &Viewer::system(),
        crate::conversations::model::NewConversation {
            subject,
            customer: crate::conversations::model::NewCustomer {
                email: input.email,
                name: input.name.filter(|n| !n.trim().is_empty()),
            },
            message: crate::conversations::model::NewBody {
                text: Some(text.to_string()),
                html: None,
            },
            channel: Some("email".into()),
            inbox_id: Some(inbox_id),
            priority: None,
            tags: Some(vec!["chat-offline".into()]),
            language: clean_opt(input.language.as_deref())
                .and_then(crate::surveys::model::supported_locale)
                .map(str::to_string),
        },
    )
    .await?;
    Ok(conv.id)
}
