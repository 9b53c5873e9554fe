//! The visitor's WebSocket: `GET /chat/{inbox}/ws`.
//!
//! Frames are JSON objects with a type `t`. The widget opens with
//! `{"t":"hello","token","after"}`; the server answers `ready` and every
//! message after `after`, so a reconnect resumes without loss. A visitor
//! message `{"t":"msg","cid","text"}` is acknowledged with
//! `{"t":"ack","cid","id"}` once committed; re-sending the same `cid` (after
//! a reconnect) stores nothing new and acknowledges the same id. Messages
//! reach every socket of the conversation as `{"t":"msg", …}`, the sender's
//! too. Also: `typing` both ways, `read` receipts both ways, `status`, and
//! the inline `survey` at the end of a chat.
//!
//! Limits: frames of at most [`MAX_FRAME_BYTES`] (a larger one closes the
//! socket); a visitor's `typing` reaches the agents at most once per
//! [`TYPING_EVERY_MS`] (the rest are dropped), and `read` marks are written
//! at most once per [`READ_EVERY_MS`] (the latest waiting one is written
//! when the time comes). Errors tell the visitor what they can fix; an
//! internal failure is logged and answered with a generic message, never
//! its text.

use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use crate::Error;
use crate::state::AppState;

use super::hub::SocketPermit;
use super::repo::{Session, VisitorMessage};
use super::service;
use super::{Delivery, Signal};

/// How long a new socket may take to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(15);
/// A socket silent this long (no frame, not even a ping) is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Largest frame or message a visitor may send (a message of 5,000
/// characters fits with room to spare).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// A visitor's typing reaches the agents at most this often (the widget
/// sends it every 3 s while the visitor types).
pub const TYPING_EVERY_MS: i64 = 2_000;
/// A visitor's read mark is written at most this often.
pub const READ_EVERY_MS: i64 = 1_000;

#[derive(Debug, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum Incoming {
    Hello {
        token: String,
        #[serde(default)]
        after: i64,
    },
    Msg {
        cid: String,
        text: String,
    },
    Typing,
    Read {
        up_to: i64,
    },
    Survey {
        answer: Option<String>,
        rating: Option<i64>,
        comment: Option<String>,
    },
    Ping,
}

/// What this socket has told its visitor so far.
struct Conn {
    st: AppState,
    session: Session,
    /// The last message id sent.
    cursor: i64,
    /// The agents' read mark last sent.
    agent_read: i64,
    /// Status last sent.
    status: Option<String>,
    /// Survey token last offered.
    survey: Option<String>,
    /// When (clock ms) typing was last passed on.
    typing_at: Option<i64>,
    /// When the read mark was last written, and a newer one waiting.
    read_at: Option<i64>,
    read_pending: Option<i64>,
}

/// Whether something last done at `last` may be done again at `now`.
fn due(last: Option<i64>, now: i64, every_ms: i64) -> bool {
    last.is_none_or(|t| now.saturating_sub(t) >= every_ms)
}

async fn send(socket: &mut WebSocket, v: &Value) -> bool {
    socket
        .send(Message::Text(Utf8Bytes::from(v.to_string())))
        .await
        .is_ok()
}

/// `{"t":"msg", …}`.
fn msg_frame(m: &VisitorMessage) -> Value {
    let mut v = serde_json::to_value(m).unwrap_or_default();
    v["t"] = json!("msg");
    v
}

/// An error as the visitor sees it: what they can fix is explained; an
/// internal failure (database, file store) is logged here and answered
/// with a generic message, so no internal text reaches an anonymous visitor.
fn error_frame(e: &Error, cid: Option<&str>) -> Value {
    let message = if e.status().is_server_error() {
        tracing::error!(error = %e, "chat: a visitor's request failed");
        "something went wrong on our side; please try again".to_string()
    } else {
        e.to_string()
    };
    json!({"t": "error", "code": e.code(), "message": message, "cid": cid})
}

/// Serves one visitor socket until it closes; `permit` is its place among
/// its address's sockets, given back as it ends.
pub async fn run(st: AppState, inbox_id: i64, mut socket: WebSocket, permit: SocketPermit) {
    let hello = tokio::time::timeout(HELLO_TIMEOUT, socket.recv()).await;
    let Ok(Some(Ok(Message::Text(first)))) = hello else {
        return;
    };
    let (token, after) = match serde_json::from_str::<Incoming>(first.as_str()) {
        Ok(Incoming::Hello { token, after }) => (token, after.max(0)),
        _ => {
            let _ = send(
                &mut socket,
                &json!({"t": "error", "code": "hello_expected",
                "message": "the first frame must be {\"t\":\"hello\",\"token\":…}"}),
            )
            .await;
            return;
        }
    };
    let session = match service::session(&st, inbox_id, &token).await {
        Ok(s) => s,
        Err(e) => {
            let _ = send(&mut socket, &error_frame(&e, None)).await;
            return;
        }
    };
    st.public().chat.count_socket(true);
    let mut conn = Conn {
        st: st.clone(),
        agent_read: 0,
        cursor: after,
        status: None,
        survey: None,
        typing_at: None,
        read_at: None,
        read_pending: None,
        session,
    };
    serve(&mut conn, &mut socket).await;
    // A read mark still waiting is written as the socket goes.
    conn.flush_read().await;
    drop(permit);
    st.public().chat.count_socket(false);
}

async fn serve(conn: &mut Conn, socket: &mut WebSocket) {
    let st = conn.st.clone();
    let ready = json!({"t": "ready", "conversation_id": conn.session.conversation_id,
                       "visitor_read": conn.session.visitor_read_id});
    if !send(socket, &ready).await || !conn.catch_up(socket).await {
        return;
    }
    // The session's own room: another tab of the same visitor may start the
    // conversation (or a new one after the last closed); this socket then
    // follows it.
    let mut own = st
        .public()
        .chat
        .subscribe(super::session_room(conn.session.id));
    loop {
        let mut sub = conn
            .session
            .conversation_id
            .map(|c| st.public().chat.subscribe(c));
        let joined = conn.session.conversation_id;
        // Catch up on anything committed between the last read and joining.
        if !conn.catch_up(socket).await {
            return;
        }
        loop {
            let signal = async {
                match sub.as_mut() {
                    Some(s) => s.rx.recv().await,
                    None => std::future::pending().await,
                }
            };
            let read_due = conn.read_flush_in();
            tokio::select! {
                () = tokio::time::sleep(read_due.unwrap_or_default()), if read_due.is_some() => {
                    conn.flush_read().await;
                }
                frame = tokio::time::timeout(IDLE_TIMEOUT, socket.recv()) => {
                    let Ok(Some(Ok(frame))) = frame else { return };
                    let text = match frame {
                        Message::Text(t) => t,
                        Message::Close(_) => return,
                        _ => continue,
                    };
                    if !conn.handle(socket, text.as_str()).await {
                        return;
                    }
                }
                sig = signal => match sig {
                    Ok(Signal::Typing(Some(name))) => {
                        if !send(socket, &json!({"t": "typing", "name": name})).await {
                            return;
                        }
                    }
                    Ok(Signal::Typing(None)) => {}
                    Ok(Signal::Messages) => {
                        if !conn.send_messages(socket).await {
                            return;
                        }
                    }
                    Ok(Signal::Message(d)) => {
                        if !conn.deliver(socket, &d).await {
                            return;
                        }
                    }
                    Ok(Signal::Read) => {
                        if !conn.send_read(socket).await {
                            return;
                        }
                    }
                    // Changed, or lagged behind (something was missed): read.
                    Ok(Signal::Changed) | Err(RecvError::Lagged(_)) => {
                        if !conn.catch_up(socket).await {
                            return;
                        }
                    }
                    Err(RecvError::Closed) => return,
                },
                moved = own.rx.recv() => match moved {
                    Ok(_) | Err(RecvError::Lagged(_)) => {
                        if let Ok(s) = service::session_by_id(&st, conn.session.id).await {
                            conn.session = s;
                        }
                    }
                    Err(RecvError::Closed) => return,
                },
            }
            if conn.session.conversation_id != joined {
                // The first message started the conversation (or a new one
                // after the last was closed): join its room.
                break;
            }
        }
        drop(sub.take());
    }
}

impl Conn {
    /// Sends what is new: messages after the cursor, the agents' read mark,
    /// the status, and a pending inline survey.
    async fn catch_up(&mut self, socket: &mut WebSocket) -> bool {
        self.send_messages(socket).await
            && self.send_read(socket).await
            && self.send_status(socket).await
    }

    /// Sends the messages after the cursor.
    async fn send_messages(&mut self, socket: &mut WebSocket) -> bool {
        let msgs = match service::messages_after(&self.st, &self.session, self.cursor).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "chat: reading messages");
                return true;
            }
        };
        for m in msgs {
            self.cursor = self.cursor.max(m.id);
            if !send(socket, &msg_frame(&m)).await {
                return false;
            }
        }
        true
    }

    /// Sends a committed message handed over by the room: as it is when
    /// nothing before it can be missing, else by reading the database.
    async fn deliver(&mut self, socket: &mut WebSocket, d: &Delivery) -> bool {
        // A verified visitor also sees earlier conversations, whose
        // messages the handed-over one says nothing about.
        let only_this = self.session.external_id.is_none()
            && self.session.conversation_id == Some(d.message.conversation_id);
        match d.follows(self.cursor) {
            Some(false) => true,
            Some(true) if only_this => {
                self.cursor = d.message.id;
                send(socket, &msg_frame(&d.message)).await
            }
            _ => self.send_messages(socket).await,
        }
    }

    /// Sends the agents' read mark when it moved.
    async fn send_read(&mut self, socket: &mut WebSocket) -> bool {
        let Some(conv) = self.session.conversation_id else {
            return true;
        };
        if let Ok(Some((_, agent_read))) = service::read_marks(&self.st, conv).await
            && agent_read > self.agent_read
        {
            self.agent_read = agent_read;
            return send(socket, &json!({"t": "read", "up_to": agent_read})).await;
        }
        true
    }

    /// Sends the status when it changed, and a pending inline survey.
    async fn send_status(&mut self, socket: &mut WebSocket) -> bool {
        let Some(conv) = self.session.conversation_id else {
            return true;
        };
        let mut c = match self.st.db.pool().acquire().await {
            Ok(c) => c,
            Err(_) => return true,
        };
        let read = async {
            let status = crate::conversations::service::status_in(&mut c, conv).await?;
            let survey = crate::surveys::service::inline_due_token_in(&mut c, conv).await?;
            Ok::<_, crate::Error>((status.as_str().to_string(), survey))
        };
        if let Ok((status, survey)) = read.await {
            if self.status.as_deref() != Some(status.as_str()) {
                if !send(socket, &json!({"t": "status", "status": status})).await {
                    return false;
                }
                self.status = Some(status);
            }
            if survey.is_some() && survey != self.survey {
                self.survey = survey;
                if !send(socket, &json!({"t": "survey"})).await {
                    return false;
                }
            }
        }
        true
    }

    /// Handles one frame from the visitor; false when the socket is gone.
    async fn handle(&mut self, socket: &mut WebSocket, text: &str) -> bool {
        let incoming = match serde_json::from_str::<Incoming>(text) {
            Ok(i) => i,
            Err(e) => {
                let e = Error::invalid("frame", format!("not a chat frame: {e}"));
                return send(socket, &error_frame(&e, None)).await;
            }
        };
        match incoming {
            Incoming::Ping => send(socket, &json!({"t": "pong"})).await,
            Incoming::Hello { .. } => true,
            Incoming::Typing => {
                let now = self.st.clock.now_ms();
                if let Some(c) = self.session.conversation_id
                    && due(self.typing_at, now, TYPING_EVERY_MS)
                {
                    self.typing_at = Some(now);
                    let _ = self.st.public().chat.visitor_events.send((c, "typing"));
                }
                true
            }
            Incoming::Read { up_to } => {
                let up_to = up_to.min(self.cursor);
                if up_to
                    > self
                        .session
                        .visitor_read_id
                        .max(self.read_pending.unwrap_or(0))
                {
                    self.read_pending = Some(up_to);
                    if due(self.read_at, self.st.clock.now_ms(), READ_EVERY_MS) {
                        self.flush_read().await;
                    }
                }
                true
            }
            Incoming::Msg { cid, text } => {
                match service::post(&self.st, &self.session, &cid, &text, vec![]).await {
                    Ok(rec) => {
                        self.session.conversation_id = Some(rec.conversation_id);
                        if self.session.customer_id.is_none() {
                            // Reload: the post created the customer.
                            if let Ok(s) =
                                super::service::session_by_id(&self.st, self.session.id).await
                            {
                                self.session = s;
                            }
                        }
                        send(
                            socket,
                            &json!({"t": "ack", "cid": cid, "id": rec.message_id,
                                             "conversation_id": rec.conversation_id}),
                        )
                        .await
                    }
                    Err(e) => send(socket, &error_frame(&e, Some(&cid))).await,
                }
            }
            Incoming::Survey {
                answer,
                rating,
                comment,
            } => {
                let r = self.answer_survey(answer, rating, comment).await;
                match r {
                    Ok(()) => send(socket, &json!({"t": "survey_done"})).await,
                    Err(e) => send(socket, &error_frame(&e, None)).await,
                }
            }
        }
    }

    /// How long until a waiting read mark may be written; `None` when none
    /// waits.
    fn read_flush_in(&self) -> Option<Duration> {
        self.read_pending?;
        let since = self
            .read_at
            .map_or(READ_EVERY_MS, |t| self.st.clock.now_ms().saturating_sub(t));
        let left = READ_EVERY_MS.saturating_sub(since).clamp(0, READ_EVERY_MS);
        Some(Duration::from_millis(u64::try_from(left).unwrap_or(0)))
    }

    /// Writes the waiting read mark, if any.
    async fn flush_read(&mut self) {
        let Some(up_to) = self.read_pending.take() else {
            return;
        };
        self.read_at = Some(self.st.clock.now_ms());
        if let Err(e) = service::visitor_read(&self.st, &self.session, up_to).await {
            tracing::warn!(error = %e, "chat: read receipt");
        }
        self.session.visitor_read_id = self.session.visitor_read_id.max(up_to);
    }

    async fn answer_survey(
        &mut self,
        answer: Option<String>,
        rating: Option<i64>,
        comment: Option<String>,
    ) -> crate::Result<()> {
        let Some(token) = self.survey.take() else {
            return Err(Error::conflict(
                "no_survey",
                "there is no question to answer in this chat",
                json!({}),
            ));
        };
        let rating = rating.map(|r| r.to_string());
        let resp = match crate::surveys::model::parse_response(
            answer.as_deref(),
            rating.as_deref(),
            comment.as_deref(),
        ) {
            Ok(r) => r,
            Err(e) => {
                // Not answered: the visitor may correct it and send again.
                self.survey = Some(token);
                return Err(e);
            }
        };
        // Answered once per survey on this socket; the survey itself also
        // keeps only the first answer, so a replay changes nothing.
        crate::surveys::service::respond(&self.st, &token, resp).await?;
        Ok(())
    }
}
