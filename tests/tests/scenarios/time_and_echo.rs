//! The blog's client/server page end to end: each client against its server, and
//! ours against the page's own Python programs, both ways.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::{Program, TIMEOUT, random_bytes};
use scenarios::{output_of, program, python, start};

const TIME_LINE: &str = "The time got from the server is ";

#[test]
fn time_client_gets_the_time_and_a_nice_day_from_time_server() {
    let mut server = Program::server(program("time-server"), &[]);
    let lines = output_of(start("time-client", &["--port", &server.port()]));
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(TIME_LINE), "{lines:?}");
    assert_eq!(
        lines[0].len(),
        TIME_LINE.len() + 24,
        "a time.ctime() is 24 characters"
    );
    assert_eq!(lines[1], "Have a nice day!");
    server.expect_line_containing("Got a connection from 127.0.0.1:");
}

#[test]
fn udp_time_client_gets_the_time_from_udp_time_server() {
    let mut server = Program::server(program("udp-time-server"), &[]);
    let lines = output_of(start("udp-time-client", &["--port", &server.port()]));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with(TIME_LINE), "{lines:?}");
    server.expect_line_containing("Got a datagram from 127.0.0.1:");
}

#[test]
fn stream_echo_client_sends_4_mib_through_stream_echo_server() {
    let server = Program::server(program("stream-echo-server"), &[]);
    let data = random_bytes(4 << 20);
    let output = assert_cmd::Command::new(program("stream-echo-client"))
        .args(["--port", &server.port(), "-"])
        .write_stdin(data.clone())
        .timeout(TIMEOUT)
        .assert()
        .success();
    assert!(
        output.get_output().stdout == data,
        "the echo differs from the input"
    );
}

#[test]
fn stream_echo_client_says_hello_world_to_stream_echo_server() {
    let server = Program::server(program("stream-echo-server"), &[]);
    let lines = output_of(start("stream-echo-client", &["--port", &server.port()]));
    assert_eq!(lines, ["Received: Hello, world"]);
}

#[test]
fn pages_client_py_gets_the_time_from_our_time_server() {
    let server = Program::server(program("time-server"), &[]);
    let Some(client) = python("client.py", &[&server.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let lines = output_of(Program::spawn(client));
    assert!(lines[0].starts_with(TIME_LINE), "{lines:?}");
    assert_eq!(lines[1], "Have a nice day!");
}

#[test]
fn our_time_client_gets_the_time_from_pages_server_py() {
    let Some(server) = python("server.py", &["0"]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut server = Program::spawn(server);
    server.wait_listening();
    let lines = output_of(start("time-client", &["--port", &server.port()]));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].len(), TIME_LINE.len() + 24, "{lines:?}");
    server.expect_line_containing("Got a connection from ('127.0.0.1', ");
}

#[test]
fn pages_echo_client_py_gets_its_echo_from_our_stream_echo_server() {
    let mut server = Program::server(program("stream-echo-server"), &[]);
    let Some(client) = python("echo_client.py", &[&server.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    assert_eq!(
        output_of(Program::spawn(client)),
        ["Received b'Hello, world'"]
    );
    server.expect_line_containing("closed the connection after 12 bytes");
}

#[test]
fn our_stream_echo_client_gets_its_echo_from_pages_echo_server_py() {
    let Some(server) = python("echo_server.py", &["0"]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut server = Program::spawn(server);
    server.wait_listening();
    let lines = output_of(start(
        "stream-echo-client",
        &["--port", &server.port(), "Hi!"],
    ));
    assert_eq!(lines, ["Received: Hi!"]);
    assert!(server.wait_exit().success());
}
