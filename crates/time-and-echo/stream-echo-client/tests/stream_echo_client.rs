//! Black-box tests of the stream echo client: its binary, against an echo server
//! written here (the page's `echo_server.py`, in Rust).
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};

use assert_cmd::Command;
use lab_test::{TIMEOUT, random_bytes};

const PATH: &str = env!("CARGO_BIN_EXE_stream-echo-client");

lab_test::client_basics_tests!(PATH, port: 12345, name: "stream-echo-client");

/// An echo server for one client; gives back how many bytes it echoed.
fn echo_server() -> (SocketAddr, JoinHandle<usize>) {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut conn, _) = ls.accept().unwrap();
        conn.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut data = [0; 1024];
        let mut total = 0;
        loop {
            let n = conn.read(&mut data).unwrap();
            if n == 0 {
                return total;
            }
            conn.write_all(&data[..n]).unwrap();
            total += n;
        }
    });
    (addr, server)
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

#[test]
fn sends_hello_world_and_prints_the_echo() {
    let (addr, server) = echo_server();
    client(addr)
        .assert()
        .success()
        .stdout("Received: Hello, world\n");
    assert_eq!(server.join().unwrap(), 12);
}

#[test]
fn sends_its_argument() {
    let (addr, server) = echo_server();
    client(addr)
        .arg("Another message")
        .assert()
        .success()
        .stdout("Received: Another message\n");
    server.join().unwrap();
}

#[test]
fn echoes_2_mib_of_standard_input_byte_for_byte() {
    let (addr, server) = echo_server();
    let data = random_bytes(2 << 20);
    let assert = client(addr)
        .arg("-")
        .write_stdin(data.clone())
        .assert()
        .success();
    assert!(
        assert.get_output().stdout == data,
        "the echo differs from the input"
    );
    assert_eq!(server.join().unwrap(), 2 << 20);
}

#[test]
fn says_when_no_server_is_running() {
    lab_test::checks::says_when_no_server_is_running(PATH);
}
