//! # The threaded therapy server (the slides' "For Monday": multithreading)
//!
//! The doctor server, plus a thread per client (Lambert's `ClientHandler`): the
//! main thread only accepts, and hands each client to a thread of its own with its
//! own Doctor, so several patients are seen at once, each with its own history.
//! Ctrl-C stops accepting, lets the sessions in progress end, and then stops.
//!
//! Run it:                 cargo run -p threaded-doctor-server
//! In two more terminals:  cargo run -p chat-client      (two patients at once)
//! Compare:                diff crates/chat-and-doctor/{doctor-server,threaded-doctor-server}/src/main.rs

use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use clap::Parser;
use doctor::Doctor;
use lab_common::{Server, ServerArgs};

/// The size of the buffer: the most one message can be (the slides' BUFSIZE).
const BUFSIZE: usize = 1024;

/// Threaded doctor server: a Doctor answers each client, many clients at once.
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

    // -- The threads serving the clients, to wait for them before stopping
    let mut handlers = Vec::new();

    loop {
        // -- accept(): wait for a client (None: Ctrl-C was pressed)
        println!("Waiting for connection . . .");
        let Some((client, address)) = server.accept() else {
            break;
        };
        println!("... connected from {address}");

        // -- Create the appropriate bot: a new Doctor for this patient
        let dr = Doctor::new(args.seed);
        let timeout = args.server.timeout();

        // -- handler = ClientHandler(client); handler.start(): the session runs in
        // -- a thread of its own, and the main thread goes back to accept() at once
        // -- (forgetting the threads that have finished, so the list does not grow)
        handlers.retain(|handler: &thread::JoinHandle<()>| !handler.is_finished());
        // -- (the thread is named after the client's port: --trace says who makes each call)
        let name = format!("client {}", address.port());
        match thread::Builder::new()
            .name(name)
            .spawn(move || session(client, dr, timeout))
        {
            Ok(handler) => handlers.push(handler),
            Err(e) => eprintln!("Cannot start a thread for this client: {e}"),
        }
    }

    // -- Stop accepting: from now on new clients are refused
    drop(server);
    handlers.retain(|handler| !handler.is_finished());
    if !handlers.is_empty() {
        let count = handlers.len();
        println!(
            "Sessions in progress: {count}; waiting for them to end (Ctrl-C again stops at once)"
        );
    }
    for handler in handlers {
        // -- A session never panics; if one did, the others still end normally
        if handler.join().is_err() {
            eprintln!("A session ended with an error");
        }
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
