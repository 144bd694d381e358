//! Black-box tests of the rock, paper, scissors server: its binary, on port 0,
//! played over real TCP, a line at a time as `nc` does, or one `send()` without a
//! newline at a time as the page's clients do.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::thread;

use lab_test::{LineConnection, Program, connect};

const PATH: &str = env!("CARGO_BIN_EXE_rps-server");
const NOT_A_MOVE: &str = "not a move: play rock, paper or scissors";

// The rubric `lab-grade rps-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "rps-server",
    env!("CARGO_BIN_EXE_rps-server"),
    [
        listens,
        plays_and_keeps_the_score,
        takes_moves_in_any_case,
        answers_what_is_not_a_move,
    ] + hostile
        + server_basics
);

/// A reply line taken apart: the server's move, the outcome, and the score.
#[derive(Debug, PartialEq)]
struct Reply {
    server: String,
    outcome: String,
    score: [u32; 3],
}

/// Reads `server plays <move>: <outcome> (score: you <n>, server <m>, draws <k>)`.
fn parse(line: &str) -> Reply {
    try_parse(line).unwrap_or_else(|| panic!("not a reply line: {line:?}"))
}

fn try_parse(line: &str) -> Option<Reply> {
    let rest = line.strip_prefix("server plays ")?;
    let (server, rest) = rest.split_once(": ")?;
    let (outcome, rest) = rest.split_once(" (score: you ")?;
    let (you, rest) = rest.split_once(", server ")?;
    let (them, rest) = rest.split_once(", draws ")?;
    let draws = rest.strip_suffix(')')?;
    Some(Reply {
        server: server.to_string(),
        outcome: outcome.to_string(),
        score: [you.parse().ok()?, them.parse().ok()?, draws.parse().ok()?],
    })
}

/// What playing `mine` against `theirs` gives, by the rules.
fn outcome(mine: &str, theirs: &str) -> &'static str {
    let beats = |a, b| {
        matches!(
            (a, b),
            ("rock", "scissors") | ("paper", "rock") | ("scissors", "paper")
        )
    };
    if beats(mine, theirs) {
        "you win"
    } else if beats(theirs, mine) {
        "you lose"
    } else {
        "a draw"
    }
}

/// Plays `moves` (as sent) whose meaning is `meant`, checking each reply's outcome
/// against the rules and the score against the count so far; returns the replies.
fn play_checked(
    rps: &mut LineConnection,
    moves: &[(&str, &str)],
    score: &mut [u32; 3],
) -> Vec<String> {
    let mut replies = Vec::new();
    for (sent, meant) in moves {
        rps.send(sent);
        let line = rps.read_line();
        let reply = parse(&line);
        assert!(
            ["rock", "paper", "scissors"].contains(&reply.server.as_str()),
            "{line}"
        );
        let expected = outcome(meant, &reply.server);
        assert_eq!(reply.outcome, expected, "{meant} against {}", reply.server);
        score[["you win", "you lose", "a draw"]
            .iter()
            .position(|o| *o == expected)
            .unwrap()] += 1;
        assert_eq!(reply.score, *score, "{line}");
        replies.push(line);
    }
    replies
}

#[test]
fn anything_else_is_not_a_move_and_changes_no_score() {
    let server = Program::server(PATH, &[]);
    let mut rps = LineConnection::connect(server.addr());
    let mut score = [0; 3];
    play_checked(&mut rps, &[("rock", "rock")], &mut score);
    for bad in [
        "",
        "rocks",
        "lizard",
        "rock paper",
        "ro ck",
        "3",
        "\u{1b}[2J",
    ] {
        rps.send(bad);
        assert_eq!(rps.read_line(), NOT_A_MOVE, "reply to {bad:?}");
    }
    play_checked(&mut rps, &[("paper", "paper")], &mut score);
}

#[test]
fn the_score_is_kept_per_connection() {
    let server = Program::server(PATH, &[]);
    let mut first = LineConnection::connect(server.addr());
    play_checked(
        &mut first,
        &[("rock", "rock"), ("paper", "paper")],
        &mut [0; 3],
    );
    drop(first);
    let mut second = LineConnection::connect(server.addr());
    play_checked(&mut second, &[("rock", "rock")], &mut [0; 3]);
}

#[test]
fn the_same_seed_gives_the_same_moves() {
    let moves: Vec<(&str, &str)> = (0..10).map(|_| ("rock", "rock")).collect();
    let play = || {
        let server = Program::server(PATH, &["--seed", "42"]);
        let mut rps = LineConnection::connect(server.addr());
        play_checked(&mut rps, &moves, &mut [0; 3])
    };
    assert_eq!(play(), play());
}

#[test]
fn several_lines_in_one_write_are_each_one_move() {
    let server = Program::server(PATH, &[]);
    let mut rps = LineConnection::connect(server.addr());
    rps.send_bytes(b"rock\npaper\n");
    let mut score = [0; 3];
    for meant in ["rock", "paper"] {
        let reply = parse(&rps.read_line());
        score[["you win", "you lose", "a draw"]
            .iter()
            .position(|o| *o == outcome(meant, &reply.server))
            .unwrap()] += 1;
        assert_eq!(reply.score, score);
    }
}

/// The page's clients: one `send()` without a newline, then `recv()`.
#[test]
fn a_move_without_a_newline_is_answered() {
    let server = Program::server(PATH, &[]);
    let mut rps = connect(server.addr());
    let mut score = 0;
    for sent in ["scissors", "nope", "Paper"] {
        rps.write_all(sent.as_bytes()).unwrap();
        let mut reply = [0; 200];
        let size = rps.read(&mut reply).unwrap();
        let reply = String::from_utf8_lossy(&reply[..size]);
        let line = reply.strip_suffix('\n').expect("one line");
        if sent == "nope" {
            assert_eq!(line, NOT_A_MOVE);
            continue;
        }
        score += 1;
        let parsed = parse(line);
        let meant = sent.to_lowercase();
        assert_eq!(parsed.outcome, outcome(&meant, &parsed.server), "{line}");
        assert_eq!(parsed.score.iter().sum::<u32>(), score, "{line}");
    }
}

#[test]
fn prints_what_the_player_sent_and_the_reply() {
    let mut server = Program::server(PATH, &[]);
    server.expect_line("rps server waits for a player");
    let mut rps = LineConnection::connect(server.addr());
    let me = rps.stream().local_addr().unwrap();
    server.expect_line(&format!("player {me} connected"));
    rps.send("Rock");
    let reply = rps.read_line();
    server.expect_line("player sent \"Rock\"");
    server.expect_line(&format!("server replies {reply}"));
    drop(rps);
    server.expect_line(&format!("player {me} left"));
}

// The shared rubric: nothing a client sends stops the server.

#[test]
fn invalid_utf8_is_not_a_move_and_the_game_goes_on() {
    let mut server = Program::server(PATH, &[]);
    let mut rps = LineConnection::connect(server.addr());
    rps.send_bytes(b"r\xFFck\n");
    assert_eq!(rps.read_line(), NOT_A_MOVE);
    server.expect_line("player sent \"r\u{FFFD}ck\"");
    play_checked(&mut rps, &[("rock", "rock")], &mut [0; 3]);
}

#[test]
fn control_characters_are_shown_escaped_on_the_console() {
    let mut server = Program::server(PATH, &[]);
    let mut rps = LineConnection::connect(server.addr());
    rps.send("\u{1b}]0;pwned\u{7}");
    assert_eq!(rps.read_line(), NOT_A_MOVE);
    server.expect_line("player sent \"\\u{1b}]0;pwned\\u{7}\"");
}

#[test]
fn a_huge_message_is_one_answer_and_the_game_goes_on() {
    let server = Program::server(PATH, &[]);
    let mut huge = LineConnection::connect(server.addr());
    let mut writer = huge.stream().try_clone().unwrap();
    let sending = thread::spawn(move || writer.write_all(&vec![b'x'; 1 << 20]).unwrap());
    assert_eq!(huge.read_line(), NOT_A_MOVE);
    sending.join().unwrap();
    play_checked(&mut huge, &[("scissors", "scissors")], &mut [0; 3]);
}

/// Ctrl-C while the player thinks: the player is told, and the server stops.
#[cfg(unix)]
#[test]
fn ctrl_c_while_the_player_thinks_tells_them_and_stops_the_server() {
    let mut server = Program::server(PATH, &[]);
    let mut rps = LineConnection::connect(server.addr());
    play_checked(&mut rps, &[("rock", "rock")], &mut [0; 3]);
    server.interrupt();
    assert_eq!(rps.read_to_close(), ["the server is stopping: goodbye"]);
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}
