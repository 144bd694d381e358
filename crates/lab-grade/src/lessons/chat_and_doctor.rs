//! The slides (`crates/chat-and-doctor/`, port 21566): Lambert's one-on-one chat
//! server and client, then the same server with a Doctor instead of a person,
//! and the Doctor with a thread per patient. Byte for byte as the slides: the
//! server's greeting and replies carry no newline; the client's lines end with one.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, LazyLock};
use std::thread;
use std::time::Duration;

use super::{against, printed};
use crate::hostile::{self, Service};
use crate::net::{self, Conn, show};
use crate::reference::Handler;
use crate::stage::{Failure, Needs, Server, Stage, describe_reply};
use crate::{Kind, Rubric, basics};

const PORT: u16 = 21566;

/// The chat server's greeting.
const WELCOME: &str = "Welcome to my chat room!";

/// Lambert's Doctor's greeting.
const GREETING: &str = "Good morning, I hope you are well today.\nWhat can I do for you?";

/// Every reply the Doctor may give to `I am sad about my dog`, said first.
const SAD_REPLIES: [&str; 6] = [
    "Please tell me more.",
    "Many of my patients tell me the same thing.",
    "Please continue.",
    "Why do you say that you are sad about your dog",
    "You seem to think that you are sad about your dog",
    "Can you explain why you are sad about your dog",
];

/// The chat server's operator, typing ahead: a reply for every message a stage
/// sends (a 1 MiB message is read 1024 bytes at a time, each piece answered).
static OPERATOR: LazyLock<String> = LazyLock::new(|| "ok\n".repeat(4000));

/// The rubrics of the slides.
pub fn rubrics() -> Vec<Rubric> {
    vec![
        chat_server(),
        chat_client(),
        doctor("doctor-server", false),
        doctor("threaded-doctor-server", true),
    ]
}

/// Reads until `len` bytes have come, the connection closes, or nothing more comes.
fn read_up_to(stream: &mut TcpStream, len: usize) -> Vec<u8> {
    let mut got = Vec::new();
    while got.len() < len {
        match net::read_once(stream, len - got.len() + 64) {
            Ok(piece) if !piece.is_empty() => got.extend(piece),
            _ => break,
        }
    }
    got
}

/// Connects as a new client and checks the greeting, byte for byte.
fn greeted(server: &mut Server, greeting: &str) -> Result<Conn, Failure> {
    let mut client = server.connect("a new client")?;
    let got = read_up_to(&mut client, greeting.len());
    if got == greeting.as_bytes() {
        return Ok(client);
    }
    Err(server.fail(
        "a new client",
        format!("the greeting {}, no newline", show(greeting.as_bytes(), 80)),
        show(&got, 80),
        "send the slides' greeting as it is: no newline after it",
    ))
}

/// Sends `message` on `client` and reads the reply (one read): it must be there.
fn reply(server: &mut Server, client: &mut TcpStream, message: &str) -> Result<String, Failure> {
    let _ = client.write_all(message.as_bytes());
    match net::read_once(client, 4096) {
        Ok(reply) if !reply.is_empty() => Ok(String::from_utf8_lossy(&reply).into_owned()),
        Ok(_) => Err(server.fail(
            format!("{}, after the greeting", show(message.as_bytes(), 40)),
            "a reply",
            "the connection closed",
            "answer each message on the same connection, until the client leaves",
        )),
        Err(e) => Err(server.fail(
            format!("{}, after the greeting", show(message.as_bytes(), 40)),
            "a reply",
            e.to_string(),
            "answer each message on the same connection, until the client leaves",
        )),
    }
}

/// How a chat or doctor server serves a client, leniently: a greeting, then a
/// reply to a message (the reply stages check the words).
fn serve() -> hostile::Serve {
    Arc::new(|server: &mut Server, delay: Duration| {
        let mut client = server.connect("a new client")?;
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        let greeting = net::read_once(&mut client, 4096);
        let got = match &greeting {
            Ok(piece) if !piece.is_empty() => None,
            Ok(_) => Some("nothing: the server closed the connection".to_string()),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Some(format!(
                    "nothing within {} s",
                    server.patience.as_secs_f64()
                ))
            }
            Err(e) => Some(format!("nothing, then an error: {e}")),
        };
        if let Some(got) = got {
            return Err(server.fail(
                "a new client",
                "a greeting",
                got,
                "greet each client as it connects",
            ));
        }
        reply(server, &mut client, "next\n").map(drop)
    })
}

/// `Waiting for connection . . .`, `... connected from <address>`, then
/// `Client disconnected` when the client leaves.
fn prints_the_slides_lines(greeting: &'static str) -> Stage {
    Stage::new(
        "prints_the_slides_lines",
        "prints `Waiting for connection . . .`, `... connected from <address>`, `Client disconnected`",
        move |ctx| {
            let mut server = ctx.server(&[])?;
            server.expect_line("", "`Waiting for connection . . .`", |l| {
                l.contains("Waiting for connection . . .")
            })?;
            let client = greeted(&mut server, greeting)?;
            let port = client.local_addr().map(|a| a.port()).unwrap_or_default();
            server.expect_line(
                &format!("a client from port {port}"),
                &format!("`... connected from` with the port {port}"),
                |l| l.contains("connected from") && l.contains(&port.to_string()),
            )?;
            drop(client);
            server
                .expect_line("a client that leaves", "`Client disconnected`", |l| {
                    l.contains("Client disconnected")
                })
                .map(drop)
        },
    )
}

fn chat_server() -> Rubric {
    let service = Service {
        typed: OPERATOR.as_bytes(),
        ..Service::new(serve())
    };
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "greets",
            "sends `Welcome to my chat room!`, no newline",
            |ctx| {
                let mut server = ctx.server(&[])?;
                greeted(&mut server, WELCOME).map(drop)
            },
        ),
        Stage::new(
            "relays_both_ways",
            "prints the client's line; sends the operator's line, without its newline",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = greeted(&mut server, WELCOME)?;
                let _ = client.write_all(b"hello there\n");
                server.expect_line("the client's line \"hello there\"", "with it", |l| {
                    l.contains("hello there")
                })?;
                let _ = server.program.write_stdin(b"hi, how are you?\n");
                let got = read_up_to(&mut client, "hi, how are you?".len());
                if got == b"hi, how are you?" {
                    return Ok(());
                }
                Err(server.fail(
                    "the operator typing \"hi, how are you?\"",
                    "\"hi, how are you?\" to the client, no newline",
                    show(&got, 80),
                    "send what the operator typed, without its newline",
                ))
            },
        ),
        prints_the_slides_lines(WELCOME),
        Stage::new(
            "stops_when_the_operators_input_ends",
            "the end of the operator's input closes the client and stops it with status 0",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = greeted(&mut server, WELCOME)?;
                let _ = client.write_all(b"hello\n");
                server.expect_line("the client's line \"hello\"", "with it", |l| {
                    l.contains("hello")
                })?;
                server.program.close_stdin();
                let got = net::read_to_end(&mut client);
                if got.error.is_some() {
                    return Err(server.fail(
                        "the end of the operator's input (Ctrl-D)",
                        "the connection closed",
                        describe_reply(&got),
                        "the end of input (Python: EOFError from input()) ends the chat: close the connection",
                    ));
                }
                match server.program.wait_exit(server.patience) {
                    Ok(status) if status.success() => Ok(()),
                    Ok(status) => Err(server.fail(
                        "the end of the operator's input (Ctrl-D)",
                        "status 0",
                        crate::runner::describe(status),
                        "the end of the operator's input is the normal end",
                    )),
                    Err(waited) => Err(server.fail(
                        "the end of the operator's input (Ctrl-D)",
                        "the server stops",
                        waited.to_string(),
                        "with no operator left, stop",
                    )),
                }
            },
        )
        // The slides' server stops there with an EOFError: a convention of ours.
        .needs(Needs::Flags),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server("chat-server", PORT, Needs::FlagsAndSignals));
    Rubric {
        program: "chat-server",
        lesson: "chat-and-doctor",
        port: PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// A chat server for one client: sends `greeting`, answers each line with the
/// next of `replies`, then reads one more line and closes (`close`) or reads
/// until the client leaves. Gives back what the client sent.
fn chat(greeting: &'static str, replies: &'static [&'static str], close: bool) -> Handler {
    Arc::new(move |stream| {
        let mut received = Vec::new();
        if stream.write_all(greeting.as_bytes()).is_err() {
            return received;
        }
        let mut reader = BufReader::new(&*stream);
        for reply in replies {
            match reader.read_until(b'\n', &mut received) {
                Ok(n) if n > 0 => {}
                _ => return received,
            }
            if (&*stream).write_all(reply.as_bytes()).is_err() {
                return received;
            }
        }
        if close {
            let _ = reader.read_until(b'\n', &mut received);
        } else {
            let _ = std::io::Read::read_to_end(&mut reader, &mut received);
        }
        received
    })
}

fn chat_client() -> Rubric {
    const SENT: &str = "the client, typing `hello`, `how are you?` and an empty line";
    let mut stages = vec![
        Stage::new(
            "prints_the_greeting",
            "prints the server's greeting",
            |ctx| {
                let server = chat(WELCOME, &[], false);
                let (mut finished, _) = against(ctx, server, &[], b"\n")?;
                printed(
                    &mut finished,
                    "the client, against a chat server",
                    WELCOME,
                    "print what the server sends first",
                )
            },
        ),
        Stage::new(
            "sends_each_line_and_prints_the_replies",
            "sends each typed line followed by `\\n`, prints each reply",
            |ctx| {
                let server = chat(WELCOME, &["hi there", "fine"], false);
                let (mut finished, received) =
                    against(ctx, server, &[], b"hello\nhow are you?\n\n")?;
                let got = received.first().cloned().unwrap_or_default();
                if got != b"hello\nhow are you?\n" {
                    return Err(finished.fail(
                        SENT,
                        show(b"hello\nhow are you?\n", 60),
                        show(&got, 60),
                        "send each line followed by \\n, as the slides do",
                    ));
                }
                for reply in ["hi there", "fine"] {
                    printed(&mut finished, SENT, reply, "print each reply")?;
                }
                finished.succeeded(SENT)
            },
        ),
        Stage::new(
            "an_empty_line_ends_the_chat",
            "an empty line ends the chat: nothing sent, status 0",
            |ctx| {
                let server = chat(WELCOME, &[], false);
                let (mut finished, received) = against(ctx, server, &[], b"\nnot sent\n")?;
                let got = received.first().cloned().unwrap_or_default();
                let sent = "the client, typing an empty line, then `not sent`";
                if !got.is_empty() {
                    return Err(finished.fail(
                        sent,
                        "nothing sent",
                        show(&got, 60),
                        "an empty line ends the chat",
                    ));
                }
                finished.succeeded(sent)
            },
        ),
        Stage::new(
            "ends_when_the_server_closes",
            "a server that closes ends the chat: status 0 (and `Server disconnected`, with --flags)",
            |ctx| {
                let server = chat(WELCOME, &["hi"], true);
                let (mut finished, _) = against(ctx, server, &[], b"hello\nanyone?\nnot sent\n")?;
                let sent = "the client, against a server that closes after one reply";
                // The slides' client ends without a word: the line is ours.
                if ctx.flags() {
                    printed(
                        &mut finished,
                        sent,
                        "Server disconnected",
                        "an empty read means the server closed: say so",
                    )?;
                }
                finished.succeeded(sent)
            },
        ),
    ];
    stages.extend(basics::client("chat-client", PORT));
    Rubric {
        program: "chat-client",
        lesson: "chat-and-doctor",
        port: PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

/// The doctor servers; `threaded` sees several patients at once.
fn doctor(name: &'static str, threaded: bool) -> Rubric {
    let service = Service::new(serve());
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "greets",
            "sends the Doctor's greeting, two lines, no newline at the end",
            |ctx| {
                let mut server = ctx.server(&[])?;
                greeted(&mut server, GREETING).map(drop)
            },
        ),
        Stage::new(
            "answers_as_the_doctor",
            "answers with a hedge or a qualifier and the sentence with persons changed",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut patient = greeted(&mut server, GREETING)?;
                let got = reply(&mut server, &mut patient, "I am sad about my dog\n")?;
                if SAD_REPLIES.contains(&got.as_str()) {
                    return Ok(());
                }
                Err(server.fail(
                    "\"I am sad about my dog\\n\", said first",
                    format!("one of {SAD_REPLIES:?}"),
                    format!("{got:?}"),
                    "a hedge, or a qualifier and the sentence with I/my changed to you/your (no newline)",
                ))
            },
        ),
        prints_the_slides_lines(GREETING),
        Stage::new(
            "serves_clients_in_turn",
            "3 patients, one after the other, each greeted and answered 3 times",
            |ctx| {
                let mut server = ctx.server(&[])?;
                for _ in 0..3 {
                    let mut patient = greeted(&mut server, GREETING)?;
                    for message in ["My mother hates me.\n", "Hi\n", "I feel better\n"] {
                        reply(&mut server, &mut patient, message)?;
                    }
                }
                Ok(())
            },
        ),
    ];
    if threaded {
        stages.push(Stage::new(
            "sees_patients_at_once",
            "5 patients connected at once: each is greeted and answered",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut patients = Vec::new();
                for _ in 0..5 {
                    patients.push(greeted(&mut server, GREETING).map_err(|mut f| {
                        f.hint = format!(
                            "a thread per patient: greet a new one while the others are in session. {}",
                            f.hint
                        );
                        f
                    })?);
                }
                for patient in &mut patients {
                    reply(&mut server, patient, "I am here too\n")?;
                }
                Ok(())
            },
        ));
    }
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(name, PORT, Needs::FlagsAndSignals));
    Rubric {
        program: name,
        lesson: "chat-and-doctor",
        port: PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}
