//! Black-box tests of the stream echo client: its binary, against the grader's
//! reference echo server (the rubric), and against one written here (the page's
//! `echo_server.py`, in Rust) for what the rubric does not check: binary input.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};

use assert_cmd::Command;
use lab_test::{TIMEOUT, random_bytes};

const PATH: &str = env!("CARGO_BIN_EXE_stream-echo-client");

// The rubric `lab-grade stream-echo-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "stream-echo-client",
    env!("CARGO_BIN_EXE_stream-echo-client"),
    [sends_hello_world, prints_the_echo, sends_its_argument,] + client_basics
);

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
