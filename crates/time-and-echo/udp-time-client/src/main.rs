//! # UDP time client (the blog's client/server page)
//!
//! Asks the UDP time server for the time with one datagram. UDP is unreliable:
//! the question or the answer may be lost, and nothing tells the client. So it
//! waits a bounded time, sends again a few times, and then says that no answer
//! came: that is what "unreliable" means in practice.
//!
//! First run the server:   cargo run -p udp-time-server
//! Then, in a second one:  cargo run -p udp-time-client
//! Without the server:     cargo run -p udp-time-client     (3 tries, then an error)

use std::io;

use anyhow::anyhow;
use clap::Parser;
use lab_common::ClientArgs;

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
    // -- Each try waits its share of the timeout for the answer
    let wait = server.timeout() / args.tries;
    s.set_read_timeout(Some(wait))?;

    let mut tm = [0; 2048];
    for attempt in 1..=args.tries {
        // -- sendto(): one datagram asks for the time (what it holds does not matter)
        let asked = s.send(b"What time is it?");

        // -- recvfrom(): the answer, if it comes in time
        match asked.and_then(|_| s.recv(&mut tm)) {
            Ok(size) => {
                let tm = String::from_utf8_lossy(&tm[..size]);
                println!("The time got from the server is {}", tm.trim_end());
                return Ok(());
            }
            // -- Lost, or nobody there: UDP cannot tell which. Try again.
            Err(e) if is_no_answer(&e) => {
                eprintln!(
                    "No answer within {:.1} s (try {attempt} of {})",
                    wait.as_secs_f64(),
                    args.tries
                );
            }
            Err(e) => return Err(anyhow!("cannot talk to the server: {e}").into()),
        }
    }
    Err(anyhow!(
        "no answer from {}:{} after {} tries: is the server running? (UDP cannot tell)",
        server.ip,
        server.port,
        args.tries
    )
    .into())
}

/// Whether `e` means that no answer came: the wait ran out, or the system learnt
/// that nothing listens on the server's port (which it may report, or not).
fn is_no_answer(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        e.kind(),
        WouldBlock | TimedOut | ConnectionRefused | ConnectionReset
    )
}
