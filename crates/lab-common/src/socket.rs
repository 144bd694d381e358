//! Socket setup: the first steps of every server, and connecting as a client.
//!
//! The lessons build a server in steps; this module does Steps 1 to 3 with socket2,
//! which exposes each system call the way Python's `socket` module does, and hands
//! back the std socket that the rest of the program uses. Every server then prints
//! one line, the same for all of them, naming the address it really bound:
//!
//! ```text
//! Listening on 127.0.0.1:8080
//! ```
//!
//! With `--port 0` the operating system picks a free port and that line says which
//! one, which is how the tests find a server without ever guessing a port.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use anyhow::anyhow;
use socket2::{Domain, Protocol, Socket, Type};

use crate::error::{explain_bind, explain_connect};
use crate::trace;

/// How many connections may wait in the queue while the server serves one client
/// (the default; [`Server::start_with_backlog`](crate::Server::start_with_backlog) sets another).
pub const BACKLOG: i32 = 128;

/// Steps 1 to 3 of a TCP server, and the listening line.
///
/// Creates the socket, sets SO_REUSEADDR, binds it to `addr`, puts it in listening
/// mode and prints `Listening on <address>`. Ctrl-C ends such a server at once, as
/// it does the lesson's first versions; [`Server::start`](crate::Server::start) is
/// the same with a graceful stop.
///
/// ```
/// let ls = lab_common::listen("127.0.0.1:0".parse().unwrap()).unwrap();
/// assert_ne!(ls.local_addr().unwrap().port(), 0);
/// ```
pub fn listen(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    let ls = bind_tcp(addr, BACKLOG)?;
    announce(&ls.local_addr()?, "")?;
    Ok(ls)
}

/// [`listen`], with at most `backlog` connections waiting in the queue (the system
/// caps it: 4096 on Linux by default) instead of [`BACKLOG`]: for a server that
/// accepts many clients at once, so that a burst of them is not turned away while
/// the server is busy for a moment.
///
/// ```
/// let ls = lab_common::listen_with_backlog("127.0.0.1:0".parse().unwrap(), 1024).unwrap();
/// assert_ne!(ls.local_addr().unwrap().port(), 0);
/// ```
pub fn listen_with_backlog(addr: SocketAddr, backlog: i32) -> anyhow::Result<TcpListener> {
    let ls = bind_tcp(addr, backlog)?;
    announce(&ls.local_addr()?, "")?;
    Ok(ls)
}

/// Steps 1 to 3 of a TCP server, without printing anything.
pub(crate) fn bind_tcp(addr: SocketAddr, backlog: i32) -> anyhow::Result<TcpListener> {
    // -- Step 1: create the socket, of the address's family (IPv4 or IPv6)
    let ls = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    let family = trace::family(addr);
    trace!(step 1; "ls = socket({family}, SOCK_STREAM)" => "-> socket {}", trace::id(&ls));

    // -- Optional: reuse the address, so that a server can be started again at once
    // -- after it stops (else: "Address already in use" for a minute or two).
    // -- Windows' SO_REUSEADDR means something else (two servers on one port), and it
    // -- already allows an immediate restart, so it is left off there.
    if cfg!(not(windows)) {
        ls.set_reuse_address(true)?;
        trace!("ls.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)" => "");
    }

    // -- Step 2: bind the socket to the server's IP and PORT
    let bound = ls.bind(&addr.into());
    trace!(step 2; "ls.bind({})", trace::addr(addr) => "{}", outcome(&bound));
    bound.map_err(|e| anyhow!(explain_bind(&e, addr)))?;

    // -- Step 3: configure the socket for listening
    let listening = ls.listen(backlog);
    trace!(step 3; "ls.listen({backlog})" => "{}", outcome(&listening));
    listening.map_err(|e| anyhow!(explain_bind(&e, addr)))?;

    Ok(ls.into())
}

/// What a call that gives nothing back gave, for the trace: nothing, or its error.
pub(crate) fn outcome<T>(result: &io::Result<T>) -> String {
    match result {
        Ok(_) => String::new(),
        Err(e) => trace::failed(e),
    }
}

/// Creates a UDP socket bound to `addr` and prints `Listening on <address> (UDP)`.
///
/// UDP has no connections, so there is no listening mode: binding is all a UDP
/// server needs before `recv_from`.
///
/// ```
/// let socket = lab_common::bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
/// assert_ne!(socket.local_addr().unwrap().port(), 0);
/// ```
pub fn bind_udp(addr: SocketAddr) -> anyhow::Result<UdpSocket> {
    let socket = bind_udp_quietly(addr)?;
    announce(&socket.local_addr()?, " (UDP)")?;
    Ok(socket)
}

/// Steps 1 and 2 of a UDP server, without printing anything.
pub(crate) fn bind_udp_quietly(addr: SocketAddr) -> anyhow::Result<UdpSocket> {
    // -- Step 1: create a datagram socket. No SO_REUSEADDR: UDP leaves nothing
    // -- behind to wait for, and on UDP it would let two servers share one port.
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    let family = trace::family(addr);
    trace!(step 1; "s = socket({family}, SOCK_DGRAM)" => "-> socket {}", trace::id(&socket));
    // -- Step 2: bind it to the server's IP and PORT
    let bound = socket.bind(&addr.into());
    trace!(step 2; "s.bind({})", trace::addr(addr) => "{}", outcome(&bound));
    bound.map_err(|e| anyhow!(explain_bind(&e, addr)))?;
    Ok(socket.into())
}

/// Prints the listening line and flushes it, so that whoever reads the output
/// (a person, or a test through a pipe) sees it at once.
pub(crate) fn announce(addr: &SocketAddr, suffix: &str) -> io::Result<()> {
    // From here on, a console that nobody reads any more stops the server quietly.
    crate::console::stop_when_closed();
    let mut out = io::stdout().lock();
    writeln!(out, "Listening on {addr}{suffix}")?;
    out.flush()
}

/// A UDP socket for a client of the server `host`:`port`.
///
/// UDP has no connections: "connecting" a UDP socket only sets where its
/// datagrams go, and keeps out datagrams from anyone else. Nothing is sent.
///
/// ```
/// let socket = lab_common::connect_udp("127.0.0.1", 9999).unwrap();
/// assert_eq!(socket.peer_addr().unwrap().port(), 9999);
/// ```
pub fn connect_udp(host: &str, port: u16) -> anyhow::Result<UdpSocket> {
    // A console that nobody reads any more stops the client quietly.
    crate::console::stop_when_closed();
    let addr = resolve(host, port)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("the host '{host}' has no address"))?;
    let any: SocketAddr = match addr {
        SocketAddr::V4(_) => (std::net::Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(any)?;
    let family = trace::family(addr);
    trace!("s = socket({family}, SOCK_DGRAM)" => "-> socket {}", trace::id(&socket));
    let connected = socket.connect(addr);
    trace!("s.connect({})", trace::addr(addr) => "{}", outcome(&connected));
    connected?;
    Ok(socket)
}

/// The addresses of `host`, or a line that says the name is unknown.
fn resolve(host: &str, port: u16) -> anyhow::Result<Vec<SocketAddr>> {
    Ok((host, port)
        .to_socket_addrs()
        .map_err(|_| {
            anyhow!("cannot find the host '{host}': check its name, or use an IP address")
        })?
        .collect())
}

/// Connects to the server `host`:`port` as a client, waiting at most `timeout`.
///
/// `host` is an IP address or a name (`localhost`). The stream that comes back
/// gives up on a read or a write after `timeout` too, so a client never hangs on
/// a server that does not answer. Errors say what to do: "is the server running?".
///
/// ```no_run
/// use std::time::Duration;
///
/// let stream = lab_common::connect("127.0.0.1", 8080, Duration::from_secs(5))?;
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn connect(host: &str, port: u16, timeout: Duration) -> anyhow::Result<TcpStream> {
    // A console that nobody reads any more stops the client quietly.
    crate::console::stop_when_closed();
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|_| {
            anyhow!("cannot find the host '{host}': check its name, or use an IP address")
        })?
        .collect();
    let mut last_error = anyhow!("the host '{host}' has no address");
    // A name can have several addresses (localhost is ::1 and 127.0.0.1): try each.
    for addr in addrs {
        let connected = TcpStream::connect_timeout(&addr, timeout);
        if trace::enabled() {
            trace_connect(addr, &connected);
        }
        match connected {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                return Ok(stream);
            }
            Err(e) => last_error = anyhow!(explain_connect(&e, addr)),
        }
    }
    Err(last_error)
}

/// The trace of a client's connect: the socket, then the call and what it gave.
#[cold]
fn trace_connect(addr: SocketAddr, connected: &io::Result<TcpStream>) {
    let family = trace::family(addr);
    let gave = match connected {
        Ok(s) => format!("-> socket {}, from {}", trace::id(s), local_of(s)),
        Err(e) => trace::failed(e),
    };
    trace::line(None, &format!("s = socket({family}, SOCK_STREAM)"), "");
    trace::line(None, &format!("s.connect({})", trace::addr(addr)), &gave);
}

/// A connected socket's own address, as Python writes it.
fn local_of(stream: &TcpStream) -> String {
    stream
        .local_addr()
        .map_or_else(|_| "?".to_string(), trace::addr)
}
