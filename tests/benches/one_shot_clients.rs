//! Benchmark: how fast echo-server2 serves one-shot clients, against a bare
//! std::net loop that does the same work and prints nothing.
//!
//! Run it:   cargo bench -p scenarios --bench one_shot_clients
//!
//! A one-shot client connects, sends `Message <i>`, reads the reply until the
//! server closes, and closes: the Session 10 pattern. echo-server2 (release build)
//! runs as its own process with its output sent to /dev/null. The baseline is a
//! thread of this process: accept, one read of at most 2048 bytes, lossy UTF-8,
//! reply `ECHO: <msg>\n`, close. Rounds alternate between the two so that both see
//! the same machine; the median round of each is reported, with the ratio.
//! Everything runs on 127.0.0.1.
// A benchmark reports failures by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

const ROUNDS: usize = 7;
const CLIENTS_PER_ROUND: usize = 3000;

fn main() {
    let (mut server, server_addr) = scenarios::start_quietly("echo-server2");

    let bare = TcpListener::bind("127.0.0.1:0").unwrap();
    let bare_addr = bare.local_addr().unwrap();
    thread::spawn(move || bare_loop(bare));

    // Warm both up (page cache, branch predictors, the first connections).
    run_round(server_addr, 300);
    run_round(bare_addr, 300);

    let mut server_rates = Vec::new();
    let mut bare_rates = Vec::new();
    for _ in 0..ROUNDS {
        bare_rates.push(run_round(bare_addr, CLIENTS_PER_ROUND));
        server_rates.push(run_round(server_addr, CLIENTS_PER_ROUND));
    }
    let _ = server.kill();
    let _ = server.wait();

    let (bare, bare_list) = scenarios::median_and_list(&bare_rates);
    let (echo, echo_list) = scenarios::median_and_list(&server_rates);
    println!("one-shot clients: {ROUNDS} rounds of {CLIENTS_PER_ROUND} clients each, median");
    println!("  bare std::net loop   {bare:>9.0} clients/s   (rounds: {bare_list})");
    println!("  echo-server2         {echo:>9.0} clients/s   (rounds: {echo_list})");
    println!(
        "  echo-server2 / bare  {:>9.3}   (target: 0.85 or more)",
        echo / bare
    );
}

/// The baseline: what echo-server2 does for each client, without printing.
fn bare_loop(listener: TcpListener) {
    let mut buffer = [0; 2048];
    for stream in listener.incoming() {
        let Ok(mut cs) = stream else { continue };
        let Ok(n) = cs.read(&mut buffer) else {
            continue;
        };
        let msg = String::from_utf8_lossy(&buffer[..n]);
        let _ = cs.write_all(format!("ECHO: {msg}\n").as_bytes());
    }
}

/// Serves `clients` one-shot clients in a row against `addr`; returns clients per second.
fn run_round(addr: SocketAddr, clients: usize) -> f64 {
    let start = Instant::now();
    let mut reply = Vec::with_capacity(64);
    for i in 0..clients {
        let msg = format!("Message {i}");
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(msg.as_bytes()).unwrap();
        reply.clear();
        stream.read_to_end(&mut reply).unwrap();
        assert_eq!(reply, format!("ECHO: {msg}\n").as_bytes());
    }
    clients as f64 / start.elapsed().as_secs_f64()
}
