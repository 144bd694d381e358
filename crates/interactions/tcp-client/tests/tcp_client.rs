//! Black-box tests of the TCP client: its binary, driven through its standard
//! input, against the grader's reference server, which records what it receives.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};

use assert_cmd::Command;
use lab_test::TIMEOUT;

const PATH: &str = env!("CARGO_BIN_EXE_tcp-client");

// The rubric `lab-grade tcp-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "tcp-client",
    env!("CARGO_BIN_EXE_tcp-client"),
    [
        sends_the_line,
        prints_the_lesson_lines,
        drops_a_windows_line_ending,
        sends_only_the_first_line,
        says_when_standard_input_is_empty,
    ] + client_basics
);

/// A server for one client; gives back all it received until the client closed.
fn recording_server() -> (SocketAddr, JoinHandle<Vec<u8>>) {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut cs, _) = ls.accept().unwrap();
        cs.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut received = Vec::new();
        cs.read_to_end(&mut received).unwrap();
        received
    });
    (addr, server)
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

/// An empty line would send no bytes at all: the client refuses it in one line,
/// status 1, instead of exiting 0 as if a message had been sent.
#[test]
fn refuses_an_empty_line() {
    let (addr, server) = recording_server();
    let assert = client(addr).write_stdin("\n").assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        "Error: the message is empty: an empty line sends nothing, type some text\n"
    );
    assert_eq!(server.join().unwrap(), b"");
}
