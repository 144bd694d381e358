//! # TCP client (client/server interactions page)
//!
//! The page's `tcp_client.py`: it connects to the TCP server, asks for a message
//! and sends the line you type, without its newline (Python's `input()` drops it).
//! An empty line is refused (status 1): sending it would send no bytes at all, and
//! the server would only see the client leave.
//!
//! First run the server:   cargo run -p tcp-server
//! Then, in a second one:  cargo run -p tcp-client
//! Or from a pipe:         echo "hello" | cargo run -p tcp-client

use std::io::{self, BufRead, Write};

use anyhow::{Context, anyhow};
use clap::Parser;
use lab_common::ClientArgs;

/// TCP client: sends one line typed on standard input to the TCP server.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<41267>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the server
    let mut client = args.server.connect()?;
    println!("client is connected");

    // -- input(): one line, without its newline
    print!("Give message : ");
    io::stdout().flush()?;
    let mut data = Vec::new();
    if io::stdin().lock().read_until(b'\n', &mut data)? == 0 {
        return Err(anyhow!("no message: standard input ended before a line was typed").into());
    }
    let data = data.strip_suffix(b"\n").unwrap_or(&data);
    let data = data.strip_suffix(b"\r").unwrap_or(data);
    if data.is_empty() {
        return Err(
            anyhow!("the message is empty: an empty line sends nothing, type some text").into(),
        );
    }

    // -- send(): the message, as bytes
    let sent = client.write_all(data);
    lab_common::trace::send("client", data, &sent);
    sent.context("cannot send the message")?;
    Ok(())
}
