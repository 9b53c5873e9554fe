//! The portal's use cases: asking for a sign-in link, signing in with it,
//! sessions, and what a signed-in customer reads and does. Everything a
//! customer does to a conversation goes through the conversations and
//! surveys services, exactly as on the other channels.

use std::net::IpAddr;

use fluent_templates::fluent_bundle::FluentValue;

use crate::agents::Viewer;
use crate::agents::model::EmailAddress;
use crate::agents::service::{random_token, token_hash};
use crate::attachments::Upload;
use crate::conversations::chat::PublicMessage;
use crate::conversations::model::{ListFilter, ListSort, NewMessage};
use crate::conversations::service::{self as conversations, Sender};
use crate::conversations::{Conversation, Message};
use crate::state::AppState;
use crate::surveys::model::Answer;
use crate::vocab::MailKind;
use crate::web::i18n::Tr;
use crate::{Error, Result};

use super::model::{self, LINK_TTL_MS};
use super::repo::{self, SessionRow};

/// What became of a request for a sign-in link. The same for an address a
/// customer has and one nobody has: the page, the status and the work the
/// request does before it is answered do not depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Taken: a link is on its way if a customer has the address.
    Taken,
    /// Too many requests for this address or from this client.
    RateLimited,
}

/// A request for a sign-in link, handled after the answer.
#[derive(Debug, Clone)]
pub struct LinkRequest {
    /// The address, validated and lowercased.
    pub email: String,
    /// The page's language, for a customer with none of their own.
    pub language: &'static str,
}

/// Asks for a sign-in link to `email`. Both limits count every request
/// alike. The lookup and the mail happen after the answer, on the portal's
/// queue ([`super::PortalState`]), one request at a time and in order, so
/// the time to answer says nothing about the address either.
pub async fn ask_for_link(
    st: &AppState,
    email: &str,
    language: &'static str,
    client: IpAddr,
) -> Result<Asked> {
    let email = EmailAddress::parse("email", email.trim())?;
    let now = st.clock.now_ms();
    let p = st.portal();
    if !p.per_client.hit(&crate::ratelimit::ip_key(client), now)
        || !p.per_address.hit(email.as_str(), now)
    {
        return Ok(Asked::RateLimited);
    }
    p.enqueue(
        st,
        LinkRequest {
            email: email.as_str().to_string(),
            language,
        },
    );
    Ok(Asked::Taken)
}

/// Handles a queued request: when a customer has the address, makes a
/// link, composes the mail and queues both in one transaction. Nothing is
/// created for an unknown address.
pub(super) async fn send_link(st: &AppState, req: LinkRequest) -> Result<()> {
    let found = crate::customers::service::list(
        st,
        &Viewer::system(),
        Some(req.email.as_str()),
        None,
        None,
        1,
    )
    .await?;
    let Some(customer) = found.into_iter().next() else {
        return Ok(());
    };
    let language = customer
        .language
        .as_deref()
        .and_then(crate::locale::supported)
        .unwrap_or(req.language);
    let tr = Tr::new(language);
    let secret = random_token("");
    let url = format!("{}/help/portal/signin/{secret}", st.link_base());
    let minutes = LINK_TTL_MS / 60_000;
    let text = tr.args(
        "portal-mail-text",
        &[
            ("url", FluentValue::from(url)),
            ("minutes", FluentValue::from(minutes)),
        ],
    );
    let subject = tr.t("portal-mail-subject");
    let Some(mail) = crate::channels::email::outbound::prepare_standalone(
        st,
        &req.email,
        customer.name.as_deref(),
        &subject,
        &text,
    )
    .await?
    else {
        tracing::warn!("portal: no address to send sign-in links from (set TEND_MAIL_FROM)");
        return Ok(());
    };
    let now = st.clock.now_ms();
    let hash = token_hash(&secret);
    let customer_id = customer.id;
    st.db
        .write(move |c| {
            Box::pin(async move {
                repo::insert_link(
                    c,
                    &hash,
                    customer_id,
                    Some(language),
                    now,
                    now + LINK_TTL_MS,
                )
                .await?;
                crate::channels::email::outbound::enqueue_standalone_in(
                    c,
                    &mail,
                    MailKind::PortalLink,
                    now,
                )
                .await
            })
        })
        .await?;
    st.outbox_wake.notify_one();
    metrics::counter!("tend_portal_links_sent_total").increment(1);
    Ok(())
}

/// A sign-in link that would sign in now (unused, not expired).
#[derive(Debug, Clone)]
pub struct LiveLink {
    /// The language it was sent in.
    pub language: Option<String>,
}

/// The link if it would sign in now, without spending it: opening the
/// link only shows the button that does (mail scanners open every link).
pub async fn live_link(st: &AppState, secret: &str) -> Result<Option<LiveLink>> {
    let mut c = st.db.pool().acquire().await?;
    let row = repo::link(&mut c, &token_hash(secret)).await?;
    let now = st.clock.now_ms();
    Ok(row
        .filter(|l| l.used_at.is_none() && l.expires_at > now)
        .map(|l| LiveLink {
            language: l.language,
        }))
}

/// A signed-in customer.
#[derive(Debug, Clone)]
pub struct Session {
    /// The customer.
    pub customer_id: i64,
    /// This session's CSRF token, in every form.
    pub csrf: String,
    /// The language the customer signed in with.
    pub language: Option<String>,
}

/// Spends a sign-in link and starts a session; returns the cookie's secret,
/// or `None` when the link is unknown, used or expired.
pub async fn sign_in(st: &AppState, secret: &str) -> Result<Option<String>> {
    let now = st.clock.now_ms();
    let link_hash = token_hash(secret);
    let session_secret = random_token("p_");
    let session_hash = token_hash(&session_secret);
    let started = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let Some(link) = repo::spend_link(c, &link_hash, now).await? else {
                    return Ok(false);
                };
                let ends_at = now + model::ABSOLUTE_MS;
                let row = SessionRow {
                    customer_id: link.customer_id,
                    csrf_token: random_token(""),
                    language: link.language,
                    last_seen_at: now,
                    expires_at: model::expiry(now, ends_at),
                    ends_at,
                };
                repo::insert_session(c, &session_hash, &row, now).await?;
                Ok(true)
            })
        })
        .await?;
    Ok(started.then_some(session_secret))
}

/// The live session with this cookie secret (moving its idle expiry on).
pub async fn session(st: &AppState, secret: &str) -> Result<Option<Session>> {
    let hash = token_hash(secret);
    let row = {
        let mut c = st.db.pool().acquire().await?;
        repo::session(&mut c, &hash).await?
    };
    let now = st.clock.now_ms();
    let Some(row) = row.filter(|r| model::is_live(r.expires_at, r.ends_at, now)) else {
        return Ok(None);
    };
    if now - row.last_seen_at > model::TOUCH_EVERY_MS {
        let expires = model::expiry(now, row.ends_at);
        st.db
            .write(move |c| {
                Box::pin(async move { repo::touch_session(c, &hash, now, expires).await })
            })
            .await?;
    }
    Ok(Some(Session {
        customer_id: row.customer_id,
        csrf: row.csrf_token,
        language: row.language,
    }))
}

/// Ends the session with this cookie secret.
pub async fn sign_out(st: &AppState, secret: &str) -> Result<()> {
    let hash = token_hash(secret);
    st.db
        .write(move |c| Box::pin(async move { repo::delete_session(c, &hash).await }))
        .await
}

/// The customer's conversations on every channel, newest first.
pub async fn conversations_of(st: &AppState, customer_id: i64) -> Result<Vec<Conversation>> {
    let filter = ListFilter {
        customer_id: Some(customer_id),
        limit: model::LIST_LIMIT,
        sort: ListSort::Newest,
        ..ListFilter::default()
    };
    Ok(conversations::list(st, &Viewer::system(), filter).await?.0)
}

/// One of the customer's conversations. Another customer's conversation
/// answers `NotFound`, exactly like one that does not exist.
pub async fn conversation(st: &AppState, customer_id: i64, id: i64) -> Result<Conversation> {
    match conversations::get(st, &Viewer::system(), id).await {
        Ok(conv) if conv.customer.id == customer_id => Ok(conv),
        Ok(_) | Err(Error::NotFound(_)) => Err(Error::NotFound("conversation")),
        Err(e) => Err(e),
    }
}

/// The public messages of one of the customer's conversations (never an
/// internal note), oldest first, with their files.
pub async fn messages(
    st: &AppState,
    customer_id: i64,
    id: i64,
) -> Result<(Conversation, Vec<PublicMessage>)> {
    let conv = conversation(st, customer_id, id).await?;
    let mut c = st.db.pool().acquire().await?;
    let msgs =
        crate::conversations::chat::public_messages_in(&mut c, &[id], 0, model::MESSAGE_LIMIT)
            .await?;
    Ok((conv, msgs))
}

/// A file of a public message of one of the customer's conversations:
/// (sha256, name, content type).
pub async fn file(
    st: &AppState,
    customer_id: i64,
    id: i64,
    file_id: i64,
) -> Result<(String, String, String)> {
    conversation(st, customer_id, id).await?;
    let mut c = st.db.pool().acquire().await?;
    crate::conversations::chat::public_file_in(&mut c, file_id, &[id])
        .await?
        .ok_or(Error::NotFound("attachment"))
}

/// The customer's reply on one of their conversations: a customer message,
/// exactly as if they had written by mail (reopens a solved conversation;
/// routing, service levels and rules apply), with its files.
pub async fn reply(
    st: &AppState,
    customer_id: i64,
    id: i64,
    text: String,
    files: Vec<Upload>,
) -> Result<Message> {
    conversation(st, customer_id, id).await?;
    let input = NewMessage {
        text: Some(text),
        html: None,
        internal: false,
        direction: None,
        ..Default::default()
    };
    conversations::add_message(st, &Viewer::system(), id, input, Sender::In, files).await
}

/// "Solved" or "not solved" on one of the customer's solved conversations:
/// the survey loop's answer. `false` when there is nothing to confirm.
pub async fn confirm(st: &AppState, customer_id: i64, id: i64, answer: Answer) -> Result<bool> {
    conversation(st, customer_id, id).await?;
    crate::surveys::portal::answer_solved(st, id, customer_id, answer).await
}
