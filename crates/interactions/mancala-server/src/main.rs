//! # Mancala server (client/server interactions page, exercises 3 to 5)
//!
//! The page's mancala game (Kalah with 6 pits and 4 stones) as a client/server
//! game. The server owns the board and the rules; the clients only send moves and
//! show what the server sends. Two players connect, player 1 first, and take
//! turns; with `--vs-computer` one player plays against the server.
//!
//! The protocol is plain lines, so `nc` can play: after each move both players get
//! the board drawn in text; the player to move gets `Your move (pit 1-6): ` and
//! answers with a pit number; a bad move gets a line saying what is wrong and the
//! same prompt again; the end is `Game over: <winner> wins, <a> to <b>`. A player
//! who leaves ends the game for the other. One game at a time: then the server
//! waits for the next players.
//!
//! Run it:                 cargo run -p mancala-server
//! Then, in two terminals: cargo run -p mancala-client       (player 1, then player 2)
//!                    or   nc 127.0.0.1 11269
//! Alone:                  cargo run -p mancala-server -- --vs-computer

mod computer;
mod game;
mod kalah;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;

use clap::Parser;
use lab_common::{Server, ServerArgs};

use crate::game::{End, Event, Seat, Table, name};
use crate::kalah::Player;

/// Mancala server: Kalah(6,4) for two players, or one against the computer.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person thinks before each move: give them five minutes for each.
    #[command(flatten)]
    server: ServerArgs<11269, 300>,

    /// Play against the computer: one client is player 1, the server plays player 2
    #[arg(long)]
    vs_computer: bool,
}

fn main() -> lab_common::Result {
    let args = Args::parse();
    let (vs_computer, timeout) = (args.vs_computer, args.server.timeout());

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;
    server.on_first_ctrl_c("Ctrl-C: the game ends now, and the server stops");

    loop {
        // -- Seat the players: one with --vs-computer, else two (player 1 first).
        // -- Their reading threads report on one channel, one per game.
        let (events_sender, events) = mpsc::channel();
        let over = Arc::new(AtomicBool::new(false));
        let people = if vs_computer { 1 } else { 2 };
        let mut seats: Vec<Seat> = Vec::new();
        while seats.len() < people {
            let next = [Player::One, Player::Two][seats.len()];
            println!("mancala server waits for {}", name(next, vs_computer));
            let Some((client, address)) = server.accept() else {
                for seat in &mut seats {
                    seat.tell("The server is stopping: goodbye.");
                }
                println!("Server stopped by the user");
                return Ok(());
            };
            // -- Player 1 may have left while waiting: then this client is player 1.
            // -- (What player 1 typed before the game started is not a move: dropped.)
            if events
                .try_iter()
                .any(|event| matches!(event, Event::Left(_)))
            {
                seats.clear();
            }
            let player = [Player::One, Player::Two][seats.len()];
            let name = name(player, vs_computer);
            println!("{name} connected from {address}");
            let seat = Seat::new(
                client,
                player,
                name,
                events_sender.clone(),
                Arc::clone(&over),
                timeout,
            );
            let mut seat = match seat {
                Ok(seat) => seat,
                Err(e) => {
                    eprintln!("Cannot seat the client from {address}: {e}");
                    continue;
                }
            };
            let welcome = match (player, vs_computer) {
                (Player::One, true) => {
                    "Welcome to Kalah: you are player 1, the computer is player 2."
                }
                (Player::One, false) => "Welcome to Kalah: you are player 1. Waiting for player 2.",
                (Player::Two, _) => "Welcome to Kalah: you are player 2.",
            };
            seat.tell(welcome);
            seats.push(seat);
        }
        drop(events_sender);

        // -- Play the game, then wait for the next players
        let stop = server.stop_handle();
        let table = Table::new(seats, events, vs_computer, timeout, stop, over);
        if table.play() == End::Stopping {
            println!("Server stopped by the user");
            return Ok(());
        }
    }
}
