//! Black-box tests of the UDP time client: its binary, against the grader's
//! reference UDP servers, which answer, stay silent, or lose the first datagram.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::UdpSocket;

use assert_cmd::cargo::cargo_bin_cmd;
use lab_test::TIMEOUT;

// The rubric `lab-grade udp-time-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "udp-time-client",
    env!("CARGO_BIN_EXE_udp-time-client"),
    [
        prints_the_time,
        tries_again_when_the_answer_is_lost,
        gives_up_after_its_tries,
        says_when_nothing_listens,
    ] + command_line
);

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
        .env_remove("LAB_TRACE") // stderr is compared whole: no trace lines
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
