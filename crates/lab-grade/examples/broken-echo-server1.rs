//! # A deliberately broken echo server 1, for the grader's own tests
//!
//! Echo server 1 with one mistake a student makes, chosen by `--mistake`:
//!
//! - `no-space`: replies `ECHO:Test` instead of `ECHO: Test`;
//! - `utf8-panic`: decodes the message with `unwrap()`, so invalid UTF-8 panics.
//!
//! The grader's tests check that each fails exactly the stage its mistake breaks:
//! `cargo run -p lab-grade --example broken-echo-server1 -- --mistake no-space`.
// The mistakes are the point of this program.
#![allow(clippy::unwrap_used)]

use colored::Colorize;
use std::io::Read;

use clap::{Parser, ValueEnum};
use lab_common::{Server, ServerArgs};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mistake {
    NoSpace,
    Utf8Panic,
}

/// A broken echo server 1.
#[derive(Parser)]
#[command(name = "echo-server1", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs<8080>,
    /// The mistake to make.
    #[arg(long, value_enum)]
    mistake: Mistake,
}

fn main() -> lab_common::Result {
    let args = Args::parse();
    let server = Server::start(args.server.addr())?;
    println!("The server is configured!");
    loop {
        println!("Waiting for Clients to connect");
        let Some((mut cs, _)) = server.accept() else {
            break;
        };
        println!("A client has connected to the server!");
        let msg = if args.mistake == Mistake::Utf8Panic {
            // The mistake: a message that is not UTF-8 panics here.
            cs.set_read_timeout(Some(args.server.timeout()))?;
            let mut buffer = [0; 2048];
            let read = loop {
                match cs.read(&mut buffer) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    read => break read,
                }
            };
            match read {
                Ok(n) if n > 0 => Some(String::from_utf8(buffer[..n].to_vec()).unwrap()),
                _ => None,
            }
        } else {
            lab_common::receive(&mut cs, 2048, args.server.timeout())
        };
        if let Some(msg) = msg {
            println!("Message received: {}", lab_common::printable(&msg).green());
            let response = match args.mistake {
                // The mistake: no space after the colon.
                Mistake::NoSpace => format!("ECHO:{msg}\n"),
                Mistake::Utf8Panic => format!("ECHO: {msg}\n"),
            };
            lab_common::send(&mut cs, response);
        }
        lab_common::message::close(cs);
    }
    println!("Server stopped by the user");
    Ok(())
}
