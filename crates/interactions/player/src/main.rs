//! # Player of the guessing game (client/server interactions page)
//!
//! The page's player: it connects to the dealer, then asks for a guess, sends it,
//! and prints the dealer's answer, until the answer is `found the secret`. The
//! guesses come from standard input, so a person can type them or a pipe can send
//! them. If the dealer goes away before the end, the player says so (status 1),
//! at once, even while the person is thinking of a guess.
//!
//! First run the dealer:   cargo run -p dealer
//! Then, in a second one:  cargo run -p player

use std::io::{self, BufRead, Read, Write};

use anyhow::anyhow;
use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_io;
use lab_common::watch::Watch;

/// The size of the buffer: the most one answer can be.
const BUFFER: usize = 80;

/// Player of the guessing game: sends the guesses typed on standard input until the secret is found.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<11267>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the dealer
    let mut player = args.server.connect()?;
    println!("player is ready to guess");

    // -- While the person thinks, a second thread notices the dealer going away
    let watch = Watch::start(&player, || {
        eprintln!("\nError: the dealer went away before the secret was found");
        std::process::exit(1)
    })?;
    let mut guesses = io::stdin().lock().lines();
    loop {
        // -- input(): one guess (an empty line asks again)
        print!("Give number : ");
        io::stdout().flush()?;
        let Some(guess) = watch.typing(|| guesses.next()) else {
            return Err(anyhow!("no more guesses: standard input ended").into());
        };
        let guess = guess?;
        if guess.trim().is_empty() {
            continue;
        }

        // -- send() the guess, recv() the answer
        let went_away =
            |e: io::Error| anyhow!("the dealer went away: {}", explain_io(&e, "the dealer"));
        let sent = player.write_all(guess.as_bytes());
        lab_common::trace::send("player", guess.as_bytes(), &sent);
        sent.map_err(went_away)?;
        let mut answer = [0; BUFFER];
        let got = player.read(&mut answer);
        lab_common::trace::recv("player", BUFFER, &got, &answer);
        let size = got.map_err(went_away)?;
        if size == 0 {
            return Err(anyhow!("the dealer went away before the secret was found").into());
        }
        let answer = String::from_utf8_lossy(&answer[..size]);
        println!("> {answer}");

        if answer == "found the secret" {
            return Ok(());
        }
    }
}
