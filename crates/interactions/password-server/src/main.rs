//! # Password server (client/server interactions page, exercise 1)
//!
//! The page's first exercise, a password dialogue: each message a client sends is
//! a try, answered `access granted` (and the connection closes) or `access denied`.
//! A message is a line (`nc`), or what a client sent before it waited for the
//! answer (one `send()` without a newline, as the page's `tcp_client.py` does).
//! After 3 wrong tries (`--tries`) the answer is `access denied` and
//! `too many tries: goodbye`, and the connection closes. One client at a time.
//!
//! The password is never written in the program: it comes from the first line of
//! `--password-file PATH`, or the `LAB_PASSWORD` variable, or it is typed, without
//! echo, on the server's terminal. A try is compared with it byte for byte, in
//! constant time. The console shows each try's outcome and the client's address,
//! never the password nor what a client typed. Ctrl-C while a client thinks tells
//! it `the server is stopping: goodbye` and stops the server.
//!
//! Run it:                 cargo run -p password-server          (type a password)
//!                    or   LAB_PASSWORD=sesame cargo run -p password-server
//! In a second terminal:   cargo run -p password-client
//!                    or   nc 127.0.0.1 41268                    (type tries)

use std::io::IsTerminal;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use lab_common::conversation::{Messages, Next};
use lab_common::message::close;
use lab_common::{Server, ServerArgs, send};
use subtle::ConstantTimeEq;

/// The longest try the server compares: a longer one is read to its end and is
/// one wrong try.
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
        // -- Ctrl-C while the client thinks stops the server too
        let ctrl_c = || server.stop_requested();
        if serve(client, address, &password, &args, ctrl_c) == Served::Stopped {
            println!("Server stopped by the user");
            return Ok(());
        }
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

/// How serving a client ended.
#[derive(PartialEq)]
enum Served {
    /// Access granted, the tries ran out, or the client left.
    Done,
    /// Ctrl-C was pressed while the client was thinking.
    Stopped,
}

/// Answers the tries of one client, until access is granted, the tries run out,
/// the client leaves, or `ctrl_c` answers true while the client thinks.
fn serve(
    mut client: TcpStream,
    address: SocketAddr,
    password: &str,
    args: &Args,
    mut ctrl_c: impl FnMut() -> bool,
) -> Served {
    // A silent client, or one that never reads our replies, holds us at most `timeout`.
    let timeout: Duration = args.server.timeout();
    // -- Each try is one message: a line, or what came before the client waited
    let mut tries = Messages::new(MAX_LINE);
    let mut wrong = 0;
    loop {
        let granted = match tries.next(&mut client, timeout, &mut ctrl_c) {
            // -- The try's bytes as the client sent them: never a decoded text, in
            // -- which an invalid byte and the `�` that replaces it look the same
            Next::Message(guess) => is_password(guess.bytes(), password.as_bytes()),
            // Longer than any password: a wrong try.
            Next::TooLong => false,
            Next::Left => {
                println!("client {address} left");
                break;
            }
            Next::Stopped => {
                send(&mut client, "the server is stopping: goodbye\n");
                close(client);
                return Served::Stopped;
            }
        };

        // -- The try's outcome, never the try itself, goes on the console
        if granted {
            println!("client {address}: access granted");
            send(&mut client, "access granted\n");
            break;
        }
        wrong += 1;
        println!(
            "client {address}: access denied (wrong try {wrong} of {})",
            args.tries
        );
        if wrong == args.tries {
            println!("client {address}: too many tries, connection closed");
            send(&mut client, "access denied\ntoo many tries: goodbye\n");
            break;
        }
        if !send(&mut client, "access denied\n") {
            break;
        }
    }
    close(client);
    Served::Done
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
    fn an_invalid_byte_is_not_the_character_that_replaces_it() {
        let password = "caf\u{FFFD}".as_bytes();
        assert!(!is_password(b"caf\xFF", password));
        assert!(is_password("caf\u{FFFD}".as_bytes(), password));
    }

    #[test]
    fn an_empty_password_matches_nothing_and_never_panics() {
        assert!(!is_password(b"x", b""));
    }
}
