//! # Echo server 1 (Session 10, exercise 1)
//!
//! The Happy Server turned into an echo server: it answers every client with
//! `ECHO: ` followed by the client's own message, and prints the message it
//! received in green.
//!
//! Run it:                 cargo run -p echo-server1
//! In a second terminal:   printf "Test" | nc 127.0.0.1 8080       (answers ECHO: Test)
//!                         cargo run -p five-shot-client
//! Then press Ctrl-C in the first terminal.

use clap::Parser;
use colored::Colorize;
use lab_common::{Server, ServerArgs};

/// Echo server 1: replies "ECHO: " and the client's message to every client.
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
            println!("Message received: {}", lab_common::printable(&msg).green());

            // -- Step 7: send the echo: "ECHO: " and the client's message, as bytes
            let response = format!("ECHO: {msg}\n");
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
