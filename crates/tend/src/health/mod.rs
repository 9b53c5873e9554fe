//! Customer health and the radar: a score from 0 to 100 per customer, a
//! transparent weighted sum of signals (each shown with what it takes
//! off), the radar of customers at risk, proactive outreach and its
//! outcome.
//!
//! - `model`: the API's types, the facts a score is computed from, the
//!   outcomes (the signals are `vocab::Signal`, the weights
//!   `config::HealthWeights`);
//! - `rules`: the score, a pure function of a customer's facts, the time
//!   and the weights, with every signal's rule;
//! - `facts`: a customer's facts from their conversations' histories
//!   (the reports' measurements) and messages, and an outreach's outcome;
//!   pure;
//! - `lexicon`: the sentiment words of five languages, matched with the
//!   search tokenizer;
//! - `repo`: the SQL of `customer_health`, `outreaches`, `health_marks`;
//! - `service`: refreshing (inside the reports projection's pass, one
//!   follower of the event log), the daily scoring, the radar, outcomes;
//! - `outreach`: starting proactive outreach, a customer's outreaches;
//! - `task`: the supervised task of the daily scoring and the weekly digest;
//! - `digest`: the weekly mail to supervisors of customers newly at risk;
//! - `api`: `GET /radar`, `POST /radar/{customer_id}/outreach`,
//!   `GET /radar/{customer_id}/outreach`.
//!
//! Admins and supervisors see the radar and start outreach; a customer's
//! profile shows their health to whoever sees their private fields.

pub mod api;
pub mod digest;
pub mod facts;
pub mod lexicon;
pub mod model;
pub mod outreach;
mod repo;
pub mod rules;
pub mod service;
pub mod task;

pub use model::{Health, Outcome, Signal, SignalView, Weights};
