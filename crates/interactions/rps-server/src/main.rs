//! # Rock, paper, scissors server (client/server interactions page, exercise 2)
//!
//! The page asks how rock, paper, scissors would be played as client and server.
//! Here the server is the other player: for each move a client sends (one line:
//! `rock`, `paper` or `scissors`, in any case), it draws its own move at random
//! and replies with one line, both moves' outcome and the score of the connection:
//!
//! ```text
//! server plays paper: you lose (score: you 0, server 1, draws 0)
//! ```
//!
//! Anything else gets `not a move: play rock, paper or scissors`, and the score
//! stays as it was. One player at a time.
//!
//! Run it:                 cargo run -p rps-server
//! In a second terminal:   cargo run -p rps-client
//!                    or   nc 127.0.0.1 11268        (type rock, paper or scissors)
//! Try `--seed 7` twice: the server plays the same moves both times.

use std::io::{BufReader, ErrorKind};
use std::net::TcpStream;
use std::time::Duration;

use clap::Parser;
use lab_common::error::explain_io;
use lab_common::message::{close, printable, receive_line};
use lab_common::{Server, ServerArgs};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The longest line the server reads: a move is a short word.
const MAX_LINE: usize = 80;

/// Rock, paper, scissors server: plays against each client and keeps the score.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person types the moves: give them five minutes for each.
    #[command(flatten)]
    server: ServerArgs<11268, 300>,

    /// Makes the server's moves repeatable: the same seed, the same moves
    #[arg(long)]
    seed: Option<u64>,
}

/// One of the three moves.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Move {
    Rock,
    Paper,
    Scissors,
}

impl Move {
    /// The move a player typed: any case, surrounding whitespace ignored.
    fn parse(text: &str) -> Option<Move> {
        match text.trim().to_lowercase().as_str() {
            "rock" => Some(Move::Rock),
            "paper" => Some(Move::Paper),
            "scissors" => Some(Move::Scissors),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Move::Rock => "rock",
            Move::Paper => "paper",
            Move::Scissors => "scissors",
        }
    }

    /// Rock blunts scissors, paper wraps rock, scissors cut paper.
    fn beats(self, other: Move) -> bool {
        matches!(
            (self, other),
            (Move::Rock, Move::Scissors)
                | (Move::Paper, Move::Rock)
                | (Move::Scissors, Move::Paper)
        )
    }
}

/// The score of one connection.
#[derive(Default)]
struct Score {
    you: u32,
    server: u32,
    draws: u32,
}

fn main() -> lab_common::Result {
    let args = Args::parse();
    // -- The server's moves: random, or repeatable from --seed
    let mut rng = match args.seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => rand::make_rng(),
    };

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;

    loop {
        println!("rps server waits for a player");
        let Some((player, address)) = server.accept() else {
            println!("Server stopped by the user");
            return Ok(());
        };
        println!("player {address} connected");
        play(player, &mut rng, args.server.timeout());
        println!("player {address} left");
    }
}

/// Plays with one player until they leave.
fn play(player: TcpStream, rng: &mut StdRng, timeout: Duration) {
    // A silent player, or one that never reads our replies, holds us at most `timeout`.
    let timeouts = player.set_read_timeout(Some(timeout));
    if let Err(e) = timeouts.and_then(|()| player.set_write_timeout(Some(timeout))) {
        eprintln!("Cannot talk to the player: {e}");
        return;
    }
    // -- Messages are lines: the BufReader keeps what comes after a line for the next one
    let mut lines = BufReader::new(player);
    let mut score = Score::default();
    loop {
        let line = match receive_line(&mut lines, MAX_LINE) {
            Ok(Some(line)) => line,
            Ok(None) => break, // the player closed the connection
            Err(e) => {
                if e.kind() == ErrorKind::InvalidData {
                    let goodbye = format!("line too long (more than {MAX_LINE} bytes): goodbye\n");
                    lab_common::send(lines.get_mut(), goodbye);
                }
                eprintln!("Closing the connection: {}", explain_io(&e, "the player"));
                break;
            }
        };
        println!("player sent \"{}\"", printable(&line));

        let reply = match Move::parse(&line) {
            Some(yours) => {
                let mine = [Move::Rock, Move::Paper, Move::Scissors][rng.random_range(0..3)];
                let outcome = if yours.beats(mine) {
                    score.you += 1;
                    "you win"
                } else if mine.beats(yours) {
                    score.server += 1;
                    "you lose"
                } else {
                    score.draws += 1;
                    "a draw"
                };
                let Score { you, server, draws } = score;
                format!(
                    "server plays {}: {outcome} (score: you {you}, server {server}, draws {draws})",
                    mine.name()
                )
            }
            None => "not a move: play rock, paper or scissors".to_string(),
        };
        println!("server replies {reply}");
        // -- One reply line per move
        if !lab_common::send(lines.get_mut(), format!("{reply}\n")) {
            break;
        }
    }
    close(lines.into_inner());
}

#[cfg(test)]
mod tests {
    use super::Move::{self, *};

    #[test]
    fn each_move_beats_one_and_loses_to_one() {
        for (winner, loser) in [(Rock, Scissors), (Paper, Rock), (Scissors, Paper)] {
            assert!(winner.beats(loser));
            assert!(!loser.beats(winner));
            assert!(!winner.beats(winner));
        }
    }

    #[test]
    fn moves_are_read_in_any_case_with_spaces_around() {
        assert_eq!(Move::parse("  RoCk\t"), Some(Rock));
        assert_eq!(Move::parse("Scissors"), Some(Scissors));
        assert_eq!(Move::parse("rocks"), None);
        assert_eq!(Move::parse("pa per"), None);
        assert_eq!(Move::parse(""), None);
    }
}
