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
//! - `follower`: the follower of the event log that refreshes the scores
//!   of the customers whose conversations moved, reading and scoring off
//!   the single writer;
//! - `service`: refreshing (planned from reads, then written), the daily
//!   scoring, the radar, outcomes;
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
pub mod follower;
pub mod lexicon;
pub mod model;
pub mod outreach;
mod repo;
pub mod rules;
pub mod service;
pub mod task;

pub use model::{Health, Outcome, Signal, SignalView, Weights};
