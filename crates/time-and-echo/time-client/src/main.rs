//! # Time client (the blog's client/server page)
//!
//! The page's `client.py`: it connects to the time server, receives what the
//! server sends until the server closes the connection, and prints it.
//!
//! First run the server:   cargo run -p time-server
//! Then, in a second one:  cargo run -p time-client

use std::io::Read;

use anyhow::anyhow;
use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_io;

/// The most we read from a server: far more than a time, and a bound on a server gone wrong.
const MAX_REPLY: u64 = 64 * 1024;

/// Time client: asks a time server for the time and prints it.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<9999>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect to the server: the server sends the time at once
    let s = args.server.connect()?;

    // -- Receive until the server closes the connection
    let mut tm = Vec::new();
    let got = s.take(MAX_REPLY).read_to_end(&mut tm);
    lab_common::trace::recv_all("s", &got, &tm);
    got.map_err(|e| anyhow!("no time received: {}", explain_io(&e, "the server")))?;
    if tm.is_empty() {
        return Err(anyhow!("the server closed the connection without sending the time").into());
    }

    // -- The first line is the time; print whatever else came on lines of their own
    let tm = String::from_utf8_lossy(&tm);
    let mut lines = tm.lines();
    println!(
        "The time got from the server is {}",
        lines.next().unwrap_or_default()
    );
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
