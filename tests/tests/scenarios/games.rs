//! The interactions page's exercises end to end: each client against its server
//! (the password dialogue, rock-paper-scissors, and a whole game of mancala).
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use lab_test::Program;
use scenarios::{output_of, program, start};

/// The password server, with `open sesame` given through LAB_PASSWORD.
fn password_server() -> Program {
    let mut command = Command::new(program("password-server"));
    command
        .args(["--port", "0"])
        .env("LAB_PASSWORD", "open sesame");
    let mut server = Program::spawn(command);
    server.wait_listening();
    server
}

#[test]
fn password_client_is_granted_access_after_a_wrong_try() {
    let server = password_server();
    let mut client = start("password-client", &["--port", &server.port()]);
    client.write_stdin("open sesame?\nopen sesame\n");
    client.close_stdin();
    assert_eq!(
        output_of(client),
        ["Password: access denied", "Password: access granted"]
    );
}

#[test]
fn password_client_is_sent_away_after_three_wrong_tries() {
    let server = password_server();
    let mut client = start("password-client", &["--port", &server.port()]);
    client.write_stdin("a\nb\nc\nd\n");
    client.close_stdin();
    assert_eq!(client.wait_exit().code(), Some(1));
    assert_eq!(
        client.seen(),
        [
            "Password: access denied",
            "Password: access denied",
            "Password: access denied",
            "too many tries: goodbye"
        ]
    );
}

#[test]
fn rps_client_plays_rps_server_and_the_score_adds_up() {
    let server = Program::server(program("rps-server"), &["--seed", "3"]);
    let mut client = start("rps-client", &["--port", &server.port()]);
    client.write_stdin("rock\nPAPER\nscissors\n\n");
    let lines = output_of(client);
    assert_eq!(lines.len(), 4, "{lines:#?}");
    let prompt = "Your move (rock, paper, scissors): ";
    for line in &lines[..3] {
        assert!(
            line.starts_with(&format!("{prompt}server plays ")),
            "{line}"
        );
    }
    assert_eq!(lines[3], prompt, "an empty line ends the game");
    let score = lines[2].rsplit("(score: ").next().unwrap();
    let counts: u32 = score
        .trim_end_matches(')')
        .split(", ")
        .map(|part| part.rsplit(' ').next().unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(counts, 3, "three moves, three results: {}", lines[2]);
}

#[test]
fn mancala_client_plays_a_whole_game_against_the_computer() {
    let mut server = Program::server(program("mancala-server"), &["--vs-computer"]);
    let mut client = start("mancala-client", &["--port", &server.port()]);
    // Pits 6 to 1, over and over: an empty pit is answered, and the next line tried.
    client.write_stdin(&"6\n5\n4\n3\n2\n1\n".repeat(40));
    client.close_stdin();
    let lines = output_of(client);
    let over = lines.last().unwrap();
    assert!(over.starts_with("Game over: "), "{lines:#?}");
    assert!(
        lines.iter().any(|l| l == "Your move (pit 1-6): 6"),
        "{lines:#?}"
    );
    server.expect_line(over);
}
