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
