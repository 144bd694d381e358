//! The blog's page (`crates/time-and-echo/`): the time server and client over
//! TCP (port 9999) and UDP, and the stream echo server and client (port 12345).

use std::io::{Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::{against, printed};
use crate::hostile::{self, Service};
use crate::net::{self, random_bytes, show};
use crate::reference::{self, UdpReference};
use crate::stage::{Failure, Needs, Server, Stage, StageKind, describe_reply};
use crate::{Kind, Rubric, basics};

const TIME_PORT: u16 = 9999;
const ECHO_PORT: u16 = 12345;

/// What the reference time server sends: the time, and the slides' nice day.
const TIME: &[u8] = b"Wed Dec 29 19:14:15 2017\r\nHave a nice day!\r\n";
const TIME_LINE: &str = "The time got from the server is Wed Dec 29 19:14:15 2017";

/// The rubrics of the blog's page.
pub fn rubrics() -> Vec<Rubric> {
    vec![
        time_server(),
        time_client(),
        udp_time_server(),
        udp_time_client(),
        stream_echo_server(),
        stream_echo_client(),
    ]
}

/// Whether `text` is the time now in `time.ctime()` form (within a few seconds,
/// in this machine's time zone, which the program under test shares).
pub fn check_ctime(text: &str) -> Result<(), String> {
    let time = jiff::civil::DateTime::strptime("%a %b %e %H:%M:%S %Y", text).map_err(|_| {
        format!("{text:?} is not in time.ctime() form (`Wed Dec 29 19:14:15 2017`)")
    })?;
    if text.len() != 24 {
        return Err(format!(
            "{text:?} is not 24 characters long, as time.ctime() writes it"
        ));
    }
    let now = jiff::Zoned::now().datetime();
    let apart = now.duration_since(time).as_secs().abs();
    if apart > 5 {
        return Err(format!(
            "{text} is {apart} s away from the time here ({now})"
        ));
    }
    Ok(())
}

/// The time server's reply, as the lesson asks it: the local time now, as
/// `time.ctime()` writes it (the spaces around it, and its line ending, are
/// typography: CRLF, LF or none).
fn check_time_reply(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let first = text.split('\n').next().unwrap_or_default();
    let time = first.trim();
    if time.is_empty() {
        return Err("no time came".into());
    }
    check_ctime(&time.split_whitespace().collect::<Vec<_>>().join(" ")).or_else(|why| {
        // `Wed Dec  9 ...`: ctime pads a one-digit day with a space.
        check_ctime(time).map_err(|_| why)
    })
}

/// The reply byte for byte as the page's server sends it: the time line ends
/// with `\r\n`, the daytime protocol's line ending.
fn check_time_line_ending(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let Some((time, _)) = text.split_once("\r\n") else {
        return Err("the time line does not end with \\r\\n, as the page's server sends it".into());
    };
    check_ctime(time)
}

fn time_server() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        let mut client = server.connect("a new client")?;
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        let got = net::read_to_end(&mut client);
        if !got.data.is_empty() && got.error.is_none() {
            return Ok(());
        }
        let hint = crate::stage::reply_hint(&got, b"the time", server.patience);
        Err(server.fail(
            "a new client",
            "the time, then the connection closed",
            describe_reply(&got),
            hint,
        ))
    });
    let service = Service {
        // It never waits on a client.
        silent_args: &[],
        ..Service::new(serve)
    };
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "sends_the_time",
            "sends the local time as time.ctime() writes it",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let got = server.talk(b"")?;
                check_time_reply(&got.data).map_err(|why| {
                    server.fail(
                        "a new client",
                        "the time now, such as \"Wed Dec 29 19:14:15 2017\\r\\n\"",
                        describe_reply(&got),
                        why,
                    )
                })
            },
        ),
        Stage::new(
            "sends_the_time_in_a_crlf_line",
            "the time line ends with `\\r\\n`, as the page's server sends it",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let got = server.talk(b"")?;
                check_time_line_ending(&got.data).map_err(|why| {
                    server.fail(
                        "a new client",
                        "the time now, then \"\\r\\n\"",
                        describe_reply(&got),
                        why,
                    )
                })
            },
        )
        .kind(StageKind::Conventions),
        Stage::new(
            "sends_a_nice_day",
            "then `Have a nice day!` (the slides' addition)",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let got = server.talk(b"")?;
                let text = String::from_utf8_lossy(&got.data);
                if text.split("\r\n").nth(1) == Some("Have a nice day!") {
                    return Ok(());
                }
                Err(server.fail(
                    "a new client",
                    "a second line `Have a nice day!\\r\\n`",
                    describe_reply(&got),
                    "the slides' server sends it after the time",
                ))
            },
        )
        .kind(StageKind::Conventions),
        Stage::new(
            "prints_who_connected",
            "prints who connected: the client's address (its port)",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = server.connect("a new client")?;
                let port = client.local_addr().map(|a| a.port()).unwrap_or_default();
                let _ = net::read_to_end(&mut client);
                server
                    .expect_line(
                        &format!("a client from port {port}"),
                        &format!("with the client's port {port}, as `Got a connection from` does"),
                        |l| super::session_10::numbers(l).contains(&u64::from(port)),
                    )
                    .map(drop)
            },
        ),
        hostile::serves_clients_in_turn(&service),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(
        "time-server",
        TIME_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "time-server",
        lesson: "time-and-echo",
        port: TIME_PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

fn time_client() -> Rubric {
    let mut stages = vec![
        Stage::new(
            "prints_the_time",
            "prints `The time got from the server is <time>`",
            |ctx| {
                let (mut finished, _) = against(ctx, reference::sending(TIME), &[], b"")?;
                printed(
                    &mut finished,
                    "the client, against a time server",
                    TIME_LINE,
                    "print what the server sent, after the lesson's words",
                )?;
                finished.succeeded("the client, against a time server")
            },
        ),
        Stage::new(
            "prints_the_rest",
            "prints what follows the time (`Have a nice day!`)",
            |ctx| {
                let (mut finished, _) = against(ctx, reference::sending(TIME), &[], b"")?;
                printed(
                    &mut finished,
                    "the client, against a time server",
                    "Have a nice day!",
                    "print all the server sent",
                )
            },
        ),
        Stage::new(
            "works_with_the_pages_server",
            "works with the page's server, which sends the time only",
            |ctx| {
                let handler = reference::sending(b"Sat Dec  9 07:01:02 2017\r\n");
                let (mut finished, _) = against(ctx, handler, &[], b"")?;
                printed(
                    &mut finished,
                    "the client, against the page's time server",
                    "The time got from the server is Sat Dec  9 07:01:02 2017",
                    "print the time as it came",
                )?;
                finished.succeeded("the client, against the page's time server")
            },
        ),
        Stage::new(
            "says_when_the_server_sends_nothing",
            "a server that sends nothing: status 1",
            |ctx| {
                let (mut finished, _) = against(ctx, reference::sending(b""), &[], b"")?;
                finished.failed_saying(
                    "the client, against a server that closes at once",
                    "without sending the time",
                    "an empty answer means the server closed: say so",
                )
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(basics::client("time-client", TIME_PORT));
    Rubric {
        program: "time-client",
        lesson: "time-and-echo",
        port: TIME_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

/// Sends `request` from a new UDP socket and waits for one datagram back.
fn ask(addr: SocketAddr, request: &[u8], patience: Duration) -> Result<Vec<u8>, String> {
    let socket = UdpSocket::bind(crate::net::loopback_for(addr)).map_err(|e| e.to_string())?;
    socket
        .set_read_timeout(Some(patience))
        .map_err(|e| e.to_string())?;
    socket.send_to(request, addr).map_err(|e| e.to_string())?;
    let mut answer = vec![0; 65536];
    let (size, from) = socket
        .recv_from(&mut answer)
        .map_err(|e| format!("no answer: {e}"))?;
    if from != addr {
        return Err(format!("an answer from {from}, not from the server"));
    }
    answer.truncate(size);
    Ok(answer)
}

/// A stage that asks the UDP server with `request` and checks the answer is the time.
fn udp_asks(id: &'static str, checks: &'static str, request: fn() -> Vec<u8>) -> Stage {
    Stage::new(id, checks, move |ctx| {
        let mut server = ctx.server(&[])?;
        let request = request();
        udp_expect_time(&mut server, &request, "")
    })
}

fn udp_expect_time(server: &mut Server, request: &[u8], before: &str) -> Result<(), Failure> {
    let sent = format!("{before}a datagram {}", show(request, 40));
    match ask(server.addr, request, server.patience) {
        Ok(answer) => check_time_reply(&answer).map_err(|why| {
            server.fail(
                sent,
                "one datagram with the time now",
                show(&answer, 80),
                why,
            )
        }),
        Err(why) => Err(server.fail(
            sent,
            "one datagram with the time",
            why,
            "answer every datagram with sendto() to the address recvfrom() gave",
        )),
    }
}

fn udp_time_server() -> Rubric {
    let mut stages = vec![
        basics::listens(),
        udp_asks(
            "answers_a_datagram",
            "answers a datagram with the time",
            || b"What time is it?".to_vec(),
        ),
        udp_asks(
            "answers_an_empty_datagram",
            "answers an empty datagram",
            Vec::new,
        )
        .kind(StageKind::Robustness),
        // 65535 bytes less the IPv4 and UDP headers.
        udp_asks(
            "answers_the_largest_datagram",
            "answers a 65,507-byte datagram",
            || vec![b'x'; 65_507],
        )
        .kind(StageKind::Robustness),
        udp_asks(
            "answers_invalid_utf8",
            "answers a datagram that is not UTF-8",
            || b"Hi \xFF\xFE".to_vec(),
        )
        .kind(StageKind::Robustness),
        Stage::new(
            "answers_every_client",
            "two clients ask at once: each gets its own answer",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let addr = server.addr;
                let sockets: Vec<UdpSocket> = (0..2)
                    .filter_map(|_| UdpSocket::bind(net::loopback_for(addr)).ok())
                    .collect();
                for socket in &sockets {
                    let _ = socket.set_read_timeout(Some(server.patience));
                    let _ = socket.send_to(b"time?", addr);
                }
                for (i, socket) in sockets.iter().rev().enumerate() {
                    let mut answer = [0; 2048];
                    let answered = socket.recv(&mut answer).map_err(|e| e.to_string());
                    let checked = answered.and_then(|n| check_time_reply(&answer[..n]));
                    if let Err(why) = checked {
                        return Err(server.fail(
                            format!("two clients' datagrams; client {}", 2 - i),
                            "its own answer",
                            why,
                            "answer each datagram to the address it came from",
                        ));
                    }
                }
                Ok(())
            },
        ),
        Stage::new(
            "survives_a_client_gone",
            "a client gone before its answer does not stop it",
            |ctx| {
                let mut server = ctx.server(&[])?;
                if let Ok(gone) = UdpSocket::bind(net::loopback_for(server.addr)) {
                    let _ = gone.send_to(b"bye", server.addr);
                }
                for _ in 0..3 {
                    udp_expect_time(&mut server, b"still there?", "after a client that left: ")?;
                }
                Ok(())
            },
        )
        .kind(StageKind::Robustness),
        Stage::new(
            "burst",
            "a burst of 20 clients at once: still answers the next",
            |ctx| {
                let mut server = ctx.server(&[])?;
                for _ in 0..20 {
                    if let Ok(socket) = UdpSocket::bind(net::loopback_for(server.addr)) {
                        let _ = socket.send_to(b"time?", server.addr);
                    }
                }
                udp_expect_time(&mut server, b"next", "after a burst of 20 clients: ")
            },
        )
        .kind(StageKind::Robustness),
    ];
    stages.extend(basics::server(
        "udp-time-server",
        TIME_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "udp-time-server",
        lesson: "time-and-echo",
        port: TIME_PORT,
        kind: Kind::UdpServer,
        env: Vec::new(),
        stages,
    }
}

fn udp_time_client() -> Rubric {
    let mut stages = vec![
        Stage::new(
            "prints_the_time",
            "asks, and prints `The time got from the server is <time>`",
            |ctx| {
                let server = UdpReference::start(ctx, 0, Some(b"Wed Dec 29 19:14:15 2017\r\n"))?;
                let mut finished = ctx.run(server.addr.port(), &[], b"")?;
                printed(
                    &mut finished,
                    "the client, against a UDP time server",
                    TIME_LINE,
                    "print the time after the lesson's words",
                )?;
                finished.succeeded("the client, against a UDP time server")
            },
        ),
        Stage::new(
            "tries_again_when_the_answer_is_lost",
            "when the first datagram gets no answer, asks again",
            |ctx| {
                let server = UdpReference::start(ctx, 1, Some(b"Wed Dec 29 19:14:15 2017\r\n"))?;
                let mut finished = ctx.run(server.addr.port(), &["--timeout", "3"], b"")?;
                let got = server.finish();
                printed(
                    &mut finished,
                    "the client, against a server that loses the first datagram",
                    TIME_LINE,
                    "ask again after a timeout",
                )?;
                if got == 2 {
                    return Ok(());
                }
                Err(finished.fail(
                    "the client, against a server that loses the first datagram",
                    "2 datagrams: one lost, one answered",
                    format!("{got}"),
                    "send once per try",
                ))
            },
        )
        .needs(Needs::Flags),
        Stage::new(
            "gives_up_after_its_tries",
            "with no answer at all: 3 tries, then status 1",
            |ctx| {
                let server = UdpReference::start(ctx, 0, None)?;
                let mut finished = ctx.run(
                    server.addr.port(),
                    &["--timeout", "0.6", "--tries", "3"],
                    b"",
                )?;
                let got = server.finish();
                if got == 3 && finished.code == Some(1) && finished.printed("Error: ") {
                    return Ok(());
                }
                let status = finished.status.clone();
                Err(finished.fail(
                    "the client, against a server that never answers",
                    "3 datagrams, then status 1 and an `Error: ` line",
                    format!("{got} datagrams, {status}"),
                    "UDP may lose a datagram: try a few times, then say no answer came",
                ))
            },
        )
        .needs(Needs::Flags),
        Stage::new(
            "says_when_nothing_listens",
            "with nothing on the port: an `Error: ` line and status 1",
            |ctx| {
                // Take a port and free it: the system may answer "port unreachable".
                let port = UdpSocket::bind(("127.0.0.1", 0))
                    .and_then(|s| s.local_addr())
                    .map(|a| a.port())
                    .map_err(|e| Failure::new("", "a free port", e.to_string(), ""))?;
                let mut finished = ctx.run(port, &["--timeout", "0.3"], b"")?;
                finished.failed_saying(
                    "the client, with nothing on its port",
                    "Error: ",
                    "say that no answer came",
                )
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(basics::command_line("udp-time-client", TIME_PORT));
    Rubric {
        program: "udp-time-client",
        lesson: "time-and-echo",
        port: TIME_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

/// Checks that `data` comes back, byte for byte, through a new connection.
fn echoes(server: &mut Server, data: Vec<u8>, sent: &str) -> Result<(), Failure> {
    let got = net::echo_through(server.addr, data.clone(), server.patience)
        .map_err(|e| server.unreachable(sent, &e))?;
    if got.data == data && got.error.is_none() {
        return Ok(());
    }
    let hint = if got.data.len() != data.len() {
        format!(
            "{} bytes sent, {} came back: echo every read until the client closes",
            data.len(),
            got.data.len()
        )
    } else {
        "the bytes came back changed: send back exactly what was read".into()
    };
    let expected = format!("the same {} bytes, then the connection closed", data.len());
    Err(server.fail(sent, expected, describe_reply(&got), hint))
}

fn stream_echo_server() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        if delay.is_zero() {
            return echoes(server, b"next".to_vec(), "a new client sending \"next\"");
        }
        let mut client = server.connect("a slow client")?;
        thread::sleep(delay);
        let _ = client.write_all(b"next");
        let _ = client.shutdown(std::net::Shutdown::Write);
        let got = net::read_to_end(&mut client);
        server.check_reply(b"next", &got, b"next")
    });
    let service = Service::new(serve);
    let mut stages = vec![
        basics::listens(),
        Stage::new("echoes", "echoes `Hello, world`", |ctx| {
            let mut server = ctx.server(&[])?;
            echoes(
                &mut server,
                b"Hello, world".to_vec(),
                "a client sending \"Hello, world\"",
            )
        }),
        Stage::new(
            "echoes_8_mib_in_order",
            "echoes 8 MiB of random bytes, in order",
            |ctx| {
                let mut server = ctx.server(&[])?;
                echoes(&mut server, random_bytes(8 << 20), "8 MiB of random bytes")
            },
        ),
        Stage::new(
            "echoes_each_message_as_it_comes",
            "echoes each message before the next is sent",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = server.connect("a client")?;
                for msg in [&b"one"[..], b"two", b"\xFF\x00 binary \r\n"] {
                    let sent = format!("{} on an open connection", show(msg, 40));
                    let _ = client.write_all(msg);
                    let mut echo = vec![0; msg.len()];
                    if let Err(e) = client.read_exact(&mut echo) {
                        return Err(server.fail(
                            sent,
                            show(msg, 40),
                            e.to_string(),
                            "send back each read at once",
                        ));
                    }
                    if echo != msg {
                        return Err(server.fail(
                            sent,
                            show(msg, 40),
                            show(&echo, 40),
                            "send back exactly what was read",
                        ));
                    }
                }
                Ok(())
            },
        ),
        Stage::new(
            "prints_who_connected",
            "prints who connected: the client's address (its port)",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let client = server.connect("a client")?;
                let port = client.local_addr().map(|a| a.port()).unwrap_or_default();
                server
                    .expect_line(
                        &format!("a client from port {port}"),
                        &format!("with the client's port {port}, as `Connected by` does"),
                        |l| super::session_10::numbers(l).contains(&u64::from(port)),
                    )
                    .map(drop)
            },
        ),
        // The page's echo_server.py serves one client and finishes: the loop is what to learn next.
        hostile::serves_clients_in_turn(&service).kind(StageKind::Robustness),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(
        "stream-echo-server",
        ECHO_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "stream-echo-server",
        lesson: "time-and-echo",
        port: ECHO_PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

fn stream_echo_client() -> Rubric {
    let mut stages = vec![
        Stage::new("sends_hello_world", "sends `Hello, world`", |ctx| {
            let (mut finished, received) = against(ctx, reference::echo(), &[], b"")?;
            if received.first().map(Vec::as_slice) == Some(b"Hello, world") {
                return finished.succeeded("the client, against an echo server");
            }
            let got: Vec<String> = received.iter().map(|r| show(r, 60)).collect();
            Err(finished.fail(
                "the client, against an echo server",
                "\"Hello, world\" on one connection",
                format!("{got:?}"),
                "send the page's message",
            ))
        }),
        Stage::new("prints_the_echo", "prints what came back", |ctx| {
            let (mut finished, _) = against(ctx, reference::echo(), &[], b"")?;
            printed(
                &mut finished,
                "the client, against an echo server",
                "Hello, world",
                "print what the server sent back",
            )
        }),
        Stage::new("sends_its_argument", "sends its argument instead", |ctx| {
            let (mut finished, _) = against(ctx, reference::echo(), &["Another message"], b"")?;
            printed(
                &mut finished,
                "the client with the argument \"Another message\"",
                "Received: Another message",
                "send the argument",
            )
        })
        .needs(Needs::Flags),
    ];
    stages.extend(basics::client("stream-echo-client", ECHO_PORT));
    Rubric {
        program: "stream-echo-client",
        lesson: "time-and-echo",
        port: ECHO_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_now_passes_and_another_does_not() {
        let now = lab_common::clock::ctime_now();
        assert_eq!(check_ctime(&now), Ok(()));
        assert!(check_ctime("Wed Dec 29 19:14:15 2017").is_err());
        assert!(check_ctime("2017-12-29 19:14:15").is_err());
        assert_eq!(check_time_reply(format!("{now}\n").as_bytes()), Ok(()));
        assert_eq!(check_time_reply(now.as_bytes()), Ok(()));
        assert!(check_time_line_ending(format!("{now}\n").as_bytes()).is_err());
        assert_eq!(
            check_time_line_ending(format!("{now}\r\n").as_bytes()),
            Ok(())
        );
    }
}
