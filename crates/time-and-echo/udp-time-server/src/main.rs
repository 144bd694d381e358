//! # UDP time server (the blog's client/server page)
//!
//! The datagram version of the time server, which the page describes: UDP has no
//! connections, so there is no `listen()` and no `accept()`. The server waits for
//! any datagram with `recvfrom()`, which also says who sent it, and answers with
//! one datagram holding the time, with `sendto()`. It never waits on a client, so
//! no client can hold it.
//!
//! Run it:                 cargo run -p udp-time-server
//! In a second terminal:   cargo run -p udp-time-client
//!                         nc -u 127.0.0.1 9999     (press Enter for each time; Ctrl-C to end)

use clap::Parser;
use lab_common::{ListenArgs, UdpServer, clock};

/// UDP time server: answers every datagram with one datagram holding the time.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// It never waits on a client, so it has no --timeout.
    #[command(flatten)]
    server: ListenArgs<9999>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create a datagram socket and bind it to the IP and PORT
    let server = UdpServer::start(args.server.addr())?;

    // -- recvfrom(): wait for a datagram, whatever it holds (None: Ctrl-C was pressed).
    // -- The buffer holds the largest datagram UDP can carry: none is ever cut
    // -- (Windows reports a cut datagram as an error, and then we could not answer).
    let mut request = vec![0; 65536];
    while let Some((_size, addr)) = server.recv_from(&mut request) {
        println!("Got a datagram from {addr}");

        // -- sendto(): one datagram back to its sender, holding the time
        let current_time = format!("{}\r\n", clock::ctime_now());
        server.send_to(current_time.as_bytes(), addr);
    }

    println!("Server stopped by the user");
    Ok(())
}
