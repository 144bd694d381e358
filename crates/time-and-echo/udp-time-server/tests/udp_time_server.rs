//! Black-box tests of the UDP time server: its binary, on port 0, over real UDP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::{Program, udp_socket};

const PATH: &str = env!("CARGO_BIN_EXE_udp-time-server");

lab_test::server_basics_tests!(PATH, &[], port: 9999, name: "udp-time-server");

/// Sends `request` and returns the one datagram that comes back.
fn ask(server: &Program, request: &[u8]) -> String {
    let socket = udp_socket(server.addr());
    socket.send_to(request, server.addr()).unwrap();
    let mut answer = [0; 2048];
    let (size, from) = socket
        .recv_from(&mut answer)
        .expect("an answer within the timeout");
    assert_eq!(from, server.addr());
    String::from_utf8(answer[..size].to_vec()).unwrap()
}

fn assert_is_a_ctime_line(answer: &str) {
    let time = answer
        .strip_suffix("\r\n")
        .unwrap_or_else(|| panic!("no CRLF: {answer:?}"));
    jiff::civil::DateTime::strptime("%a %b %e %H:%M:%S %Y", time)
        .unwrap_or_else(|e| panic!("not in time.ctime() form: {time:?}: {e}"));
    assert_eq!(time.len(), 24);
}

#[test]
fn answers_a_datagram_with_the_time() {
    let server = Program::server(PATH, &[]);
    assert_is_a_ctime_line(&ask(&server, b"What time is it?"));
}

#[test]
fn answers_an_empty_datagram() {
    let server = Program::server(PATH, &[]);
    assert_is_a_ctime_line(&ask(&server, b""));
}

#[test]
fn answers_the_largest_datagram_udp_can_carry() {
    let server = Program::server(PATH, &[]);
    // 65535 bytes less the IPv4 and UDP headers.
    assert_is_a_ctime_line(&ask(&server, &vec![b'x'; 65_507]));
}

#[test]
fn answers_every_client_without_waiting_on_any() {
    let mut server = Program::server(PATH, &[]);
    // Two clients ask; neither ever reads first: each still gets its own answer.
    let (a, b) = (udp_socket(server.addr()), udp_socket(server.addr()));
    a.send_to(b"a", server.addr()).unwrap();
    b.send_to(b"b", server.addr()).unwrap();
    let mut answer = [0; 2048];
    for socket in [&b, &a] {
        let size = socket.recv(&mut answer).unwrap();
        assert_is_a_ctime_line(std::str::from_utf8(&answer[..size]).unwrap());
    }
    server.expect_line(&format!("Got a datagram from {}", a.local_addr().unwrap()));
    server.expect_line(&format!("Got a datagram from {}", b.local_addr().unwrap()));
}

#[test]
fn a_client_gone_before_the_answer_does_not_stop_it() {
    let server = Program::server(PATH, &[]);
    let gone = udp_socket(server.addr());
    gone.send_to(b"bye", server.addr()).unwrap();
    drop(gone);
    for _ in 0..3 {
        assert_is_a_ctime_line(&ask(&server, b"still there?"));
    }
}

/// It never waits on a client, so it offers no --timeout: not even a hidden one.
#[test]
fn offers_no_timeout_it_would_not_use() {
    let mut with_timeout = Program::start(PATH, &["--timeout", "5"]);
    assert_eq!(with_timeout.wait_exit().code(), Some(2));
}
