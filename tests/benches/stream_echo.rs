//! Benchmark: stream-echo-server against a bare std::net echo loop, in round trips
//! per second of small messages and in MiB/s of a bulk transfer.
//!
//! Run it:   cargo bench -p scenarios --bench stream_echo
//!
//! stream-echo-server (release build) runs as its own process, its output sent to
//! /dev/null. The baseline is a thread of this process running the bare loop:
//! accept, then read into a 64 KiB buffer and write it all back until the client
//! closes. Rounds alternate between the two; the median of each is reported, with
//! the ratio. Everything runs on 127.0.0.1.
// A benchmark reports failures by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;
const ROUND_TRIPS: usize = 20_000;
const MESSAGE: &[u8] = b"a small message of 32 bytes ...\n";
const BULK_MIB: usize = 256;

fn main() {
    let (mut server, server_addr) = scenarios::start_quietly("stream-echo-server");

    let bare = TcpListener::bind("127.0.0.1:0").unwrap();
    let bare_addr = bare.local_addr().unwrap();
    thread::spawn(move || bare_echo_loop(bare));

    let (mut rt_server, mut rt_bare, mut bulk_server, mut bulk_bare) =
        (vec![], vec![], vec![], vec![]);
    round_trips(server_addr, 1000); // warm-up
    round_trips(bare_addr, 1000);
    for _ in 0..ROUNDS {
        rt_bare.push(round_trips(bare_addr, ROUND_TRIPS));
        rt_server.push(round_trips(server_addr, ROUND_TRIPS));
        bulk_bare.push(bulk(bare_addr, BULK_MIB));
        bulk_server.push(bulk(server_addr, BULK_MIB));
    }
    let _ = server.kill();
    let _ = server.wait();

    println!("stream echo: {ROUNDS} rounds each, median");
    report("round trips of 32 bytes", "trips/s", &rt_bare, &rt_server);
    report(
        &format!("bulk transfer of {BULK_MIB} MiB"),
        "MiB/s",
        &bulk_bare,
        &bulk_server,
    );
    println!("  (target: stream-echo-server / bare at 0.80 or more in both)");
}

/// The baseline: the page's echo loop with std::net, printing nothing.
fn bare_echo_loop(listener: TcpListener) {
    let mut data = vec![0; 64 * 1024];
    for stream in listener.incoming() {
        let Ok(mut conn) = stream else { continue };
        loop {
            match conn.read(&mut data) {
                Ok(0) | Err(_) => break,
                Ok(size) => {
                    if conn.write_all(&data[..size]).is_err() {
                        break;
                    }
                }
            }
        }
    }
}

/// `count` round trips of a small message on one connection; returns trips per second.
fn round_trips(addr: SocketAddr, count: usize) -> f64 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut echo = [0; MESSAGE.len()];
    let start = Instant::now();
    for _ in 0..count {
        stream.write_all(MESSAGE).unwrap();
        stream.read_exact(&mut echo).unwrap();
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    assert_eq!(echo, MESSAGE);
    rate
}

/// Sends `mib` MiB through the echo while reading it back; returns MiB per second.
fn bulk(addr: SocketAddr, mib: usize) -> f64 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut sender = stream.try_clone().unwrap();
    let start = Instant::now();
    let sending = thread::spawn(move || {
        let chunk = vec![0x5a; 1 << 20];
        for _ in 0..mib {
            sender.write_all(&chunk).unwrap();
        }
        sender.shutdown(Shutdown::Write).unwrap();
    });
    let mut buffer = vec![0; 1 << 20];
    let mut received = 0;
    loop {
        let size = stream.read(&mut buffer).unwrap();
        if size == 0 {
            break;
        }
        received += size;
    }
    let rate = mib as f64 / start.elapsed().as_secs_f64();
    sending.join().unwrap();
    assert_eq!(received, mib << 20);
    rate
}

fn report(what: &str, unit: &str, bare: &[f64], server: &[f64]) {
    let (b, bare_list) = scenarios::median_and_list(bare);
    let (s, server_list) = scenarios::median_and_list(server);
    println!("  {what}:");
    println!("    bare std::net loop    {b:>10.0} {unit}   (rounds: {bare_list})");
    println!("    stream-echo-server    {s:>10.0} {unit}   (rounds: {server_list})");
    println!("    stream-echo-server / bare  {:.3}", s / b);
}
