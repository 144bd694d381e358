//! Servers that stop gracefully on Ctrl-C: [`Server`] (TCP) and [`UdpServer`].
//!
//! In the lesson, Ctrl-C raises `KeyboardInterrupt` inside `accept()` and the
//! server prints `Server stopped by the user`. Rust has no such exception, and a
//! signal does not even interrupt a blocked `accept()` (std retries it), so
//! [`Server`] does it in two parts:
//!
//! 1. a handler (the `ctrlc` crate: Ctrl-C, and SIGTERM on unix) sets a flag and
//!    then connects to the server's own address, which wakes the `accept()` (a UDP
//!    server gets an empty datagram, which wakes its `recv_from()`);
//! 2. [`Server::accept`] sees the flag and answers `None`: the accept loop ends and
//!    the program prints its goodbye and returns from `main` (status 0).
//!
//! A client being served when Ctrl-C comes is served to the end first, and the
//! handler says so at once, so a person does not think Ctrl-C was ignored. A
//! second Ctrl-C stops the program at once (status 130), for when a client takes
//! too long.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;

use crate::socket::{announce, bind_tcp, bind_udp_quietly};
use crate::trace;

/// A listening TCP socket whose [`accept`](Server::accept) ends on Ctrl-C.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    stop: Arc<AtomicBool>,
    /// Whether a client is being served: [`accept`](Server::accept) gave one and
    /// has not been called again since.
    serving: Arc<AtomicBool>,
    /// What the first Ctrl-C prints while a client is being served.
    stopping: Arc<Mutex<String>>,
}

impl Server {
    /// Steps 1 to 3 (see [`listen`](crate::listen)), then the Ctrl-C handler, then
    /// the listening line: once that line is printed, Ctrl-C stops the server
    /// gracefully.
    ///
    /// Only one `Server` can be started in a program (there is one Ctrl-C).
    ///
    /// ```no_run
    /// let server = lab_common::Server::start("127.0.0.1:8080".parse().unwrap())?;
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn start(addr: SocketAddr) -> anyhow::Result<Server> {
        Server::start_with_backlog(addr, crate::socket::BACKLOG)
    }

    /// [`start`](Server::start), with `backlog` connections at most waiting in the
    /// queue while the server is busy (the TCP server lab's `MAX_NUM_CONN`).
    ///
    /// ```no_run
    /// let server = lab_common::Server::start_with_backlog("127.0.0.1:12000".parse().unwrap(), 10)?;
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn start_with_backlog(addr: SocketAddr, backlog: i32) -> anyhow::Result<Server> {
        let listener = bind_tcp(addr, backlog)?;
        let local = listener.local_addr()?;
        let serving = Arc::new(AtomicBool::new(false));
        let stopping = Arc::new(Mutex::new(STOPPING_AFTER_THIS_CLIENT.to_string()));
        let stop = on_ctrl_c(Arc::clone(&serving), Arc::clone(&stopping), move || {
            // If this fails the flag is still set, and the next accept() sees it.
            let _ = TcpStream::connect_timeout(&reachable(local), Duration::from_secs(1));
        })?;
        announce(&local, "")?;
        Ok(Server {
            listener,
            stop,
            serving,
            stopping,
        })
    }

    /// Says what the first Ctrl-C prints while a client is being served, for a
    /// server that does not simply finish serving its client (the default is
    /// [`STOPPING_AFTER_THIS_CLIENT`]): a person must read what will really happen.
    ///
    /// ```no_run
    /// let server = lab_common::Server::start("127.0.0.1:11269".parse().unwrap())?;
    /// server.on_first_ctrl_c("Ctrl-C: the game ends now, and the server stops");
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn on_first_ctrl_c(&self, line: &str) {
        *self.stopping.lock().unwrap_or_else(PoisonError::into_inner) = line.to_string();
    }

    /// Step 4: waits for a client to connect, and gives its socket and address.
    ///
    /// Until it is called again, the server is serving that client: a first Ctrl-C
    /// then prints at once that the server stops after this client.
    ///
    /// Answers `None` once Ctrl-C has been pressed: the server should stop. An
    /// error of one connection (a client that gave up while still in the queue) is
    /// printed and the wait goes on, so it never stops the server.
    ///
    /// ```no_run
    /// let server = lab_common::Server::start("127.0.0.1:8080".parse().unwrap())?;
    /// while let Some((cs, client)) = server.accept() {
    ///     println!("A client has connected from {client}");
    /// }
    /// println!("Server stopped by the user");
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn accept(&self) -> Option<(TcpStream, SocketAddr)> {
        self.serving.store(false, Ordering::SeqCst);
        loop {
            trace!(step 4; "cs, address = ls.accept()" => "waiting...");
            let accepted = self.listener.accept();
            // Whatever accept() gave, Ctrl-C wins: the connection may be our own wake-up call.
            if self.stop.load(Ordering::SeqCst) {
                trace!("ls.close()" => "(Ctrl-C: the server stops)");
                return None;
            }
            if trace::enabled() {
                trace::accept_line(Some(5), "cs, address = ls.accept()", &accepted);
            }
            match accepted {
                Ok(pair) => {
                    self.serving.store(true, Ordering::SeqCst);
                    return Some(pair);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    eprintln!("Could not accept a client: {e}");
                    // Out of file descriptors and the like: give the system a moment.
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }

    /// The address the server really listens on (with port 0, the port the OS chose).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Whether Ctrl-C has been pressed: a loop that waits on something other than
    /// [`accept`](Server::accept) (a client's message, the operator's typing) checks
    /// it now and then, to stop in time.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// A handle to the same flag as [`stop_requested`](Server::stop_requested), for
    /// the threads that serve clients.
    ///
    /// ```no_run
    /// let server = lab_common::Server::start("127.0.0.1:8080".parse().unwrap())?;
    /// let stop = server.stop_handle();
    /// std::thread::spawn(move || {
    ///     while !stop.requested() { /* serve a client, a little at a time */ }
    /// });
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(Arc::clone(&self.stop))
    }

    /// The listening socket itself, for what [`accept`](Server::accept) does not cover.
    pub fn listener(&self) -> &TcpListener {
        &self.listener
    }
}

/// Whether Ctrl-C has been pressed, shared with the threads of a server (see
/// [`Server::stop_handle`]).
#[derive(Debug, Clone)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    /// Whether Ctrl-C has been pressed.
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A UDP socket whose [`recv_from`](UdpServer::recv_from) ends on Ctrl-C.
#[derive(Debug)]
pub struct UdpServer {
    socket: UdpSocket,
    stop: Arc<AtomicBool>,
}

impl UdpServer {
    /// Creates and binds the UDP socket, installs the Ctrl-C handler, then prints
    /// `Listening on <address> (UDP)`.
    ///
    /// ```no_run
    /// let server = lab_common::UdpServer::start("127.0.0.1:9999".parse().unwrap())?;
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn start(addr: SocketAddr) -> anyhow::Result<UdpServer> {
        let socket = bind_udp_quietly(addr)?;
        let local = socket.local_addr()?;
        // A UDP server answers at once: it is never busy with a client.
        let nothing = Arc::new(Mutex::new(String::new()));
        let stop = on_ctrl_c(Arc::new(AtomicBool::new(false)), nothing, move || {
            // An empty datagram to ourselves wakes recv_from().
            let any: SocketAddr = match local {
                SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
                SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
            };
            if let Ok(waker) = UdpSocket::bind(any) {
                let _ = waker.send_to(&[], reachable(local));
            }
        })?;
        announce(&local, " (UDP)")?;
        Ok(UdpServer { socket, stop })
    }

    /// Waits for a datagram, puts it in `buffer` and gives its length and sender.
    ///
    /// Answers `None` once Ctrl-C has been pressed. A datagram larger than `buffer`
    /// is cut to its size. Errors (on Windows, a datagram we sent that could not be
    /// delivered is reported on the next receive) are printed and the wait goes on.
    pub fn recv_from(&self, buffer: &mut [u8]) -> Option<(usize, SocketAddr)> {
        loop {
            trace!("data, address = s.recvfrom({})", buffer.len() => "waiting...");
            let received = self.socket.recv_from(buffer);
            if self.stop.load(Ordering::SeqCst) {
                trace!("s.close()" => "(Ctrl-C: the server stops)");
                return None;
            }
            if trace::enabled() {
                let gave = match &received {
                    Ok((n, from)) => {
                        let data = trace::bytes(&buffer[..*n]);
                        format!("-> {n} bytes {data}, from {}", trace::addr(*from))
                    }
                    Err(e) => trace::failed(e),
                };
                trace::line(None, &format!("s.recvfrom({})", buffer.len()), &gave);
            }
            match received {
                Ok(pair) => return Some(pair),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => eprintln!("Could not receive a datagram: {e}"),
            }
        }
    }

    /// Sends `data` to `to`; a failure is printed, and never stops the server.
    pub fn send_to(&self, data: &[u8], to: SocketAddr) -> bool {
        let sent = self.socket.send_to(data, to);
        if trace::enabled() {
            let call = format!("s.sendto({}, {})", trace::bytes(data), trace::addr(to));
            let gave = match &sent {
                Ok(n) => format!("-> {n} bytes"),
                Err(e) => trace::failed(e),
            };
            trace::line(None, &call, &gave);
        }
        match sent {
            Ok(_) => true,
            Err(e) => {
                eprintln!("Could not send a datagram to {to}: {e}");
                false
            }
        }
    }

    /// The address the server really listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }
}

/// What the first Ctrl-C prints while a client is being served.
pub const STOPPING_AFTER_THIS_CLIENT: &str =
    "Ctrl-C: the server will stop after this client (press Ctrl-C again to stop it now)";

/// Installs the Ctrl-C handler: the first Ctrl-C sets the returned flag, says
/// `stopping` if a client is being served (`serving`), and calls `wake`; a second
/// one stops the program at once.
fn on_ctrl_c(
    serving: Arc<AtomicBool>,
    stopping: Arc<Mutex<String>>,
    wake: impl Fn() + Send + 'static,
) -> anyhow::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            // The second Ctrl-C: the user does not want to wait for the client.
            say("Server stopped at once by the user");
            std::process::exit(130);
        }
        // The client may take a while (a person typing): say at once that Ctrl-C was heard.
        if serving.load(Ordering::SeqCst) {
            say(&stopping.lock().unwrap_or_else(PoisonError::into_inner));
        }
        wake();
    })
    .context("cannot install the Ctrl-C handler")?;
    Ok(stop)
}

/// Prints `line` on stderr in one write. The handler runs on a thread of its own,
/// while the server may be printing too: `eprintln!` writes a line in pieces, and
/// another line could land between them, on the same line of the console.
fn say(line: &str) {
    use std::io::Write;
    let _ = io::stderr().write_all(format!("{line}\n").as_bytes());
}

/// The address to reach a server bound to `addr`: loopback if it listens on every
/// network (0.0.0.0 or ::).
fn reachable(mut addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    addr
}
