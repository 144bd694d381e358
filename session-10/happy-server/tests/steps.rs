//! The lesson's steps, shipped as examples: each one runs and does what its step adds.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use lab_test::{Program, connect, read_to_end, talk};

const HAPPY: &[u8] = b"HELLO. I am the Happy Server :-)\n";

/// Builds the example `name` (cargo builds examples for `cargo test`, but not for
/// `cargo test --test steps`), in the same profile as this test.
fn example(name: &str) -> PathBuf {
    escargot::CargoBuild::new()
        .package("happy-server")
        .example(name)
        .current_release()
        .run()
        .unwrap_or_else(|e| panic!("cannot build the example {name}: {e}"))
        .path()
        .to_path_buf()
}

#[test]
fn step5_is_the_happy_server_itself() {
    assert_eq!(
        include_str!("../examples/step5-ctrl-c.rs"),
        include_str!("../src/main.rs"),
        "examples/step5-ctrl-c.rs must stay a copy of src/main.rs"
    );
}

#[test]
fn step1_configures_the_socket_and_finishes() {
    let mut step = Program::server(example("step1-configure"), &[]);
    step.expect_line("The server is configured!");
    assert!(step.wait_exit().success());
}

#[test]
fn step2_waits_for_one_client_and_finishes() {
    let mut step = Program::server(example("step2-accept"), &[]);
    step.expect_line("Waiting for Clients to connect");
    let _client = connect(step.addr());
    step.expect_line("A client has connected to the server!");
    assert!(step.wait_exit().success());
}

#[test]
fn step3_reads_and_prints_the_message() {
    let mut step = Program::server(example("step3-read"), &[]);
    let reply = talk(step.addr(), b"Test");
    assert_eq!(reply, b"", "step 3 does not reply yet");
    step.expect_line("Message received: Test");
    assert!(step.wait_exit().success());
}

#[test]
fn step4_replies_to_every_client() {
    let mut step = Program::server(example("step4-reply-loop"), &[]);
    for msg in ["one", "two"] {
        assert_eq!(talk(step.addr(), msg.as_bytes()), HAPPY);
        step.expect_line(&format!("Message received: {msg}"));
    }
    step.expect_line("Waiting for Clients to connect");
}

#[test]
fn step4_survives_a_client_that_sends_nothing() {
    let mut step = Program::server(example("step4-reply-loop"), &["--timeout", "1"]);
    let mut silent = connect(step.addr());
    assert_eq!(read_to_end(&mut silent), b"");
    step.expect_line("The client sent nothing for 1 s: giving up on it");
    assert_eq!(talk(step.addr(), b"next"), HAPPY);
}

/// Steps 1 and 2 read no message, so they offer no --timeout; step 3 does.
#[test]
fn only_the_steps_that_read_offer_a_timeout() {
    for (step, reads) in [
        ("step1-configure", false),
        ("step2-accept", false),
        ("step3-read", true),
    ] {
        let mut help = Program::start(example(step), &["--help"]);
        assert!(help.wait_exit().success());
        let text = help.seen().join("\n");
        assert_eq!(text.contains("--timeout"), reads, "{step}: {text}");
    }
}

/// Steps 3 and 4 print the message with control characters escaped, as step 5 does.
#[test]
fn steps_show_a_clients_control_characters_escaped() {
    for step in ["step3-read", "step4-reply-loop"] {
        let mut server = Program::server(example(step), &[]);
        talk(server.addr(), b"\x1b]0;pwned\x07");
        server.expect_line("Message received: \\u{1b}]0;pwned\\u{7}");
    }
}

/// Steps 3 and 4 close politely too: a client that sent more than was read gets
/// the end of the connection (and step 4's reply), not a reset.
#[test]
fn steps_close_without_a_reset() {
    for (step, reply) in [("step3-read", &b""[..]), ("step4-reply-loop", HAPPY)] {
        let server = Program::server(example(step), &[]);
        assert_eq!(talk(server.addr(), &[b'x'; 4096]), reply, "{step}");
    }
}
