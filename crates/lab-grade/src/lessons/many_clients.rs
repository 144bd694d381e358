//! Many clients at once (`crates/many-clients/`): echo server 2 with a pool of
//! threads and on tokio (port 8080), a chat room (21570) and its client, and the
//! load client that shows why.

use std::io::{BufRead, BufReader, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use super::session_10::{self, Extra, echo, served};
use super::{against, printed};
use crate::basics::{self, Signal};
use crate::hostile::{self, Service};
use crate::net::{Conn, show};
use crate::reference::{self, Handler};
use crate::stage::{Ctx, Failure, Finished, Needs, Server, Stage};
use crate::{Kind, Rubric};

const ECHO_PORT: u16 = 8080;
const ROOM_PORT: u16 = 21570;

/// The rubrics of the lesson.
pub fn rubrics() -> Vec<Rubric> {
    vec![
        echo_server("threaded-echo-server"),
        echo_server("async-echo-server"),
        chat_room_server(),
        chat_room_client(),
        load_client(),
    ]
}

/// Echo server 2's rubric, and what serving many clients at once adds to it.
fn echo_server(name: &'static str) -> Rubric {
    let mut rubric = session_10::server(name, echo, Extra::Counts);
    rubric.lesson = "many-clients";
    // Session 10's exact words are not this lesson's (it has no waiting line).
    rubric
        .stages
        .retain(|stage| stage.id != "prints_the_lessons_words");
    rubric.stages.push(Stage::new(
        "serves_others_while_some_stay_silent",
        "5 clients connected and silent: 3 others are served meanwhile, then the 5",
        |ctx| {
            let args: &[&str] = if ctx.flags() { &["--timeout", "60"] } else { &[] };
            let mut server = ctx.server(args)?;
            let silent: Vec<Conn> = (1..=5)
                .map(|i| server.connect(&format!("silent client {i} of 5")))
                .collect::<Result<_, _>>()?;
            for _ in 0..3 {
                let client = server.connect("a client, while 5 others are silent")?;
                served(&mut server, client, echo).map_err(|mut f| {
                    f.hint = format!(
                        "serve each client on a thread (or task) of its own, so a silent one holds only its own. {}",
                        f.hint
                    );
                    f
                })?;
            }
            silent
                .into_iter()
                .try_for_each(|client| served(&mut server, client, echo))
        },
    ));
    rubric.stages.push(
        Stage::new(
            "finishes_every_client_in_progress_on_ctrl_c",
            "Ctrl-C with 3 clients connected: each is served, then the server stops",
            |ctx| {
                let mut server = ctx.server(&["--timeout", "60"])?;
                let clients = connect_all(&mut server, 3)?;
                basics::send(&mut server, Signal::Interrupt)?;
                for client in clients {
                    served(&mut server, client, echo).map_err(|mut f| {
                        f.hint = format!(
                            "on Ctrl-C, stop accepting, but let the clients in progress finish. {}",
                            f.hint
                        );
                        f
                    })?;
                }
                basics::graceful_stop(ctx, &mut server)
            },
        )
        .needs(Needs::FlagsAndSignals),
    );
    rubric
}

/// Connects `n` clients, each accepted (its `CONNECTION <i>` line printed).
fn connect_all(server: &mut Server, n: usize) -> Result<Vec<Conn>, Failure> {
    (1..=n)
        .map(|i| {
            let client = server.connect(&format!("client {i} of {n}"))?;
            server.expect_line(
                &format!("client {i} of {n}, connected and silent"),
                &format!("with `CONNECTION {i}`"),
                |l| l.contains(&format!("CONNECTION {i}")),
            )?;
            Ok(client)
        })
        .collect()
}

/// A member of the chat room, as `nc` is: lines in, lines out.
struct Member {
    reader: BufReader<Conn>,
    name: String,
}

/// Names for the members, never twice the same in a process.
static MEMBERS: AtomicUsize = AtomicUsize::new(0);

impl Member {
    /// Connects, waits `delay`, reads the question, and gives a new name.
    fn join(server: &mut Server, delay: Duration) -> Result<Member, Failure> {
        let stream = server.connect("a new member")?;
        // Ends with a letter: no name is the start of another.
        let name = format!("member{}x", MEMBERS.fetch_add(1, Ordering::Relaxed));
        let mut member = Member {
            reader: BufReader::new(stream),
            name,
        };
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        member.line(server, "a new member", "a first line asking for a name")?;
        let name = member.name.clone();
        member.say(&name);
        Ok(member)
    }

    fn say(&mut self, line: &str) {
        let _ = self
            .reader
            .get_mut()
            .write_all(format!("{line}\n").as_bytes());
    }

    /// The next line from the room, without its line ending.
    fn line(&mut self, server: &mut Server, sent: &str, expected: &str) -> Result<String, Failure> {
        let mut line = Vec::new();
        match self.reader.read_until(b'\n', &mut line) {
            Ok(n) if n > 0 => Ok(String::from_utf8_lossy(&line)
                .trim_end_matches(['\r', '\n'])
                .to_string()),
            Ok(_) => Err(server.fail(
                sent,
                expected,
                "the connection closed",
                "keep a member's connection open until it leaves",
            )),
            Err(e) => Err(server.fail(
                sent,
                expected,
                e.to_string(),
                "send each line to every other member",
            )),
        }
    }

    /// Reads lines until one that `wanted` accepts.
    fn until(
        &mut self,
        server: &mut Server,
        sent: &str,
        expected: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<String, Failure> {
        loop {
            let line = self.line(server, sent, expected)?;
            if wanted(&line) {
                return Ok(line);
            }
        }
    }
}

/// `from` says `text`: `to` gets `<from's name>: <text>`. Gives back the
/// lines `to` got before it.
fn relayed(
    server: &mut Server,
    from: &mut Member,
    to: &mut Member,
    text: &str,
) -> Result<Vec<String>, Failure> {
    from.say(text);
    let expected = format!("{}: {text}", from.name);
    let sent = format!("{} saying {text:?}", from.name);
    let mut before = Vec::new();
    loop {
        let line = to.line(
            server,
            &sent,
            &format!("the line {expected:?} to {}", to.name),
        )?;
        if line == expected {
            return Ok(before);
        }
        before.push(line);
    }
}

fn chat_room_server() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        let mut one = Member::join(server, delay)?;
        let mut two = Member::join(server, Duration::ZERO)?;
        // The second is in the room once the first is told it joined.
        let name = two.name.clone();
        one.until(
            server,
            "a second member",
            &format!("a line about {name} joining"),
            |l| l.contains(&name),
        )?;
        relayed(server, &mut two, &mut one, "next").map(drop)
    });
    let service = Service {
        // A member is served on a thread of its own: a silent one holds nobody.
        silent_args: &[],
        lines: true,
        ..Service::new(serve)
    };
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "broadcasts_each_line",
            "each line goes to every other member as `<name>: <line>`, not back to its sender",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut ann = Member::join(&mut server, Duration::ZERO)?;
                let mut bob = Member::join(&mut server, Duration::ZERO)?;
                let mut cat = Member::join(&mut server, Duration::ZERO)?;
                let joined = cat.name.clone();
                for member in [&mut ann, &mut bob] {
                    member.until(
                        &mut server,
                        "a third member",
                        &format!("a line about {joined} joining"),
                        |l| l.contains(&joined),
                    )?;
                }
                relayed(&mut server, &mut ann, &mut bob, "hello room")?;
                relayed(&mut server, &mut ann, &mut cat, "hello room")?;
                let echoed = relayed(&mut server, &mut bob, &mut ann, "hi")?;
                let own = format!("{}: hello room", ann.name);
                if echoed.contains(&own) {
                    return Err(server.fail(
                        format!("{} saying \"hello room\"", ann.name),
                        "the line to every other member",
                        format!("{own:?} back to its sender too"),
                        "send a member's line to the others only",
                    ));
                }
                Ok(())
            },
        ),
        Stage::new(
            "announces_joins_and_leaves",
            "the members are told who joins and who leaves",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut ann = Member::join(&mut server, Duration::ZERO)?;
                let bob = Member::join(&mut server, Duration::ZERO)?;
                let name = bob.name.clone();
                let sent = format!("{name} joining, then leaving");
                ann.until(
                    &mut server,
                    &sent,
                    &format!("a line about {name} joining"),
                    |l| l.contains(&name),
                )?;
                drop(bob);
                ann.until(
                    &mut server,
                    &sent,
                    &format!("a line about {name} leaving"),
                    |l| l.contains(&name),
                )
                .map(drop)
            },
        ),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(
        "chat-room-server",
        ROOM_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "chat-room-server",
        lesson: "many-clients",
        port: ROOM_PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// A room for one member: asks its name, sends `bob: hi there`, then reads
/// until the member leaves. Gives back what the member sent.
fn room() -> Handler {
    Arc::new(|stream| {
        let mut received = Vec::new();
        if (&*stream)
            .write_all(b"Welcome to the chat room! What is your name?\n")
            .is_err()
        {
            return received;
        }
        let mut reader = BufReader::new(&*stream);
        if !matches!(reader.read_until(b'\n', &mut received), Ok(n) if n > 0) {
            return received;
        }
        let _ = (&*stream).write_all(b"bob: hi there\n");
        let _ = std::io::Read::read_to_end(&mut reader, &mut received);
        received
    })
}

fn chat_room_client() -> Rubric {
    let mut stages = vec![Stage::new(
        "sends_the_typed_lines_and_prints_the_rooms",
        "sends each typed line, prints the room's lines; when the room closes, status 0",
        |ctx| {
            let (mut finished, received) = against(ctx, room(), &[], b"ann\nhello bob\n")?;
            let sent =
                "the client, typing `ann` and `hello bob`, in a room where bob says `hi there`";
            let got = received.first().cloned().unwrap_or_default();
            if got != b"ann\nhello bob\n" {
                return Err(finished.fail(
                    sent,
                    show(b"ann\nhello bob\n", 60),
                    show(&got, 60),
                    "send each typed line as it is, newline included",
                ));
            }
            for line in ["What is your name?", "bob: hi there"] {
                printed(&mut finished, sent, line, "print each line the room sends")?;
            }
            finished.succeeded(sent)
        },
    )];
    stages.extend(basics::client("chat-room-client", ROOM_PORT));
    Rubric {
        program: "chat-room-client",
        lesson: "many-clients",
        port: ROOM_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

/// How a load client's run went: how it finished, its JSON's `ok` and `failed`
/// (if it printed them), and how many requests the server got.
type LoadRun = (Finished, Option<(f64, f64)>, usize);

/// Runs the load client with `args` and `--json` against a one-shot server
/// replying `reply`.
fn load(ctx: &Ctx, reply: fn(&str) -> String, args: &[&str]) -> Result<LoadRun, Failure> {
    let mut all = args.to_vec();
    all.push("--json");
    let (finished, received) = against(ctx, reference::one_shot(reply), &all, b"")?;
    let counts = finished.console.iter().rev().find_map(|line| {
        let json: serde_json::Value = serde_json::from_str(line).ok()?;
        Some((json.get("ok")?.as_f64()?, json.get("failed")?.as_f64()?))
    });
    Ok((finished, counts, received.len()))
}

fn load_client() -> Rubric {
    let mut stages = vec![
        Stage::new(
            "counts_every_request",
            "`--clients 4 --requests 20 --json` against an echo server: 20 ok, 0 failed, status 0",
            |ctx| {
                let (mut finished, counts, served) =
                    load(ctx, echo, &["--clients", "4", "--requests", "20"])?;
                let sent = "the load client, 4 clients, 20 requests, against an echo server";
                if counts == Some((20.0, 0.0)) && served == 20 {
                    return finished.succeeded(sent);
                }
                Err(finished.fail(
                    sent,
                    "20 requests sent, and the JSON's `ok` 20 and `failed` 0",
                    format!("{served} requests sent, (ok, failed) {counts:?}"),
                    "one connection per request; count each reply",
                ))
            },
        ),
        Stage::new(
            "counts_wrong_replies_as_failed",
            "a server replying `nope`: 10 failed, status 1",
            |ctx| {
                let (mut finished, counts, _) = load(
                    ctx,
                    |_| "nope\n".to_string(),
                    &["--clients", "2", "--requests", "10"],
                )?;
                let sent = "the load client, 10 requests, against a server replying `nope`";
                if counts == Some((0.0, 10.0)) && finished.code == Some(1) {
                    return Ok(());
                }
                let status = finished.status.clone();
                Err(finished.fail(
                    sent,
                    "the JSON's `ok` 0 and `failed` 10, status 1",
                    format!("(ok, failed) {counts:?}, {status}"),
                    "a reply that is not the echo is a failure",
                ))
            },
        ),
    ];
    stages.extend(basics::client("load-client", ECHO_PORT));
    Rubric {
        program: "load-client",
        lesson: "many-clients",
        port: ECHO_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}
