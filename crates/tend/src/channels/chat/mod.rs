//! Live chat: the `/widget.js` script, the visitor's HTTP endpoints and
//! WebSocket under `/chat/`, and the per-conversation fan-out that tells
//! connected visitors about new messages, typing and read receipts.

mod hub;

pub use hub::{Hub, Signal};
