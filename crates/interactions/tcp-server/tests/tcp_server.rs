//! Black-box tests of the TCP server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::Shutdown;

use lab_test::{Program, connect, read_to_end, reset, talk};

const PATH: &str = env!("CARGO_BIN_EXE_tcp-server");

lab_test::server_basics_tests!(PATH, &[], port: 41267, name: "tcp-server");

#[test]
fn prints_the_lesson_lines_and_the_message_then_exits_0() {
    let mut server = Program::server(PATH, &[]);
    server.expect_line("server waits for connection");
    let mut client = connect(server.addr());
    let me = client.local_addr().unwrap();
    client.write_all(b"hello there").unwrap();
    server.expect_line(&format!("server accepted connection request from {me}"));
    server.expect_line("server waits for data");
    server.expect_line("server received \"hello there\"");
    assert!(server.wait_exit().success());
    assert_eq!(
        read_to_end(&mut client),
        b"",
        "the server sends nothing back"
    );
}

#[test]
fn receives_at_most_80_bytes() {
    let mut server = Program::server(PATH, &[]);
    let mut client = connect(server.addr());
    client.write_all(&[b'a'; 200]).unwrap();
    server.expect_line(&format!("server received \"{}\"", "a".repeat(80)));
    assert!(server.wait_exit().success());
}

#[test]
fn survives_invalid_utf8() {
    let mut server = Program::server(PATH, &[]);
    talk(server.addr(), b"caf\xE9");
    server.expect_line("server received \"caf\u{FFFD}\"");
    assert!(server.wait_exit().success());
}

#[test]
fn waits_for_another_client_after_an_empty_connection() {
    let mut server = Program::server(PATH, &[]);
    let empty = connect(server.addr());
    empty.shutdown(Shutdown::Write).unwrap();
    server.expect_line("The client closed the connection without sending a message");
    server.expect_line("server waits for connection");
    talk(server.addr(), b"second");
    server.expect_line("server received \"second\"");
    assert!(server.wait_exit().success());
}

#[test]
fn waits_for_another_client_after_a_reset() {
    let mut server = Program::server(PATH, &[]);
    let client = connect(server.addr());
    server.expect_line("server waits for data");
    reset(client);
    server.expect_line("Could not read the message: the client reset the connection");
    talk(server.addr(), b"second");
    server.expect_line("server received \"second\"");
}

#[test]
fn gives_up_on_a_silent_client_and_waits_for_another() {
    let mut server = Program::server(PATH, &["--timeout", "1"]);
    let _silent = connect(server.addr());
    server.expect_line("server waits for data");
    talk(server.addr(), b"second");
    server.expect_line("The client sent nothing for 1 s: giving up on it");
    server.expect_line("server received \"second\"");
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
