//! # Time server (the blog's client/server page)
//!
//! The page's `server.py`: to every client that connects it sends the current
//! local time, as Python's `time.ctime()` writes it, and closes the connection. It
//! reads nothing: connecting is the whole request. This is the "daytime" service
//! of RFC 867, whose lines end in CRLF (`\r\n`); from the slides, it also wishes
//! the client a nice day.
//!
//! Run it:                 cargo run -p time-server
//! In a second terminal:   nc -d 127.0.0.1 9999     (-d: send nothing, end when it closes)
//!                         cargo run -p time-client

use clap::Parser;
use lab_common::{ListenArgs, Server, clock};

/// Time server: sends every client the local time, and closes.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// It never waits on a client (it reads nothing), so it has no --timeout.
    #[command(flatten)]
    server: ListenArgs<9999>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;

    // -- Establish a connection with each client in turn (None: Ctrl-C was pressed)
    while let Some((mut clientsocket, addr)) = server.accept() {
        println!("Got a connection from {addr}");

        // -- The current time, then a nice day, each line ending in \r\n
        let current_time = format!("{}\r\nHave a nice day!\r\n", clock::ctime_now());
        lab_common::send(&mut clientsocket, current_time);

        // -- Close the client's socket, politely: a client that sent something
        // -- would otherwise see its connection reset, and maybe lose the time
        lab_common::message::close(clientsocket);
    }

    println!("Server stopped by the user");
    Ok(())
}
