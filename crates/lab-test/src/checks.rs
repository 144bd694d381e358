//! A request/reply server of the lessons, for the tests a program has besides
//! its rubric (the rubric's checks are `lab-grade`'s, written once there).
//!
//! A server here reads one message per client, answers it and closes the
//! connection (the Session 10 servers).
//!
//! ```no_run
//! use lab_test::checks::OneShotServer;
//!
//! const SERVER: OneShotServer = OneShotServer {
//!     path: "target/debug/echo-server1", // env!("CARGO_BIN_EXE_echo-server1") in a test
//!     args: &[],
//!     reply: |msg| format!("ECHO: {msg}\n"),
//! };
//!
//! #[test]
//! fn replies_to_control_characters() {
//!     let server = SERVER.start(&[]);
//!     SERVER.assert_replies(&server, "\u{1b}]0;pwned\u{7}");
//! }
//! ```

use crate::{Program, talk};

/// A server that answers each client's one message and closes the connection.
#[derive(Debug, Clone, Copy)]
pub struct OneShotServer {
    /// The binary to run.
    pub path: &'static str,
    /// Flags to start it with (besides `--port 0`).
    pub args: &'static [&'static str],
    /// What it answers to a message, byte for byte.
    pub reply: fn(&str) -> String,
}

impl OneShotServer {
    /// Starts the server on port 0 with its flags and `extra` ones.
    pub fn start(&self, extra: &[&str]) -> Program {
        let args: Vec<&str> = self.args.iter().chain(extra).copied().collect();
        Program::server(self.path, &args)
    }

    /// Sends `message` as a new client and checks the reply, byte for byte.
    pub fn assert_replies(&self, server: &Program, message: &str) {
        let reply = talk(server.addr(), message.as_bytes());
        assert_eq!(
            String::from_utf8_lossy(&reply),
            (self.reply)(message),
            "reply to {message:?}"
        );
    }
}
