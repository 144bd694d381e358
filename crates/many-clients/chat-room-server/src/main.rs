//! # Chat room server (many clients at once)
//!
//! The chat of the slides was one person and the server's operator; here any
//! number of people talk to each other. Each client sends its name first (its first
//! line), then every line it sends goes to every other client as `<name>: <line>`;
//! joins and leaves are announced. A thread per client reads what it says, and the
//! room (`room.rs`) is the shared state they all use, behind a Mutex.
//!
//! The lesson of the room is the slow reader: a client that stops reading must not
//! stall everyone who talks. Each member gets its lines through a bounded queue; a
//! member whose queue is full is dropped, with a line on the console.
//!
//! Run it:                 cargo run -p chat-room-server
//! In two more terminals:  cargo run -p chat-room-client        (or: nc 127.0.0.1 21570)
//! Type a name, then lines; try Ctrl-Z (suspend) in one nc and talk a lot in another.

mod room;

use std::io::{self, BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use clap::Parser;
use lab_common::error::explain_io;
use lab_common::{Server, ServerArgs, StopHandle};
use room::Room;

/// The longest line: a longer one is cut into lines of this size.
const MAX_LINE: u64 = 1024;

/// The longest name, in characters.
const MAX_NAME: usize = 32;

/// How many turned-away clients are closed politely at once (a thread each, up to a second).
const MAX_TURNING_AWAY: usize = 16;

/// How often a client's thread looks up from reading to see whether the server is stopping.
const TICK: Duration = Duration::from_millis(250);

/// Chat room server: every line a client sends goes to every other client.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// People type: a member silent for an hour (--timeout) is let go.
    #[command(flatten)]
    server: ServerArgs<21570, 3600>,

    /// How many people the room holds at once (a thread each); the next are told it is full
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    max_clients: u32,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket, bind it to the IP and PORT, and listen
    let server = Server::start(args.server.addr())?;
    let room = Arc::new(Room::new());
    let mut clients: Vec<JoinHandle<()>> = Vec::new();
    let mut turning_away: Vec<JoinHandle<()>> = Vec::new();
    let mut next_id: u64 = 0;

    println!("The chat room is open");
    while let Some((cs, addr)) = server.accept() {
        println!("A client has connected from {addr}");
        // -- Forget the threads of clients that have left
        clients.retain(|client| !client.is_finished());
        if clients.len() >= args.max_clients as usize {
            println!("The room is full: turning {addr} away");
            // -- In a thread of its own: the polite close may take a second, and the
            //    accept loop must not wait for it (a few at a time; past that, at once)
            turning_away.retain(|client| !client.is_finished());
            if turning_away.len() < MAX_TURNING_AWAY {
                match thread::Builder::new()
                    .name("turning away".into())
                    .spawn(move || turn_away(cs))
                {
                    Ok(client) => turning_away.push(client),
                    Err(e) => eprintln!("Cannot start a thread for {addr}: {e}"),
                }
            } else {
                let _ = cs.set_nonblocking(true);
                let _ = io::Write::write_all(&mut &cs, b"The room is full: try again later\n");
            }
            continue;
        }

        // -- A thread per client: it reads what the client says and tells the room
        next_id += 1;
        let (id, room, stop) = (next_id, Arc::clone(&room), server.stop_handle());
        let timeout = args.server.timeout();
        let client = thread::Builder::new()
            .name(format!("client {id}"))
            .spawn(move || serve(&room, id, cs, addr, &stop, timeout));
        match client {
            Ok(client) => clients.push(client),
            Err(e) => eprintln!("Cannot start a thread for {addr}: {e}"),
        }
    }

    // -- Ctrl-C: tell everyone, let each client's thread see it and leave, join them
    room.announce("* The server is stopping: goodbye\n");
    for client in clients {
        let _ = client.join();
    }
    println!("Server stopped by the user");
    Ok(())
}

/// Says the room is full, politely (a bounded write), and closes.
fn turn_away(mut cs: TcpStream) {
    let _ = cs.set_write_timeout(Some(room::WRITE_TIMEOUT));
    let _ = io::Write::write_all(&mut cs, b"The room is full: try again later\n");
    lab_common::message::close(cs);
}

/// One client, from its name to its leaving.
fn serve(room: &Room, id: u64, cs: TcpStream, addr: SocketAddr, stop: &StopHandle, idle: Duration) {
    let mut lines = match Lines::new(&cs, stop, idle) {
        Ok(lines) => lines,
        Err(e) => return eprintln!("Cannot talk to {addr}: {e}"),
    };
    // -- A small send buffer: a client that stops reading is noticed sooner
    let _ = socket2::SockRef::from(&cs).set_send_buffer_size(64 * 1024);

    // -- The writing thread, fed by the client's outbox (the greeting first)
    let (Ok(for_writer), Ok(for_room)) = (cs.try_clone(), cs.try_clone()) else {
        return eprintln!("Cannot talk to {addr}: out of sockets");
    };
    let (outbox, inbox) = room::outbox();
    let _ = outbox.try_send("Welcome to the chat room! What is your name?\n".into());
    let writer = thread::Builder::new()
        .name(format!("writer {id}"))
        .spawn(move || room::deliver(for_writer, inbox));
    let writer = match writer {
        Ok(writer) => writer,
        Err(e) => return eprintln!("Cannot start a thread for {addr}: {e}"),
    };

    // -- The first line is the name
    if let Some(wanted) = lines.next_line(addr) {
        let wanted: String = wanted.trim().chars().take(MAX_NAME).collect();
        room.join(id, &wanted, addr, outbox, for_room);
        // -- Then every line goes to the room, until the client leaves
        while let Some(line) = lines.next_line(addr) {
            if !line.trim().is_empty() {
                room.say(id, &line);
                // -- One who floods the room waits for those who read, not the other way round
                room.wait_for_readers(id);
            }
        }
        room.leave(id);
    } else {
        drop(outbox);
    }
    // -- The outbox is closed: the writer sends what is left, then ends
    let _ = writer.join();
    let _ = cs.shutdown(std::net::Shutdown::Both);
}

/// The lines a client sends, read with a short timeout so that its thread also
/// notices Ctrl-C, and at most [`MAX_LINE`] bytes each.
struct Lines<'a> {
    reader: BufReader<&'a TcpStream>,
    stop: &'a StopHandle,
    idle: Duration,
}

impl<'a> Lines<'a> {
    fn new(cs: &'a TcpStream, stop: &'a StopHandle, idle: Duration) -> io::Result<Lines<'a>> {
        cs.set_read_timeout(Some(TICK))?;
        Ok(Lines {
            reader: BufReader::new(cs),
            stop,
            idle,
        })
    }

    /// The next line, without its end of line, control characters shown escaped;
    /// `None` when the client has gone, stayed silent too long, or the server stops.
    fn next_line(&mut self, addr: SocketAddr) -> Option<String> {
        let mut line = Vec::new();
        let mut last_heard = Instant::now();
        loop {
            if self.stop.requested() {
                return None;
            }
            let room_left = MAX_LINE - line.len() as u64;
            let before = line.len();
            match (&mut self.reader)
                .take(room_left)
                .read_until(b'\n', &mut line)
            {
                // -- The client closed the connection (a last line without \n still counts)
                Ok(0) if line.is_empty() => {
                    lab_common::trace!("cs.readline()" => "-> b'' (the client closed its end)");
                    return None;
                }
                Ok(_) if line.ends_with(b"\n") || line.len() as u64 >= MAX_LINE => break,
                Ok(0) => break,
                Ok(_) => last_heard = Instant::now(),
                // -- Nothing more for now: a moment to check Ctrl-C and the idle time
                Err(e) if is_timeout(&e) => {
                    if line.len() > before {
                        last_heard = Instant::now();
                    }
                    if last_heard.elapsed() >= self.idle {
                        println!(
                            "{addr} was silent for {} s: letting it go",
                            self.idle.as_secs_f64()
                        );
                        return None;
                    }
                }
                Err(e) => {
                    println!("{addr}: {}", explain_io(&e, "the client"));
                    return None;
                }
            }
        }
        lab_common::trace!("cs.readline()" => "-> {}", lab_common::trace::bytes(&line));
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        Some(lab_common::printable(text).into_owned())
    }
}

/// Whether a read gave up for lack of data (its timeout), not for an error.
fn is_timeout(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(e.kind(), WouldBlock | TimedOut | Interrupted)
}
