//! The chat transcript by email, on the visitor's request: to the
//! visitor's own address only, once per conversation.

use crate::agents::Viewer;
use crate::agents::model::EmailAddress;
use crate::state::AppState;
use crate::web::i18n::Tr;
use crate::{Error, Result};

use super::repo::{self, Session};

/// Queues the transcript of the session's chat to the visitor's own
/// address: the verified or pre-chat one the session holds, never another
/// (`email`, when given, must be that address). Once per conversation, so
/// the chat cannot be used to make Tend mail strangers, or mail anyone
/// repeatedly. Returns the address.
pub async fn send(st: &AppState, s: &Session, email: Option<&str>) -> Result<String> {
    let Some(own) = s.email.as_deref() else {
        return Err(Error::invalid(
            "email",
            "the transcript goes to the address given before the chat, and this chat has none",
        ));
    };
    let to = EmailAddress::parse("email", own)?;
    if let Some(asked) = email.map(str::trim).filter(|e| !e.is_empty())
        && EmailAddress::parse("email", asked)?.as_str() != to.as_str()
    {
        return Err(Error::invalid(
            "email",
            "the transcript goes only to the address given before the chat",
        ));
    }
    let Some(conv_id) = s.conversation_id else {
        return Err(Error::conflict(
            "nothing_to_send",
            "the chat has no messages yet",
            serde_json::json!({}),
        ));
    };
    let already = || {
        Error::conflict(
            "transcript_already_sent",
            "the transcript of this chat has been sent already",
            serde_json::json!({}),
        )
    };
    {
        let mut c = st.db.pool().acquire().await?;
        if repo::transcript_sent(&mut c, conv_id).await? {
            return Err(already());
        }
    }
    let now = st.clock.now_ms();
    if !st.public().per_visitor.hit(&format!("v:{}", s.id), now) {
        return Err(Error::RateLimited);
    }
    let conv = crate::conversations::service::get(st, &Viewer::system(), conv_id).await?;
    let msgs = {
        let mut c = st.db.pool().acquire().await?;
        let msgs =
            crate::conversations::chat::public_messages_in(&mut c, &[conv_id], 0, 5000).await?;
        msgs.into_iter()
            .map(repo::visitor_message)
            .collect::<Vec<_>>()
    };
    let tr = Tr::new(s.language.as_deref().unwrap_or("en"));
    let you = tr.t("widget-you");
    let desk = conv_inbox_name(st, conv.inbox_id).await;
    let mut text = tr.s("chat-transcript-intro", "name", &desk);
    text.push_str("\n\n");
    for m in &msgs {
        let who = match m.from {
            "visitor" => you.clone(),
            _ => m.name.clone().unwrap_or_else(|| desk.clone()),
        };
        text.push_str(&format!("[{}] {who}:\n{}\n", m.at, m.text));
        for f in &m.files {
            text.push_str(&format!("  📎 {}\n", f.name));
        }
        text.push('\n');
    }
    let subject = tr.t("chat-transcript-subject");
    let mail =
        crate::channels::email::outbound::prepare_notice(st, &conv, to.as_str(), &subject, &text)
            .await?
            .ok_or_else(|| {
                Error::conflict(
                    "no_sender",
                    "this chat cannot send mail: give the inbox an email address or set mail_from",
                    serde_json::json!({}),
                )
            })?;
    let rcpt = to.as_str().to_string();
    let claimed = st
        .db
        .write(move |c| {
            Box::pin(async move {
                // The claim and the mail commit together: of two requests
                // at once, one queues it and the other queues nothing.
                if !repo::claim_transcript(c, conv_id, &rcpt, now).await? {
                    return Ok(false);
                }
                crate::channels::email::outbound::enqueue_notice_in(
                    c,
                    &mail,
                    conv_id,
                    crate::vocab::MailKind::Transcript,
                    now,
                )
                .await?;
                Ok(true)
            })
        })
        .await?;
    if !claimed {
        return Err(already());
    }
    st.outbox_wake.notify_one();
    Ok(to.as_str().to_string())
}

async fn conv_inbox_name(st: &AppState, inbox_id: i64) -> String {
    crate::inboxes::service::get_inbox(st, &Viewer::system(), inbox_id)
        .await
        .map(|i| i.name)
        .unwrap_or_else(|_| "Support".into())
}
