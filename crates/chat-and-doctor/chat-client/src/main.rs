//! # The chat client (the slides)
//!
//! Connects to the chat server and prints its greeting; then, again and again,
//! prompts `> `, sends the line typed followed by a newline, and prints the
//! server's reply. An empty line (or the end of the input, Ctrl-D) ends the chat;
//! so does the server closing the connection (`Server disconnected`), noticed by a
//! second thread even while the person is typing. It works
//! unchanged against the doctor servers: a client does not know who answers.
//!
//! First run the server:   cargo run -p chat-server     (or doctor-server)
//! Then, in a second one:  cargo run -p chat-client

use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::anyhow;
use clap::Parser;
use lab_common::error::explain_io;
use lab_common::watch::Watch;
use lab_common::{ClientArgs, printable};

/// The size of the servers' buffer (the slides' BUFSIZE): the most a line may be,
/// with its newline, to reach the server as one message.
const BUFSIZE: usize = 1024;

/// Chat client: sends each line typed and prints the reply, until an empty line.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person types the replies on the chat server: wait five minutes for each.
    #[command(flatten)]
    server: ClientArgs<21566, 300>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the server
    let mut server = args.server.connect()?;

    // -- print server.recv(BUFSIZE): the server's greeting
    let Some(greeting) = receive(&mut server)? else {
        println!("Server disconnected");
        return Ok(());
    };
    println!("{}", printable(&greeting));

    // -- While the person types, a second thread notices the server closing
    let watch = Watch::start(&server, || {
        println!("\nServer disconnected");
        std::process::exit(0)
    })?;
    let mut typed = io::stdin().lock().split(b'\n');
    loop {
        // -- The server's last reply may come with its end (the operator's Goodbye!)
        if has_closed(&server, args.server.timeout()) {
            println!("Server disconnected");
            return Ok(());
        }
        // -- message = raw_input('> '); if not message: break
        print!("> ");
        io::stdout().flush()?;
        let Some(line) = watch.typing(|| typed.next()) else {
            println!(); // Ctrl-D: end the prompt's line
            break;
        };
        let line = line?;
        let message = String::from_utf8_lossy(&line);
        let message = message.trim_end_matches('\r');
        if message.is_empty() {
            break;
        }
        if message.len() >= BUFSIZE {
            let size = message.len();
            println!(
                "That line is {size} bytes: the server reads at most {BUFSIZE} at a time, newline included. Type a shorter one."
            );
            continue;
        }

        // -- server.send(message + '\n')
        let data = format!("{message}\n");
        let sent = server.write_all(data.as_bytes());
        lab_common::trace::send("server", data.as_bytes(), &sent);
        if let Err(e) = sent {
            if !has_left(&e) {
                return Err(anyhow!("cannot send: {}", explain_io(&e, "the server")).into());
            }
        }
        // -- reply = server.recv(BUFSIZE); if not reply: break
        let Some(reply) = receive(&mut server)? else {
            println!("Server disconnected");
            return Ok(());
        };
        println!("{}", printable(&reply));
    }
    Ok(())
}

/// One `recv()`: what the server sent, as text, or `None` once it has closed (or
/// reset) the connection. A reply may be longer than what a line may be (the
/// Doctor repeats a sentence with more words), so the buffer is larger.
fn receive(server: &mut TcpStream) -> anyhow::Result<Option<String>> {
    let mut buffer = [0; 4 * BUFSIZE];
    loop {
        let got = server.read(&mut buffer);
        lab_common::trace::recv("server", BUFSIZE, &got, &buffer);
        return match got {
            Ok(0) => Ok(None),
            Ok(n) => Ok(Some(String::from_utf8_lossy(&buffer[..n]).into_owned())),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if has_left(&e) => Ok(None),
            Err(e) => Err(anyhow!("no reply: {}", explain_io(&e, "the server"))),
        };
    }
}

/// Whether the server has closed the connection, from what has come already (a
/// glance of 50 ms: an end sent right after the last reply comes with it).
fn has_closed(server: &TcpStream, timeout: Duration) -> bool {
    let _ = server.set_read_timeout(Some(Duration::from_millis(50)));
    let closed = matches!(server.peek(&mut [0]), Ok(0));
    let _ = server.set_read_timeout(Some(timeout));
    closed
}

/// Whether an error means that the server has closed the connection.
fn has_left(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}
