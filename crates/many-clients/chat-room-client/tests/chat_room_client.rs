//! Black-box tests of the chat room client: its binary against a small room
//! written here (the real room is in the scenarios, `tests/tests/many_clients.rs`).
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use lab_test::Program;

const PATH: &str = env!("CARGO_BIN_EXE_chat-room-client");

// The rubric `lab-grade chat-room-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "chat-room-client",
    env!("CARGO_BIN_EXE_chat-room-client"),
    [sends_the_typed_lines_and_prints_the_rooms,] + client_basics
);

#[test]
fn prints_the_rooms_lines_while_the_person_types() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (typed_tx, typed) = mpsc::channel();
    let room = thread::spawn(move || {
        let (mut cs, _) = listener.accept().unwrap();
        cs.set_read_timeout(Some(lab_test::TIMEOUT)).unwrap();
        let mut lines = BufReader::new(cs.try_clone().unwrap()).lines();
        cs.write_all(b"Welcome to the chat room! What is your name?\n")
            .unwrap();
        typed_tx.send(lines.next().unwrap().unwrap()).unwrap();
        // A line from the room that comes while the person has typed nothing.
        cs.write_all(b"bob: hi \x1b[2J there\n").unwrap();
        typed_tx.send(lines.next().unwrap().unwrap()).unwrap();
        // The person's input ends: the client closes its side; the room closes too.
        assert!(lines.next().is_none());
    });

    let mut client = Program::start(PATH, &["--port", &port]);
    client.expect_line("Welcome to the chat room! What is your name?");
    client.write_stdin("ann\n");
    assert_eq!(typed.recv_timeout(lab_test::TIMEOUT).unwrap(), "ann");
    // Printed without any line typed first, control characters escaped.
    client.expect_line("bob: hi \\u{1b}[2J there");
    client.write_stdin("hello bob\n");
    assert_eq!(typed.recv_timeout(lab_test::TIMEOUT).unwrap(), "hello bob");
    client.close_stdin();
    room.join().unwrap();
    client.expect_line("Server disconnected");
    assert!(client.wait_exit().success());
}
