//! Black-box tests of the five-shot client: its binary, against the grader's
//! reference echo server, which records what each connection sends.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;

use assert_cmd::Command;
use lab_test::TIMEOUT;

const PATH: &str = env!("CARGO_BIN_EXE_five-shot-client");

// The rubric `lab-grade five-shot-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "five-shot-client",
    env!("CARGO_BIN_EXE_five-shot-client"),
    [
        sends_five_messages,
        prints_replies,
        finishes_with_status_0,
        prints_a_reply_without_newline_on_its_line,
        says_when_the_server_closes_without_a_reply,
    ] + client_basics
);

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
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

/// A client's `--port` is its server's: a server's wording ("0: any free port")
/// would mislead, and 0 is refused in words instead of a failed connection.
#[test]
fn a_port_of_0_or_out_of_range_is_refused_in_a_client_s_words() {
    for port in ["0", "99999"] {
        let assert = assert_cmd::Command::new(env!("CARGO_BIN_EXE_five-shot-client"))
            .args(["--port", port])
            .timeout(TIMEOUT)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.contains("1 to 65535") && !stderr.contains("any free port"),
            "--port {port}: expected the server's port from 1 to 65535, got: {stderr}"
        );
    }
}
