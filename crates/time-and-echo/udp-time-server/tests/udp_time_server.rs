//! Black-box tests of the UDP time server: its binary, on port 0, over real UDP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::Program;

const PATH: &str = env!("CARGO_BIN_EXE_udp-time-server");

// The rubric `lab-grade udp-time-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "udp-time-server",
    env!("CARGO_BIN_EXE_udp-time-server"),
    [
        listens,
        answers_a_datagram,
        answers_an_empty_datagram,
        answers_the_largest_datagram,
        answers_invalid_utf8,
        answers_every_client,
        survives_a_client_gone,
        burst,
    ] + server_basics
);

/// It never waits on a client, so it offers no --timeout: not even a hidden one.
#[test]
fn offers_no_timeout_it_would_not_use() {
    let mut with_timeout = Program::start(PATH, &["--timeout", "5"]);
    assert_eq!(with_timeout.wait_exit().code(), Some(2));
}
