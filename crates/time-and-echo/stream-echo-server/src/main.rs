//! # Stream echo server (the blog's client/server page)
//!
//! The page's `echo_server.py`: it sends back every byte a client sends, in
//! order, until the client closes its side of the connection; then it serves the
//! next client. Unlike the request/reply servers, it does not read one message: a
//! TCP connection is a stream of bytes, and it echoes the whole stream.
//!
//! Run it:                 cargo run -p stream-echo-server
//! In a second terminal:   cargo run -p stream-echo-client
//!                         nc -N 127.0.0.1 12345    (type lines; Ctrl-D to finish)

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use clap::Parser;
use lab_common::error::explain_io;
use lab_common::{Server, ServerArgs};

/// Stream echo server: sends back every byte each client sends, until it closes.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person may type into nc here, so a client may stay silent for a minute.
    #[command(flatten)]
    server: ServerArgs<12345, 60>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;

    // -- One client at a time (None: Ctrl-C was pressed)
    while let Some((mut conn, addr)) = server.accept() {
        println!("Connected by {addr}");
        match echo(&mut conn, args.server.timeout()) {
            Ok(bytes) => println!("{addr} closed the connection after {bytes} bytes"),
            Err(e) => eprintln!(
                "Connection with {addr} ended: {}",
                explain_io(&e, "the client")
            ),
        }
        // -- Close the connection: conn is dropped here
        lab_common::trace::close("conn");
    }

    println!("Server stopped by the user");
    Ok(())
}

/// The page's loop: receive what came, send all of it back, until the client has
/// closed its side (an empty read). Gives up on a client silent for `timeout`.
fn echo(conn: &mut TcpStream, timeout: Duration) -> io::Result<u64> {
    conn.set_read_timeout(Some(timeout))?;
    conn.set_write_timeout(Some(timeout))?;
    let mut data = vec![0; 64 * 1024];
    let mut total = 0;
    loop {
        // -- recv(): whatever has arrived, up to the buffer's size
        let got = conn.read(&mut data);
        lab_common::trace::recv("conn", data.len(), &got, &data);
        let size = match got {
            Ok(0) => return Ok(total),
            Ok(size) => size,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        // -- sendall(): all of it back, in order
        let sent = conn.write_all(&data[..size]);
        lab_common::trace::send("conn", &data[..size], &sent);
        sent?;
        total += size as u64;
    }
}
