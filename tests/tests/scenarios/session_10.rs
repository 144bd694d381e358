//! Session 10 end to end: the five-shot client against the real servers.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::Program;
use scenarios::{output_of, program, start};

/// Runs the five-shot client against `server` to its end; returns what it printed.
fn five_shots(server: &Program) -> Vec<String> {
    output_of(start("five-shot-client", &["--port", &server.port()]))
}

#[test]
fn five_shot_client_makes_echo_server3_list_its_clients_and_exit_0() {
    let mut server = Program::server(program("echo-server3"), &[]);
    let expected: Vec<String> = (0..5)
        .flat_map(|i| {
            [
                format!("To Server: Message {i}"),
                format!("From Server: ECHO: Message {i}"),
            ]
        })
        .collect();
    assert_eq!(five_shots(&server), expected);
    for i in 0..5 {
        server.expect_line(&format!("Message received: Message {i}"));
    }
    server.expect_line("The following clients have connected to the server:");
    for i in 0..5 {
        server.expect_line_containing(&format!("Client {i}: 127.0.0.1:"));
    }
    assert!(server.wait_exit().success());
}

#[test]
fn five_shot_client_gets_five_happy_replies_from_happy_server() {
    let mut server = Program::server(program("happy-server"), &[]);
    let output = five_shots(&server);
    let happy = output
        .iter()
        .filter(|l| *l == "From Server: HELLO. I am the Happy Server :-)");
    assert_eq!(happy.count(), 5, "{output:?}");
    for i in 0..5 {
        server.expect_line(&format!("Message received: Message {i}"));
    }
    // The happy server goes on serving after the five shots.
    server.expect_line("Waiting for Clients to connect");
    assert_eq!(
        lab_test::talk(server.addr(), b"more?"),
        b"HELLO. I am the Happy Server :-)\n"
    );
}
