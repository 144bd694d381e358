//! Black-box tests of the threaded echo server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::time::Duration;

use lab_test::{Program, connect, read_to_end};

const PATH: &str = env!("CARGO_BIN_EXE_threaded-echo-server");

// Everything echo server 2 does, it still does, and serves many clients at once.
// The rubric `lab-grade threaded-echo-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "threaded-echo-server",
    env!("CARGO_BIN_EXE_threaded-echo-server"),
    [
        listens,
        replies,
        prints_message,
        closes_the_connection,
        replies_byte_for_byte,
        prints_the_message_in_green,
        serves_clients_in_turn,
        counts_connections,
        finishes_client_on_ctrl_c,
        serves_others_while_some_stay_silent,
        finishes_every_client_in_progress_on_ctrl_c,
        closes_without_a_reset,
        escapes_control_characters,
    ] + hostile
        + server_basics
);

#[test]
fn serves_at_most_max_clients_at_once() {
    let mut server = Program::server(PATH, &["--max-clients", "2", "--timeout", "60"]);
    let mut first = connect(server.addr());
    server.expect_line_containing("CONNECTION 1.");
    let _second = connect(server.addr());
    server.expect_line_containing("CONNECTION 2.");

    // Both workers are busy with silent clients: a third client waits in the queue.
    let mut third = connect(server.addr());
    third.write_all(b"third").unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut byte = [0; 1];
    let early = third.read(&mut byte);
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "with --max-clients 2 and two silent clients, a third one must wait; its read gave {early:?}"
    );

    // Once a worker is free, the third client is served.
    first.write_all(b"first").unwrap();
    assert_eq!(read_to_end(&mut first), b"ECHO: first\n");
    third.set_read_timeout(Some(lab_test::TIMEOUT)).unwrap();
    assert_eq!(read_to_end(&mut third), b"ECHO: third\n");
}

#[test]
fn max_clients_must_be_a_positive_number() {
    for bad in ["0", "many", "5000"] {
        let mut program = Program::start(PATH, &["--max-clients", bad]);
        assert_eq!(program.wait_exit().code(), Some(2), "--max-clients {bad}");
        let console = program.seen().join("\n");
        assert!(console.contains("--max-clients"), "{console}");
    }
}

/// The first Ctrl-C says at once that the server waits for the clients in
/// progress, and that a second Ctrl-C stops it now.
#[cfg(unix)]
#[test]
fn the_first_ctrl_c_says_a_second_one_stops_it_now() {
    let mut server = lab_test::Program::server(env!("CARGO_BIN_EXE_threaded-echo-server"), &[]);
    server.interrupt();
    server.expect_line_containing("press Ctrl-C again to stop now");
}
