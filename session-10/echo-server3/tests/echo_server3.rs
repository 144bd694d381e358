//! Black-box tests of echo server 3: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::checks::OneShotServer;

const SERVER: OneShotServer = OneShotServer {
    path: env!("CARGO_BIN_EXE_echo-server3"),
    args: &[],
    reply: |msg| format!("ECHO: {msg}\n"),
};

// The rubric `lab-grade echo-server3` grades with: one test per stage.
lab_grade::rubric_tests!(
    "echo-server3",
    env!("CARGO_BIN_EXE_echo-server3"),
    [
        listens,
        replies,
        prints_message,
        closes_the_connection,
        replies_byte_for_byte,
        prints_the_lessons_words,
        prints_the_message_in_green,
        serves_clients_in_turn,
        counts_connections,
        lists_clients_and_finishes,
        finishes_client_on_ctrl_c,
        closes_without_a_reset,
        escapes_control_characters,
    ] + hostile
        + server_basics
);

/// Connects as `count` clients, each sending one message; returns their addresses.
fn five_clients(server: &lab_test::Program, count: usize) -> Vec<std::net::SocketAddr> {
    (0..count)
        .map(|i| {
            let mut client = lab_test::connect(server.addr());
            let msg = format!("Message {i}");
            std::io::Write::write_all(&mut client, msg.as_bytes()).unwrap();
            assert_eq!(
                lab_test::read_to_end(&mut client),
                format!("ECHO: {msg}\n").as_bytes()
            );
            client.local_addr().unwrap()
        })
        .collect()
}

#[test]
fn the_clients_flag_changes_how_many() {
    let mut server = lab_test::Program::server(SERVER.path, &["--clients", "2"]);
    let clients = five_clients(&server, 2);
    server.expect_line("The following clients have connected to the server:");
    server.expect_line(&format!("Client 1: {}", clients[1]));
    assert!(server.wait_exit().success());
}

#[test]
fn a_client_that_sends_nothing_still_counts() {
    let mut server = lab_test::Program::server(SERVER.path, &["--clients", "2"]);
    let mut empty = lab_test::connect(server.addr());
    empty.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(lab_test::read_to_end(&mut empty), b"");
    five_clients(&server, 1);
    server.expect_line(&format!("Client 0: {}", empty.local_addr().unwrap()));
    assert!(server.wait_exit().success());
}

/// A count of 0, or a negative port, gets a sentence about that flag, status 2.
#[test]
fn bad_clients_and_port_values_get_a_sentence_a_student_understands() {
    for (args, says) in [
        (["--clients", "0"], "it must be a whole number, 1 or more"),
        (["--clients", "-3"], "it must be a whole number, 1 or more"),
        (["--port", "-1"], "a port is a whole number from 0 to 65535"),
    ] {
        let mut program = lab_test::Program::start(SERVER.path, &args);
        assert_eq!(program.wait_exit().code(), Some(2), "{args:?}");
        let console = program.seen().join("\n");
        assert!(
            console.starts_with(&format!(
                "error: invalid value '{}' for '{}",
                args[1], args[0]
            )),
            "{args:?}: {console}"
        );
        assert!(console.contains(says), "{args:?}: {console}");
    }
}
