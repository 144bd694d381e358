//! Black-box tests of the chat server: its binary, on port 0, with a client over
//! real TCP and the operator typing through its standard input.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::TcpStream;

use lab_test::{Program, connect, read_once, read_to_end};

const PATH: &str = env!("CARGO_BIN_EXE_chat-server");

// The rubric `lab-grade chat-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "chat-server",
    env!("CARGO_BIN_EXE_chat-server"),
    [
        listens,
        greets,
        relays_both_ways,
        prints_the_slides_lines,
        stops_when_the_operators_input_ends,
    ] + hostile
        + server_basics
);

/// The server, and a client that has read its greeting, byte for byte.
fn chat(args: &[&str]) -> (Program, TcpStream) {
    let mut server = Program::server(PATH, args);
    let client = greeted(&mut server);
    (server, client)
}

/// A new client of `server`, which greets it.
fn greeted(server: &mut Program) -> TcpStream {
    let mut client = connect(server.addr());
    assert_eq!(read_once(&mut client), "Welcome to my chat room!");
    let me = client.local_addr().unwrap();
    server.expect_line(&format!("... connected from {me}"));
    client
}

/// Waits for the console line `wanted`. The operator types through a pipe, so no
/// Enter ends the `> ` prompts: what the server prints next follows them.
fn expect_shown(server: &mut Program, wanted: &str) -> String {
    server.expect(
        |line| line.trim_start_matches("> ") == wanted,
        &format!("the line {wanted:?} (after prompts)"),
    )
}

/// The client sends `message`, which the server shows as `shown`.
fn client_says(server: &mut Program, client: &mut TcpStream, message: &[u8], shown: &str) {
    client.write_all(message).unwrap();
    expect_shown(server, shown);
}

#[test]
fn an_empty_line_is_not_sent_and_the_prompt_comes_again() {
    let (mut server, mut client) = chat(&[]);
    client_says(&mut server, &mut client, b"hello\n", "hello");
    server.write_stdin("\n\nat last\n");
    assert_eq!(read_once(&mut client), "at last");
    client.write_all(b"again\n").unwrap();
    // Three prompts: two for the empty lines, one for "at last".
    server.expect_line("> > > again");
}

#[test]
fn the_end_of_the_operators_input_says_goodbye_and_stops() {
    let (mut server, mut client) = chat(&[]);
    client_says(&mut server, &mut client, b"hello\n", "hello");
    server.write_stdin("hi\n");
    assert_eq!(read_once(&mut client), "hi");
    // The client is silent now; the operator presses Ctrl-D.
    server.close_stdin();
    assert_eq!(read_to_end(&mut client), b"Goodbye!");
    expect_shown(
        &mut server,
        "The operator's input has ended: the chat server stops",
    );
    assert!(server.wait_exit().success());
}

#[test]
fn the_end_of_the_operators_input_at_the_prompt_says_goodbye_and_stops() {
    let (mut server, mut client) = chat(&[]);
    client_says(&mut server, &mut client, b"hello\n", "hello");
    server.close_stdin();
    assert_eq!(read_to_end(&mut client), b"Goodbye!");
    assert!(server.wait_exit().success());
}

#[test]
fn the_end_of_the_operators_input_with_no_client_stops() {
    let mut server = Program::server(PATH, &[]);
    server.expect_line("Waiting for connection . . .");
    server.close_stdin();
    server.expect_line("The operator's input has ended: the chat server stops");
    assert!(server.wait_exit().success());
}

#[test]
fn lines_typed_ahead_are_the_next_replies() {
    let (mut server, mut client) = chat(&[]);
    server.write_stdin("first\nsecond\n");
    server.close_stdin();
    client_says(&mut server, &mut client, b"one\n", "one");
    assert_eq!(read_once(&mut client), "first");
    client.write_all(b"two\n").unwrap();
    assert_eq!(read_once(&mut client), "second");
    assert_eq!(read_to_end(&mut client), b"Goodbye!");
    assert!(server.wait_exit().success());
}

#[test]
fn a_client_that_leaves_is_followed_by_the_next() {
    let (mut server, mut client) = chat(&[]);
    client_says(&mut server, &mut client, b"bye\n", "bye");
    server.write_stdin("see you\n");
    assert_eq!(read_once(&mut client), "see you");
    drop(client);
    expect_shown(&mut server, "Client disconnected");
    let mut next = greeted(&mut server);
    client_says(&mut server, &mut next, b"I am next\n", "I am next");
}

#[test]
fn shows_invalid_utf8_with_replacement_characters() {
    let (mut server, mut client) = chat(&[]);
    client_says(
        &mut server,
        &mut client,
        b"caf\xC3\xA9 \xFF\n",
        "caf\u{e9} \u{FFFD}",
    );
    server.write_stdin("ok\n");
    assert_eq!(read_once(&mut client), "ok");
}

#[test]
fn shows_control_characters_escaped() {
    let (mut server, mut client) = chat(&[]);
    let shown = r"\u{1b}]0;pwned\u{7}\u{1b}[2Jhi\u{d}\u{8}there";
    client_says(
        &mut server,
        &mut client,
        b"\x1b]0;pwned\x07\x1b[2Jhi\r\x08there\n",
        shown,
    );
    server.write_stdin("ok\n");
    assert_eq!(read_once(&mut client), "ok");
}

/// Ctrl-C while the server waits for the client's message: goodbye, and it stops.
#[cfg(unix)]
#[test]
fn ctrl_c_while_the_client_is_silent_stops_the_server() {
    let (mut server, mut client) = chat(&[]);
    server.interrupt();
    assert_eq!(read_to_end(&mut client), b"Goodbye!");
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}

/// Ctrl-C while the server waits for the operator's reply: a blocked read of the
/// standard input does not keep it alive.
#[cfg(unix)]
#[test]
fn ctrl_c_while_the_operator_is_typing_stops_the_server() {
    let (mut server, mut client) = chat(&[]);
    client_says(&mut server, &mut client, b"hello\n", "hello");
    server.interrupt();
    assert_eq!(read_to_end(&mut client), b"Goodbye!");
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}
