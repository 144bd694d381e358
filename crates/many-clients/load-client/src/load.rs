//! One load run: many clients at once, each doing requests one after the other.
//!
//! A request is what the Session 10 clients do: connect, send one message, read
//! the reply until the server closes the connection (or until the expected reply
//! has come, for a server that keeps the connection open), close. Each client is a
//! thread of its own, so `--clients 32` really is 32 connections at the same time.
//! The run is bounded twice: by a number of requests and/or a duration, and every
//! step of every request by the timeout.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::report::{Failure, Summary};

/// What to run: how many clients, how long, and what each request sends.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The server.
    pub addr: SocketAddr,
    /// Clients connected at once.
    pub clients: u32,
    /// Stop after this many requests (all clients together).
    pub requests: Option<u64>,
    /// Stop starting requests after this long.
    pub duration: Option<Duration>,
    /// How long every client waits between connecting and sending.
    pub wait: Duration,
    /// How many clients wait `slow_wait` instead (a person typing).
    pub slow_clients: u32,
    /// The slow clients' wait.
    pub slow_wait: Duration,
    /// The message, `{n}` replaced by the request's number.
    pub message: String,
    /// The expected reply, `{message}` replaced by the message; `None`: any reply.
    pub expect: Option<String>,
    /// The limit on connecting, and on each read and write.
    pub timeout: Duration,
}

/// The most a reply may be, so that a server that never stops sending cannot make
/// a client read forever.
const MAX_REPLY: u64 = 1 << 20;

/// Runs `plan`, ticking `progress` once per request, and sums up what happened.
pub fn run(plan: &Plan, progress: &ProgressBar) -> anyhow::Result<Summary> {
    // One summary for every client: each request adds its result under the lock
    // (a few nanoseconds, against the tens of microseconds a request takes).
    let summary = Mutex::new(Summary::new()?);
    let next_request = AtomicU64::new(0);
    let start = Instant::now();
    let deadline = plan.duration.map(|d| start + d);
    thread::scope(|scope| {
        let mut workers = Vec::new();
        for client in 0..plan.clients {
            let wait = if client < plan.slow_clients {
                plan.slow_wait
            } else {
                plan.wait
            };
            let (next_request, summary) = (&next_request, &summary);
            let worker = thread::Builder::new()
                // Small stacks: a client thread only holds a socket and a buffer.
                .stack_size(256 * 1024)
                .spawn_scoped(scope, move || {
                    client_loop(plan, wait, next_request, deadline, progress, summary)
                });
            match worker {
                Ok(worker) => workers.push(worker),
                Err(e) => {
                    eprintln!("Could only start {client} clients: {e}");
                    break;
                }
            }
        }
        for worker in workers {
            if worker.join().is_err() {
                eprintln!("A client thread ended with a panic");
            }
        }
    });
    let mut summary = summary.into_inner().unwrap_or_else(PoisonError::into_inner);
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// One client: requests one after the other until the plan's end.
fn client_loop(
    plan: &Plan,
    wait: Duration,
    next_request: &AtomicU64,
    deadline: Option<Instant>,
    progress: &ProgressBar,
    summary: &Mutex<Summary>,
) {
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        // Each request has a number; past the plan's count, the run is over.
        let n = next_request.fetch_add(1, Ordering::Relaxed);
        if plan.requests.is_some_and(|max| n >= max) {
            break;
        }
        let message = plan.message.replace("{n}", &n.to_string());
        let expected = plan
            .expect
            .as_ref()
            .map(|e| e.replace("{message}", &message));
        let result = request(plan, wait, &message, expected.as_deref());
        let mut summary = summary.lock().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(latency) => summary.record_ok(latency),
            Err(failure) => summary.record_failure(failure),
        }
        drop(summary);
        progress.inc(1);
    }
}

/// One request; its latency (without the client's own wait) or why it failed.
fn request(
    plan: &Plan,
    wait: Duration,
    message: &str,
    expected: Option<&str>,
) -> Result<Duration, Failure> {
    let started = Instant::now();
    let mut stream = TcpStream::connect_timeout(&plan.addr, plan.timeout).map_err(Failure::from)?;
    stream.set_read_timeout(Some(plan.timeout))?;
    stream.set_write_timeout(Some(plan.timeout))?;
    let connecting = started.elapsed();

    // A person typing, or a slow network: the server sees a connection, and nothing yet.
    if !wait.is_zero() {
        thread::sleep(wait);
    }

    let sending = Instant::now();
    stream.write_all(message.as_bytes())?;
    let reply = read_reply(&mut stream, expected)?;
    let latency = connecting + sending.elapsed();
    match expected {
        Some(expected) if reply != expected.as_bytes() => Err(Failure::WrongReply {
            expected: expected.to_string(),
            got: String::from_utf8_lossy(&reply).into_owned(),
        }),
        _ => Ok(latency),
    }
}

/// Reads the reply: until the server closes the connection, or as soon as the
/// expected reply has come whole. Bounded by [`MAX_REPLY`] and the timeout.
fn read_reply(stream: &mut TcpStream, expected: Option<&str>) -> io::Result<Vec<u8>> {
    let mut reply = Vec::with_capacity(64);
    let mut chunk = [0; 4096];
    let mut limited = stream.take(MAX_REPLY);
    loop {
        let n = match limited.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(reply);
        }
        reply.extend_from_slice(&chunk[..n]);
        if expected.is_some_and(|e| reply.len() >= e.len()) {
            return Ok(reply);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-shot echo server in a thread, for `requests` requests.
    fn echo_server(requests: usize) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            for stream in listener.incoming().take(requests) {
                let mut cs = stream.unwrap();
                let mut buffer = [0; 2048];
                let n = cs.read(&mut buffer).unwrap();
                let msg = String::from_utf8_lossy(&buffer[..n]).into_owned();
                let reply = if msg.ends_with('7') {
                    "oops".to_string()
                } else {
                    format!("ECHO: {msg}\n")
                };
                cs.write_all(reply.as_bytes()).unwrap();
            }
        });
        addr
    }

    fn plan(addr: SocketAddr, requests: u64) -> Plan {
        Plan {
            addr,
            clients: 3,
            requests: Some(requests),
            duration: None,
            wait: Duration::ZERO,
            slow_clients: 0,
            slow_wait: Duration::ZERO,
            message: "Message {n}".to_string(),
            expect: Some("ECHO: {message}\n".to_string()),
            timeout: Duration::from_secs(20),
        }
    }

    #[test]
    fn counts_every_request_and_spots_a_wrong_reply() {
        let addr = echo_server(20);
        let summary = run(&plan(addr, 20), &ProgressBar::hidden()).unwrap();
        // Messages 0 to 19: "Message 7" and "Message 17" get "oops".
        assert_eq!(summary.ok, 18);
        assert_eq!(
            summary.failures_of(&Failure::WrongReply {
                expected: String::new(),
                got: String::new()
            }),
            2
        );
    }

    #[test]
    fn a_refused_connection_is_counted_as_refused() {
        let (_reserved, addr) = lab_test::refusing_addr();
        let summary = run(&plan(addr, 5), &ProgressBar::hidden()).unwrap();
        assert_eq!(summary.ok, 0);
        assert_eq!(summary.failures_of(&Failure::Refused), 5);
    }
}
