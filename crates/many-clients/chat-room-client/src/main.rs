//! # Chat room client (many clients at once)
//!
//! The chat client of the slides waited for the server's reply after each line it
//! sent. In a room, lines come whenever anyone talks, so this client does two
//! things at once, with a thread for each direction: the main thread reads what the
//! person types and sends it; a second thread prints the room's lines as they come.
//!
//! First run the server:   cargo run -p chat-room-server
//! Then, in two terminals: cargo run -p chat-room-client
//! Type your name, then lines. The end of your input (Ctrl-D) leaves the room.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;

use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_io;

/// Chat room client: sends the lines you type, prints the room's lines as they come.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ClientArgs<21570>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the room
    let stream = args.server.connect()?;
    // -- The room talks whenever it likes: no time limit on waiting for its lines
    stream.set_read_timeout(None)?;

    // -- The second thread: print every line the room sends. When the room closes
    // -- the connection, the program ends: the main thread is waiting for the person
    // -- to type, and nothing portable can interrupt that wait, so exit from here.
    let from_room = stream.try_clone()?;
    thread::spawn(move || {
        print_room(from_room);
        std::process::exit(0);
    });

    // -- The main thread: send every line the person types
    let mut to_room = stream;
    for line in io::stdin().lock().split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        let data = format!("{line}\n");
        let sent = to_room.write_all(data.as_bytes());
        lab_common::trace::send("s", data.as_bytes(), &sent);
        if let Err(e) = sent {
            println!("Could not send: {}", explain_io(&e, "the server"));
            break;
        }
    }

    // -- Input ended: say so to the room, which then closes the connection; the
    // -- second thread prints the last lines and ends the program
    let closed = to_room.shutdown(Shutdown::Write);
    lab_common::trace::shutdown("s", &closed);
    thread::sleep(args.server.timeout());
    println!("The room did not close in time: leaving anyway");
    Ok(())
}

/// Prints each line from the room (control characters shown escaped, so nobody
/// in the room can drive this terminal), then `Server disconnected`.
fn print_room(stream: TcpStream) {
    let mut lines = BufReader::new(stream).split(b'\n');
    loop {
        match lines.next() {
            Some(Ok(line)) => {
                lab_common::trace!("f.readline()" => "-> {}", lab_common::trace::bytes(&line));
                let line = String::from_utf8_lossy(&line);
                println!("{}", lab_common::printable(line.trim_end_matches('\r')));
            }
            Some(Err(e)) => {
                println!("{}", explain_io(&e, "the server"));
                break;
            }
            None => break,
        }
    }
    println!("Server disconnected");
}
