//! Black-box tests of the chat client: its binary, driven through its standard
//! input, against a chat server written here that records what it receives.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};

use assert_cmd::Command;
use lab_test::TIMEOUT;

const PATH: &str = env!("CARGO_BIN_EXE_chat-client");

// The rubric `lab-grade chat-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "chat-client",
    env!("CARGO_BIN_EXE_chat-client"),
    [
        prints_the_greeting,
        sends_each_line_and_prints_the_replies,
        an_empty_line_ends_the_chat,
        ends_when_the_server_closes,
    ] + client_basics
);

/// What the server here does once it has sent its replies.
#[derive(Clone, Copy, PartialEq)]
enum Then {
    /// Reads what the client still sends, until it closes the connection.
    Listen,
    /// Reads one more line and closes the connection without replying.
    Close,
}

/// A chat server for one client: sends `greeting`, then answers each line it
/// receives with the next of `replies` (no newline, as the slides). Gives back
/// everything the client sent.
fn server(
    greeting: &'static [u8],
    replies: &'static [&str],
    then: Then,
) -> (SocketAddr, JoinHandle<Vec<u8>>) {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = ls.accept().unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut stream = BufReader::new(stream);
        stream.get_mut().write_all(greeting).unwrap();
        let mut received = Vec::new();
        for reply in replies {
            if stream.read_until(b'\n', &mut received).unwrap() == 0 {
                return received;
            }
            stream.get_mut().write_all(reply.as_bytes()).unwrap();
        }
        match then {
            Then::Listen => stream.read_to_end(&mut received).unwrap(),
            Then::Close => stream.read_until(b'\n', &mut received).unwrap(),
        };
        received
    });
    (addr, server)
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

#[test]
fn prints_the_greeting_sends_each_line_with_a_newline_and_prints_the_replies() {
    let (addr, server) = server(
        b"Welcome to my chat room!",
        &["hi there", "fine"],
        Then::Listen,
    );
    client(addr)
        .write_stdin("hello\nhow are you?\n\n")
        .assert()
        .success()
        .stdout("Welcome to my chat room!\n> hi there\n> fine\n> ");
    assert_eq!(server.join().unwrap(), b"hello\nhow are you?\n");
}

#[test]
fn the_end_of_the_input_ends_the_chat() {
    let (addr, server) = server(b"Welcome to my chat room!", &["hi"], Then::Listen);
    client(addr)
        .write_stdin("hello\n")
        .assert()
        .success()
        .stdout("Welcome to my chat room!\n> hi\n> \n");
    assert_eq!(server.join().unwrap(), b"hello\n");
}

#[test]
fn a_closed_connection_prints_server_disconnected() {
    let (addr, server) = server(b"Welcome to my chat room!", &["hi"], Then::Close);
    client(addr)
        .write_stdin("hello\nanyone?\nnot sent\n")
        .assert()
        .success()
        .stdout("Welcome to my chat room!\n> hi\n> Server disconnected\n");
    assert_eq!(server.join().unwrap(), b"hello\nanyone?\n");
}

#[test]
fn a_server_that_closes_before_its_greeting_prints_server_disconnected() {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || drop(ls.accept().unwrap()));
    client(addr)
        .write_stdin("hello\n")
        .assert()
        .success()
        .stdout("Server disconnected\n");
    server.join().unwrap();
}

#[test]
fn prints_the_doctors_greeting_on_its_two_lines() {
    let greeting = b"Good morning, I hope you are well today.\nWhat can I do for you?";
    let (addr, server) = server(greeting, &["Please continue."], Then::Listen);
    client(addr)
        .write_stdin("I am sad\n\n")
        .assert()
        .success()
        .stdout(concat!(
            "Good morning, I hope you are well today.\n",
            "What can I do for you?\n",
            "> Please continue.\n",
            "> "
        ));
    server.join().unwrap();
}

#[test]
fn shows_the_servers_control_characters_escaped_and_invalid_utf8_replaced() {
    let (addr, server) = server(b"\x1b[2JWelcome \xFF", &["\u{7}hi\r"], Then::Listen);
    client(addr)
        .write_stdin("hello\n\n")
        .assert()
        .success()
        .stdout("\\u{1b}[2JWelcome \u{FFFD}\n> \\u{7}hi\\u{d}\n> ");
    server.join().unwrap();
}

#[test]
fn a_line_longer_than_the_servers_buffer_is_not_sent() {
    let (addr, server) = server(b"Welcome to my chat room!", &["ok"], Then::Listen);
    let long = "x".repeat(2000);
    let assert = client(addr)
        .write_stdin(format!("{long}\nshort\n\n"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("That line is 2000 bytes: the server reads at most 1024 at a time"),
        "{stdout}"
    );
    assert!(stdout.ends_with("> ok\n> "), "{stdout}");
    assert_eq!(server.join().unwrap(), b"short\n");
}

#[test]
fn gives_up_on_a_server_that_never_replies() {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut stream, _) = ls.accept().unwrap();
        stream.write_all(b"Welcome to my chat room!").unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        // Read until the client gives up and closes; never reply.
        let _ = stream.read_to_end(&mut Vec::new());
    });
    let assert = client(addr)
        .args(["--timeout", "1"])
        .write_stdin("hello\n")
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr.trim_end(),
        "Error: no reply: the server sent nothing in time"
    );
    server.join().unwrap();
}

/// The chat server's operator leaves (Ctrl-D): its last reply, `Goodbye!`, comes
/// with the end of the connection. The client says the server has gone at once,
/// without waiting for the person's next line (its input stays open here).
#[test]
fn a_goodbye_and_a_close_end_the_chat_without_waiting_for_the_next_line() {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = ls.accept().unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut stream = BufReader::new(stream);
        stream
            .get_mut()
            .write_all(b"Welcome to my chat room!")
            .unwrap();
        let mut line = Vec::new();
        stream.read_until(b'\n', &mut line).unwrap();
        // The operator's Ctrl-D: the goodbye, and the end of the connection.
        stream.get_mut().write_all(b"Goodbye!").unwrap();
    });
    let mut chat = lab_test::Program::start(PATH, &["--port", &addr.port().to_string()]);
    chat.write_stdin("hello\n");
    let status = chat.wait_exit();
    let seen = chat.seen().to_vec();
    assert!(
        status.success(),
        "expected status 0, got {status}: {seen:?}"
    );
    assert!(
        seen.iter().any(|line| line.ends_with("Goodbye!"))
            && seen.last().map(String::as_str) == Some("Server disconnected"),
        "expected Goodbye! then Server disconnected, got {seen:?}"
    );
    server.join().unwrap();
}
