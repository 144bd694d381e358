//! # Mancala client (client/server interactions page, exercise 5)
//!
//! The server owns the game; the client only shows it and passes the moves on. It
//! prints every line the server sends (the board, the moves, the end), and at each
//! `Your move (pit 1-6): ` asks the person for a pit and sends it as one line. The
//! pits come from standard input, so a pipe can play too. It ends when the server
//! closes the connection.
//!
//! First run the server:   cargo run -p mancala-server -- --vs-computer
//! Then, in a second one:  cargo run -p mancala-client
//! Or from a pipe:         printf "3\n6\n1\n" | cargo run -p mancala-client

use std::io::{self, BufRead, BufReader, IsTerminal, Write};

use anyhow::anyhow;
use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_io;
use lab_common::message::receive_line;

/// The longest line the client reads from the server.
const MAX_LINE: usize = 1024;

/// Mancala client: shows the game the server sends and sends the pits typed on standard input.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<11269>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the server
    let server = args.server.connect()?;
    // -- A game waits on people (the other player, a second player to come): no
    // -- time limit on the server's lines. If the server goes, the connection ends.
    server.set_read_timeout(None)?;
    // -- The server sends lines: the BufReader keeps what comes after a line for the next one
    let mut lines = BufReader::new(server);
    let went_away =
        |e: io::Error| anyhow!("the server went away: {}", explain_io(&e, "the server"));

    let from_a_pipe = !io::stdin().is_terminal();
    let mut pits = io::stdin().lock().lines();
    // -- recv(): every line the server sends, until it closes the connection
    while let Some(line) = receive_line(&mut lines, MAX_LINE).map_err(went_away)? {
        if !line.starts_with("Your move") {
            println!("{line}");
            continue;
        }
        // -- The server asks for a move: input() a pit and send() it as one line
        print!("{line}");
        io::stdout().flush()?;
        let Some(pit) = pits.next() else {
            println!();
            return Err(anyhow!("no more moves: standard input ended").into());
        };
        let pit = pit?;
        if from_a_pipe {
            println!("{pit}"); // what a person would see they typed
        }
        let server = lines.get_mut();
        let data = format!("{pit}\n");
        let sent = server.write_all(data.as_bytes());
        lab_common::trace::send("s", data.as_bytes(), &sent);
        sent.map_err(went_away)?;
    }
    Ok(())
}
