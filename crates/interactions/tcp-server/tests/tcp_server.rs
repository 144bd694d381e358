//! Black-box tests of the TCP server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use lab_test::{Program, connect, talk};

const PATH: &str = env!("CARGO_BIN_EXE_tcp-server");

// The rubric `lab-grade tcp-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "tcp-server",
    env!("CARGO_BIN_EXE_tcp-server"),
    [
        listens,
        prints_the_message,
        finishes_after_one_message,
        receives_at_most_80_bytes,
    ] + hostile
        + server_basics
);

#[test]
fn prints_the_lesson_lines() {
    let mut server = Program::server(PATH, &[]);
    server.expect_line("server waits for connection");
    let mut client = connect(server.addr());
    let me = client.local_addr().unwrap();
    client.write_all(b"hello there").unwrap();
    server.expect_line(&format!("server accepted connection request from {me}"));
    server.expect_line("server waits for data");
    server.expect_line("server received \"hello there\"");
}

/// Control characters from a client are shown escaped on the console.
#[test]
fn shows_a_clients_control_characters_escaped() {
    let mut server = Program::server(PATH, &[]);
    talk(server.addr(), b"\x1b]0;pwned\x07");
    server.expect_line("server received \"\\u{1b}]0;pwned\\u{7}\"");
    assert!(server.wait_exit().success());
}

/// A client that sends more than the 80 bytes read sees the connection end
/// normally, not reset: the server closes politely.
#[test]
fn a_client_that_sends_more_than_is_read_is_not_reset() {
    let mut server = Program::server(PATH, &[]);
    // talk() reads to the end and fails the test on "connection reset".
    assert_eq!(talk(server.addr(), &[b'x'; 4096]), b"");
    server.expect_line(&format!("server received \"{}\"", "x".repeat(80)));
    assert!(server.wait_exit().success());
}
