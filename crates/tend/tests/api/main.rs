//! Integration tests: a real server over real databases. Every scenario in
//! `on_both_backends!` runs on SQLite and on PostgreSQL.
// Test code: a panic is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod access;
mod admin;
mod attachments;
mod binary;
mod chat;
mod contact;
mod conversations;
mod customers;
mod email;
mod errors;
mod imap;
mod imap_after;
mod machine_mail;
mod ops;
mod quarantine;
mod routing;
mod search;
mod smtp;
mod surveys;
mod web;
mod web_admin;
mod web_loop;
