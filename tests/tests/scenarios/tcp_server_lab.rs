//! The TCP server lab end to end: our client against our server, and ours against
//! Python clients and servers written from the lab's own fragments, both ways,
//! with pickles of every protocol from 0 to 5.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::Program;
use scenarios::{output_of, program, python, start};

/// The values our client sends, as Python's repr() shows them.
const SAMPLES: [&str; 8] = [
    "'Hello, server'",
    "42",
    "2.5",
    "[1, 2, 3]",
    "(1, 'two', 3.0)",
    "{'name': 'Ada', 'scores': [90, 85]}",
    "None",
    "True",
];

/// The client id in the line `The server gave me client id <id>`.
fn client_id(line: &str) -> String {
    line.rsplit(' ').next().unwrap().to_string()
}

/// Checks our client's output: its id, then each sample and its acknowledgement.
fn check_client_output(lines: &[String]) -> String {
    let id = client_id(&lines[0]);
    let mut expected = vec![format!("The server gave me client id {id}")];
    for value in SAMPLES {
        expected.push(format!("Sent: {value}"));
        expected.push(format!("Server: {{'clientid': {id}, 'received': {value}}}"));
    }
    assert_eq!(lines, expected);
    id
}

#[test]
fn handshake_client_talks_to_handshake_server() {
    let mut server = Program::server(program("handshake-server"), &[]);
    let client = start("handshake-client", &["--port", &server.port()]);
    let id = check_client_output(&output_of(client));
    server.expect_line(&format!("Client {id} connected from 127.0.0.1"));
    for value in SAMPLES {
        server.expect_line(&format!("Client {id} sent: {value}"));
    }
    server.expect_line(&format!("Client {id} disconnected"));
}

#[test]
fn a_python_client_sends_every_type_in_every_protocol_to_our_server() {
    let mut server = Program::server(program("handshake-server"), &[]);
    let Some(client) = python("handshake_client.py", &[&server.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    // The Python client checks each acknowledgement itself (assert), and exits 0.
    let lines = output_of(Program::spawn(client));
    let id = client_id(&lines[0]);
    server.expect_line(&format!("Client {id} connected from 127.0.0.1"));
    // Our console shows each value exactly as Python's repr() does.
    let sent: Vec<_> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("Sent: "))
        .collect();
    assert_eq!(sent.len(), 6 * 30, "{lines:?}");
    for value in sent {
        server.expect_line(&format!("Client {id} sent: {value}"));
    }
    server.expect_line_containing(&format!(
        "Client {id} sent a bad pickle: refused: the pickle asks for the global os.system"
    ));
    server.expect_line(&format!("Client {id} sent: 'still here'"));
}

#[test]
fn our_client_talks_to_a_python_server() {
    let Some(server) = python("handshake_server.py", &["0"]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut server = Program::spawn(server);
    server.wait_listening();
    let client = start("handshake-client", &["--port", &server.port()]);
    let id = check_client_output(&output_of(client));
    server.expect_line(&format!("Client {id} connected from 127.0.0.1"));
    // Python's unpickler reads our pickles as the values we meant.
    for value in SAMPLES {
        server.expect_line(&format!("Client {id} sent: {value}"));
    }
    server.expect_line(&format!("Client {id} disconnected"));
    assert!(server.wait_exit().success());
}
