//! How the desk's public messages reach the customer: one interface,
//! [`Carrier`], that each channel able to carry them implements, chosen by
//! the conversation's channel. The conversations domain composes nothing
//! itself and names no channel; `app::open` registers the carriers
//! (`channels::carriers`).
//!
//! A message is delivered in two steps, so that it is never stored without
//! its delivery nor delivered twice:
//! 1. [`Carrier::prepare`], before the write: compose what the channel
//!    sends (a mail's bytes, its Message-ID) and keep it where the sender
//!    will find it;
//! 2. [`Carrier::queue_in`], inside the transaction that stores the
//!    message: put it in the durable outbox.
//!
//! Channels that answer live (the chat) have no carrier: their listeners
//! see the committed message on the event bus.

use std::any::Any;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use sqlx::AnyConnection;

use super::Conversation;
use super::repo::AttachmentMeta;
use crate::state::{AppState, BusEvent};
use crate::vocab::Channel;
use crate::{Error, Result};

/// What the desk sends the customer of a conversation.
#[derive(Debug, Clone, Copy)]
pub enum Outgoing<'a> {
    /// A public reply (or, `automatic`, an acknowledgement: nobody typed it).
    Reply {
        /// Plain text.
        text: &'a str,
        /// Sanitised HTML, when the reply has some.
        html: Option<&'a str>,
        /// Its attachments, already stored.
        files: &'a [AttachmentMeta],
        /// Sent by the desk on its own.
        automatic: bool,
        /// Copied (mail: the `Cc` header), validated addresses.
        cc: &'a [String],
        /// Blind-copied (mail: the envelope only), validated addresses.
        bcc: &'a [String],
        /// An approved message template to send instead of free text
        /// (channels that have them: WhatsApp).
        template: Option<&'a super::model::TemplateMessage>,
    },
    /// A mail of a side conversation with a third party, who is not the
    /// conversation's customer (carried by mail whatever the conversation's
    /// channel).
    Side {
        /// Validated addresses.
        to: &'a [String],
        /// Subject as given (no `[#id]` token: answers thread by headers).
        subject: &'a str,
        /// Plain text.
        text: &'a str,
        /// Forwarded files, already stored.
        files: &'a [AttachmentMeta],
        /// The side conversation's last mail, when this answers it.
        in_reply_to: Option<&'a str>,
        /// The side conversation's earlier mails, oldest first.
        references: &'a [String],
    },
    /// The satisfaction survey of a solved conversation.
    Survey {
        /// Subject (for channels that have one).
        subject: &'a str,
        /// Text, with the answer links.
        text: &'a str,
        /// The survey page's link alone (the parameter of a channel's
        /// survey template, outside its reply window).
        link: &'a str,
    },
}

/// A message composed by its carrier, waiting to be queued.
#[derive(Debug)]
pub struct Prepared {
    /// The channel's own id for it (a mail's Message-ID), stored on the
    /// conversation message so answers thread under it.
    pub external_id: String,
    payload: Box<dyn Any + Send + Sync>,
}

impl Prepared {
    /// What a carrier composed, with the channel's id for it.
    pub fn new<T: Any + Send + Sync>(external_id: String, payload: T) -> Prepared {
        Prepared {
            external_id,
            payload: Box::new(payload),
        }
    }

    /// The composed message, as the carrier that made it knows it.
    pub fn payload<T: Any>(&self) -> Result<&T> {
        self.payload.downcast_ref().ok_or_else(|| {
            Error::Internal(anyhow::anyhow!(
                "a message prepared by one carrier was given to another"
            ))
        })
    }
}

/// A channel that carries the desk's messages to customers.
pub trait Carrier: Send + Sync + std::fmt::Debug {
    /// Composes `out` for the customer of `conv`, outside any transaction;
    /// `None` when this conversation cannot be reached this way (no
    /// customer address, nothing to send from).
    fn prepare<'a>(
        &'a self,
        st: &'a AppState,
        conv: &'a Conversation,
        out: Outgoing<'a>,
    ) -> BoxFuture<'a, Result<Option<Prepared>>>;

    /// Queues a prepared message inside the caller's transaction, for the
    /// conversation message `message_id` when it is one (a survey is not).
    /// Returns the events the queueing recorded (a `mail_held`), to
    /// publish after the commit.
    fn queue_in<'a>(
        &'a self,
        c: &'a mut AnyConnection,
        prepared: &'a Prepared,
        message_id: Option<i64>,
        conversation_id: i64,
        now: i64,
    ) -> BoxFuture<'a, Result<Vec<BusEvent>>>;

    /// Wakes this carrier's sender after the commit of a write that queued
    /// with it (the sender also looks on its own, every few seconds).
    fn wake(&self, st: &AppState);

    /// Holds what was queued for conversation message `message_id` until
    /// `until` (Unix ms), inside the write that queued it, so that the
    /// sender may take it back ("undo send"). False: this carrier cannot
    /// hold (it delivers at once).
    fn hold_in<'a>(
        &'a self,
        _c: &'a mut AnyConnection,
        _message_id: i64,
        _until: i64,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async { Ok(false) })
    }

    /// Takes back the held delivery of `message_id`: true when it is gone
    /// and will never reach the customer; false when it is too late.
    fn take_back_in<'a>(
        &'a self,
        _c: &'a mut AnyConnection,
        _message_id: i64,
        _now: i64,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async { Ok(false) })
    }
}

/// The carriers by channel, registered at start.
#[derive(Debug, Default)]
pub struct Carriers(Vec<(Channel, Arc<dyn Carrier>)>);

impl Carriers {
    /// `carrier` delivers the desk's messages on `channel`.
    pub fn with(mut self, channel: Channel, carrier: Arc<dyn Carrier>) -> Carriers {
        self.0.retain(|(c, _)| *c != channel);
        self.0.push((channel, carrier));
        self
    }
}

impl AppState {
    /// The carrier of the desk's messages on `channel` (`None`: the channel
    /// delivers live, or not at all).
    pub fn carrier(&self, channel: Channel) -> Option<Arc<dyn Carrier>> {
        self.slots
            .get::<Carriers>()
            .0
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|(_, carrier)| carrier.clone())
    }
}
