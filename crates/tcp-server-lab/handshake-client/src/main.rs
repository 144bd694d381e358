//! # Handshake client (the TCP server lab)
//!
//! The lab's client: it connects to the handshake server and reads its client id,
//! which the server sends pickled (`{'clientid': 53412}`). Then it sends Python
//! values, pickled, one at a time (a string, an int, a float, a list, a tuple, a
//! dict, None and a bool), and prints each one and the server's acknowledgement
//! (`{'clientid': 53412, 'received': <the value>}`) as Python's `repr()` shows them.
//! With `-`, it sends each line of its standard input as a string instead.
//!
//! First run the server:   cargo run -p handshake-server
//! Then, in a second one:  cargo run -p handshake-client
//!                         cargo run -p handshake-client -- -     (type lines; Ctrl-D ends)

use std::io::{self, BufRead, Write};
use std::net::TcpStream;

use anyhow::anyhow;
use clap::Parser;
use lab_common::error::explain_io;
use lab_common::{ClientArgs, printable};
use safe_pickle::framing::{PickleReader, Received};
use safe_pickle::{HashableValue, MAX_REPLY, Value, dict, dumps, loads_up_to, repr::repr};

/// Handshake client of the TCP server lab: reads its client id, then sends Python values and prints the replies.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The server serves one client at a time: a second client waits its turn in
    /// the queue, for as long as the first one takes (up to 300 s: --timeout).
    #[command(flatten)]
    server: ClientArgs<12000, 300>,

    /// "-": send each line of standard input as a string, instead of the sample values
    #[arg(value_parser = ["-"])]
    input: Option<String>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- Create the socket and connect it to the server
    // -- The server's acknowledgement of a value of 4096 bytes is a little longer
    let mut server = PickleReader::with_limit(args.server.connect()?, MAX_REPLY);

    // -- The handshake: the server's first pickle holds our client id
    let handshake = receive(&mut server)?;
    let client_id = match &handshake {
        Value::Dict(d) => d.get(&HashableValue::String("clientid".into())),
        _ => None,
    };
    let Some(Value::I64(client_id)) = client_id else {
        let got = printable(&repr(&handshake)).into_owned();
        return Err(
            anyhow!("the server did not send {{'clientid': <id>}} first, but {got}").into(),
        );
    };
    println!("The server gave me client id {client_id}");

    let values: Box<dyn Iterator<Item = io::Result<Value>>> = match args.input {
        Some(_) => Box::new(io::stdin().lock().lines().map(|l| l.map(Value::String))),
        None => Box::new(samples().into_iter().map(Ok)),
    };
    for value in values {
        let value = value?;
        // -- pickle.dumps() and send() the value, then recv() and pickle.loads() the reply
        let went_away =
            |e: io::Error| anyhow!("the server went away: {}", explain_io(&e, "the server"));
        let pickle = dumps(&value).map_err(|why| anyhow!(why))?;
        let sent = server.get_mut().write_all(&pickle);
        lab_common::trace::send("s", &pickle, &sent);
        sent.map_err(went_away)?;
        println!("Sent: {}", repr(&value));
        let reply = receive(&mut server)?;
        println!("Server: {}", printable(&repr(&reply)));
    }
    Ok(())
}

/// A string, an int, a float, a list, a tuple, a dict, None and a bool.
fn samples() -> Vec<Value> {
    let text = |s: &str| Value::String(s.into());
    let scores = Value::List(vec![Value::I64(90), Value::I64(85)]);
    vec![
        text("Hello, server"),
        Value::I64(42),
        Value::F64(2.5),
        Value::List(vec![Value::I64(1), Value::I64(2), Value::I64(3)]),
        Value::Tuple(vec![Value::I64(1), text("two"), Value::F64(3.0)]),
        dict([("name", text("Ada")), ("scores", scores)]),
        Value::None,
        Value::Bool(true),
    ]
}

/// The server's next pickle, decoded behind the guard: a server is no more
/// trusted than a client.
fn receive(server: &mut PickleReader<TcpStream>) -> anyhow::Result<Value> {
    let why = match server.next_pickle() {
        Received::Pickle(pickle) => match loads_up_to(&pickle, MAX_REPLY) {
            Ok(value) => return Ok(value),
            Err(why) => why,
        },
        Received::Invalid(why) => why,
        Received::Closed => return Err(anyhow!("the server closed the connection")),
        Received::TimedOut => return Err(anyhow!("the server did not answer in time")),
        Received::Failed(e) => {
            return Err(anyhow!(
                "the server went away: {}",
                explain_io(&e, "the server")
            ));
        }
    };
    Err(anyhow!("the server sent a bad pickle: {}", printable(&why)))
}
