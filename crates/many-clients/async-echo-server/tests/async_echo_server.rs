//! Black-box tests of the async echo server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use lab_test::checks::OneShotServer;
use lab_test::{connect, read_to_end};

const SERVER: OneShotServer = OneShotServer {
    path: env!("CARGO_BIN_EXE_async-echo-server"),
    args: &[],
    reply: |msg| format!("ECHO: {msg}\n"),
};

// The same replies, console lines and robustness as echo server 2.
lab_test::one_shot_server_tests!(SERVER, port: 8080, name: "async-echo-server");

#[test]
fn serves_many_clients_while_some_stay_silent() {
    let mut server = SERVER.start(&["--timeout", "60"]);
    let addr = server.addr();
    let mut silent: Vec<_> = (1..=50)
        .map(|n| {
            let client = connect(addr);
            server.expect_line_containing(&format!("CONNECTION {n}."));
            client
        })
        .collect();
    SERVER.assert_replies(&server, "while fifty are silent");
    for (i, client) in silent.iter_mut().enumerate() {
        client.write_all(format!("late {i}").as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&read_to_end(client)),
            format!("ECHO: late {i}\n")
        );
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_accepting_and_finishes_every_client_in_progress() {
    let mut server = SERVER.start(&["--timeout", "60"]);
    let addr = server.addr();
    let mut clients: Vec<_> = (1..=3)
        .map(|n| {
            let client = connect(addr);
            server.expect_line_containing(&format!("CONNECTION {n}."));
            client
        })
        .collect();

    server.interrupt();
    server.expect_line("No more clients: waiting for the clients in progress to finish");
    assert!(
        std::net::TcpStream::connect_timeout(&addr, lab_test::TIMEOUT).is_err(),
        "a client could still connect after Ctrl-C"
    );
    for (i, client) in clients.iter_mut().enumerate() {
        client.write_all(format!("last {i}").as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&read_to_end(client)),
            format!("ECHO: last {i}\n")
        );
    }
    server.expect_line("Server stopped by the user");
    let status = server.wait_exit();
    assert!(status.success(), "stopped with {status}");
}
