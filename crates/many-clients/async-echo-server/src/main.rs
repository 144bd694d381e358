//! # Async echo server (many clients at once)
//!
//! The same service as the threaded echo server, on tokio: one *task* per client
//! instead of one thread. A task is a small state machine (a few hundred bytes
//! plus its buffer) that the runtime's few threads, one per core, run whenever its
//! socket is ready; a thread has its own stack and costs the system a scheduling
//! slot. Ten thousand silent clients are ten thousand threads, or ten thousand
//! tasks that cost nothing while they wait.
//!
//! Run it:                 cargo run -p async-echo-server
//! In a second terminal:   printf "Test" | nc 127.0.0.1 8080       (answers ECHO: Test)
//!                         cargo run --release -p load-client -- --clients 500 --wait-ms 100
//! Then press Ctrl-C in the first terminal: the clients in progress are served first.

mod stop;

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use colored::Colorize;
use lab_common::error::explain_io;
use lab_common::{ServerArgs, trace};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// How many clients may wait to be accepted: when the queue is full, the system
/// drops a client's connection request and the client tries again only a second later.
const BACKLOG: i32 = 1024;

/// Async echo server: echoes like echo server 2, one tokio task per client.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs<8080>,
}

fn main() -> lab_common::Result {
    let args = Args::parse();

    // -- The runtime: one thread per core, each running whichever tasks are ready
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(args.server.addr(), args.server.timeout()))
}

/// The whole server, as one task: accept clients until Ctrl-C, then wait for the
/// clients in progress.
async fn serve(addr: SocketAddr, timeout: Duration) -> lab_common::Result {
    // -- Ctrl-C is caught from here on (before the listening line, as every server does)
    let mut stop = stop::Signals::install()?;

    // -- Steps 1 to 3 as usual (socket2, SO_REUSEADDR, bind, listen, the listening
    // -- line), with a long queue for bursts of clients; then the socket is handed to
    // -- tokio, which never blocks on it
    let listener = lab_common::listen_with_backlog(addr, BACKLOG)?;
    listener.set_nonblocking(true)?;
    let listener = TcpListener::from_std(listener)?;
    println!("The server is configured!");

    // -- Every client's task holds a clone of `in_progress`; `all_done` hears None
    // -- once the last clone is dropped, that is when the last client is served
    let (in_progress, mut all_done) = mpsc::channel::<()>(1);
    let accepting = tokio::spawn(accept_clients(listener, in_progress, timeout));

    // -- Wait for Ctrl-C; meanwhile the accept loop and the clients run on their own
    stop.wait().await;
    // -- Stop accepting: the accept loop ends, and the listening socket closes with it
    accepting.abort();
    let _ = accepting.await;
    println!(
        "No more clients: waiting for the clients in progress to finish (press Ctrl-C again to stop now)"
    );
    // -- A second Ctrl-C does not wait for them
    tokio::spawn(async move {
        stop.wait().await;
        eprintln!("Server stopped at once by the user");
        std::process::exit(130);
    });
    all_done.recv().await;
    println!("Server stopped by the user");
    Ok(())
}

/// Step 4, forever: accept a client and start a task that serves it.
async fn accept_clients(listener: TcpListener, in_progress: mpsc::Sender<()>, timeout: Duration) {
    // -- How many clients have connected so far
    let mut number_con: u64 = 0;
    loop {
        // -- .await: this task sleeps until a client connects; the threads run others
        trace(Some(4), || {
            (
                "cs, address = ls.accept().await".into(),
                "waiting...".into(),
            )
        });
        let (mut cs, client_ip_port) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                trace(Some(5), || ("ls.accept().await".into(), trace::failed(&e)));
                // Out of file descriptors and the like: give the system a moment.
                eprintln!("Could not accept a client: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        trace(Some(5), || {
            let (id, from) = (trace::id(&cs), trace::addr(client_ip_port));
            (
                "cs, address = ls.accept().await".into(),
                format!("-> socket {id}, client {from}"),
            )
        });
        println!("A client has connected to the server!");
        number_con += 1;
        let (ip, port) = (client_ip_port.ip(), client_ip_port.port());
        println!("CONNECTION {number_con}. Client IP,PORT: {ip}, {port}");

        // -- One task per client: spawn() returns at once, the task runs on its own
        let in_progress = in_progress.clone();
        tokio::spawn(async move {
            serve_client(&mut cs, timeout).await;
            // -- Close the data socket, politely (as lab_common::message::close does):
            // -- closed with the client's bytes unread, it would be reset, and the
            // -- reply lost. After serve_client, whose buffers are gone by now.
            close(cs).await;
            drop(in_progress);
        });
    }
}

/// Steps 6 and 7 for one client, each bounded by `timeout`.
async fn serve_client(cs: &mut TcpStream, timeout: Duration) {
    // -- Step 6: read the client's message (one read, at most 2048 bytes)
    let mut buffer = vec![0; 2048];
    let got = tokio::time::timeout(timeout, cs.read(&mut buffer)).await;
    trace(Some(6), || match &got {
        Ok(got) => ("cs.recv(2048).await".into(), trace::received(got, &buffer)),
        Err(_) => ("cs.recv(2048).await".into(), "-> timed out".into()),
    });
    let msg = match got {
        Err(_) => {
            let seconds = timeout.as_secs_f64();
            eprintln!("The client sent nothing for {seconds} s: giving up on it");
            return;
        }
        Ok(Ok(0)) => {
            eprintln!("The client closed the connection without sending a message");
            return;
        }
        Ok(Ok(n)) => String::from_utf8_lossy(&buffer[..n]).into_owned(),
        Ok(Err(e)) => {
            eprintln!(
                "Could not read the message: {}",
                explain_io(&e, "the client")
            );
            return;
        }
    };
    println!("Message received: {}", lab_common::printable(&msg).green());

    // -- Step 7: send the echo, also bounded: a client that never reads cannot hold us
    let response = format!("ECHO: {msg}\n");
    let sent = tokio::time::timeout(timeout, cs.write_all(response.as_bytes())).await;
    trace(Some(7), || {
        let gave = match &sent {
            Ok(Ok(())) => format!("-> {} bytes", response.len()),
            Ok(Err(e)) => trace::failed(e),
            Err(_) => "-> timed out".into(),
        };
        let data = trace::bytes(response.as_bytes());
        (format!("cs.sendall({data}).await"), gave)
    });
    match sent {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("Could not send the reply: {}", explain_io(&e, "the client")),
        Err(_) => eprintln!("Could not send the reply: the client did not read it in time"),
    }
}

/// Says we are done sending, then reads and drops what the client still sends
/// (at most a second and a mebibyte) before the socket is dropped. Its buffer is
/// small: ten thousand clients may be closing at once.
async fn close(mut cs: TcpStream) {
    if cs.shutdown().await.is_err() {
        trace(None, || {
            ("cs.close()".into(), "(the client had gone already)".into())
        });
        return; // already gone
    }
    trace(None, || {
        ("cs.shutdown(SHUT_WR).await".into(), String::new())
    });
    let mut scratch = vec![0; 1024];
    let drain = async {
        let mut left: usize = 1 << 20;
        while left > 0 {
            match cs.read(&mut scratch).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
    trace(None, || ("cs.close()".into(), String::new()));
}

/// `--trace`: the call and what it gave, on one line naming the task (by tokio's
/// id for it) that made the call; `line` runs only when the trace is on.
fn trace(step: Option<u32>, line: impl FnOnce() -> (String, String)) {
    if trace::enabled() {
        let (call, gave) = line();
        let task = tokio::task::try_id().map(|id| format!("task {id}"));
        trace::line_for(task.as_deref(), step, &call, &gave);
    }
}
