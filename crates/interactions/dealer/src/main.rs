//! # Dealer of the guessing game (client/server interactions page)
//!
//! The page's dealer: it waits for a player, picks a secret number from 0 to 9,
//! and answers each guess with `too low`, `too high` or `found the secret`; the
//! game, and the program, end when the secret is found. A guess that is not a
//! whole number from 0 to 9 gets an answer that says so, and the game goes on (the
//! page's dealer would crash). A player who leaves before the end does not end it:
//! the dealer waits for the next player, with a new secret.
//!
//! A guess is one guess however TCP splits it: it ends at a newline, or where the
//! player stops to wait for the answer (the page's player sends no newline). See
//! `guesses.rs`: a guess longer than the 80-byte buffer is answered once, and so
//! are guesses sent all at once. Ctrl-C while the player thinks ends the game:
//! the player is told `the dealer is stopping: goodbye`.
//!
//! Run it:                 cargo run -p dealer
//! In a second terminal:   cargo run -p player         (then type guesses)
//!                         nc -N 127.0.0.1 11267        (type a guess, Enter; Ctrl-D to leave)

mod guesses;

use std::net::TcpStream;
use std::num::IntErrorKind;
use std::time::Duration;

use clap::Parser;
use guesses::{BUFFER, Guess, Guesses};
use lab_common::{Server, ServerArgs};

/// Dealer of the guessing game: picks a secret from 0 to 9; the player guesses it.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person types the guesses: give them five minutes for each.
    #[command(flatten)]
    server: ServerArgs<11267, 300>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;

    loop {
        println!("dealer waits for player to connect");
        let Some((mut player, player_address)) = server.accept() else {
            println!("Server stopped by the user");
            return Ok(());
        };
        println!("dealer accepted connection request from {player_address}");

        // -- Ctrl-C while the player thinks ends the game too
        let ctrl_c = || server.stop_requested();
        match play(&mut player, args.server.timeout(), ctrl_c) {
            End::Found => {
                // -- The secret is found: the game is over. Close politely, so that
                // -- the last answer is not lost to a reset (see message::close)
                lab_common::message::close(player);
                return Ok(());
            }
            End::Left => println!("the player left before finding the secret"),
            End::Stopped => {
                lab_common::send(&mut player, "the dealer is stopping: goodbye");
                lab_common::message::close(player);
                println!("Server stopped by the user");
                return Ok(());
            }
        }
    }
}

/// How a game ended.
enum End {
    /// The player found the secret.
    Found,
    /// The player left before.
    Left,
    /// Ctrl-C was pressed while the player was thinking.
    Stopped,
}

/// One game with `player`, until the secret is found, the player leaves, or
/// `ctrl_c` answers true while the player thinks.
fn play(player: &mut TcpStream, timeout: Duration, mut ctrl_c: impl FnMut() -> bool) -> End {
    let secret: i64 = rand::random_range(0..=9);
    println!("the secret is {secret}");
    let mut guesses = Guesses::default();
    loop {
        println!("dealer waits for a guess");
        let reply = match guesses.next(player, timeout, &mut ctrl_c) {
            Guess::Gone => return End::Left,
            Guess::Stop => return End::Stopped,
            Guess::One(guess) => {
                // -- Printed with control characters escaped: a player must not drive our terminal
                println!("dealer received {}", lab_common::printable(&guess));
                answer(guess.trim(), secret)
            }
            Guess::TooLong => {
                println!("dealer received a guess of more than {BUFFER} bytes");
                "too long: guess a whole number from 0 to 9".to_string()
            }
            Guess::Several => {
                println!("dealer received several guesses at once");
                "one guess at a time: send one, then wait for its answer".to_string()
            }
        };
        if !lab_common::send(player, &reply) {
            return End::Left;
        }
        if reply == "found the secret" {
            return End::Found;
        }
    }
}

/// The dealer's answer to `guess`: exactly the page's words, or what is wrong with
/// it. Every answer fits the player's 80-byte buffer, so none is ever cut in two.
fn answer(guess: &str, secret: i64) -> String {
    let reply = match guess.parse::<i64>() {
        Ok(number) if !(0..=9).contains(&number) => {
            "out of range: guess a whole number from 0 to 9"
        }
        Ok(number) if number < secret => "too low",
        Ok(number) if number > secret => "too high",
        Ok(_) => "found the secret",
        // A whole number too big even for an i64 is out of range too.
        Err(e)
            if matches!(
                e.kind(),
                IntErrorKind::PosOverflow | IntErrorKind::NegOverflow
            ) =>
        {
            "out of range: guess a whole number from 0 to 9"
        }
        Err(_) => "not a whole number: guess a whole number from 0 to 9",
    };
    reply.to_string()
}
