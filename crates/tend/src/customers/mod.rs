//! Customers: the people who write in, on any channel, with every address
//! they use, their language and organisation, and their history.

pub mod api;
pub mod model;
pub mod phone;
mod phone_repo;
mod repo;
pub mod service;

pub use model::Customer;
