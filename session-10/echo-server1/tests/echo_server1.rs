//! Black-box tests of echo server 1: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::checks::OneShotServer;

const SERVER: OneShotServer = OneShotServer {
    path: env!("CARGO_BIN_EXE_echo-server1"),
    args: &[],
    reply: |msg| format!("ECHO: {msg}\n"),
};

// The rubric `lab-grade echo-server1` grades with: one test per stage.
lab_grade::rubric_tests!(
    "echo-server1",
    env!("CARGO_BIN_EXE_echo-server1"),
    [
        listens,
        replies,
        prints_message,
        closes_the_connection,
        replies_byte_for_byte,
        prints_the_lessons_words,
        prints_the_message_in_green,
        serves_clients_in_turn,
        finishes_client_on_ctrl_c,
        closes_without_a_reset,
        escapes_control_characters,
    ] + hostile
        + server_basics
);

#[test]
fn prints_the_message_plain_when_not_on_a_terminal() {
    let mut server = SERVER.start(&[]);
    SERVER.assert_replies(&server, "Test");
    // The exact line: no colour codes when the output is piped.
    server.expect_line("Message received: Test");
}

#[test]
fn prints_the_message_in_green_when_colour_is_forced() {
    let mut command = std::process::Command::new(SERVER.path);
    command
        .args(["--port", "0"])
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR");
    let mut server = lab_test::Program::spawn(command);
    server.wait_listening();
    SERVER.assert_replies(&server, "Test");
    server.expect_line("Message received: \u{1b}[32mTest\u{1b}[0m");
}
