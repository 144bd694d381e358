//! # The Happy Server (Session 10)
//!
//! Our first server. It is always happy: whatever a client sends, it answers
//! `HELLO. I am the Happy Server :-)`. It serves one client at a time, for ever,
//! until you press Ctrl-C.
//!
//! Run it:                 cargo run -p happy-server
//! In a second terminal:   printf "Test" | nc 127.0.0.1 8080
//!                         cargo run -p five-shot-client
//! Then press Ctrl-C in the first terminal.
//!
//! The lesson builds this server in five versions, each an example you can run:
//! `cargo run -p happy-server --example version1-configure` (then version2 ... version5).
//! This file is the last version, version5-ctrl-c: version 4 plus a clean stop on Ctrl-C.

use clap::Parser;
use lab_common::{Server, ServerArgs};

/// The Happy Server: replies the same happy message to every client.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs<8080>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Steps 1 to 3: create the socket, bind it to the server's IP and PORT and
    // -- configure it for listening. From here on, Ctrl-C stops the server cleanly.
    let server = Server::start(args.server.addr())?;
    println!("The server is configured!");

    // -- Until Ctrl-C (pressed while serving a client: then no more waiting for clients)
    while !server.stop_requested() {
        // -- Step 4: wait for a client to connect (None: Ctrl-C was pressed)
        println!("Waiting for Clients to connect");
        let Some((mut cs, _client_ip_port)) = server.accept() else {
            break;
        };
        // -- Step 5: accept() made a new socket, cs, for talking to this client
        println!("A client has connected to the server!");

        // -- Step 6: read the client's message: raw bytes, decoded into text
        if let Some(msg) = lab_common::receive(&mut cs, 2048, args.server.timeout()) {
            // -- Printed with control characters escaped: a client must not drive our terminal
            println!("Message received: {}", lab_common::printable(&msg));

            // -- Step 7: send the response message, encoded into bytes
            let response = "HELLO. I am the Happy Server :-)\n";
            lab_common::send(&mut cs, response);
        }
        // -- Close the data socket, politely: closed with the client's bytes unread,
        // -- it would be reset, and what we sent could be lost (see message::close)
        lab_common::message::close(cs);
    }

    // -- Server stopped by the user: the listening socket closes when server is dropped
    println!("Server stopped by the user");
    Ok(())
}
