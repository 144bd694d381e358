//! Session 10 end to end: the five-shot client against the real servers.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use lab_test::Program;
use scenarios::program;

/// Runs the five-shot client against `server` and returns its output, checking it
/// exits 0.
fn five_shots(server: &Program) -> String {
    let mut client = Command::new(program("five-shot-client"));
    client.args(["--port", &server.addr().port().to_string()]);
    let mut client = Program::spawn(client);
    let status = client.wait_exit();
    assert!(
        status.success(),
        "five-shot-client: {status}\n{:?}",
        client.seen()
    );
    client.seen().join("\n")
}

#[test]
fn five_shot_client_makes_echo_server3_list_its_clients_and_exit_0() {
    let mut server = Program::server(program("echo-server3"), &[]);
    let output = five_shots(&server);
    let expected: Vec<String> = (0..5)
        .map(|i| format!("To Server: Message {i}\nFrom Server: ECHO: Message {i}"))
        .collect();
    assert_eq!(output, expected.join("\n"));
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
    assert_eq!(
        output
            .matches("From Server: HELLO. I am the Happy Server :-)")
            .count(),
        5
    );
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
