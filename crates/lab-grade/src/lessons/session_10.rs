//! Session 10 (`session-10/`, port 8080): the happy server, echo servers 1 to 3
//! and the five-shot client. A server reads one message (one `recv(2048)`),
//! replies, closes, and waits for the next client.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::{against, printed};
use crate::basics;
use crate::hostile::{self, Service};
use crate::net::{self, show};
use crate::reference;
use crate::stage::{Failure, Needs, Server, Stage, describe_reply};
use crate::{Kind, Rubric};

const PORT: u16 = 8080;

/// The happy server's reply, whatever the message.
pub const HAPPY: &str = "HELLO. I am the Happy Server :-)\n";

/// The Session 10 rubrics.
pub fn rubrics() -> Vec<Rubric> {
    vec![
        server("happy-server", |_| HAPPY.to_string(), Extra::Nothing),
        server("echo-server1", echo, Extra::Nothing),
        server("echo-server2", echo, Extra::Counts),
        server("echo-server3", echo, Extra::List),
        five_shot_client(),
    ]
}

/// The echo servers' reply.
pub fn echo(msg: &str) -> String {
    format!("ECHO: {msg}\n")
}

/// What a server adds to the one before it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Extra {
    Nothing,
    /// Echo server 2: counts connections, shows each client's IP and port.
    Counts,
    /// Echo server 3: and lists its 5 clients, then finishes.
    List,
}

/// How a Session 10 server serves a client, leniently: it replies something
/// (for an echo, something with the message in it), then closes.
fn serve(reply: fn(&str) -> String) -> hostile::Serve {
    Arc::new(move |server: &mut Server, delay: Duration| {
        let client = server.connect("a new client")?;
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        served(server, client, reply)
    })
}

/// Sends `next` on `client` and checks it is served (see [`serve`]).
pub(super) fn served(
    server: &mut Server,
    mut client: TcpStream,
    reply: fn(&str) -> String,
) -> Result<(), Failure> {
    let _ = client.write_all(b"next");
    let got = net::read_to_end(&mut client);
    let echoes = reply("next").contains("next");
    let ok = !got.data.is_empty()
        && got.error.is_none()
        && (!echoes || String::from_utf8_lossy(&got.data).contains("next"));
    if ok {
        return Ok(());
    }
    let hint = crate::stage::reply_hint(&got, reply("next").as_bytes(), server.patience);
    Err(server.fail(
        "a client sending \"next\"",
        format!(
            "a reply like {}, then the connection closed",
            show(reply("next").as_bytes(), 60)
        ),
        describe_reply(&got),
        hint,
    ))
}

/// A Session 10 server's rubric (and the rubric of the servers that grow from them).
pub(super) fn server(name: &'static str, reply: fn(&str) -> String, extra: Extra) -> Rubric {
    let service = Service {
        burst: if extra == Extra::List { 3 } else { 8 },
        ..Service::new(serve(reply))
    };
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "replies",
            "the reply to `Test`, byte for byte",
            move |ctx| {
                ctx.server(&[])?
                    .expect_reply(b"Test", reply("Test").as_bytes())
            },
        ),
        Stage::new("prints_message", "prints `Message received: Test`", |ctx| {
            let mut server = ctx.server(&[])?;
            server.talk(b"Test")?;
            server.expect_line(
                "a client sending \"Test\"",
                "`Message received: Test`",
                |l| l.contains("Message received") && l.trim_end().ends_with("Test"),
            )?;
            Ok(())
        }),
        hostile::serves_clients_in_turn(&service),
    ];
    if extra != Extra::Nothing {
        stages.push(counts_connections());
    }
    if extra == Extra::List {
        stages.push(lists_clients_and_finishes());
    }
    stages.extend(hostile::stages(&service));
    stages.push(closes_without_a_reset(reply));
    stages.push(escapes_control_characters());
    // Served as the other stages serve a client: the reply's wording is the reply stage's.
    stages.push(basics::finishes_the_client_on_ctrl_c(
        "A client has connected",
        move |server: &mut Server, client: TcpStream| served(server, client, reply),
    ));
    // The lesson's last step is the stop on Ctrl-C.
    stages.extend(basics::server(
        name,
        PORT,
        Needs::Signals,
        Some("Waiting for Clients to connect"),
    ));
    Rubric {
        program: name,
        lesson: "session-10",
        port: PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// A client that sends more than one read takes (4096 bytes; the server reads
/// 2048) gets its whole reply and a normal end: a server that closes with unread
/// data makes the system reset the connection, and the reply can be lost.
fn closes_without_a_reset(reply: fn(&str) -> String) -> Stage {
    Stage::new(
        "closes_without_a_reset",
        "a client that sends 4096 bytes gets a reply, then a normal end (no reset)",
        move |ctx| {
            let mut server = ctx.server(&[])?;
            let got = server.talk(&[b'x'; 4096])?;
            // The reply's wording is the reply stage's: here, that one comes, whole.
            if !got.data.is_empty() && got.error.is_none() {
                return Ok(());
            }
            let expected = reply(&"x".repeat(2048));
            let hint = crate::stage::reply_hint(&got, expected.as_bytes(), server.patience);
            Err(server.fail(
                "a new client sending 4096 bytes (the server reads 2048)",
                "a reply, then the connection closed normally",
                describe_reply(&got),
                format!(
                    "close the connection politely: stop sending, read what the client still \
                     sends, then close (lab_common::message::close); else the system resets it \
                     and the reply can be lost. {hint}"
                ),
            ))
        },
    )
    .needs(Needs::Flags)
}

/// What a client sends is printed with its control characters escaped, so no
/// client can drive the operator's terminal (retitle it, clear it).
fn escapes_control_characters() -> Stage {
    Stage::new(
        "escapes_control_characters",
        "prints a client's control characters escaped: `\\u{1b}]0;pwned\\u{7}`",
        |ctx| {
            let mut server = ctx.server(&[])?;
            server.talk(b"\x1b]0;pwned\x07")?;
            server.expect_line(
                "a client sending \"\\x1b]0;pwned\\x07\" (an escape that retitles a terminal)",
                "`Message received: \\u{1b}]0;pwned\\u{7}`",
                |l| l.contains("Message received") && l.contains("\\u{1b}]0;pwned\\u{7}"),
            )?;
            Ok(())
        },
    )
    .needs(Needs::Flags)
}

/// Echo server 2: `CONNECTION <n>` and the client's IP and port, for each client.
fn counts_connections() -> Stage {
    Stage::new(
        "counts_connections",
        "prints `CONNECTION <n>` with each client's IP and port",
        |ctx| {
            let mut server = ctx.server(&[])?;
            for n in 1..=3 {
                let mut client = server.connect("a new client")?;
                let port = client.local_addr().map(|a| a.port()).unwrap_or_default();
                let _ = client.write_all(b"hi");
                let _ = net::read_to_end(&mut client);
                server.expect_line(
                    &format!("client {n}, from port {port}"),
                    &format!("with `CONNECTION {n}` and the client's IP and port {port}"),
                    |l| l.contains(&format!("CONNECTION {n}")) && l.contains(&port.to_string()),
                )?;
            }
            Ok(())
        },
    )
}

/// Echo server 3: after 5 clients, lists them and finishes with status 0.
fn lists_clients_and_finishes() -> Stage {
    Stage::new(
        "lists_clients_and_finishes",
        "after 5 clients, lists their addresses and finishes with status 0",
        |ctx| {
            let mut server = ctx.server(&[])?;
            let mut ports = Vec::new();
            for i in 0..5 {
                let mut client = server.connect(&format!("client {i}"))?;
                ports.push(client.local_addr().map(|a| a.port()).unwrap_or_default());
                let _ = client.write_all(format!("Message {i}").as_bytes());
                let _ = net::read_to_end(&mut client);
            }
            let sent = "5 clients";
            server.expect_line(
                sent,
                "`The following clients have connected to the server:`",
                |l| l.contains("The following clients have connected to the server:"),
            )?;
            for (i, port) in ports.iter().enumerate() {
                server.expect_line(
                    sent,
                    &format!("for client {i}, with its port {port}"),
                    |l| l.contains(&port.to_string()),
                )?;
            }
            match server.program.wait_exit(server.patience) {
                Ok(status) if status.success() => Ok(()),
                Ok(status) => {
                    let status = crate::runner::describe(status);
                    Err(server.fail(
                        sent,
                        "status 0",
                        status,
                        "finishing after the list is the normal end",
                    ))
                }
                Err(waited) => Err(server.fail(
                    sent,
                    "the server finishes after the list",
                    waited.to_string(),
                    "after 5 clients, leave the loop",
                )),
            }
        },
    )
}

fn five_shot_client() -> Rubric {
    let echo_server = || reference::one_shot(echo);
    let mut stages = vec![
        Stage::new(
            "sends_five_messages",
            "sends `Message 0` ... `Message 4`, one per connection",
            move |ctx| {
                let (mut finished, received) = against(ctx, echo_server(), &[], b"")?;
                let expected: Vec<String> = (0..5).map(|i| format!("Message {i}")).collect();
                let got: Vec<String> = received
                    .iter()
                    .map(|m| String::from_utf8_lossy(m).into_owned())
                    .collect();
                let same = got.len() == 5
                    && got
                        .iter()
                        .zip(&expected)
                        .all(|(g, e)| g.eq_ignore_ascii_case(e));
                if same {
                    return Ok(());
                }
                Err(finished.fail(
                    "the client, against an echo server",
                    format!("{expected:?}, one per connection"),
                    format!("{got:?}"),
                    "connect 5 times, sending one message on each connection",
                ))
            },
        ),
        Stage::new(
            "prints_replies",
            "prints each reply (`ECHO: Message <i>`)",
            move |ctx| {
                let (mut finished, _) = against(ctx, echo_server(), &[], b"")?;
                for i in 0..5 {
                    printed(
                        &mut finished,
                        "the client, against an echo server",
                        &format!("ECHO: Message {i}"),
                        "print what the server replies",
                    )?;
                }
                Ok(())
            },
        ),
        Stage::new(
            "finishes_with_status_0",
            "finishes with status 0 after its 5 messages",
            move |ctx| {
                let (mut finished, _) = against(ctx, echo_server(), &[], b"")?;
                finished.succeeded("the client, against an echo server")
            },
        ),
        Stage::new(
            "prints_a_reply_without_newline_on_its_line",
            "a reply without a newline is still printed on a line of its own",
            |ctx| {
                let (mut finished, _) = against(
                    ctx,
                    reference::one_shot(|_| "no newline here".into()),
                    &[],
                    b"",
                )?;
                let lines = finished
                    .console
                    .iter()
                    .filter(|l| l.ends_with("no newline here"))
                    .count();
                if lines == 5 {
                    return Ok(());
                }
                Err(finished.fail(
                    "the client, against a server replying `no newline here`",
                    "5 lines ending with the reply",
                    format!("{lines}"),
                    "print a newline after a reply that has none",
                ))
            },
        )
        .needs(Needs::Flags),
        Stage::new(
            "says_when_the_server_closes_without_a_reply",
            "a server that closes without replying: status 1",
            |ctx| {
                let (mut finished, _) =
                    against(ctx, reference::one_shot(|_| String::new()), &[], b"")?;
                finished.failed_saying(
                    "the client, against a server that closes without replying",
                    "closed the connection without a response",
                    "an empty reply means the server closed: say so",
                )
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(basics::client("five-shot-client", PORT));
    Rubric {
        program: "five-shot-client",
        lesson: "session-10",
        port: PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}
