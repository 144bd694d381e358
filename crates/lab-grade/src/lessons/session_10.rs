//! Session 10 (`session-10/`, port 8080): the happy server, echo servers 1 to 3
//! and the five-shot client. A server reads one message (one `recv(2048)`),
//! replies, closes, and waits for the next client.

use std::io::Write;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::{against, printed};
use crate::basics;
use crate::hostile::{self, Service};
use crate::net::{self, Conn, show};
use crate::reference;
use crate::stage::{Failure, Needs, Server, Stage, StageKind, describe_reply};
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

/// Sends `next` on `client` and checks it is served (see [`serve`]): a reply
/// comes, whether or not the server then closes (closing is one stage's).
pub(super) fn served(
    server: &mut Server,
    mut client: Conn,
    reply: fn(&str) -> String,
) -> Result<(), Failure> {
    let _ = client.write_all(b"next");
    let got = net::read_reply(&mut client, net::QUIET);
    let echoes = reply("next").contains("next");
    let ok = !got.data.is_empty()
        && (got.error.is_none() || got.stayed_open())
        && (!echoes || String::from_utf8_lossy(&got.data).contains("next"));
    if ok {
        return Ok(());
    }
    let hint = crate::stage::reply_hint(&got, reply("next").as_bytes(), server.patience);
    Err(server.fail(
        "a client sending \"next\"",
        format!("a reply like {}", show(reply("next").as_bytes(), 60)),
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
            "the reply to `Test` (a newline after it or not)",
            move |ctx| ctx.server(&[])?.expect_reply_text(b"Test", &reply("Test")),
        ),
        Stage::new("prints_message", "prints the message it received", |ctx| {
            let mut server = ctx.server(&[])?;
            server.talk(b"Test")?;
            server.expect_line(
                "a client sending \"Test\"",
                "with the message, `Test`",
                |l| l.contains("Test"),
            )?;
            Ok(())
        }),
        closes_the_connection(reply),
        hostile::serves_clients_in_turn(&service),
    ];
    if extra != Extra::Nothing {
        stages.push(counts_connections());
    }
    if extra == Extra::List {
        stages.push(lists_clients_and_finishes());
    }
    stages.push(replies_byte_for_byte(reply));
    stages.push(prints_the_lessons_words(extra));
    if reply("Test").contains("Test") {
        stages.push(prints_the_message_in_green());
    }
    stages.extend(hostile::stages(&service));
    stages.push(closes_without_a_reset(reply));
    stages.push(escapes_control_characters());
    // Served as the other stages serve a client: the reply's wording is the reply stage's.
    stages.push(basics::finishes_the_client_on_ctrl_c(
        "A client has connected",
        move |server: &mut Server, client: Conn| served(server, client, reply),
    ));
    // The lesson's last step is the stop on Ctrl-C.
    stages.extend(basics::server(name, PORT, Needs::Signals));
    Rubric {
        program: name,
        lesson: "session-10",
        port: PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// After its reply, the server closes the connection (the lesson's
/// `cs.close()`): a client reading the reply to its end is not kept waiting.
fn closes_the_connection(reply: fn(&str) -> String) -> Stage {
    Stage::new(
        "closes_the_connection",
        "closes the client's connection after replying",
        move |ctx| {
            let mut server = ctx.server(&[])?;
            let mut client = server.connect("a new client")?;
            let _ = client.write_all(b"Test");
            // Long enough for any close that comes with the reply; short, so a
            // server that never closes fails here in seconds.
            let wait = server.patience.min(std::time::Duration::from_secs(5));
            let _ = client.set_read_timeout(Some(wait));
            let got = net::read_to_end(&mut client);
            if !got.data.is_empty() && got.error.is_none() {
                return Ok(());
            }
            let hint = if got.stayed_open() {
                "the reply came, but the connection stayed open: close the client's socket after replying (cs.close())".to_string()
            } else {
                crate::stage::reply_hint(&got, reply("Test").as_bytes(), wait)
            };
            Err(server.fail(
                "a new client sending \"Test\"",
                "a reply, then the connection closed",
                describe_reply(&got),
                hint,
            ))
        },
    )
}

/// The reply byte for byte as the lesson's code sends it, its newline too.
fn replies_byte_for_byte(reply: fn(&str) -> String) -> Stage {
    Stage::new(
        "replies_byte_for_byte",
        "the reply to `Test` byte for byte, as the lesson's code sends it",
        move |ctx| {
            ctx.server(&[])?
                .expect_reply(b"Test", reply("Test").as_bytes())
        },
    )
    .kind(StageKind::Conventions)
}

/// The console lines the lesson shows, word for word.
fn prints_the_lessons_words(extra: Extra) -> Stage {
    Stage::new(
        "prints_the_lessons_words",
        "the lesson's console lines word for word (`Message received: Test`...)",
        move |ctx| {
            let mut server = ctx.server(&[])?;
            let mut client = server.connect("a new client")?;
            let port = client.local_addr().map(|a| a.port()).unwrap_or_default();
            let _ = client.write_all(b"Test");
            let _ = net::read_reply(&mut client, net::QUIET);
            let mut words = vec![
                "The server is configured!",
                "Waiting for Clients to connect",
                "A client has connected to the server!",
                "Message received: Test",
            ];
            if extra != Extra::Nothing {
                words.push("CONNECTION 1. Client IP,PORT:");
            }
            // The last of them, then every one of them, in any order.
            server.expect_line(
                &format!("a client (port {port}) sending \"Test\""),
                "`Message received: Test`",
                |l| l.contains("Test"),
            )?;
            let lines = server.console();
            let missing: Vec<&str> = words
                .into_iter()
                .filter(|w| !lines.iter().any(|l| l.contains(w)))
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            Err(server.fail(
                format!("a client (port {port}) sending \"Test\""),
                format!("the lesson's lines, word for word: {missing:?}"),
                "not printed as the lesson writes them",
                "a convention only: the lesson's exact words (the lesson stages accept your own)",
            ))
        },
    )
    .kind(StageKind::Conventions)
}

/// Echo server 1's lesson: the message is printed in green.
fn prints_the_message_in_green() -> Stage {
    Stage::new(
        "prints_the_message_in_green",
        "prints the message in green, as the lesson asks",
        |ctx| {
            let mut server = ctx.server(&[])?;
            server.talk(b"Test")?;
            let line = server.expect_line(
                "a client sending \"Test\"",
                "with the message, `Test`",
                |l| l.contains("Test"),
            )?;
            let raw = server
                .program
                .seen()
                .iter()
                .rev()
                .find(|l| crate::stage::plain(l) == line)
                .cloned()
                .unwrap_or_default();
            if green_before(&raw, "Test") {
                return Ok(());
            }
            Err(server.fail(
                "a client sending \"Test\" (the program run with FORCE_COLOR=1)",
                "the message in green (the ANSI code \\x1b[32m before it)",
                net::show(raw.as_bytes(), 80),
                "colour the message green: termcolor's colored(msg, 'green'), or Rust's colored: msg.green()",
            ))
        },
    )
    .kind(StageKind::Conventions)
}

/// Whether `text` in `line` comes after an ANSI code that turns green on (32,
/// or bright 92), with no reset in between.
fn green_before(line: &str, text: &str) -> bool {
    let Some(at) = line.find(text) else {
        return false;
    };
    let before = &line[..at];
    let Some(code) = before.rfind("\u{1b}[") else {
        return false;
    };
    let params = before[code + 2..].trim_end_matches('m');
    let after_code = &before[code..];
    after_code.contains('m') && params.split(';').any(|p| p == "32" || p == "92")
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
            let mut client = server.connect("a new client sending 4096 bytes")?;
            let _ = client.write_all(&[b'x'; 4096]);
            let got = net::read_to_end(&mut client);
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
    .kind(StageKind::Robustness)
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

/// The whole numbers written in `line`, IP addresses left out: `CONNECTION 1.
/// Client IP,PORT: ('127.0.0.1', 5000)` has 1 and 5000.
pub(super) fn numbers(line: &str) -> Vec<u64> {
    let mut found = Vec::new();
    for run in line.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
        let parts: Vec<&str> = run.split('.').collect();
        let numeric = parts.iter().filter(|p| !p.is_empty()).count();
        if numeric >= 4 {
            continue; // an IP address
        }
        found.extend(parts.iter().filter_map(|p| p.parse::<u64>().ok()));
    }
    found
}

/// Echo server 2: the count of connections and the client's port, for each
/// client, whatever the words, spacing and case around them (on the port's line,
/// or on a line next to the client's).
fn counts_connections() -> Stage {
    Stage::new(
        "counts_connections",
        "prints the count of connections and each client's port",
        |ctx| {
            let mut server = ctx.server(&[])?;
            let mut ports = Vec::new();
            for n in 1..=3 {
                let mut client = server.connect("a new client")?;
                let port = client.local_addr().map(|a| a.port()).unwrap_or_default();
                ports.push(port);
                let _ = client.write_all(b"hi");
                let _ = net::read_reply(&mut client, net::QUIET);
                server.expect_line(
                    &format!("client {n}, from port {port}"),
                    &format!("with the client's port, {port}"),
                    |l| numbers(l).contains(&u64::from(port)),
                )?;
            }
            let lines = server.console();
            // Where each client's port is printed first.
            let at: Vec<usize> = ports
                .iter()
                .map(|port| {
                    lines
                        .iter()
                        .position(|l| numbers(l).contains(&u64::from(*port)))
                        .unwrap_or(0)
                })
                .collect();
            for (i, n) in (1..=3u64).enumerate() {
                let from = if i == 0 { 0 } else { at[i - 1] + 1 };
                let to = at.get(i + 1).copied().unwrap_or(lines.len());
                let near = &lines[from.min(to)..to];
                if near.iter().any(|l| numbers(l).contains(&n)) {
                    continue;
                }
                return Err(server.fail(
                    format!("3 clients, one after the other (client {n} from port {})", ports[i]),
                    format!("the count {n} printed with client {n}'s connection"),
                    format!("no {n} near the line with its port: {:?}", lines.get(at[i])),
                    "count the connections and print the number with each client's IP and port, as echo-server2 asks",
                ));
            }
            Ok(())
        },
    )
}

/// Echo server 3: after 5 clients, lists their addresses (their ports) and
/// finishes with status 0, whatever the words around the list.
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
                let _ = net::read_reply(&mut client, net::QUIET);
            }
            let sent = "5 clients, sending `Message 0` ... `Message 4`";
            let status = server.program.wait_exit(server.patience);
            let lines = server.console();
            // The list comes after the fifth client was served: after its message.
            let from = lines
                .iter()
                .rposition(|l| l.contains("Message 4"))
                .or_else(|| {
                    let last = u64::from(ports[4]);
                    lines.iter().position(|l| numbers(l).contains(&last))
                })
                .map_or(0, |at| at + 1);
            let missing: Vec<u16> = ports
                .iter()
                .copied()
                .filter(|port| {
                    !lines[from..]
                        .iter()
                        .any(|l| numbers(l).contains(&u64::from(*port)))
                })
                .collect();
            if !missing.is_empty() {
                return Err(server.fail(
                    sent,
                    format!("after the fifth client, a list with the 5 clients' ports {ports:?}"),
                    format!("the ports {missing:?} are not in the lines after the fifth client"),
                    "keep each client's (IP, PORT) in a list and print it after the fifth client",
                ));
            }
            match status {
                Ok(status) if status.success() && crate::stage::crash_line(&lines).is_none() => {
                    Ok(())
                }
                Ok(status) => {
                    let status = crate::runner::describe(status);
                    Err(server.fail(
                        sent,
                        "status 0",
                        status,
                        "finishing after the list is the normal end: leave the loop and close the socket",
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
