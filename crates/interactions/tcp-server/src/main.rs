//! # TCP server (client/server interactions page)
//!
//! The page's `tcp_server.py`: it waits for one client, receives one message of at
//! most 80 bytes, prints it, and finishes. A client that leaves without sending
//! anything does not end it: it waits for the next one.
//!
//! Run it:                 cargo run -p tcp-server
//! In a second terminal:   cargo run -p tcp-client       (then type a message)
//!                         printf "hello" | nc 127.0.0.1 41267

use clap::Parser;
use lab_common::{Server, ServerArgs};

/// The size of the buffer: the most one message can be.
const BUFFER: usize = 80;

/// TCP server: receives one message from one client, prints it, and finishes.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The client's user types the message after connecting: give them time.
    #[command(flatten)]
    server: ServerArgs<41267, 300>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;

    loop {
        println!("server waits for connection");
        let Some((mut client, client_address)) = server.accept() else {
            println!("Server stopped by the user");
            return Ok(());
        };
        println!("server accepted connection request from {client_address}");

        println!("server waits for data");
        if let Some(data) = lab_common::receive(&mut client, BUFFER, args.server.timeout()) {
            // -- Printed with control characters escaped: a client must not drive our terminal
            println!("server received \"{}\"", lab_common::printable(&data));
            // -- Close politely: closed with the client's bytes unread (more than
            // -- 80), the connection would be reset (see message::close)
            lab_common::message::close(client);
            return Ok(());
        }
        // -- No message from this client: wait for another one
    }
}
