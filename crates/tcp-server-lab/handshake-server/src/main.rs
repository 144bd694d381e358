//! # Handshake server (the TCP server lab)
//!
//! The lab's server: it listens with a queue of 10 clients (`MAX_NUM_CONN`) and
//! serves one client at a time. The handshake: on accept, it sends the client its
//! id (the client's port), pickled, `{'clientid': 53412}`. Then, until the client
//! leaves, it receives one pickled value at a time (at most 4096 bytes, the lab's
//! `MAX_ALLOC_MEM`), prints it as Python's `repr()` does, and acknowledges it with
//! `{'clientid': 53412, 'received': <the value>}`.
//!
//! The lab's Python calls `pickle.loads` on whatever arrives, which lets any client
//! run any command on the server (the `safe_pickle::guard` module tells how). Ours
//! decodes with serde-pickle, behind a guard: a bad pickle gets the reply
//! `{'clientid': 53412, 'error': '<what was wrong>'}`, and the connection goes on.
//!
//! Run it:                 cargo run -p handshake-server
//! In a second terminal:   cargo run -p handshake-client
//!                         cargo run -p handshake-client -- -     (type values as text)
//! Try also: `printf 'hello' | nc 127.0.0.1 12000`, and the lab's Python client.

use std::net::TcpStream;

use clap::Parser;
use lab_common::error::explain_io;
use lab_common::{Server, ServerArgs, printable};
use safe_pickle::framing::{PickleReader, Received};
use safe_pickle::{MAX_REPLY, Value, dict, dumps, dumps_up_to, loads, repr::repr};

/// How many clients may wait in the queue while one is served (the lab's `MAX_NUM_CONN`).
const MAX_NUM_CONN: i32 = 10;

/// Handshake server of the TCP server lab: gives each client its id, then acknowledges each pickled value it sends.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A person may be typing the values (handshake-client -): five minutes for each.
    #[command(flatten)]
    server: ServerArgs<12000, 300>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Steps 1 to 3: create the socket, bind it to the IP and PORT, listen (queue of 10)
    let server = Server::start_with_backlog(args.server.addr(), MAX_NUM_CONN)?;
    server.on_first_ctrl_c(
        "Ctrl-C: the server will stop once this client has sent its next value (answered) \
         or left (press Ctrl-C again to stop it now)",
    );

    // -- Step 4: accept a client; its id is its port, as in the lab
    while let Some((clienthandler, addr)) = server.accept() {
        let client_id = addr.port();
        println!("Client {client_id} connected from {}", addr.ip());
        // A client that sends nothing, or reads nothing, holds the server for --timeout at most.
        let timeout = Some(args.server.timeout());
        let timeouts = clienthandler.set_read_timeout(timeout);
        if let Err(e) = timeouts.and_then(|()| clienthandler.set_write_timeout(timeout)) {
            eprintln!("Cannot serve client {client_id}: {e}");
            continue;
        }
        let clienthandler = serve(PickleReader::new(clienthandler), client_id, &server);
        lab_common::message::close(clienthandler);
    }
    println!("Server stopped by the user");
    Ok(())
}

/// The handshake, then one acknowledgement for each pickle, until the client leaves.
fn serve(mut client: PickleReader<TcpStream>, client_id: u16, server: &Server) -> TcpStream {
    let id = || ("clientid", Value::I64(client_id.into()));

    // -- Step 5: the handshake: send the client its id
    let mut reply = dict([id()]);
    loop {
        if !send(client.get_mut(), client_id, &reply) || server.stop_requested() {
            return client.into_inner();
        }
        // -- Step 6: receive one pickle (read whole, even if it comes in pieces) and load it
        let loaded = match client.next_pickle() {
            Received::Pickle(pickle) => loads(&pickle),
            Received::Invalid(why) => Err(why),
            Received::Closed => {
                println!("Client {client_id} disconnected");
                return client.into_inner();
            }
            Received::TimedOut => {
                println!("Client {client_id} sent nothing in time: giving up on it");
                return client.into_inner();
            }
            Received::Failed(e) => {
                println!(
                    "Client {client_id} is gone: {}",
                    explain_io(&e, "the client")
                );
                return client.into_inner();
            }
        };
        // Acknowledge the value; or say what was wrong, and go on with the next pickle.
        reply = match loaded {
            Ok(value) => {
                println!("Client {client_id} sent: {}", printable(&repr(&value)));
                dict([id(), ("received", value)])
            }
            Err(why) => {
                println!("Client {client_id} sent a bad pickle: {}", printable(&why));
                dict([id(), ("error", Value::String(why))])
            }
        };
    }
}

/// Sends `reply`, pickled; false if the client has gone (it says so on the console).
fn send(clienthandler: &mut TcpStream, client_id: u16, reply: &Value) -> bool {
    // Every value accepted is acknowledged, though the acknowledgement of a value of
    // (nearly) 4096 bytes is longer than that, as the lab's Python server's is.
    let pickle = dumps_up_to(reply, MAX_REPLY).or_else(|why| {
        println!("Client {client_id}: cannot acknowledge: {why}");
        let id = ("clientid", Value::I64(client_id.into()));
        dumps(&dict([id, ("error", Value::String(why))]))
    });
    match pickle {
        Ok(pickle) => lab_common::send(clienthandler, pickle),
        Err(why) => {
            eprintln!("{why}");
            false
        }
    }
}
