//! # The one-on-one chat server (the slides)
//!
//! When a client connects, the server greets it and waits for its message; the
//! message is shown to the operator (the person at this server's keyboard), whose
//! reply, typed at the `> ` prompt, goes back to the client; and so on until the
//! client leaves. Then the server waits for the next client. As in the slides,
//! what is sent carries no newline: the greeting and the replies are the bytes
//! themselves.
//!
//! Run it:                 cargo run -p chat-server
//! In a second terminal:   cargo run -p chat-client
//! Or:                     nc 127.0.0.1 21566        (type a line, read the reply)
//! Ctrl-D at the `> ` prompt says goodbye to the client and stops the server;
//! Ctrl-C stops it at any moment.

mod operator;

use std::net::{Shutdown, SocketAddr, TcpStream};
use std::thread;

use clap::Parser;
use lab_common::conversation::{Heard, TICK, next_message_unless};
use lab_common::{Server, ServerArgs, printable};
use operator::Operator;

/// The size of the buffer: the most one message can be (the slides' BUFSIZE).
const BUFSIZE: usize = 1024;

/// What the client gets when the server stops in the middle of a chat.
const GOODBYE: &str = "Goodbye!";

/// Chat server: greets each client, then the operator types the replies to its messages.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person types the messages: give them five minutes for each.
    #[command(flatten)]
    server: ServerArgs<21566, 300>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket, bind it to the HOST and PORT, and listen
    let server = Server::start(args.server.addr())?;
    // -- The operator's typing is read by a thread of its own (see operator.rs):
    // -- waiting for it never keeps Ctrl-C from stopping the server
    let mut operator = Operator::start()?;
    // -- accept() does not block: wait_for_client asks it now and then
    server.listener().set_nonblocking(true)?;

    'clients: loop {
        println!("Waiting for connection . . .");
        let Some((mut client, address)) = wait_for_client(&server, &mut operator) else {
            break;
        };
        println!("... connected from {address}");
        lab_common::send(&mut client, "Welcome to my chat room!");

        // -- The conversation: the client's message, the operator's reply, and again
        loop {
            // -- message = client.recv(BUFSIZE), looking up for Ctrl-C now and then
            let stop = || server.stop_requested() || operator.has_left();
            match next_message_unless(&mut client, BUFSIZE, args.server.timeout(), stop) {
                Heard::Message(message) => {
                    // -- print message: shown safely (no escape sequences from the client)
                    println!("{}", printable(message.trim_end_matches(['\r', '\n'])));
                }
                Heard::Left => {
                    println!("Client disconnected");
                    lab_common::message::close(client);
                    continue 'clients;
                }
                Heard::Stopped => {
                    goodbye(client);
                    break 'clients;
                }
            }

            // -- client.send(raw_input('> '))
            let Some(reply) = operator.reply(|| server.stop_requested()) else {
                goodbye(client);
                break 'clients;
            };
            if !lab_common::send(&mut client, reply) {
                println!("Client disconnected");
                continue 'clients;
            }
        }
    }

    if server.stop_requested() {
        println!("Server stopped by the user");
    } else {
        println!("The operator's input has ended: the chat server stops");
    }
    Ok(())
}

/// `server.accept()`, but asked every [`TICK`] instead of waiting in it, so that
/// the end of the operator's input stops the server too (Ctrl-C would wake a
/// waiting accept(); the operator's Ctrl-D would not). `None`: time to stop.
fn wait_for_client(server: &Server, operator: &mut Operator) -> Option<(TcpStream, SocketAddr)> {
    lab_common::trace!("client, address = server.accept()" => "waiting...");
    loop {
        let accepted = server.listener().accept();
        lab_common::trace::accept("client, address = server.accept()", &accepted);
        // -- Ctrl-C wins, whatever accept() gave (it may be the wake-up call of Ctrl-C)
        if server.stop_requested() || operator.has_left() {
            return None;
        }
        match accepted {
            // -- Some systems give the client's socket the listener's non-blocking mode: undo it
            Ok((client, address)) => match client.set_nonblocking(false) {
                Ok(()) => return Some((client, address)),
                Err(e) => eprintln!("Could not accept a client: {e}"),
            },
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => thread::sleep(TICK),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("Could not accept a client: {e}");
                thread::sleep(TICK);
            }
        }
    }
}

/// Tells the client that the chat is over, and closes the connection at once.
fn goodbye(mut client: TcpStream) {
    lab_common::send(&mut client, GOODBYE);
    let closed = client.shutdown(Shutdown::Write);
    lab_common::trace::shutdown("client", &closed);
}
