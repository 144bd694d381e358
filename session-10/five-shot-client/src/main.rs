//! # Five-shot client (Session 10, exercise 4)
//!
//! A client for testing echo server 3: it connects to the server 5 times, and each
//! time sends one message, `Message 0` to `Message 4`, and prints the reply. Each
//! exchange is Practice 2's `Client.talk()`: connect, send, receive, close.
//!
//! First run a server:     cargo run -p echo-server3     (or happy-server, echo-server1...)
//! Then, in a second one:  cargo run -p five-shot-client
//! Echo server 3 then lists the 5 clients and finishes.

use std::io::{Read, Write};
use std::net::TcpStream;

use anyhow::{Context, anyhow};
use clap::Parser;
use colored::Colorize;
use lab_common::ClientArgs;
use lab_common::error::explain_io;

/// Five-shot client: connects 5 times to a server, sending "Message 0" to "Message 4".
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<8080>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    for i in 0..5 {
        // -- Create the socket and connect it to the server's IP and PORT
        let s = args.server.connect()?;

        // -- Connected: one exchange, printed as it goes
        let msg = format!("Message {i}");
        println!("To Server: {}", msg.blue());
        let response = talk(s, &msg)?;
        println!("From Server: {}", response.green());
    }
    Ok(())
}

/// One exchange with the server on the connected socket `s`: send `msg`, read the
/// whole response, close.
fn talk(mut s: TcpStream, msg: &str) -> anyhow::Result<String> {
    // -- Send the message, encoded into bytes
    let sent = s.write_all(msg.as_bytes());
    lab_common::trace::send("s", msg.as_bytes(), &sent);
    sent.context("cannot send the message")?;

    // -- Receive the response: the server closes the connection once it is sent
    let mut response = Vec::new();
    let got = s.read_to_end(&mut response);
    lab_common::trace::recv_all("s", &got, &response);
    got.map_err(|e| anyhow!("no response: {}", explain_io(&e, "the server")))?;
    if response.is_empty() {
        return Err(anyhow!(
            "the server closed the connection without a response"
        ));
    }

    // -- Decode it into text; the socket closes when s is dropped
    let response = String::from_utf8_lossy(&response);
    Ok(response.trim_end_matches(['\r', '\n']).to_string())
}
