//! What every program of ours does the same way, written once: `--help`,
//! `--version`, a bad flag, a port in use, a stop on Ctrl-C or SIGTERM, a client
//! with no server. These use the course's shared flags and console lines, which
//! a lesson's Python does not have: `lab-grade` runs them with `--flags`.

use std::net::SocketAddr;

use crate::runner::{Program, describe};

use crate::stage::{Ctx, Failure, Needs, Server, Stage, StageKind, crash_line};

/// Runs the program with `extra` arguments until it exits; gives its status
/// and console.
/// The port a run that only checks flags puts in the command (`{port}`): nothing
/// listens there and nothing connects, but a client refuses 0, a server's "any port".
const FLAGS_PORT: u16 = 1;

fn run_to_exit(ctx: &Ctx, port: u16, extra: &[&str]) -> Result<(i32, Vec<String>), Failure> {
    let finished = ctx.run(port, extra, b"")?;
    Ok((finished.code.unwrap_or(-1), finished.console))
}

fn expect(
    ok: bool,
    sent: String,
    expected: &str,
    console: &[String],
    hint: &str,
) -> Result<(), Failure> {
    if ok {
        return Ok(());
    }
    let mut failure = Failure::new(sent, expected, "see its output", hint);
    failure.output = console.to_vec();
    Err(failure)
}

/// The first stage of every server's rubric: it starts and listens.
pub fn listens() -> Stage {
    Stage::new("listens", "it starts and listens", |ctx| {
        ctx.server(&[]).map(drop)
    })
}

/// `--help` names the shared flags and the lesson's default port, and exits 0.
pub fn help(port: u16) -> Stage {
    Stage::new(
        "help",
        "--help names the flags and the lesson's port",
        move |ctx| {
            let (code, console) = run_to_exit(ctx, FLAGS_PORT, &["--help"])?;
            let help = console.join("\n");
            let flags = ["--ip", "--port", "--help", "--version"];
            let ok = code == 0
                && flags.iter().all(|f| help.contains(f))
                && help.contains(&format!("[default: {port}]"));
            expect(
                ok,
                "--help".into(),
                &format!("status 0, the flags {flags:?} and [default: {port}]"),
                &console,
                "use the course's ServerArgs/ClientArgs with clap",
            )
        },
    )
    .needs(Needs::Flags)
}

/// `--version` prints the program's name and version, and exits 0.
pub fn version(name: &'static str) -> Stage {
    Stage::new("version", "--version names the program", move |ctx| {
        let (code, console) = run_to_exit(ctx, FLAGS_PORT, &["--version"])?;
        let ok = code == 0
            && console
                .first()
                .is_some_and(|l| l.starts_with(&format!("{name} ")));
        expect(
            ok,
            "--version".into(),
            &format!("status 0 and a line starting {name:?}"),
            &console,
            "#[command(version)] on the arguments",
        )
    })
    .needs(Needs::Flags)
}

/// A port that is not a number, or an unknown flag: status 2, a line naming the
/// flag, and a pointer to `--help`.
pub fn bad_arguments() -> Stage {
    Stage::new(
        "bad_arguments",
        "a bad flag gives status 2 and a pointer to --help",
        |ctx| {
            for args in [
                &["--port", "eighty"][..],
                &["--port", "70000"],
                &["--frobnicate"],
            ] {
                let (code, console) = run_to_exit(ctx, FLAGS_PORT, args)?;
                let text = console.join("\n");
                let ok = code == 2
                    && text.starts_with("error: ")
                    && text.contains(args[0])
                    && text.contains("--help");
                expect(
                    ok,
                    format!("the arguments {args:?}"),
                    "status 2, `error: ` naming the flag, and --help",
                    &console,
                    "let clap report bad arguments",
                )?;
            }
            Ok(())
        },
    )
    .needs(Needs::Flags)
}

/// A second server on a port in use fails with one clear line and status 1.
pub fn port_in_use() -> Stage {
    Stage::new(
        "port_in_use",
        "a port in use is one clear line and status 1",
        |ctx| {
            let server = ctx.server(&[])?;
            let port = server.addr.port();
            let (code, console) = run_to_exit(ctx, port, &[])?;
            let text = console.join("\n");
            let ok = code == 1
                && text.starts_with(&format!("Error: port {port} is already in use"))
                && crash_line(&console).is_none();
            expect(
                ok,
                format!("a second copy on port {port}"),
                &format!("status 1 and `Error: port {port} is already in use...`"),
                &console,
                "lab_common explains a bind error in one line",
            )
        },
    )
    .needs(Needs::Flags)
}

/// How a person stops a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Ctrl-C in the terminal (SIGINT).
    Interrupt,
    /// `kill` (SIGTERM).
    Terminate,
}

/// Ctrl-C while the server waits for clients (once its port accepts and it is
/// blocked, as when a person presses it): it ends within its patience, with no
/// traceback or panic. That is the lesson's "finish better" (Session 10); what
/// it prints then is [`says_stopped`]'s to check. `needs`: [`Needs::Signals`]
/// where the lesson teaches the stop (a lesson stage), [`Needs::FlagsAndSignals`]
/// where only our programs do it.
pub fn stops_on_ctrl_c(needs: Needs) -> Stage {
    Stage::new(
        "stops_on_ctrl_c",
        "Ctrl-C while it waits for clients ends it cleanly: no traceback, no panic",
        move |ctx| {
            let mut server = ctx.server(&[])?;
            server.program.wait_blocked(server.patience);
            send(&mut server, Signal::Interrupt)?;
            match server.program.wait_exit(server.patience) {
                Ok(status) => {
                    if crash_line(server.program.seen()).is_none() {
                        return Ok(());
                    }
                    Err(server.fail(
                        "Ctrl-C, while it waits for a client",
                        "it ends without a traceback",
                        describe(status),
                        "catch the Ctrl-C around accept() (Python: except KeyboardInterrupt), close the socket and exit, as the lesson's last step shows",
                    ))
                }
                Err(waited) => Err(server.fail(
                    "Ctrl-C, while it waits for a client",
                    "it ends",
                    waited.to_string(),
                    "Ctrl-C must stop the server: do not catch it and go on",
                )),
            }
        },
    )
    .needs(needs)
}

/// After Ctrl-C (or SIGTERM): `Server stopped by the user`, status 0, and the
/// port can be bound again at once (SO_REUSEADDR). The lesson's words where the
/// lesson teaches it (`needs` [`Needs::Signals`]), our programs' otherwise.
pub fn says_stopped(signal: Signal, needs: Needs) -> Stage {
    let (id, checks) = match signal {
        Signal::Interrupt => (
            "says_stopped_by_the_user",
            "after Ctrl-C: `Server stopped by the user`, status 0, its port free again",
        ),
        Signal::Terminate => ("stops_on_sigterm", "SIGTERM stops it as Ctrl-C does"),
    };
    Stage::new(id, checks, move |ctx| {
        let mut server = ctx.server(&[])?;
        server.program.wait_blocked(server.patience);
        send(&mut server, signal)?;
        graceful_stop(ctx, &mut server)
    })
    .needs(needs)
    .kind(StageKind::Conventions)
}

/// Ctrl-C while a client is connected: the client is served to the end, then
/// the server stops. `accepted` is part of the line the server prints once it
/// has accepted a client; `serve` is the client, sent after the Ctrl-C.
pub fn finishes_the_client_on_ctrl_c(
    accepted: &'static str,
    serve: impl Fn(&mut Server, crate::net::Conn) -> Result<(), Failure> + Send + Sync + 'static,
) -> Stage {
    Stage::new(
        "finishes_client_on_ctrl_c",
        "Ctrl-C while serving: the client is served, then the server stops",
        move |ctx| {
            let mut server = ctx.server(&[])?;
            let client = server.connect("a client")?;
            // The server is serving it once it has accepted it: wait for that.
            server.expect_line(
                "a client, then Ctrl-C",
                &format!("with {accepted:?}"),
                |l| l.contains(accepted),
            )?;
            send(&mut server, Signal::Interrupt)?;
            serve(&mut server, client)?;
            graceful_stop(ctx, &mut server)
        },
    )
    .needs(Needs::FlagsAndSignals)
}

/// Sends `signal` to the server, as a person does.
#[cfg(unix)]
pub fn send(server: &mut Server, signal: Signal) -> Result<(), Failure> {
    let sent = match signal {
        Signal::Interrupt => server.program.interrupt(),
        Signal::Terminate => server.program.terminate(),
    };
    sent.map_err(|e| server.fail("a signal", "it is delivered", e.to_string(), ""))
}

/// Signals are Unix only: a failure elsewhere.
#[cfg(not(unix))]
pub fn send(server: &mut Server, _: Signal) -> Result<(), Failure> {
    Err(server.fail("a signal", "signals", "not on this system", ""))
}

/// After a stop: `Server stopped by the user`, status 0, and the port free at once.
pub fn graceful_stop(ctx: &Ctx, server: &mut Server) -> Result<(), Failure> {
    let port = server.addr.port();
    server.expect_line("Ctrl-C", "`Server stopped by the user`", |l| {
        l.to_lowercase().contains("server stopped by the user")
    })?;
    match server.program.wait_exit(server.patience) {
        Ok(status) if status.success() => {}
        Ok(status) => {
            return Err(server.fail(
                "Ctrl-C",
                "status 0",
                describe(status),
                "stopping on Ctrl-C is the normal end of a server: exit 0",
            ));
        }
        Err(waited) => {
            return Err(server.fail("Ctrl-C", "the server exits", waited.to_string(), ""));
        }
    }
    // A new server gets the same port at once (SO_REUSEADDR).
    let known = SocketAddr::from(([127, 0, 0, 1], port));
    let port_again = Program::spawn(ctx.launch.to_command(port, &[]))
        .ok()
        .and_then(|mut again| again.wait_ready(Some(known), ctx.udp, ctx.patience).ok())
        .map(|addr| addr.port());
    // Another test's client may have been given the freed port as its own in the
    // meantime: then nothing can listen there, SO_REUSEADDR or not, and the check
    // says nothing about the program.
    if port_again == Some(port) || !bindable(port, ctx.udp) {
        Ok(())
    } else {
        Err(server.fail(
            format!("a new copy on port {port}, just after the stop"),
            "it starts on the same port",
            "it did not",
            "set SO_REUSEADDR before bind, as the lesson shows",
        ))
    }
}

/// Whether a server could listen on `port` of 127.0.0.1 now, with SO_REUSEADDR
/// (for TCP), as our servers do: false when another socket holds the port.
fn bindable(port: u16, udp: bool) -> bool {
    use socket2::{Domain, Socket, Type};
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let kind = if udp { Type::DGRAM } else { Type::STREAM };
    Socket::new(Domain::IPV4, kind, None)
        .and_then(|socket| {
            if !udp {
                socket.set_reuse_address(true)?;
            }
            socket.bind(&addr.into())
        })
        .is_ok()
}

/// A client given no server says so in one line ("is the server running?") and
/// exits with status 1.
pub fn no_server() -> Stage {
    Stage::new(
        "no_server",
        "with no server: one line `is the server running?`, status 1",
        |ctx| {
            let (_reserved, addr) =
                refusing_addr().map_err(|e| Failure::new("", "a free port", e.to_string(), ""))?;
            let (code, console) = run_to_exit(ctx, addr.port(), &[])?;
            let text = console.join("\n");
            let wanted = format!(
                "Error: nothing is listening on {addr} (connection refused): is the server running?"
            );
            expect(
                code == 1 && text.ends_with(&wanted) && crash_line(&console).is_none(),
                format!("the client, with nothing on port {}", addr.port()),
                &format!("status 1 and {wanted:?}"),
                &console,
                "lab_common explains a refused connection in one line",
            )
        },
    )
    .needs(Needs::Flags)
}

/// An address on loopback where nothing listens: connecting to it is refused.
/// The port stays reserved (bound, not listening) while the socket lives.
pub fn refusing_addr() -> std::io::Result<(socket2::Socket, SocketAddr)> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    let addr = socket
        .local_addr()?
        .as_socket()
        .ok_or_else(|| std::io::Error::other("not an IP address"))?;
    Ok((socket, addr))
}

/// The command-line stages of every program: `--help`, `--version`, bad flags.
pub fn command_line(name: &'static str, port: u16) -> Vec<Stage> {
    vec![help(port), version(name), bad_arguments()]
}

/// The stages every server of ours has besides its lesson's: the command line, a
/// port in use, and a stop on Ctrl-C and SIGTERM. `ctrl_c` says whether its
/// lesson teaches the stop on Ctrl-C ([`Needs::Signals`]: Session 10), or only
/// our convention ([`Needs::FlagsAndSignals`]).
pub fn server(name: &'static str, port: u16, ctrl_c: Needs) -> Vec<Stage> {
    let mut stages = command_line(name, port);
    stages.push(port_in_use());
    stages.push(stops_on_ctrl_c(ctrl_c));
    stages.push(says_stopped(Signal::Interrupt, ctrl_c));
    stages.push(says_stopped(Signal::Terminate, Needs::FlagsAndSignals));
    stages
}

/// The stages every client of ours has: the command line and no server.
pub fn client(name: &'static str, port: u16) -> Vec<Stage> {
    let mut stages = command_line(name, port);
    stages.push(no_server());
    stages
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_refusing_address_refuses_while_it_is_held() {
        let (_held, addr) = refusing_addr().unwrap();
        let refused = std::net::TcpStream::connect(addr).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn the_server_stages_grow_from_the_command_line_ones() {
        let ids = |stages: Vec<Stage>| stages.iter().map(|s| s.id).collect::<Vec<_>>();
        let server = ids(server("x", 1, Needs::Signals));
        assert!(server.starts_with(&ids(command_line("x", 1))));
        let needs: Vec<Needs> = super::server("x", 1, Needs::Signals)
            .iter()
            .map(|s| s.needs)
            .collect();
        // Only the lesson's own Ctrl-C stop, and its words, run without --flags.
        assert_eq!(needs.iter().filter(|n| **n == Needs::Signals).count(), 2);
    }
}
