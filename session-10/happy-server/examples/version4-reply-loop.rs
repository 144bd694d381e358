//! # The Happy Server, version 4 of 5: reply, and serve clients for ever
//!
//! Version 3 plus `send()`, inside a never-ending loop: after replying, the server
//! closes the client's socket and waits for the next client. Ctrl-C kills it
//! abruptly, as in the lesson (no goodbye, and a failure exit status): version 5
//! makes it stop cleanly.
//!
//! Run it:                 cargo run -p happy-server --example version4-reply-loop
//! In a second terminal:   printf "Test" | nc 127.0.0.1 8080

use anyhow::Context;
use clap::Parser;
use lab_common::ServerArgs;

/// The Happy Server, version 4: reply to every client, until killed.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs<8080>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Steps 1 to 3: create the socket, bind it to the server's IP and PORT and
    // -- configure it for listening
    let ls = lab_common::listen(args.server.addr())?;
    println!("The server is configured!");

    loop {
        // -- Step 4: wait for a client to connect
        println!("Waiting for Clients to connect");
        let (mut cs, _client_ip_port) = ls.accept().context("waiting for a client")?;
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
}
