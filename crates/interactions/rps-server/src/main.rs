//! # Rock, paper, scissors server (client/server interactions page, exercise 2)
//!
//! The page asks how rock, paper, scissors would be played as client and server.
//! Here the server is the other player: for each move a client sends (`rock`,
//! `paper` or `scissors`, in any case, as a line or as one `send()` without a
//! newline, as the page's clients do), it draws its own move at random and replies
//! with one line, both moves' outcome and the score of the connection:
//!
//! ```text
//! server plays paper: you lose (score: you 0, server 1, draws 0)
//! ```
//!
//! Anything else gets `not a move: play rock, paper or scissors`, and the score
//! stays as it was. One player at a time; Ctrl-C while the player thinks tells
//! them `the server is stopping: goodbye` and stops the server.
//!
//! Run it:                 cargo run -p rps-server
//! In a second terminal:   cargo run -p rps-client
//!                    or   nc 127.0.0.1 11268        (type rock, paper or scissors)
//! Try `--seed 7` twice: the server plays the same moves both times.

use std::net::TcpStream;
use std::time::Duration;

use clap::Parser;
use lab_common::conversation::{Messages, Next};
use lab_common::message::{close, printable};
use lab_common::{Server, ServerArgs};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The longest message the server reads as a move: a move is a short word.
const MAX_LINE: usize = 80;

/// The reply to what is not a move.
const NOT_A_MOVE: &str = "not a move: play rock, paper or scissors";

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
        // -- Ctrl-C while the player thinks stops the server too
        let ctrl_c = || server.stop_requested();
        if play(player, &mut rng, args.server.timeout(), ctrl_c) == Played::Stopped {
            println!("Server stopped by the user");
            return Ok(());
        }
        println!("player {address} left");
    }
}

/// How a player's game ended.
#[derive(PartialEq)]
enum Played {
    /// The player left.
    Left,
    /// Ctrl-C was pressed while the player was thinking.
    Stopped,
}

/// Plays with one player until they leave, or `ctrl_c` answers true while they think.
fn play(
    mut player: TcpStream,
    rng: &mut StdRng,
    timeout: Duration,
    mut ctrl_c: impl FnMut() -> bool,
) -> Played {
    // -- Each move is one message: a line, or what came before the player waited
    let mut moves = Messages::new(MAX_LINE);
    let mut score = Score::default();
    loop {
        // A silent player, or one that never reads our replies, holds us at most `timeout`.
        let reply = match moves.next(&mut player, timeout, &mut ctrl_c) {
            Next::Message(message) => {
                let line = message.text();
                println!("player sent \"{}\"", printable(&line));
                match Move::parse(&line) {
                    Some(yours) => play_one(yours, rng, &mut score),
                    None => NOT_A_MOVE.to_string(),
                }
            }
            Next::TooLong => {
                println!("player sent a message of more than {MAX_LINE} bytes");
                NOT_A_MOVE.to_string()
            }
            Next::Left => break,
            Next::Stopped => {
                lab_common::send(&mut player, "the server is stopping: goodbye\n");
                close(player);
                return Played::Stopped;
            }
        };
        println!("server replies {reply}");
        // -- One reply line per move
        if !lab_common::send(&mut player, format!("{reply}\n")) {
            break;
        }
    }
    close(player);
    Played::Left
}

/// The server's move against `yours`, and the reply: the outcome and the score.
fn play_one(yours: Move, rng: &mut StdRng, score: &mut Score) -> String {
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
