//! Black-box tests of the player: its binary, driven through its standard input,
//! against a dealer written here whose secret the test chooses.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread::{self, JoinHandle};

use assert_cmd::Command;
use lab_test::TIMEOUT;

const PATH: &str = env!("CARGO_BIN_EXE_player");

lab_test::client_basics_tests!(PATH, port: 11267, name: "player");

/// A dealer for one player with the secret `secret`, answering at most `answers`
/// guesses (then it goes away); gives back the guesses it received.
fn dealer(secret: i64, answers: usize) -> (SocketAddr, JoinHandle<Vec<String>>) {
    let ls = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ls.local_addr().unwrap();
    let dealer = thread::spawn(move || {
        let (mut player, _) = ls.accept().unwrap();
        player.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut guesses = Vec::new();
        while guesses.len() < answers {
            let mut guess = [0; 80];
            let size = player.read(&mut guess).unwrap();
            if size == 0 {
                break;
            }
            let guess = String::from_utf8(guess[..size].to_vec()).unwrap();
            let reply = match guess.parse::<i64>().unwrap() {
                n if n < secret => "too low",
                n if n > secret => "too high",
                _ => "found the secret",
            };
            guesses.push(guess);
            player.write_all(reply.as_bytes()).unwrap();
        }
        guesses
    });
    (addr, dealer)
}

fn player(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

#[test]
fn guesses_until_the_secret_is_found_printing_each_answer() {
    let (addr, dealer) = dealer(6, 10);
    player(addr)
        .write_stdin("2\n8\n6\n9\n")
        .assert()
        .success()
        .stdout(concat!(
            "player is ready to guess\n",
            "Give number : > too low\n",
            "Give number : > too high\n",
            "Give number : > found the secret\n",
        ));
    assert_eq!(
        dealer.join().unwrap(),
        ["2", "8", "6"],
        "sent without newlines, and no more"
    );
}

#[test]
fn skips_empty_lines() {
    let (addr, dealer) = dealer(3, 10);
    player(addr).write_stdin("\n\n3\n").assert().success();
    assert_eq!(dealer.join().unwrap(), ["3"]);
}

#[test]
fn says_when_the_dealer_goes_away_and_exits_1() {
    let (addr, dealer) = dealer(7, 1);
    let assert = player(addr).write_stdin("1\n2\n3\n").assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with("Error: the dealer went away"),
        "{stderr}"
    );
    dealer.join().unwrap();
}

#[test]
fn says_when_the_guesses_run_out() {
    let (addr, dealer) = dealer(7, 10);
    let assert = player(addr).write_stdin("1\n").assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("no more guesses"), "{stderr}");
    dealer.join().unwrap();
}

#[test]
fn says_when_no_dealer_is_running() {
    lab_test::checks::says_when_no_server_is_running(PATH);
}
