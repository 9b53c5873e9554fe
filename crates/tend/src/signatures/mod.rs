//! Signatures: the lines an agent's mail replies end with, the agent's own
//! and their inbox's, each per language with one for any language as the
//! fallback. A reply takes the customer's language (the conversation's),
//! else the fallback, of each, and the carrier mails them under the text
//! (plain text and HTML); the conversation keeps the text as typed.
//! Agents set theirs on `/account/signatures`, admins an inbox's on
//! `/admin/inboxes/{id}/signatures`; the API mirrors both.

pub mod api;
mod repo;
pub mod service;

pub use service::{Owner, Signature, SignatureSet};
