//! # Threaded echo server (many clients at once)
//!
//! Echo server 2, with the step every lesson ends on: a pool of worker threads
//! (the Rust Book's `ThreadPool`, in `pool.rs`). The main thread only accepts
//! clients and hands each one to a worker, so a client that takes its time no
//! longer makes every other client wait. At most `--max-clients` clients are served
//! at once; the others wait in the queue until a worker is free.
//!
//! Run it:                 cargo run -p threaded-echo-server
//! In a second terminal:   nc 127.0.0.1 8080                       (type nothing: a silent client)
//! In a third terminal:    printf "Test" | nc 127.0.0.1 8080       (answered at once anyway)
//!                         cargo run -p load-client -- --clients 32 --slow-clients 1
//! Then press Ctrl-C in the first terminal: the clients in progress are served first.

use clap::Parser;
use colored::Colorize;
use lab_common::{Server, ServerArgs};
use pool::ThreadPool;

// -- The pool of worker threads (pool.rs)
mod pool;

/// Threaded echo server: echoes like echo server 2, serving many clients at once.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs<8080>,

    /// How many clients are served at once (the worker threads); the others wait in the queue
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::value_parser!(u16).range(1..=4096))]
    max_clients: u16,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Steps 1 to 3: create the socket, bind it to the server's IP and PORT and
    // -- configure it for listening. From here on, Ctrl-C stops the server cleanly.
    let server = Server::start(args.server.addr())?;
    println!("The server is configured!");

    // -- The worker threads, started once and reused: each serves one client at a time
    let pool = ThreadPool::new(args.max_clients.into())?;
    let timeout = args.server.timeout();

    // -- How many clients have connected so far
    let mut number_con = 0;

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

        // -- Hand the client to a free worker, and go back to accept() at once:
        // -- the worker owns cs now (move), and talks to the client on its own
        pool.execute(move || {
            // -- Step 6: read the client's message: raw bytes, decoded into text
            if let Some(msg) = lab_common::receive(&mut cs, 2048, timeout) {
                // -- Printed with control characters escaped: a client must not drive our terminal
                println!("Message received: {}", lab_common::printable(&msg).green());

                // -- Step 7: send the echo: "ECHO: " and the client's message, as bytes
                let response = format!("ECHO: {msg}\n");
                lab_common::send(&mut cs, response);
            }
            // -- Close the data socket, politely: closed with the client's bytes unread,
            // -- it would be reset, and what we sent could be lost (see message::close)
            lab_common::message::close(cs);
            // -- The worker takes the next client
        });
    }

    // -- Stop accepting: the listening socket closes when server is dropped. Then the
    // -- pool, when dropped, lets the workers finish their clients and joins them.
    drop(server);
    println!(
        "No more clients: waiting for the clients in progress to finish (press Ctrl-C again to stop now)"
    );
    drop(pool);
    println!("Server stopped by the user");
    Ok(())
}
