//! The scenarios: two programs at once (a client against its server, ours against
//! the lessons' own Python programs), one module per lesson.
//!
//! They are one test binary, not one per lesson, so that their tests wait on their
//! programs in parallel instead of one lesson after another: run one lesson's with
//! `cargo test -p scenarios -- time_and_echo::`.

mod chat_and_doctor;
mod games;
mod interactions;
mod many_clients;
mod pages;
mod session_10;
mod tcp_server_lab;
mod time_and_echo;
mod trace;
