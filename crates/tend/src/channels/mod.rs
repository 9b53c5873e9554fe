//! Channels translate the outside world into conversation service calls and
//! back. They hold no business rules.

pub mod email;
