//! Black-box tests of the stream echo server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::Shutdown;

use lab_test::{Program, connect, echo_through, random_bytes, read_to_end, reset};

const PATH: &str = env!("CARGO_BIN_EXE_stream-echo-server");

lab_test::server_basics_tests!(PATH, &[], port: 12345, name: "stream-echo-server");

#[test]
fn echoes_hello_world() {
    let server = Program::server(PATH, &[]);
    assert_eq!(
        echo_through(server.addr(), b"Hello, world".to_vec()),
        b"Hello, world"
    );
}

#[test]
fn echoes_8_mib_of_random_bytes_in_order() {
    let mut server = Program::server(PATH, &[]);
    let data = random_bytes(8 << 20);
    let echoed = echo_through(server.addr(), data.clone());
    assert_eq!(echoed.len(), data.len());
    assert!(echoed == data, "the echo differs from what was sent");
    server.expect_line_containing(&format!("closed the connection after {} bytes", 8 << 20));
}

#[test]
fn echoes_each_message_as_it_comes() {
    let server = Program::server(PATH, &[]);
    let mut client = connect(server.addr());
    for msg in [&b"one"[..], b"two", b"\xFF\x00 binary \r\n"] {
        client.write_all(msg).unwrap();
        let mut echo = vec![0; msg.len()];
        client.read_exact(&mut echo).unwrap();
        assert_eq!(echo, msg);
    }
}

#[test]
fn finishes_the_echo_after_the_client_half_closes() {
    let mut server = Program::server(PATH, &[]);
    let mut client = connect(server.addr());
    client.write_all(b"last words").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut client), b"last words");
    server.expect_line_containing("closed the connection after 10 bytes");
}

#[test]
fn serves_clients_one_after_another() {
    let mut server = Program::server(PATH, &[]);
    for i in 0..3 {
        let msg = format!("client {i}").into_bytes();
        assert_eq!(echo_through(server.addr(), msg.clone()), msg);
        server.expect_line_containing("Connected by 127.0.0.1:");
    }
}

#[test]
fn survives_an_empty_connection() {
    let mut server = Program::server(PATH, &[]);
    assert_eq!(echo_through(server.addr(), Vec::new()), b"");
    server.expect_line_containing("closed the connection after 0 bytes");
    assert_eq!(echo_through(server.addr(), b"next".to_vec()), b"next");
}

#[test]
fn survives_a_reset() {
    let mut server = Program::server(PATH, &[]);
    let client = connect(server.addr());
    server.expect_line_containing("Connected by");
    reset(client);
    server.expect_line_containing("the client reset the connection");
    assert_eq!(echo_through(server.addr(), b"next".to_vec()), b"next");
}

#[test]
fn gives_up_on_a_silent_client_and_serves_the_next() {
    let mut server = Program::server(PATH, &["--timeout", "1"]);
    let mut silent = connect(server.addr());
    server.expect_line_containing("Connected by");
    assert_eq!(echo_through(server.addr(), b"next".to_vec()), b"next");
    server.expect_line_containing("the client sent nothing in time");
    assert_eq!(read_to_end(&mut silent), b"");
}
