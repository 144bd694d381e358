//! # Password server (client/server interactions page, exercise 1)
//!
//! The page's first exercise, a password dialogue: each line a client sends is a
//! try, answered `access granted` (and the connection closes) or `access denied`.
//! After 3 wrong tries (`--tries`) the answer is `access denied` and
//! `too many tries: goodbye`, and the connection closes. One client at a time.
//!
//! The password is never written in the program: it comes from the first line of
//! `--password-file PATH`, or the `LAB_PASSWORD` variable, or it is typed, without
//! echo, on the server's terminal. The console shows each try's outcome and the
//! client's address, never the password nor what a client typed.
//!
//! Run it:                 cargo run -p password-server          (type a password)
//!                    or   LAB_PASSWORD=sesame cargo run -p password-server
//! In a second terminal:   cargo run -p password-client
//!                    or   nc 127.0.0.1 41268                    (type tries)

use std::io::{BufReader, ErrorKind, IsTerminal};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use lab_common::error::explain_io;
use lab_common::message::{close, receive_line};
use lab_common::{Server, ServerArgs, send};
use subtle::ConstantTimeEq;

/// The longest line the server reads: one try.
const MAX_LINE: usize = 256;

/// Password server: answers each try with access granted or access denied.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person types the tries: give them five minutes for each.
    #[command(flatten)]
    server: ServerArgs<41268, 300>,

    /// Read the password from the first line of this file (else: LAB_PASSWORD, else type it)
    #[arg(long, value_name = "PATH")]
    password_file: Option<PathBuf>,

    /// Wrong tries a client has before it is sent away
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    tries: u32,
}

fn main() -> lab_common::Result {
    let args = Args::parse();
    // -- The password, given when the server starts: never in the source code
    let password = password(&args)?;
    // -- ... nor printed: --trace shows the length of what clients send, not what
    lab_common::trace::hide_data();

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;

    loop {
        println!("password server waits for a client");
        let Some((client, address)) = server.accept() else {
            println!("Server stopped by the user");
            return Ok(());
        };
        println!("client {address} connected");
        serve(client, address, &password, &args);
    }
}

/// The password: from `--password-file`, `LAB_PASSWORD`, or the server's terminal.
fn password(args: &Args) -> anyhow::Result<String> {
    let password = if let Some(path) = &args.password_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the password file {}", path.display()))?;
        text.lines().next().unwrap_or_default().to_string()
    } else if let Some(value) = std::env::var_os("LAB_PASSWORD") {
        value
            .into_string()
            .map_err(|_| anyhow::anyhow!("LAB_PASSWORD is not valid UTF-8 text"))?
    } else if std::io::stdin().is_terminal() {
        // -- Typed without echo, so nobody reads it over the operator's shoulder
        rpassword::prompt_password("Password the clients must give: ")
            .context("cannot read the password from the terminal")?
    } else {
        bail!(
            "no password: give one with --password-file PATH or in the LAB_PASSWORD variable, \
             or start the server in a terminal to type it"
        );
    };
    if password.is_empty() {
        bail!("the password is empty: choose one of at least one character");
    }
    if password.len() > MAX_LINE {
        bail!("the password is longer than {MAX_LINE} bytes, the longest try a client may send");
    }
    Ok(password)
}

/// Answers the tries of one client, until access is granted, the tries run out or
/// the client leaves.
fn serve(client: TcpStream, address: SocketAddr, password: &str, args: &Args) {
    // A silent client, or one that never reads our replies, holds us at most `timeout`.
    let timeout: Duration = args.server.timeout();
    let timeouts = client.set_read_timeout(Some(timeout));
    if let Err(e) = timeouts.and_then(|()| client.set_write_timeout(Some(timeout))) {
        eprintln!("Cannot talk to client {address}: {e}");
        return;
    }
    // -- Each try is a line: the BufReader keeps what comes after it for the next one
    let mut lines = BufReader::new(client);
    let mut wrong = 0;
    loop {
        let guess = match receive_line(&mut lines, MAX_LINE) {
            Ok(Some(guess)) => guess,
            Ok(None) => {
                println!("client {address} left");
                break;
            }
            Err(e) => {
                if e.kind() == ErrorKind::InvalidData {
                    let goodbye = format!("line too long (more than {MAX_LINE} bytes): goodbye\n");
                    send(lines.get_mut(), goodbye);
                }
                println!(
                    "client {address}: {}: connection closed",
                    explain_io(&e, "the client")
                );
                break;
            }
        };

        // -- The try's outcome, never the try itself, goes on the console
        if is_password(guess.as_bytes(), password.as_bytes()) {
            println!("client {address}: access granted");
            send(lines.get_mut(), "access granted\n");
            break;
        }
        wrong += 1;
        println!(
            "client {address}: access denied (wrong try {wrong} of {})",
            args.tries
        );
        if wrong == args.tries {
            println!("client {address}: too many tries, connection closed");
            send(lines.get_mut(), "access denied\ntoo many tries: goodbye\n");
            break;
        }
        if !send(lines.get_mut(), "access denied\n") {
            break;
        }
    }
    close(lines.into_inner());
}

/// Whether `guess` is the password, in a time that depends on the length of the
/// guess only: never on where, or whether, it differs from the password.
fn is_password(guess: &[u8], password: &[u8]) -> bool {
    // A plain `==` stops at the first byte that differs: by timing the replies, an
    // attacker could learn how many bytes of a guess were right, and find the
    // password a byte at a time. So every byte of the guess is compared, with the
    // password's byte at that place (going round the password if the guess is
    // longer), and the results are combined without a branch (subtle's `Choice`).
    let mut same = guess.len().ct_eq(&password.len());
    for (g, p) in guess.iter().zip(password.iter().cycle()) {
        same &= g.ct_eq(p);
    }
    same.into()
}

#[cfg(test)]
mod tests {
    use super::is_password;

    #[test]
    fn only_the_password_itself_is_the_password() {
        let password = b"open sesame";
        assert!(is_password(b"open sesame", password));
        for wrong in [
            &b""[..],
            b"open",
            b"open sesam",
            b"open sesame!",
            b"Open sesame",
            b"open sesameopen sesame",
        ] {
            assert!(
                !is_password(wrong, password),
                "{:?}",
                String::from_utf8_lossy(wrong)
            );
        }
    }

    #[test]
    fn an_empty_password_matches_nothing_and_never_panics() {
        assert!(!is_password(b"x", b""));
    }
}
