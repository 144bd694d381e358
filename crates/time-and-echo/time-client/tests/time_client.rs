//! Black-box tests of the time client: its binary, against small servers written here.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};

use assert_cmd::Command;

const PATH: &str = env!("CARGO_BIN_EXE_time-client");

lab_test::client_basics_tests!(PATH, port: 9999, name: "time-client");

/// A server for one client that sends `reply` and closes, as the time servers do.
fn server_sending(reply: &'static [u8]) -> (SocketAddr, JoinHandle<()>) {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut cs, _) = ls.accept().unwrap();
        cs.write_all(reply).unwrap();
    });
    (addr, server)
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

#[test]
fn prints_the_time_and_the_nice_day() {
    let (addr, server) = server_sending(b"Wed Dec 29 19:14:15 2017\r\nHave a nice day!\r\n");
    client(addr)
        .assert()
        .success()
        .stdout("The time got from the server is Wed Dec 29 19:14:15 2017\nHave a nice day!\n");
    server.join().unwrap();
}

#[test]
fn works_with_the_pages_server_which_sends_only_the_time() {
    let (addr, server) = server_sending(b"Sat Dec  9 07:01:02 2017\r\n");
    client(addr)
        .assert()
        .success()
        .stdout("The time got from the server is Sat Dec  9 07:01:02 2017\n");
    server.join().unwrap();
}

#[test]
fn says_when_no_server_is_running() {
    lab_test::checks::says_when_no_server_is_running(PATH);
}

#[test]
fn says_when_the_server_sends_nothing() {
    let (addr, server) = server_sending(b"");
    let assert = client(addr).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("without sending the time"), "{stderr}");
    server.join().unwrap();
}
