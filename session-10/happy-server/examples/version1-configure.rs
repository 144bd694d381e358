//! # The Happy Server, version 1 of 5: configure the socket
//!
//! Creates the socket, binds it to its IP and PORT, configures it for listening,
//! prints that it is configured and closes it. Nothing more: the program ends.
//!
//! Run it:   cargo run -p happy-server --example version1-configure

use clap::Parser;
use lab_common::ListenArgs;

/// The Happy Server, version 1: configure the listening socket, then finish.
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

    // -- Close the socket
    drop(ls);
    Ok(())
}
