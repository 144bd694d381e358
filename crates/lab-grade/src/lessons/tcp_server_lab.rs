//! The TCP server lab (`crates/tcp-server-lab/`, port 12000): the handshake
//! server and client, which talk in Python pickles. The first pickle is the
//! server's `{'clientid': <the client's port>}`; then each pickle the client sends
//! is acknowledged with `{'clientid': <id>, 'received': <the value>}`.

use std::io::Write;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use safe_pickle::framing::{PickleReader, Received};
use safe_pickle::repr::repr;
use safe_pickle::{Value, dict, dumps, loads};

use super::{against, printed};
use crate::hostile::{self, Service};
use crate::reference::Handler;
use crate::stage::{Failure, Needs, Server, Stage};
use crate::{Kind, Rubric, basics};

const PORT: u16 = 12000;

/// The rubrics of the TCP server lab.
pub fn rubrics() -> Vec<Rubric> {
    vec![handshake_server(), handshake_client()]
}

/// The next pickle `reader` gets, decoded and shown as Python's `repr()`.
fn next_repr(reader: &mut PickleReader<crate::net::Conn>) -> Result<String, String> {
    match reader.next_pickle() {
        Received::Pickle(pickle) => loads(&pickle).map(|v| repr(&v)),
        Received::Invalid(why) => Err(format!("bytes that are not a pickle: {why}")),
        Received::Closed => Err("nothing: the connection closed".into()),
        Received::TimedOut => Err("nothing, and the connection stayed open".into()),
        Received::Failed(e) => Err(e.to_string()),
    }
}

/// A client of the handshake server, past its handshake.
struct Client {
    reader: PickleReader<crate::net::Conn>,
    id: u16,
}

/// Connects, waits `delay`, and checks the handshake `{'clientid': <port>}`.
fn handshake(server: &mut Server, delay: Duration) -> Result<Client, Failure> {
    let stream = server.connect("a new client")?;
    let id = stream.local_addr().map(|a| a.port()).unwrap_or_default();
    if !delay.is_zero() {
        thread::sleep(delay);
    }
    let mut reader = PickleReader::new(stream);
    let expected = format!("{{'clientid': {id}}}");
    match next_repr(&mut reader) {
        Ok(got) if got == expected => Ok(Client { reader, id }),
        Ok(got) => Err(server.fail(
            format!("a new client, from port {id}"),
            format!("the pickle {expected} first"),
            got,
            "send the client its id (its port) first, as the lab does: pickle.dumps({'clientid': port})",
        )),
        Err(got) => Err(server.fail(
            format!("a new client, from port {id}"),
            format!("the pickle {expected} first"),
            got,
            "send the client its id (its port) first, as the lab does: pickle.dumps({'clientid': port})",
        )),
    }
}

/// Sends `value` pickled and checks the acknowledgement.
fn acknowledged(server: &mut Server, client: &mut Client, value: &Value) -> Result<(), Failure> {
    let shown = repr(value);
    let sent = format!("the pickle of {shown}, after the handshake");
    let pickle = dumps(value).map_err(|e| Failure::new(&sent, "", e, ""))?;
    let _ = client.reader.get_mut().write_all(&pickle);
    let expected = format!("{{'clientid': {}, 'received': {shown}}}", client.id);
    match next_repr(&mut client.reader) {
        Ok(got) if got == expected => Ok(()),
        Ok(got) | Err(got) => Err(server.fail(
            sent,
            format!("the pickle {expected}"),
            got,
            "answer each pickle with {'clientid': <id>, 'received': <the value>}",
        )),
    }
}

fn sample() -> Value {
    dict([
        ("name", Value::String("Ada".into())),
        ("scores", Value::List(vec![Value::I64(90), Value::I64(85)])),
    ])
}

fn handshake_server() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        let mut client = handshake(server, delay)?;
        acknowledged(server, &mut client, &Value::String("next".into()))
    });
    let service = Service::new(serve);
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "sends_the_client_id_first",
            "first sends the pickle `{'clientid': <the client's port>}`",
            |ctx| {
                let mut server = ctx.server(&[])?;
                handshake(&mut server, Duration::ZERO).map(drop)
            },
        ),
        Stage::new(
            "acknowledges_each_value",
            "answers each pickle with `{'clientid': <id>, 'received': <the value>}`",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = handshake(&mut server, Duration::ZERO)?;
                for value in [Value::String("text".into()), Value::I64(-42), sample()] {
                    acknowledged(&mut server, &mut client, &value)?;
                }
                Ok(())
            },
        ),
        Stage::new(
            "prints_each_value",
            "prints `Client <id> sent: <the value's repr>`",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = handshake(&mut server, Duration::ZERO)?;
                let value = sample();
                acknowledged(&mut server, &mut client, &value)?;
                let line = format!("Client {} sent: {}", client.id, repr(&value));
                server
                    .expect_line(
                        &format!("the pickle of {}", repr(&value)),
                        &format!("`{line}`"),
                        |l| l.contains(&line),
                    )
                    .map(drop)
            },
        ),
        Stage::new(
            "answers_bad_bytes_with_an_error",
            "bytes that are not a pickle get `{'clientid': <id>, 'error': ...}`, and the connection goes on",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = handshake(&mut server, Duration::ZERO)?;
                let _ = client.reader.get_mut().write_all(b"\xff\xfe not a pickle");
                let prefix = format!("{{'clientid': {}, 'error': ", client.id);
                match next_repr(&mut client.reader) {
                    Ok(got) if got.starts_with(&prefix) => {}
                    Ok(got) | Err(got) => {
                        return Err(server.fail(
                            r#""\xff\xfe not a pickle", after the handshake"#,
                            format!("the pickle {prefix}'<what was wrong>'}}"),
                            got,
                            "never unpickle what a client sends unchecked: answer bad bytes with an error, and go on",
                        ));
                    }
                }
                acknowledged(&mut server, &mut client, &Value::String("after".into()))
            },
        ),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(
        "handshake-server",
        PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "handshake-server",
        lesson: "tcp-server-lab",
        port: PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// The lab's server, for one client with the id 7: the handshake, then an
/// acknowledgement of each pickle. Gives back the reprs received, one a line.
fn reference_server(first: Value) -> Handler {
    Arc::new(move |stream| {
        let mut received = String::new();
        let Ok(first) = dumps(&first) else {
            return Vec::new();
        };
        if stream.write_all(&first).is_err() {
            return Vec::new();
        }
        let mut reader = PickleReader::new(&*stream);
        loop {
            // What the lab's server cannot read gets its error reply, as ours does.
            let ack = match reader.next_pickle() {
                Received::Pickle(pickle) => match loads(&pickle) {
                    Ok(value) => {
                        received.push_str(&repr(&value));
                        received.push('\n');
                        dict([("clientid", Value::I64(7)), ("received", value)])
                    }
                    Err(why) => dict([("clientid", Value::I64(7)), ("error", Value::String(why))]),
                },
                Received::Invalid(why) => {
                    dict([("clientid", Value::I64(7)), ("error", Value::String(why))])
                }
                _ => break,
            };
            let sent = dumps(&ack).map(|ack| (&*stream).write_all(&ack));
            if !matches!(sent, Ok(Ok(()))) {
                break;
            }
        }
        received.into_bytes()
    })
}

fn the_lab_server() -> Handler {
    reference_server(dict([("clientid", Value::I64(7))]))
}

/// What the client sent, as reprs.
fn reprs(received: &[Vec<u8>]) -> Vec<String> {
    received
        .first()
        .map(|r| {
            String::from_utf8_lossy(r)
                .lines()
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn handshake_client() -> Rubric {
    const SENT: &str = "the client, against the lab's server (client id 7)";
    let mut stages = vec![
        Stage::new(
            "prints_its_client_id",
            "prints `The server gave me client id <id>`",
            |ctx| {
                let (mut finished, _) = against(ctx, the_lab_server(), &[], b"")?;
                printed(
                    &mut finished,
                    SENT,
                    "The server gave me client id 7",
                    "read the server's first pickle and print the id in it",
                )
            },
        ),
        Stage::new(
            "sends_values_and_prints_the_replies",
            "sends pickles one at a time, prints `Sent: <repr>` and `Server: <repr of the reply>` for each",
            |ctx| {
                let (mut finished, received) = against(ctx, the_lab_server(), &[], b"")?;
                let sent = reprs(&received);
                if sent.len() < 2 {
                    return Err(finished.fail(
                        SENT,
                        "several pickled values, one at a time",
                        format!("{sent:?}"),
                        "send the lab's values (a string, an int, a list...), each with pickle.dumps",
                    ));
                }
                for value in &sent {
                    printed(
                        &mut finished,
                        SENT,
                        &format!("Sent: {value}"),
                        "print each value sent as Python's repr() shows it",
                    )?;
                    printed(
                        &mut finished,
                        SENT,
                        &format!("Server: {{'clientid': 7, 'received': {value}}}"),
                        "print each reply as Python's repr() shows it",
                    )?;
                }
                finished.succeeded(SENT)
            },
        ),
        Stage::new(
            "with_a_dash_sends_each_line_of_its_input",
            "with `-`, sends each line of its standard input as a string",
            |ctx| {
                let (mut finished, received) =
                    against(ctx, the_lab_server(), &["-"], b"hello\nit's me\n")?;
                let sent = reprs(&received);
                if sent == ["'hello'", "\"it's me\""] {
                    return finished.succeeded("the client with `-`, typing hello and it's me");
                }
                Err(finished.fail(
                    "the client with `-`, typing hello and it's me",
                    r#"the strings 'hello' and "it's me""#,
                    format!("{sent:?}"),
                    "send each line, without its newline, as a string",
                ))
            },
        )
        .needs(Needs::Flags),
        Stage::new(
            "says_when_the_first_pickle_is_no_client_id",
            "a server whose first pickle is not `{'clientid': <id>}`: an `Error: ` line, status 1",
            |ctx| {
                let server = reference_server(Value::String("hi".into()));
                let (mut finished, _) = against(ctx, server, &[], b"")?;
                finished.failed_saying(
                    "the client, against a server that sends 'hi' first",
                    "Error: ",
                    "check the handshake before using it",
                )
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(basics::client("handshake-client", PORT));
    Rubric {
        program: "handshake-client",
        lesson: "tcp-server-lab",
        port: PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}
