//! # The Happy Server, version 3 of 5: read the client's message
//!
//! Version 2 plus `recv()`: accept() gives a new socket for the client, and the server
//! reads the client's message from it and prints it.
//!
//! Run it:                 cargo run -p happy-server --example version3-read
//! In a second terminal:   printf "Test" | nc 127.0.0.1 8080

use anyhow::Context;
use clap::Parser;
use lab_common::ServerArgs;

/// The Happy Server, version 3: read one client's message, then finish.
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

    // -- Step 4: wait for a client to connect
    println!("Waiting for Clients to connect");
    let (mut cs, _client_ip_port) = ls.accept().context("waiting for a client")?;
    // -- Step 5: accept() made a new socket, cs, for talking to this client
    println!("A client has connected to the server!");

    // -- Step 6: read the client's message: raw bytes, decoded into text
    if let Some(msg) = lab_common::receive(&mut cs, 2048, args.server.timeout()) {
        // -- Printed with control characters escaped: a client must not drive our terminal
        println!("Message received: {}", lab_common::printable(&msg));
    }
    // -- Close the data socket, politely: closed with the client's bytes unread,
    // -- it would be reset, and what we sent could be lost (see message::close)
    lab_common::message::close(cs);

    // -- Close the socket
    drop(ls);
    Ok(())
}
