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
        serves_clients_in_turn,
        finishes_client_on_ctrl_c,
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
