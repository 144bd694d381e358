//! The Happy Server's five versions, shipped as examples: each one runs and does what its version adds.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use lab_test::{Program, connect, read_to_end, talk};

const HAPPY: &[u8] = b"HELLO. I am the Happy Server :-)\n";

/// Builds the example `name` (cargo builds examples for `cargo test`, but not for
/// `cargo test --test versions`), in the same profile as this test.
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
fn version5_is_the_happy_server_itself() {
    assert_eq!(
        include_str!("../examples/version5-ctrl-c.rs"),
        include_str!("../src/main.rs"),
        "examples/version5-ctrl-c.rs must stay a copy of src/main.rs"
    );
}

#[test]
fn version1_configures_the_socket_and_finishes() {
    let mut version = Program::server(example("version1-configure"), &[]);
    version.expect_line("The server is configured!");
    assert!(version.wait_exit().success());
}

#[test]
fn version2_waits_for_one_client_and_finishes() {
    let mut version = Program::server(example("version2-accept"), &[]);
    version.expect_line("Waiting for Clients to connect");
    let _client = connect(version.addr());
    version.expect_line("A client has connected to the server!");
    assert!(version.wait_exit().success());
}

#[test]
fn version3_reads_and_prints_the_message() {
    let mut version = Program::server(example("version3-read"), &[]);
    let reply = talk(version.addr(), b"Test");
    assert_eq!(reply, b"", "version 3 does not reply yet");
    version.expect_line("Message received: Test");
    assert!(version.wait_exit().success());
}

#[test]
fn version4_replies_to_every_client() {
    let mut version = Program::server(example("version4-reply-loop"), &[]);
    for msg in ["one", "two"] {
        assert_eq!(talk(version.addr(), msg.as_bytes()), HAPPY);
        version.expect_line(&format!("Message received: {msg}"));
    }
    version.expect_line("Waiting for Clients to connect");
}

#[test]
fn version4_survives_a_client_that_sends_nothing() {
    let mut version = Program::server(example("version4-reply-loop"), &["--timeout", "1"]);
    let mut silent = connect(version.addr());
    assert_eq!(read_to_end(&mut silent), b"");
    version.expect_line("The client sent nothing for 1 s: giving up on it");
    assert_eq!(talk(version.addr(), b"next"), HAPPY);
}

/// Versions 1 and 2 read no message, so they offer no --timeout; version 3 does.
#[test]
fn only_the_versions_that_read_offer_a_timeout() {
    for (version, reads) in [
        ("version1-configure", false),
        ("version2-accept", false),
        ("version3-read", true),
    ] {
        let mut help = Program::start(example(version), &["--help"]);
        assert!(help.wait_exit().success());
        let text = help.seen().join("\n");
        assert_eq!(text.contains("--timeout"), reads, "{version}: {text}");
    }
}

/// Versions 3 and 4 print the message with control characters escaped, as version 5 does.
#[test]
fn versions_show_a_clients_control_characters_escaped() {
    for version in ["version3-read", "version4-reply-loop"] {
        let mut server = Program::server(example(version), &[]);
        talk(server.addr(), b"\x1b]0;pwned\x07");
        server.expect_line("Message received: \\u{1b}]0;pwned\\u{7}");
    }
}

/// Versions 3 and 4 close politely too: a client that sent more than was read gets
/// the end of the connection (and version 4's reply), not a reset.
#[test]
fn versions_close_without_a_reset() {
    for (version, reply) in [("version3-read", &b""[..]), ("version4-reply-loop", HAPPY)] {
        let server = Program::server(example(version), &[]);
        assert_eq!(talk(server.addr(), &[b'x'; 4096]), reply, "{version}");
    }
}

/// One numbering: the steps the programs' comments name are the steps of the
/// lesson page's table (1 to 7, no gap), and "version" names the examples.
#[test]
fn the_comments_and_the_page_number_the_steps_alike() {
    let page = include_str!("../../../docs/session-10.md");
    let programs = [
        include_str!("../src/main.rs"),
        include_str!("../examples/version2-accept.rs"),
        include_str!("../examples/version3-read.rs"),
        include_str!("../examples/version4-reply-loop.rs"),
        include_str!("../../echo-server1/src/main.rs"),
        include_str!("../../echo-server2/src/main.rs"),
        include_str!("../../echo-server3/src/main.rs"),
    ];
    for program in programs {
        for (_, rest) in program
            .match_indices("// -- Step ")
            .map(|(i, _)| program.split_at(i + 11))
        {
            let (number, what) = rest.split_once(':').unwrap();
            let number: u32 = number.parse().unwrap();
            let row = format!("| {number}. ");
            assert!(
                page.contains(&row),
                "step {number} ({what:.30}...) is not in the page's table"
            );
        }
    }
    for number in 1..=7 {
        assert!(
            page.contains(&format!("| {number}. ")),
            "the table has no step {number}"
        );
    }
    assert!(
        !page.contains("| 8. "),
        "the table numbers the steps 1 to 7"
    );
    assert!(
        !page.contains("--example step"),
        "the examples are versions"
    );
}

/// The README's diffs for instructors run, and show the lesson without the `//!`
/// headers, which differ in every file.
#[test]
fn the_readmes_instructor_diffs_leave_out_the_headers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = include_str!("../../../README.md");
    let commands: Vec<&str> = readme
        .lines()
        .filter(|line| line.starts_with("git diff --no-index"))
        .collect();
    assert!(commands.len() >= 3, "the README shows no header-free diffs");
    for command in commands {
        let args: Vec<&str> = command
            .split_whitespace()
            .skip(1)
            .map(|arg| arg.trim_matches('\''))
            .collect();
        let Ok(output) = std::process::Command::new("git")
            .args(&args)
            .current_dir(&root)
            .output()
        else {
            return eprintln!("skipped: no git on this machine");
        };
        // git diff --no-index: status 1 when the files differ, 2 or more on an error.
        assert_eq!(output.status.code(), Some(1), "{command}: {output:?}");
        let diff = String::from_utf8_lossy(&output.stdout);
        let changed: Vec<&str> = diff
            .lines()
            .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
            .collect();
        assert!(!changed.is_empty(), "{command}: no change shown");
        assert!(
            changed.iter().all(|l| !l[1..].starts_with("//!")),
            "{command} shows header lines:\n{diff}"
        );
    }
}
