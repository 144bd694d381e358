//! # Stream echo client (the blog's client/server page)
//!
//! The page's `echo_client.py`: it sends `Hello, world` (or the message you give
//! it) to the echo server and prints what comes back. After sending, it closes its
//! own side of the connection (a half-close), so the server knows the stream has
//! ended: the server then finishes echoing and closes, and the client has it all.
//!
//! First run the server:   cargo run -p stream-echo-server
//! Then, in a second one:  cargo run -p stream-echo-client
//!                         cargo run -p stream-echo-client -- "Another message"
//!                         cat Cargo.toml | cargo run -p stream-echo-client -- -

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;

use anyhow::{Context, anyhow};
use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_io;

/// Stream echo client: sends a message to an echo server and prints what comes back.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<12345>,

    /// What to send; "-" sends standard input, and writes the echo as it comes back
    #[arg(default_value = "Hello, world")]
    message: String,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the server
    let mut s = args.server.connect()?;

    if args.message == "-" {
        return Ok(echo_stdin(s)?);
    }

    // -- sendall(): the whole message, then close our side: nothing more will come
    let sent = s.write_all(args.message.as_bytes());
    lab_common::trace::send("s", args.message.as_bytes(), &sent);
    sent.context("cannot send the message")?;
    let closed = s.shutdown(Shutdown::Write);
    lab_common::trace::shutdown("s", &closed);
    closed.context("cannot close our side")?;

    // -- Receive until the server closes its side: the whole echo
    let mut data = Vec::new();
    let got = s.read_to_end(&mut data);
    lab_common::trace::recv_all("s", &got, &data);
    got.map_err(|e| anyhow!("no echo: {}", explain_io(&e, "the server")))?;
    println!("Received: {}", String::from_utf8_lossy(&data));
    Ok(())
}

/// Sends standard input to the server while writing what comes back to standard
/// output, both at once: a large input would fill the socket's buffers and stop
/// both sides if we sent it all before reading.
fn echo_stdin(mut s: TcpStream) -> anyhow::Result<()> {
    // A person typing may pause: wait for the echo as long as it takes.
    s.set_read_timeout(None)?;
    let mut sender = s.try_clone()?;
    let sending = thread::spawn(move || -> io::Result<()> {
        io::copy(&mut io::stdin().lock(), &mut sender)?;
        sender.shutdown(Shutdown::Write)
    });
    let received = io::copy(&mut s, &mut io::stdout().lock());
    let sent = sending
        .join()
        .map_err(|_| anyhow!("the sending thread failed"))?;
    sent.map_err(|e| {
        anyhow!(
            "cannot send standard input: {}",
            explain_io(&e, "the server")
        )
    })?;
    received.map_err(|e| anyhow!("no echo: {}", explain_io(&e, "the server")))?;
    Ok(())
}
