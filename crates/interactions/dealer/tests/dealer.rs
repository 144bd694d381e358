//! Black-box tests of the dealer: its binary, on port 0, played over real TCP.
//! No test knows the secret: they find it by bisection, as a good player would.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;

use lab_test::{Program, connect};

const PATH: &str = env!("CARGO_BIN_EXE_dealer");

// The rubric `lab-grade dealer` grades with: one test per stage.
lab_grade::rubric_tests!(
    "dealer",
    env!("CARGO_BIN_EXE_dealer"),
    [
        listens,
        plays_a_game,
        prints_the_secret,
        finishes_after_the_game,
        answers_a_non_number,
        answers_a_number_out_of_range,
        every_answer_fits_80_bytes,
    ] + hostile
        + server_basics
);

/// Sends `guess` and returns the dealer's answer (one read, as the page's player does).
fn guess(dealer: &mut TcpStream, guess: &str) -> String {
    dealer.write_all(guess.as_bytes()).unwrap();
    let mut answer = [0; 80];
    let size = dealer.read(&mut answer).unwrap();
    String::from_utf8(answer[..size].to_vec()).unwrap()
}

/// Plays a whole game by bisection; returns the secret and how many guesses it took.
fn play_by_bisection(dealer: &mut TcpStream) -> (i64, usize) {
    let (mut low, mut high) = (0, 9);
    for tries in 1..=4 {
        let middle = (low + high) / 2;
        match guess(dealer, &middle.to_string()).as_str() {
            "too low" => low = middle + 1,
            "too high" => high = middle - 1,
            "found the secret" => return (middle, tries),
            other => panic!("unexpected answer {other:?}"),
        }
    }
    panic!("bisection over 0..=9 takes at most 4 guesses");
}

#[test]
fn prints_the_lesson_lines() {
    let mut server = Program::server(PATH, &[]);
    server.expect_line("dealer waits for player to connect");
    let mut dealer = connect(server.addr());
    let me = dealer.local_addr().unwrap();
    server.expect_line(&format!("dealer accepted connection request from {me}"));
    server.expect_line_containing("the secret is ");
    server.expect_line("dealer waits for a guess");
    play_by_bisection(&mut dealer);
    server.expect_line("dealer received 4");
}

#[test]
fn accepts_guesses_with_spaces_and_newlines_as_typed_in_nc() {
    let mut server = Program::server(PATH, &[]);
    let mut dealer = connect(server.addr());
    let answer = guess(&mut dealer, " 4 \n");
    assert!(
        ["too low", "too high", "found the secret"].contains(&answer.as_str()),
        "{answer}"
    );
    server.expect_line("dealer received  4 ");
}

/// Ctrl-C in the middle of a game, while the player thinks, ends it: the player
/// is told, and the dealer stops (status 0). A guess that came is answered first.
#[cfg(unix)]
#[test]
fn ctrl_c_while_the_player_thinks_tells_the_player_and_stops_the_dealer() {
    let mut server = Program::server(PATH, &[]);
    let mut dealer = connect(server.addr());
    let answer = guess(&mut dealer, "10");
    assert_eq!(answer, "out of range: guess a whole number from 0 to 9");
    server.expect_line("dealer waits for a guess");
    server.interrupt();
    let mut goodbye = String::new();
    dealer.read_to_string(&mut goodbye).unwrap();
    assert_eq!(goodbye, "the dealer is stopping: goodbye");
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}

/// Control characters in a guess are shown escaped on the console.
#[test]
fn shows_a_players_control_characters_escaped() {
    let mut server = Program::server(PATH, &[]);
    let mut dealer = connect(server.addr());
    let answer = guess(&mut dealer, "\x1b]0;pwned\x07");
    assert_eq!(
        answer,
        "not a whole number: guess a whole number from 0 to 9"
    );
    server.expect_line("dealer received \\u{1b}]0;pwned\\u{7}");
}

/// A guess longer than the 80-byte buffer is one guess, answered once: none of
/// its pieces is taken for a guess (`'1' + 79 zeros + the secret` used to win).
#[test]
fn a_guess_longer_than_the_buffer_is_answered_once() {
    let mut server = Program::server(PATH, &[]);
    let mut dealer = connect(server.addr());
    for digit in 0..=9 {
        let long = format!("1{}{digit}", "0".repeat(79));
        assert_eq!(
            guess(&mut dealer, &long),
            "too long: guess a whole number from 0 to 9"
        );
        server.expect_line("dealer received a guess of more than 80 bytes");
    }
    // The answers stayed in step with the guesses: a normal game follows.
    play_by_bisection(&mut dealer);
    assert!(server.wait_exit().success());
}

/// Two guesses sent in one write (`printf "5\n3\n" | nc ...`) get one answer that
/// says what happened, and the game goes on in step.
#[test]
fn two_guesses_in_one_write_get_one_answer_that_says_so() {
    let mut server = Program::server(PATH, &[]);
    let mut dealer = connect(server.addr());
    assert_eq!(
        guess(&mut dealer, "5\n3\n"),
        "one guess at a time: send one, then wait for its answer"
    );
    server.expect_line("dealer received several guesses at once");
    play_by_bisection(&mut dealer);
}

/// Guesses typed in nc end with a newline, and may come in pieces: each line is
/// one guess.
#[test]
fn a_line_is_one_guess_even_when_it_comes_in_pieces() {
    let mut server = Program::server(PATH, &[]);
    let mut dealer = connect(server.addr());
    // 80 bytes and a newline: two reads of the 80-byte buffer, one guess.
    let padded = format!("{}10\n", " ".repeat(78));
    assert_eq!(
        guess(&mut dealer, &padded),
        "out of range: guess a whole number from 0 to 9"
    );
    server.expect_line(&format!("dealer received {}10", " ".repeat(78)));
    // The newline was not taken for a guess of its own: the game goes on in step.
    play_by_bisection(&mut dealer);
}

/// A player who leaves in the middle of a game, after guessing, is said to have
/// left: not to have "closed the connection without sending a message".
#[test]
fn a_player_who_leaves_after_guessing_is_not_said_to_have_sent_nothing() {
    let mut server = Program::server(PATH, &[]);
    let mut dealer = connect(server.addr());
    assert_eq!(
        guess(&mut dealer, "10"),
        "out of range: guess a whole number from 0 to 9"
    );
    drop(dealer);
    server.expect_line("the player left before finding the secret");
    let console = server.seen().join("\n");
    assert!(!console.contains("without sending"), "{console}");
}
