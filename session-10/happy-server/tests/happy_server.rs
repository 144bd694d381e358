//! Black-box tests of the Happy Server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::checks::OneShotServer;

const SERVER: OneShotServer = OneShotServer {
    path: env!("CARGO_BIN_EXE_happy-server"),
    args: &[],
    reply: |_msg| "HELLO. I am the Happy Server :-)\n".to_string(),
};

// The rubric `lab-grade happy-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "happy-server",
    env!("CARGO_BIN_EXE_happy-server"),
    [
        listens,
        replies,
        prints_message,
        closes_the_connection,
        replies_byte_for_byte,
        prints_the_lessons_words,
        serves_clients_in_turn,
        finishes_client_on_ctrl_c,
        closes_without_a_reset,
        escapes_control_characters,
    ] + hostile
        + server_basics
);

#[test]
fn prints_the_lesson_console_lines_in_order() {
    let mut server = SERVER.start(&[]);
    server.expect_line("The server is configured!");
    server.expect_line("Waiting for Clients to connect");
    SERVER.assert_replies(&server, "Test");
    server.expect_line("A client has connected to the server!");
    server.expect_line("Message received: Test");
    server.expect_line("Waiting for Clients to connect");
}

/// The first Ctrl-C while a client is being served says at once that the server
/// stops after this client, and how to stop it now; the client is still served.
#[cfg(unix)]
#[test]
fn first_ctrl_c_while_serving_says_the_server_stops_after_this_client() {
    use std::io::Write;
    let mut server = SERVER.start(&[]);
    let mut client = lab_test::connect(server.addr());
    server.expect_line("A client has connected to the server!");
    server.interrupt();
    // Said before the client sends anything: the server did not ignore Ctrl-C.
    server.expect_line(lab_common::shutdown::STOPPING_AFTER_THIS_CLIENT);
    client.write_all(b"last words").unwrap();
    assert_eq!(
        lab_test::read_to_end(&mut client),
        b"HELLO. I am the Happy Server :-)\n"
    );
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
    // It does not say it waits for clients on its way out.
    let seen = server.seen();
    let last_two = &seen[seen.len().saturating_sub(2)..];
    assert_ne!(
        last_two.first().map(String::as_str),
        Some("Waiting for Clients to connect"),
        "expected no wait for clients after Ctrl-C; the server printed {seen:?}"
    );
}

/// `--ip [::1]`, the form the listening line itself prints, is accepted.
#[test]
fn listens_on_a_bracketed_ipv6_address() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        return eprintln!("skipped: this machine has no IPv6 loopback");
    }
    let mut server = SERVER.start(&["--ip", "[::1]"]);
    assert_eq!(server.addr().ip(), std::net::Ipv6Addr::LOCALHOST);
    SERVER.assert_replies(&server, "over IPv6");
    server.expect_line("Message received: over IPv6");
}

/// `cargo run -p happy-server | head -3`: once nobody reads its console, the
/// server stops quietly (status 141), with no panic and no backtrace.
#[test]
fn stops_quietly_when_its_console_closes() {
    lab_test::stops_quietly_when_its_console_closes(env!("CARGO_BIN_EXE_happy-server"));
}

/// A port held by a connection of this machine (its local end), with no server
/// listening there: the error says so, not that another server listens.
#[test]
fn a_port_held_by_a_connection_is_not_said_to_have_a_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let outgoing = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let _incoming = listener.accept().unwrap();
    drop(listener);
    let held = outgoing.local_addr().unwrap().port().to_string();
    let assert = assert_cmd::Command::new(env!("CARGO_BIN_EXE_happy-server"))
        .args(["--port", &held])
        .timeout(lab_test::TIMEOUT)
        .assert()
        .code(1);
    let said = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        said.starts_with(&format!("Error: port {held} is already in use"))
            && said.contains("no server listens there")
            && !said.contains("is listening there"),
        "expected the port in use by a connection, not by a server; got {said:?}"
    );
    drop(outgoing);
}
