//! # UDP time client (the blog's client/server page)
//!
//! Asks the UDP time server for the time with one datagram. UDP is unreliable:
//! the question or the answer may be lost, and nothing tells the client. So it
//! waits a bounded time, sends again a few times, and then says that no answer
//! came: that is what "unreliable" means in practice. When the system does know
//! that nothing listens there (on this machine, it answers "port unreachable",
//! which the socket reports as "connection refused"), the client says so at once.
//!
//! First run the server:   cargo run -p udp-time-server
//! Then, in a second one:  cargo run -p udp-time-client
//! Without the server:     cargo run -p udp-time-client     (refused, at once)

use std::io;

use anyhow::anyhow;
use clap::Parser;
use lab_common::ClientArgs;
use lab_common::error::explain_connect;

/// UDP time client: asks a UDP time server for the time, trying again if no answer comes.
#[derive(Parser)]
// UDP does not connect: --timeout is only the wait for the answer.
#[command(version, mut_arg("timeout_secs", |arg| {
    arg.help("Seconds to wait for the answer, shared among the tries")
}))]
struct Args {
    #[command(flatten)]
    server: ClientArgs<9999>,

    /// How many datagrams to send before giving up; --timeout is shared among them
    #[arg(long, default_value_t = 3, value_parser = lab_common::args::parse_count_up_to::<100>,
          allow_negative_numbers = true)]
    tries: u32,
}

fn main() -> lab_common::Result {
    let args = Args::parse();
    let server = &args.server;

    // -- Create a datagram socket; "connecting" it only sets where datagrams go
    let s = lab_common::connect_udp(&server.ip, server.port)?;
    let server_addr = s.peer_addr()?;
    // -- Each try waits its share of the timeout for the answer
    let wait = server.timeout() / args.tries;
    s.set_read_timeout(Some(wait))?;

    let mut tm = [0; 2048];
    for attempt in 1..=args.tries {
        // -- sendto(): one datagram asks for the time (what it holds does not matter)
        let asked = s.send(b"What time is it?");
        lab_common::trace::sendto("s", b"What time is it?", server_addr, &asked);

        // -- recvfrom(): the answer, if it comes in time
        let answer = asked.and_then(|_| s.recv(&mut tm));
        lab_common::trace::recvfrom("s", tm.len(), server_addr, &answer, &tm);
        match answer {
            Ok(size) => {
                let tm = String::from_utf8_lossy(&tm[..size]);
                println!("The time got from the server is {}", tm.trim_end());
                return Ok(());
            }
            // -- The system knows that nothing listens there: no use trying again
            Err(e) if is_refused(&e) => {
                let refused = io::ErrorKind::ConnectionRefused.into();
                return Err(anyhow!(explain_connect(&refused, server_addr)).into());
            }
            // -- Lost, or nobody there and nothing says so: UDP cannot tell which. Try again.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                eprintln!(
                    "No answer within {:.1} s (try {attempt} of {})",
                    wait.as_secs_f64(),
                    args.tries
                );
            }
            Err(e) => return Err(anyhow!("cannot talk to the server: {e}").into()),
        }
    }
    let tries = if args.tries == 1 { "try" } else { "tries" };
    Err(anyhow!(
        "no answer from {server_addr} after {} {tries}: is the server running? (UDP cannot tell)",
        args.tries
    )
    .into())
}

/// Whether `e` says that nothing listens on the server's port: an ICMP "port
/// unreachable" came back, which Linux and macOS report as "connection refused"
/// and Windows as "connection reset".
fn is_refused(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
    )
}
