//! # Rock, paper, scissors client (client/server interactions page, exercise 2)
//!
//! It connects to the rps server, then asks for a move, sends it as one line and
//! prints the server's reply (its move, who won, the score), until an empty line or
//! the end of its input. The moves come from standard input: type them, or pipe them.
//!
//! First run the server:   cargo run -p rps-server
//! Then, in a second one:  cargo run -p rps-client
//! Or from a pipe:         printf "rock\npaper\n" | cargo run -p rps-client

use std::io::{self, BufRead, BufReader, Write};

use anyhow::anyhow;
use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_io;
use lab_common::message::receive_line;

/// The longest reply line the client reads.
const MAX_LINE: usize = 1024;

/// Rock, paper, scissors client: plays the moves typed on standard input against the server.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<11268>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the server
    let server = args.server.connect()?;
    // -- Replies are lines: the BufReader keeps what comes after a line for the next one
    let mut replies = BufReader::new(server);
    let went_away =
        |e: io::Error| anyhow!("the server went away: {}", explain_io(&e, "the server"));

    let mut moves = io::stdin().lock().lines();
    loop {
        // -- input(): one move; an empty line, or the end of the input, ends the game
        print!("Your move (rock, paper, scissors): ");
        io::stdout().flush()?;
        let Some(line) = moves.next() else {
            println!();
            return Ok(());
        };
        let line = line?;
        if line.trim().is_empty() {
            return Ok(());
        }

        // -- send() the move as one line, then receive the reply line
        let server = replies.get_mut();
        let data = format!("{line}\n");
        let sent = server.write_all(data.as_bytes());
        lab_common::trace::send("s", data.as_bytes(), &sent);
        sent.map_err(went_away)?;
        match receive_line(&mut replies, MAX_LINE).map_err(went_away)? {
            Some(reply) => println!("{reply}"),
            None => return Err(anyhow!("the server closed the connection").into()),
        }
    }
}
