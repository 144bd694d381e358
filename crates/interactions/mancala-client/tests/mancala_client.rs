//! Black-box tests of the mancala client: its binary, its pits piped to its
//! standard input, against a server written here that sends a script of lines
//! and prompts.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::thread::JoinHandle;

use assert_cmd::Command;

const PATH: &str = env!("CARGO_BIN_EXE_mancala-client");
const PROMPT: &str = "Your move (pit 1-6): ";

// The rubric `lab-grade mancala-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "mancala-client",
    env!("CARGO_BIN_EXE_mancala-client"),
    [answers_each_prompt_with_a_line,] + client_basics
);

/// A server for one client: sends `script` line by line; after each prompt it
/// reads one line (the pit) before going on; then closes. Gives back the pits.
fn server(script: &'static [&'static str]) -> (SocketAddr, JoinHandle<Vec<String>>) {
    lab_test::serve_one_client(move |mut client| {
        let mut pits = Vec::new();
        for line in script {
            client.send(line);
            if *line == PROMPT {
                let Some(pit) = client.next_line() else { break };
                pits.push(pit);
            }
        }
        pits
    })
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

const GAME: &[&str] = &[
    "Welcome to Kalah: you are player 1, the computer is player 2.",
    "  player 2     6    5    4    3    2    1",
    PROMPT,
    "Pit 9 is not there",
    PROMPT,
    "Move: player 1 plays pit 3.",
    "Game over: player 1 wins, 30 to 18",
];

#[test]
fn prints_what_the_server_sends_and_answers_each_prompt_with_a_line() {
    let (addr, server) = server(GAME);
    let assert = client(addr).write_stdin("9\n 3\n4\n").assert().success();
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stdout),
        concat!(
            "Welcome to Kalah: you are player 1, the computer is player 2.\n",
            "  player 2     6    5    4    3    2    1\n",
            "Your move (pit 1-6): 9\n",
            "Pit 9 is not there\n",
            "Your move (pit 1-6):  3\n",
            "Move: player 1 plays pit 3.\n",
            "Game over: player 1 wins, 30 to 18\n",
        ),
        "from a pipe, the pit is shown after the prompt as a person would see it typed"
    );
    assert_eq!(
        server.join().unwrap(),
        ["9", " 3"],
        "one line per prompt, as typed"
    );
}

#[test]
fn says_when_its_input_ends_and_exits_1() {
    let (addr, server) = server(GAME);
    let assert = client(addr).write_stdin("").assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("no more moves: standard input ended"),
        "{stderr}"
    );
    server.join().unwrap();
}
