//! Benchmark: many clients at once. echo-server2 (one client at a time) against
//! threaded-echo-server (a pool of threads) and async-echo-server (tokio tasks),
//! and load-client against a bare measurement loop.
//!
//! Run it:   cargo bench -p scenarios --bench many_clients
//!
//! The servers (release builds) run as their own processes, output sent to
//! /dev/null. The clients are threads of this process (the "bare loop": connect,
//! wait if told to, send `Message <n>`, read the reply until the server closes,
//! check it), except in the last comparison, where load-client runs the same load.
//! Rounds alternate between the servers so that all see the same machine; medians
//! are reported, with the ratios. Everything runs on 127.0.0.1.
//!
//! 1. 32 clients, each waiting 10 ms between connecting and sending, one of them
//!    300 ms (a person): threaded / echo-server2, target 15 or more.
//! 2. 32 clients, no waiting: threaded / echo-server2, target 0.8 or more.
//! 3. async-echo-server: 10,000 connections open at once, every one answered;
//!    its peak resident memory (VmHWM, Linux), target under 100 MB.
//! 4. load-client's own requests/s against the bare loop's, on the threaded
//!    server, same load: target within 20%.
// A benchmark reports failures by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

const CLIENTS: u32 = 32;
const CONNECTIONS: usize = 10_000;

fn main() {
    raise_open_file_limit(CONNECTIONS as u64 + 1000);
    let (mut echo2, echo2_addr) = start("echo-server2", &[]);
    let (mut threaded, threaded_addr) = start("threaded-echo-server", &[]);
    // Connecting 10,000 clients takes a while: each may wait for its message longer.
    let (mut tokio, tokio_addr) = start("async-echo-server", &["--timeout", "120"]);
    let load_client = scenarios::program("load-client");

    // Warm up (page cache, the first connections).
    for addr in [echo2_addr, threaded_addr, tokio_addr] {
        bare(addr, &Load::requests(2000));
    }

    // 1. One slow client among 32 that each wait 10 ms.
    let slow = Load {
        wait: Duration::from_millis(10),
        slow_wait: Duration::from_millis(300),
        slow_clients: 1,
        ..Load::duration(Duration::from_secs(3))
    };
    let (mut slow_echo2, mut slow_threaded) = (vec![], vec![]);
    for _ in 0..2 {
        slow_echo2.push(bare(echo2_addr, &slow));
        slow_threaded.push(bare(threaded_addr, &slow));
    }
    println!(
        "1. {CLIENTS} clients, each waiting 10 ms before sending, one of them 300 ms; 2 rounds of 3 s, median"
    );
    let ratio = report(
        "requests/s",
        &[
            ("echo-server2", &slow_echo2),
            ("threaded-echo-server", &slow_threaded),
        ],
    );
    println!("   threaded / echo-server2 {ratio:>9.1}   (target: 15 or more)");

    // 2. 32 clients that do not wait.
    let busy = Load::requests(8000);
    let (mut busy_echo2, mut busy_threaded) = (vec![], vec![]);
    for _ in 0..5 {
        busy_echo2.push(bare(echo2_addr, &busy));
        busy_threaded.push(bare(threaded_addr, &busy));
    }
    println!("2. {CLIENTS} clients, no waiting; 5 rounds of 8000 requests, median");
    let ratio = report(
        "requests/s",
        &[
            ("echo-server2", &busy_echo2),
            ("threaded-echo-server", &busy_threaded),
        ],
    );
    println!("   threaded / echo-server2 {ratio:>9.3}   (target: 0.8 or more)");

    // 3. 10,000 connections open at once on the async server.
    println!("3. async-echo-server, {CONNECTIONS} connections open at once");
    ten_thousand(&tokio, tokio_addr);

    // 4. load-client against the bare loop, on the threaded server.
    let (mut by_bare, mut by_load_client) = (vec![], vec![]);
    for _ in 0..3 {
        by_bare.push(bare(threaded_addr, &busy));
        by_load_client.push(load_client_rate(&load_client, threaded_addr, &busy));
    }
    println!(
        "4. the same load ({CLIENTS} clients, no waiting, 8000 requests) on threaded-echo-server; 3 rounds, median"
    );
    let ratio = report(
        "requests/s",
        &[
            ("bare measurement loop", &by_bare),
            ("load-client", &by_load_client),
        ],
    );
    println!("   load-client / bare      {ratio:>9.3}   (target: 0.8 to 1.2)");

    for child in [&mut echo2, &mut threaded, &mut tokio] {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// What the clients do: how many, how long, how long each waits before sending.
#[derive(Clone)]
struct Load {
    requests: Option<u64>,
    duration: Option<Duration>,
    wait: Duration,
    slow_clients: u32,
    slow_wait: Duration,
}

impl Load {
    fn requests(requests: u64) -> Load {
        Load {
            requests: Some(requests),
            duration: None,
            wait: Duration::ZERO,
            slow_clients: 0,
            slow_wait: Duration::ZERO,
        }
    }

    fn duration(duration: Duration) -> Load {
        Load {
            requests: None,
            duration: Some(duration),
            ..Load::requests(0)
        }
    }
}

/// The bare measurement loop: `CLIENTS` threads doing one-shot requests; returns
/// requests answered per second. Any failure fails the benchmark.
fn bare(addr: SocketAddr, load: &Load) -> f64 {
    let next = AtomicU64::new(0);
    let ok = AtomicU64::new(0);
    let start = Instant::now();
    let deadline = load.duration.map(|d| start + d);
    thread::scope(|scope| {
        for client in 0..CLIENTS {
            let wait = if client < load.slow_clients {
                load.slow_wait
            } else {
                load.wait
            };
            let (next, ok) = (&next, &ok);
            scope.spawn(move || {
                let mut reply = Vec::with_capacity(64);
                loop {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        break;
                    }
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if load.requests.is_some_and(|max| n >= max) {
                        break;
                    }
                    let mut stream = TcpStream::connect(addr).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(10)))
                        .unwrap();
                    if !wait.is_zero() {
                        thread::sleep(wait);
                    }
                    let msg = format!("Message {n}");
                    stream.write_all(msg.as_bytes()).unwrap();
                    reply.clear();
                    stream.read_to_end(&mut reply).unwrap();
                    assert_eq!(reply, format!("ECHO: {msg}\n").as_bytes());
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    ok.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// load-client's own figure for `load` (`--json`'s requests_per_sec).
fn load_client(path: &std::path::Path, addr: SocketAddr, load: &Load) -> String {
    let requests = load.requests.unwrap().to_string();
    let out = Command::new(path)
        .args([
            "--port",
            &addr.port().to_string(),
            "--clients",
            &CLIENTS.to_string(),
        ])
        .args(["--requests", &requests, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "load-client failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn load_client_rate(path: &std::path::Path, addr: SocketAddr, load: &Load) -> f64 {
    let json = load_client(path, addr, load);
    assert!(
        json.contains("\"failed\":0}"),
        "load-client saw failures: {json}"
    );
    let field = json.split("\"requests_per_sec\":").nth(1).unwrap();
    field.split(',').next().unwrap().parse().unwrap()
}

/// Opens `CONNECTIONS` connections to the async server and keeps them all open,
/// then sends on every one and checks every reply; reports the server's sockets
/// and its peak resident memory.
fn ten_thousand(server: &Child, addr: SocketAddr) {
    let start = Instant::now();
    let mut clients: Vec<TcpStream> = (0..CONNECTIONS)
        .map(|i| {
            TcpStream::connect(addr)
                .unwrap_or_else(|e| panic!("connection {i} of {CONNECTIONS} failed: {e}"))
        })
        .collect();
    let connected = start.elapsed();
    // Every connection is open and silent: the server holds a task and a socket for each.
    let open = wait_for_sockets(server.id(), CONNECTIONS);
    for (i, client) in clients.iter_mut().enumerate() {
        client.write_all(format!("Message {i}").as_bytes()).unwrap();
    }
    let mut reply = Vec::with_capacity(64);
    for (i, client) in clients.iter_mut().enumerate() {
        client
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        reply.clear();
        client.read_to_end(&mut reply).unwrap();
        assert_eq!(
            reply,
            format!("ECHO: Message {i}\n").as_bytes(),
            "connection {i}"
        );
    }
    let total = start.elapsed();
    println!(
        "   {CONNECTIONS} connected in {:.2} s; all answered, correctly, {:.2} s after the first connect",
        connected.as_secs_f64(),
        total.as_secs_f64()
    );
    match open {
        Some(n) => println!("   server's open file descriptors with every client connected: {n}"),
        None => println!("   (the server's open sockets are not counted on this system)"),
    }
    match peak_rss_kib(server.id()) {
        Some(kib) => println!(
            "   server's peak resident memory (VmHWM) {:>9.1} MB   (target: under 100 MB)",
            kib as f64 / 1024.0
        ),
        None => println!("   (peak resident memory is read from /proc, on Linux only)"),
    }
}

/// Waits (at most 10 s) until process `pid` has at least `wanted` open file
/// descriptors; their number, where /proc tells it.
fn wait_for_sockets(pid: u32, wanted: usize) -> Option<usize> {
    let count = || {
        std::fs::read_dir(format!("/proc/{pid}/fd"))
            .ok()
            .map(|d| d.count())
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = count()?;
        if n >= wanted || Instant::now() >= deadline {
            return Some(n);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// The peak resident memory of process `pid`, in KiB (Linux: VmHWM in /proc).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Prints each server's median and rounds; returns the second's median over the first's.
fn report(unit: &str, rows: &[(&str, &Vec<f64>)]) -> f64 {
    let medians: Vec<f64> = rows
        .iter()
        .map(|(name, values)| {
            let (median, list) = scenarios::median_and_list(values);
            println!("   {name:<24}{median:>9.0} {unit}   (rounds: {list})");
            median
        })
        .collect();
    medians[1] / medians[0]
}

/// Starts our program `name` (release build) with `args`, its output sent to
/// /dev/null, on a free port, and waits until it accepts connections.
fn start(name: &str, args: &[&str]) -> (Child, SocketAddr) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(scenarios::program(name))
        .args(["--port", &port.to_string()])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(10);
    // Waits for the server's listening socket; this test connection is answered by
    // a console line on the server ("closed without sending"), and nothing else.
    while TcpStream::connect(addr).is_err() {
        assert!(
            Instant::now() < deadline,
            "{name} did not start listening on {addr}"
        );
        thread::sleep(Duration::from_millis(20));
    }
    (child, addr)
}

/// Raises this process's limit of open files (inherited by the servers it starts)
/// to `wanted`, or as far as the hard limit allows: 10,000 connections need 10,000
/// descriptors in this process, and as many in the server.
#[cfg(unix)]
#[allow(unsafe_code)]
fn raise_open_file_limit(wanted: libc::rlim_t) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return;
        }
        let before = limit.rlim_cur;
        limit.rlim_cur = limit.rlim_cur.max(wanted.min(limit.rlim_max));
        if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < wanted {
            println!(
                "open files limit: {before} (hard {}); {wanted} wanted: raise it with ulimit -n",
                limit.rlim_max
            );
        }
    }
}

#[cfg(not(unix))]
fn raise_open_file_limit(_wanted: u64) {}
