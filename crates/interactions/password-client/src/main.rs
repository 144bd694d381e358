//! # Password client (client/server interactions page, exercise 1)
//!
//! It connects to the password server, asks `Password: `, sends what is typed as
//! one line and prints the answer; after `access denied` it asks again, until
//! access is granted (status 0) or the server sends it away (status 1).
//!
//! On a terminal the password is not echoed while it is typed; from a pipe, each
//! line is one try.
//!
//! First run the server:   LAB_PASSWORD=sesame cargo run -p password-server
//! Then, in a second one:  cargo run -p password-client
//! Or from a pipe:         printf "guess\nsesame\n" | cargo run -p password-client

use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_io;
use lab_common::message::receive_line;

/// The longest answer line the client reads.
const MAX_LINE: usize = 1024;

/// Password client: sends the password typed (without echo) and prints the answer.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<41268>,
}

fn main() -> lab_common::Result<ExitCode> {
    let args = Args::parse();
    // -- A password is never printed: --trace shows its length only
    lab_common::trace::hide_data();

    // -- Create the socket and connect it to the server
    let server = args.server.connect()?;
    // -- Answers are lines: the BufReader keeps what comes after a line for the next one
    let mut answers = BufReader::new(server);
    let went_away =
        |e: io::Error| anyhow!("the server went away: {}", explain_io(&e, "the server"));

    let on_terminal = io::stdin().is_terminal();
    let mut typed = io::stdin().lock().lines();
    loop {
        // -- input(): the password; not echoed on a terminal, one line from a pipe
        let password = if on_terminal {
            rpassword::prompt_password("Password: ").context("cannot read the password")?
        } else {
            print!("Password: ");
            io::stdout().flush()?;
            let Some(line) = typed.next() else {
                println!();
                return Err(anyhow!("no more passwords: standard input ended").into());
            };
            line?
        };

        // -- send() the try as one line, then receive the answer
        let server = answers.get_mut();
        let data = format!("{password}\n");
        let sent = server.write_all(data.as_bytes());
        lab_common::trace::send("s", data.as_bytes(), &sent);
        sent.map_err(went_away)?;
        let Some(answer) = receive_line(&mut answers, MAX_LINE).map_err(went_away)? else {
            return Err(anyhow!("the server closed the connection").into());
        };
        println!("{answer}");

        match answer.as_str() {
            "access granted" => return Ok(ExitCode::SUCCESS),
            // Denied, and the server said nothing more: try again
            "access denied" if answers.buffer().is_empty() => {}
            // The server says more (too many tries): print it until the server closes
            _ => {
                while let Some(line) = receive_line(&mut answers, MAX_LINE).map_err(went_away)? {
                    println!("{line}");
                }
                return Ok(ExitCode::FAILURE);
            }
        }
    }
}
