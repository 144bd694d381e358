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
        serves_clients_in_turn,
        counts_connections,
        lists_clients_and_finishes,
        finishes_client_on_ctrl_c,
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
