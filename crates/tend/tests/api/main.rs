//! Integration tests: a real server over real databases. Every scenario in
//! `on_both_backends!` runs on SQLite and on PostgreSQL.
// Test code: a panic is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod access;
mod admin;
mod attachments;
mod binary;
mod calendars;
mod chat;
mod chat_after;
mod chat_files;
mod chat_security;
mod contact;
mod contract;
mod conversations;
mod customers;
mod email;
mod errors;
mod imap;
mod imap_after;
mod imap_tls;
mod jobs;
mod layering;
mod machine_mail;
mod mail_threading;
mod observability;
mod ops;
mod outage;
mod outbound_cap;
mod privacy;
mod proxy;
mod quarantine;
mod routing;
mod routing_transfers;
mod search;
mod secrets;
mod sender_auth;
mod sla;
mod smtp;
mod smtp_limits;
mod surveys;
mod surveys_limits;
mod surveys_pages;
mod uploads;
mod web;
mod web_admin;
mod web_admin_customers;
mod web_admin_pages;
mod web_limits;
mod web_loop;
mod web_pages;
mod web_redirects;
mod web_security;
mod web_timeline;
