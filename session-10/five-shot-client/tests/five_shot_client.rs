//! Black-box tests of the five-shot client: its binary, against a small server
//! written here that records what each connection sends.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};

use assert_cmd::Command;
use lab_test::TIMEOUT;

const PATH: &str = env!("CARGO_BIN_EXE_five-shot-client");

lab_test::client_basics_tests!(PATH, port: 8080, name: "five-shot-client");

/// A server for `connections` clients that answers each one's message with
/// `reply(msg)` and closes; it gives back what it received.
fn recording_server(
    connections: usize,
    reply: fn(&str) -> String,
) -> (SocketAddr, JoinHandle<Vec<String>>) {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        (0..connections)
            .map(|_| {
                let (mut cs, _) = ls.accept().unwrap();
                cs.set_read_timeout(Some(TIMEOUT)).unwrap();
                let mut buffer = [0; 2048];
                let n = cs.read(&mut buffer).unwrap();
                let msg = String::from_utf8_lossy(&buffer[..n]).into_owned();
                cs.write_all(reply(&msg).as_bytes()).unwrap();
                msg
            })
            .collect()
    });
    (addr, server)
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

#[test]
fn sends_message_0_to_4_one_per_connection() {
    let (addr, server) = recording_server(5, |msg| format!("ECHO: {msg}\n"));
    client(addr).assert().success();
    let received = server.join().unwrap();
    assert_eq!(
        received,
        [
            "Message 0",
            "Message 1",
            "Message 2",
            "Message 3",
            "Message 4"
        ]
    );
}

#[test]
fn prints_each_message_and_reply() {
    let (addr, server) = recording_server(5, |msg| format!("ECHO: {msg}\n"));
    let expected: String = (0..5)
        .map(|i| format!("To Server: Message {i}\nFrom Server: ECHO: Message {i}\n"))
        .collect();
    client(addr).assert().success().stdout(expected);
    server.join().unwrap();
}

#[test]
fn prints_a_reply_that_has_no_newline_on_its_own_line() {
    let (addr, server) = recording_server(5, |_| "no newline here".to_string());
    let assert = client(addr).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(
        stdout.matches("From Server: no newline here\n").count(),
        5,
        "{stdout}"
    );
    server.join().unwrap();
}

#[test]
fn says_when_no_server_is_running() {
    lab_test::checks::says_when_no_server_is_running(PATH);
}

#[test]
fn says_when_the_server_closes_without_a_reply() {
    let (addr, server) = recording_server(1, |_| String::new());
    let assert = client(addr).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("closed the connection without a response"),
        "{stderr}"
    );
    server.join().unwrap();
}

/// `--ip [::1]`, as the servers' listening line writes the address, is accepted.
#[test]
fn connects_to_a_bracketed_ipv6_address() {
    let Ok(ls) = TcpListener::bind("[::1]:0") else {
        return eprintln!("skipped: this machine has no IPv6 loopback");
    };
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        for _ in 0..5 {
            let (mut cs, _) = ls.accept().unwrap();
            cs.set_read_timeout(Some(TIMEOUT)).unwrap();
            let n = cs.read(&mut [0; 2048]).unwrap();
            assert!(n > 0);
            cs.write_all(b"ECHO\n").unwrap();
        }
    });
    let assert = client(addr).args(["--ip", "[::1]"]).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(stdout.matches("From Server: ECHO\n").count(), 5, "{stdout}");
    server.join().unwrap();
}

/// `To Server:` is printed once connected: with no server, it is never printed.
#[test]
fn prints_to_server_only_once_connected() {
    let (_reserved, addr) = lab_test::refusing_addr();
    let assert = client(addr).assert().code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(stdout, "", "nothing was sent, so nothing is said to be");
}
