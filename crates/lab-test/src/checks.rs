//! A request/reply server of the lessons, for program-specific tests.
//!
//! The checks every server and client must pass are written once, as the
//! programs' rubrics in `lab-grade` (see `lab_grade::rubric_tests!`); this module
//! keeps what a test of one program's own behaviour needs to talk to its server.
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
//! let mut server = SERVER.start(&[]);
//! SERVER.assert_replies(&server, "Test");
//! server.expect_line("Message received: Test");
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
