//! # The Happy Server, version 2 of 5: wait for one client
//!
//! Version 1 plus `accept()`: the program no longer ends by itself. It waits until a
//! client connects, says so, and ends.
//!
//! Run it:                 cargo run -p happy-server --example version2-accept
//! In a second terminal:   printf "Test" | nc 127.0.0.1 8080

use anyhow::Context;
use clap::Parser;
use lab_common::ListenArgs;

/// The Happy Server, version 2: wait for one client to connect, then finish.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// It reads no message yet, so it has no --timeout (version 3 adds it).
    #[command(flatten)]
    server: ListenArgs<8080>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Steps 1 to 3: create the socket, bind it to the server's IP and PORT and
    // -- configure it for listening
    let ls = lab_common::listen(args.server.addr())?;
    println!("The server is configured!");

    // -- Step 4: wait for a client to connect
    println!("Waiting for Clients to connect");
    let (_cs, _client_ip_port) = ls.accept().context("waiting for a client")?;
    println!("A client has connected to the server!");

    // -- Close the socket
    drop(ls);
    Ok(())
}
