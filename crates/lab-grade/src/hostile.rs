//! What every TCP server must survive, the same stages for all: an empty
//! connection, invalid UTF-8, a reset, a huge message, a half-close, NUL bytes, a
//! slow client, a silent client and a burst of connections.
//!
//! Each stage does its harm as one client, then checks what a user sees: the
//! server is still up and serves the next client ([`Service::serve`], which each
//! program's rubric gives, and which checks that a client is served, not the
//! reply's exact wording: the reply stage does that). No stage reads the
//! program's console.

use std::io::Write;
use std::net::Shutdown;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::net::{self, Conn, show};
use crate::stage::{Ctx, Failure, Server, Stage, StageKind, crash_line};

/// Serves one normal client on a running server, waiting `delay` between
/// connecting and sending (a slow client), and checks that it is served.
pub type Serve = Arc<dyn Fn(&mut Server, Duration) -> Result<(), Failure> + Send + Sync>;

/// How a server serves its clients, as the hostile stages need to know it.
#[derive(Clone)]
pub struct Service {
    /// Serves one normal client and checks it is served.
    pub serve: Serve,
    /// How many clients connect at once in the burst (echo-server3 finishes
    /// after 5 clients: fewer for it).
    pub burst: usize,
    /// It serves one client and finishes (the dealer after a game): after the
    /// slow client, there is no next one.
    pub one_client: bool,
    /// It serves one message and finishes (tcp-server): after a harmful message
    /// it must finish cleanly instead of serving another client.
    pub one_message: bool,
    /// The arguments (with the shared flags) that make it give up on a silent
    /// client in 1 s; empty for a server that never waits on a client.
    pub silent_args: &'static [&'static str],
    /// What its operator has typed ahead on its standard input before the first
    /// client (the chat server's replies: it answers a client with what is typed).
    pub typed: &'static [u8],
    /// It reads lines: a harmful message ends with a newline, as a line-based
    /// client's does (or the harm would wait for the answer to a line that
    /// never ends).
    pub lines: bool,
}

impl Service {
    /// A server served as `serve` says, with what most lessons' servers share:
    /// it serves clients in a loop, a burst of 8, `--timeout 1` for the silent
    /// client, nothing typed ahead, messages that are not lines. A rubric changes
    /// only what differs: `Service { one_client: true, ..Service::new(serve) }`.
    pub fn new(serve: Serve) -> Service {
        Service {
            serve,
            burst: 8,
            one_client: false,
            one_message: false,
            silent_args: &["--timeout", "1"],
            typed: b"",
            lines: false,
        }
    }
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("burst", &self.burst)
            .field("one_client", &self.one_client)
            .field("one_message", &self.one_message)
            .finish_non_exhaustive()
    }
}

/// How long a slow client waits between connecting and sending.
pub const SLOW: Duration = Duration::from_millis(300);

/// Serves 3 clients, one after the other, as `service` serves a client: the
/// stage that shows a server goes back to `accept()` after each.
pub fn serves_clients_in_turn(service: &Service) -> Stage {
    let serve = service.serve.clone();
    Stage::new(
        "serves_clients_in_turn",
        "serves 3 clients, one after the other",
        move |ctx: &Ctx| {
            let mut server = ctx.server(&[])?;
            (0..3)
                .try_for_each(|_| serve(&mut server, Duration::ZERO))
                .map_err(|failure| finished_early(&mut server, failure))
        },
    )
}

/// The hostile stages, for a server served as `service` says.
pub fn stages(service: &Service) -> Vec<Stage> {
    let harm = |id,
                checks,
                what: &'static str,
                message: bool,
                act: fn(&mut Server, &Service) -> Result<(), Failure>| {
        let service = service.clone();
        Stage::new(id, checks, move |ctx: &Ctx| {
            let mut server = start(ctx, &service, &[])?;
            act(&mut server, &service)?;
            after(&service, &mut server, what, message).map_err(|failure| advise(failure, id))
        })
    };
    let mut stages = vec![
        harm(
            "empty_connection",
            "a client that connects and closes without sending: still serves the next",
            "a client that closed without sending",
            false,
            |server, _| {
                let mut client = server.connect("a client that closes at once")?;
                let _ = client.shutdown(Shutdown::Write);
                let _ = net::read_to_end(&mut client);
                Ok(())
            },
        ),
        harm(
            "invalid_utf8",
            "a message that is not UTF-8: no crash, still serves the next",
            r#"a client that sent "Hi \xFF\xFE there""#,
            true,
            |server, service| send_and_close(server, service, b"Hi \xFF\xFE there"),
        ),
        harm(
            "reset",
            "a client that resets the connection: still serves the next",
            "a client that reset the connection",
            false,
            |server, _| {
                net::reset(server.connect("a client that resets")?);
                Ok(())
            },
        ),
        harm(
            "huge_message",
            "a 1 MiB message: no crash, still serves the next",
            "a client that sent 1 MiB",
            true,
            |server, _| {
                let client = server.connect("a client sending 1 MiB")?;
                let mut writer = client.try_clone().map_err(|e| server.unreachable("", &e))?;
                let sending = thread::spawn(move || {
                    // The server may close after one read: the rest of the write may be refused.
                    let _ = writer.write_all(&vec![b'x'; 1 << 20]);
                });
                read_a_little(client);
                let _ = sending.join();
                Ok(())
            },
        ),
        harm(
            "half_close",
            "a message then end of sending (as `nc -N` does): still serves the next",
            "a client that sent \"Test\" and ended its sending",
            true,
            |server, _| {
                let mut client = server.connect("a client that half-closes")?;
                let _ = client.write_all(b"Test");
                let _ = client.shutdown(Shutdown::Write);
                let _ = net::read_to_end(&mut client);
                Ok(())
            },
        ),
        harm(
            "nul_bytes",
            "a message with NUL bytes: no crash, still serves the next",
            r#"a client that sent "a\0b\0\0c""#,
            true,
            |server, service| send_and_close(server, service, b"a\0b\0\0c"),
        ),
    ];
    let burst = service.clone();
    stages.push(Stage::new(
        "burst",
        "a burst of clients that connect at once and leave: still serves the next",
        move |ctx: &Ctx| {
            let mut server = start(ctx, &burst, &[])?;
            let clients: Vec<Conn> = (0..burst.burst)
                .map(|_| server.connect("a burst of clients"))
                .collect::<Result<_, _>>()?;
            drop(clients);
            after(
                &burst,
                &mut server,
                "a burst of 8 clients that left at once",
                false,
            )
        },
    ));
    let slow = service.clone();
    stages.push(Stage::new(
        "slow_client",
        "a client that waits before sending is served, and so is the next",
        move |ctx: &Ctx| {
            let mut server = start(ctx, &slow, &[])?;
            (slow.serve)(&mut server, SLOW).map_err(|f| prefixed(f, "a slow client"))?;
            if slow.one_client || slow.one_message {
                return Ok(());
            }
            after(&slow, &mut server, "a slow client", false)
        },
    ));
    let silent = service.clone();
    stages.push(Stage::new(
        "silent_client",
        "a client that never sends does not block the next one for ever",
        move |ctx: &Ctx| {
            let args = if ctx.flags() { silent.silent_args } else { &[] };
            let mut server = start(ctx, &silent, args)?;
            let mut silent_client = server.connect("a client that sends nothing")?;
            // The next client waits half as long again as a server may take to
            // give up, and the silent one stays until well after that: a server
            // that never gives up fails every time, one that gives up in time
            // passes every time (the two waits never end together).
            let wait = give_up_wait(ctx);
            let _ = silent_client.set_read_timeout(Some(wait * 2 + ctx.patience));
            // It never sends, but it does read, as a person's `nc` would: when the
            // server gives up and closes, it closes too, so a server that lingers on
            // a closing connection (lab_common's polite close) is not kept waiting.
            thread::spawn(move || drop(net::read_to_end(&mut silent_client)));
            server.patience = wait;
            let served = (silent.serve)(&mut server, Duration::ZERO);
            served.map_err(|mut failure| {
                failure.hint = format!(
                    "a client that sends nothing must not block the others: give up on it within {} s (Python: cs.settimeout(5), and catch socket.timeout). {}",
                    ctx.silent.as_secs_f64(),
                    failure.hint
                );
                prefixed(failure, "a silent client")
            })
        },
    ));
    // What the lesson does not ask: shown as what to learn next.
    stages
        .into_iter()
        .map(|stage| stage.kind(StageKind::Robustness))
        .collect()
}

/// How long the next client waits behind a silent one: half as long again as a
/// server may take to give up on a silent client (`ctx.silent`).
pub fn give_up_wait(ctx: &Ctx) -> Duration {
    ctx.silent * 3 / 2
}

/// Starts the server (with `extra` arguments), its operator's lines typed ahead.
fn start(ctx: &Ctx, service: &Service, extra: &[&str]) -> Result<Server, Failure> {
    let mut server = ctx.server(extra)?;
    if !service.typed.is_empty() {
        // Typed ahead: a server that reads no input may not take it, which is no harm.
        let _ = server.program.write_stdin(service.typed);
    }
    Ok(server)
}

/// Sends `message` as a client, reads what comes (one read), and leaves.
fn send_and_close(server: &mut Server, service: &Service, message: &[u8]) -> Result<(), Failure> {
    let mut message = message.to_vec();
    if service.lines {
        message.push(b'\n');
    }
    let mut client = server.connect(&format!("a client sending {}", show(&message, 40)))?;
    let _ = client.write_all(&message);
    read_a_little(client);
    Ok(())
}

/// Reads one piece of the server's answer (or its close), so it has handled the
/// message, then drops the connection.
fn read_a_little(mut client: Conn) {
    let _ = net::read_once(&mut client, 4096);
}

/// After the harm: the next client is served (or, for a one-message server
/// given a message, it finished cleanly).
fn after(service: &Service, server: &mut Server, harm: &str, message: bool) -> Result<(), Failure> {
    if service.one_message && message {
        return finishes_cleanly(server, harm);
    }
    (service.serve)(server, Duration::ZERO).map_err(|f| prefixed(finished_early(server, f), harm))
}

/// The failure, with the hint for a server that ended normally where it
/// should have gone on to its next client.
fn finished_early(server: &mut Server, mut failure: Failure) -> Failure {
    let finished = server
        .program
        .exited()
        .is_some_and(|status| status.success());
    if finished && failure.crash.is_none() {
        failure.hint = "the server had finished (status 0) before this client: a server serves its clients in a loop, back to accept() after each".into();
    }
    failure
}

/// A one-message server finishes with status 0, without a crash.
fn finishes_cleanly(server: &mut Server, harm: &str) -> Result<(), Failure> {
    let status = server.program.wait_exit(server.patience);
    let crash = crash_line(server.program.seen());
    match status {
        Ok(status) if status.success() && crash.is_none() => Ok(()),
        Ok(status) => Err(server.fail(
            format!("the harm: {harm}"),
            "the server prints the message and finishes with status 0",
            crate::runner::describe(status),
            "decode what a client sends without crashing (Python: .decode(errors='replace'))",
        )),
        Err(waited) => Err(server.fail(
            format!("the harm: {harm}"),
            "the server prints the message and finishes with status 0",
            waited.to_string(),
            "it serves one message and finishes, as the lesson's server does",
        )),
    }
}

/// What to do about a crash on the harm of stage `id`, added to the hint.
fn advise(mut failure: Failure, id: &str) -> Failure {
    let advice = match id {
        "empty_connection" => {
            "a read that gives nothing (Python: recv() returns b'') is a client that left: go on with the next"
        }
        "invalid_utf8" => {
            "decode what a client sends without crashing (Python: .decode(errors='replace'); Rust: String::from_utf8_lossy)"
        }
        "reset" => {
            "a client may reset the connection: catch the error of recv() and send() (Python: ConnectionResetError) and go on with the next"
        }
        "huge_message" | "half_close" | "nul_bytes" => {
            "whatever a client sends, read at most your buffer, answer, and go on with the next"
        }
        _ => return failure,
    };
    if failure.crash.is_some() || failure.exit.is_some() {
        failure.hint = format!("{advice}. {}", failure.hint);
    }
    failure
}

/// The failure, saying it came after `harm`.
fn prefixed(mut failure: Failure, harm: &str) -> Failure {
    failure.sent = format!("after {harm}: {}", failure.sent);
    failure
}
