//! # Echo server 3 (Session 10, exercise 3)
//!
//! Echo server 2 plus a list of its clients: it stores every client's IP and PORT,
//! and once 5 clients have connected (`--clients` changes the 5) it prints them all
//! and finishes.
//!
//! Run it:                 cargo run -p echo-server3
//! In a second terminal:   cargo run -p five-shot-client       (5 clients in a row)
//!                         or printf "Test" | nc 127.0.0.1 8080, five times

use clap::Parser;
use colored::Colorize;
use lab_common::{Server, ServerArgs};

/// Echo server 3: echoes like echo server 2; after 5 clients, lists them and finishes.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs<8080>,

    /// How many clients to serve before listing them and finishing
    #[arg(long, default_value_t = 5, value_parser = lab_common::args::parse_count,
          allow_negative_numbers = true)]
    clients: u32,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Steps 1 to 3: create the socket, bind it to the server's IP and PORT and
    // -- configure it for listening. From here on, Ctrl-C stops the server cleanly.
    let server = Server::start(args.server.addr())?;
    println!("The server is configured!");

    // -- How many clients have connected so far
    let mut number_con = 0;
    // -- The (IP, PORT) of every client, in the order they connected
    let mut clients = Vec::new();

    // -- Until Ctrl-C (pressed while serving a client: then no more waiting for clients)
    while !server.stop_requested() {
        // -- Step 4: wait for a client to connect (None: Ctrl-C was pressed)
        println!("Waiting for Clients to connect");
        let Some((mut cs, client_ip_port)) = server.accept() else {
            break;
        };
        // -- Step 5: accept() made a new socket, cs, for talking to this client
        println!("A client has connected to the server!");

        // -- accept() also told us who the client is: its IP and its PORT
        number_con += 1;
        let (ip, port) = (client_ip_port.ip(), client_ip_port.port());
        println!("CONNECTION {number_con}. Client IP,PORT: {ip}, {port}");
        clients.push(client_ip_port);

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

        // -- After the last client: list them all and finish
        if number_con == args.clients {
            println!("The following clients have connected to the server:");
            for (i, client) in clients.iter().enumerate() {
                println!("Client {i}: {client}");
            }
            return Ok(());
        }
        // -- Otherwise the loop starts again, for the next client
    }

    // -- Server stopped by the user: the listening socket closes when server is dropped
    println!("Server stopped by the user");
    Ok(())
}
