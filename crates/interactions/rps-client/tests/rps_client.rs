//! Black-box tests of the rock, paper, scissors client: its binary, driven through
//! its standard input, against a server written here that always plays paper.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::thread::JoinHandle;

use assert_cmd::Command;

const PATH: &str = env!("CARGO_BIN_EXE_rps-client");

// The rubric `lab-grade rps-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "rps-client",
    env!("CARGO_BIN_EXE_rps-client"),
    [
        sends_each_move_as_a_line,
        asks_with_the_prompt,
        an_empty_line_ends_the_game,
    ] + client_basics
);

/// A server for one client that answers at most `replies` lines with
/// `paper against <line>` (then closes); gives back the lines it received.
fn server(replies: usize) -> (SocketAddr, JoinHandle<Vec<String>>) {
    lab_test::serve_one_client(move |mut client| {
        let mut received = Vec::new();
        while received.len() < replies {
            let Some(line) = client.next_line() else {
                break;
            };
            client.send(&format!("paper against {line}"));
            received.push(line);
        }
        received
    })
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

#[test]
fn says_when_the_server_goes_away_and_exits_1() {
    let (addr, server) = server(1);
    let assert = client(addr).write_stdin("rock\nrock\n").assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.starts_with("Error: the server"), "{stderr}");
    server.join().unwrap();
}
