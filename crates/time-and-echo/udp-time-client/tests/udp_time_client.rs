//! Black-box tests of the UDP time client: its binary, against UDP sockets of the
//! test that answer, stay silent, or lose the first datagram.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::UdpSocket;
use std::thread::{self, JoinHandle};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use lab_test::TIMEOUT;

const PATH: &str = env!("CARGO_BIN_EXE_udp-time-client");

lab_test::client_basics_tests!(PATH, port: 9999, name: "udp-time-client");

/// A UDP server that ignores the first `lose` datagrams and answers the next one
/// with `answer`; it gives back how many datagrams it got.
fn server(lose: usize, answer: &'static [u8]) -> (UdpSocket, JoinHandle<usize>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(TIMEOUT)).unwrap();
    let serving = socket.try_clone().unwrap();
    let handle = thread::spawn(move || {
        let mut request = [0; 2048];
        for got in 1.. {
            let (_, from) = serving.recv_from(&mut request).unwrap();
            if got > lose {
                serving.send_to(answer, from).unwrap();
                return got;
            }
        }
        unreachable!()
    });
    (socket, handle)
}

fn client(socket: &UdpSocket, timeout: &str) -> Command {
    let mut command = lab_test::client(PATH, socket.local_addr().unwrap());
    command.args(["--timeout", timeout]);
    command
}

#[test]
fn prints_the_time_it_is_sent() {
    let (socket, server) = server(0, b"Wed Dec 29 19:14:15 2017\r\n");
    client(&socket, "5")
        .assert()
        .success()
        .stdout("The time got from the server is Wed Dec 29 19:14:15 2017\n");
    assert_eq!(server.join().unwrap(), 1);
}

#[test]
fn tries_again_when_the_answer_is_lost() {
    let (socket, server) = server(1, b"Wed Dec 29 19:14:15 2017\r\n");
    let assert = client(&socket, "3").assert().success();
    let output = assert.get_output();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "The time got from the server is Wed Dec 29 19:14:15 2017\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "No answer within 1.0 s (try 1 of 3)\n"
    );
    assert_eq!(server.join().unwrap(), 2, "one datagram lost, one answered");
}

#[test]
fn gives_up_after_its_tries_when_no_answer_comes() {
    // A socket that receives and never answers: every datagram is "lost".
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let assert = client(&silent, "0.6")
        .arg("--tries")
        .arg("3")
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr.matches("No answer within 0.2 s").count(),
        3,
        "{stderr}"
    );
    assert!(
        stderr.ends_with(&format!(
            "Error: no answer from 127.0.0.1:{port} after 3 tries: is the server running? (UDP cannot tell)\n"
        )),
        "{stderr}"
    );
    // It really sent its 3 datagrams.
    silent.set_read_timeout(Some(TIMEOUT)).unwrap();
    for _ in 0..3 {
        silent.recv(&mut [0; 64]).unwrap();
    }
}

/// On loopback with nothing listening the system answers "port unreachable": the
/// client says so at once, in one line, instead of trying again and again.
#[cfg(target_os = "linux")]
#[test]
fn says_at_once_when_nothing_listens() {
    // Reserve a port where nothing listens: a UDP socket connected elsewhere keeps
    // the port but takes no datagram from anyone else, so the system refuses them.
    let reserved = UdpSocket::bind("127.0.0.1:0").unwrap();
    reserved.connect("127.0.0.1:9").unwrap();
    let port = reserved.local_addr().unwrap().port();
    let assert = cargo_bin_cmd!("udp-time-client")
        .args(["--port", &port.to_string(), "--timeout", "60"])
        .timeout(TIMEOUT)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        format!(
            "Error: nothing is listening on 127.0.0.1:{port} (connection refused): is the server running?\n"
        )
    );
}

/// An IPv6 server is named the way the listening lines name it: `[::1]:9999`.
#[test]
fn names_an_ipv6_server_with_brackets() {
    let Ok(silent) = UdpSocket::bind("[::1]:0") else {
        return eprintln!("skipped: this machine has no IPv6 loopback");
    };
    let port = silent.local_addr().unwrap().port();
    let assert = cargo_bin_cmd!("udp-time-client")
        .args(["--ip", "::1", "--port", &port.to_string()])
        .args(["--timeout", "0.2", "--tries", "1"])
        .timeout(TIMEOUT)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.ends_with(&format!(
            "Error: no answer from [::1]:{port} after 1 try: is the server running? (UDP cannot tell)\n"
        )),
        "{stderr}"
    );
}

/// UDP does not connect: --help says what --timeout is, the wait for the answer.
#[test]
fn help_says_the_timeout_is_the_wait_for_the_answer() {
    let assert = cargo_bin_cmd!("udp-time-client")
        .arg("--help")
        .timeout(TIMEOUT)
        .assert()
        .success();
    let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(help.contains("Seconds to wait for the answer"), "{help}");
    assert!(!help.contains("connect"), "{help}");
}
