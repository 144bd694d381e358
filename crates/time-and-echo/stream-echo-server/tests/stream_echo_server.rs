//! Black-box tests of the stream echo server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::Shutdown;

use lab_test::{Program, connect, read_to_end};

const PATH: &str = env!("CARGO_BIN_EXE_stream-echo-server");

// The rubric `lab-grade stream-echo-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "stream-echo-server",
    env!("CARGO_BIN_EXE_stream-echo-server"),
    [
        listens,
        echoes,
        echoes_8_mib_in_order,
        echoes_each_message_as_it_comes,
        prints_who_connected,
        serves_clients_in_turn,
    ] + hostile
        + server_basics
);

#[test]
fn finishes_the_echo_after_the_client_half_closes() {
    let mut server = Program::server(PATH, &[]);
    let mut client = connect(server.addr());
    client.write_all(b"last words").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut client), b"last words");
    server.expect_line_containing("closed the connection after 10 bytes");
}
