//! # The therapy server (the slides: putting the Doctor online)
//!
//! The one-on-one chat server with the operator replaced by a Doctor (Lambert's
//! `doctor.py`, crate `doctor`): each client gets a new Doctor, which greets it
//! and answers every message. The chat client works against it unchanged: that is
//! the slides' point. One patient at a time: the next one waits in the queue.
//!
//! Run it:                 cargo run -p doctor-server
//! In a second terminal:   cargo run -p chat-client      (then talk to the Doctor)
//! Try `--seed 7` twice with the same sentences: the same replies.

use std::net::TcpStream;
use std::time::Duration;

use clap::Parser;
use doctor::Doctor;
use lab_common::{Server, ServerArgs};

/// The size of the buffer: the most one message can be (the slides' BUFSIZE).
const BUFSIZE: usize = 1024;

/// Doctor server: a Doctor answers each client, one client at a time.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person types the messages: give them five minutes for each.
    #[command(flatten)]
    server: ServerArgs<21566, 300>,

    /// Makes the Doctor's choices repeatable: the same conversation gets the same replies
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket, bind it to the HOST and PORT, and listen
    let server = Server::start(args.server.addr())?;

    loop {
        // -- accept(): wait for a client (None: Ctrl-C was pressed)
        println!("Waiting for connection . . .");
        let Some((client, address)) = server.accept() else {
            break;
        };
        println!("... connected from {address}");

        // -- Create the appropriate bot: a new Doctor for this patient
        let dr = Doctor::new(args.seed);
        session(client, dr, args.server.timeout());
    }

    println!("Server stopped by the user");
    Ok(())
}

/// The conversation with one client: the Doctor's greeting, then its reply to
/// each message, until the client leaves (or stays silent for `timeout`).
fn session(mut client: TcpStream, mut dr: Doctor, timeout: Duration) {
    // -- client.send(dr.greeting())
    if lab_common::send(&mut client, dr.greeting()) {
        // -- message = client.recv(BUFSIZE); if not message: the client has left
        while let Some(message) =
            lab_common::conversation::next_message(&mut client, BUFSIZE, timeout)
        {
            // -- client.send(dr.reply(message))
            if !lab_common::send(&mut client, dr.reply(&message)) {
                break;
            }
        }
    }
    println!("Client disconnected");
    lab_common::message::close(client);
}
