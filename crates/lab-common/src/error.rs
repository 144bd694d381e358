//! Errors a person can act on.
//!
//! The operating system reports problems as terse codes (`Address already in use`,
//! `Connection refused`). Each function here turns the ones people hit into one line
//! that says what happened and what to do, and [`Result`] makes `main` print that
//! line, and only that line, before it exits with status 1.

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// The error `main` returns: it prints as `Error: <what happened and what to do>`,
/// with the causes on the same line and never a backtrace.
///
/// Anything `?` works on with `anyhow` converts into it, so a program can use
/// [`anyhow::Context`] freely.
///
/// ```
/// use anyhow::Context;
///
/// fn main() -> lab_common::Result {
///     let port: u16 = "8080".parse().context("the port is not a number")?;
///     assert_eq!(port, 8080);
///     Ok(())
/// }
/// ```
pub struct Error(anyhow::Error);

/// `Result<T, lab_common::Error>`, with `T` defaulting to `()` so that
/// `fn main() -> lab_common::Result` reads naturally.
///
/// ```
/// fn main() -> lab_common::Result {
///     Ok(())
/// }
/// ```
pub type Result<T = (), E = Error> = std::result::Result<T, E>;

impl<E: Into<anyhow::Error>> From<E> for Error {
    fn from(error: E) -> Self {
        Error(error.into())
    }
}

// `main` prints its error with `Debug`: print the chain of causes on one line, no backtrace.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

/// Explains why a server could not bind `addr`.
///
/// ```
/// use std::io::{Error, ErrorKind};
///
/// let addr = "127.0.0.1:8080".parse().unwrap();
/// let line = lab_common::error::explain_bind(&Error::from(ErrorKind::AddrInUse), addr);
/// assert!(line.starts_with("port 8080 is already in use"));
/// ```
pub fn explain_bind(error: &io::Error, addr: SocketAddr) -> String {
    let (ip, port) = (addr.ip(), addr.port());
    match error.kind() {
        io::ErrorKind::AddrInUse if someone_listens(addr) => format!(
            "port {port} is already in use on {ip}: another server (or an earlier run of this \
             one) is listening there. Stop it, or choose another port with --port"
        ),
        io::ErrorKind::AddrInUse => format!(
            "port {port} is already in use on {ip}, though no server listens there: a \
             connection of this machine holds it (the system gives outgoing connections ports \
             like this one: on Linux, 32768 to 60999). Choose another port with --port, or try \
             again once that connection has ended"
        ),
        io::ErrorKind::AddrNotAvailable => format!(
            "{ip} is not an IP address of this machine: use --ip 127.0.0.1 (this machine only) \
             or one of this machine's own addresses"
        ),
        io::ErrorKind::PermissionDenied => format!(
            "not allowed to listen on port {port}: ports below 1024 need administrator rights. \
             Choose a port of 1024 or more with --port"
        ),
        _ => format!("cannot listen on {addr}: {error}"),
    }
}

/// Whether a server accepts connections at `addr` (on loopback, if `addr` is every
/// network): a port can be in use without one, held by a connection.
fn someone_listens(addr: SocketAddr) -> bool {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(1)).is_ok()
}

/// Explains why a client could not reach the server at `addr`.
///
/// ```
/// use std::io::{Error, ErrorKind};
///
/// let addr = "127.0.0.1:8080".parse().unwrap();
/// let line = lab_common::error::explain_connect(&Error::from(ErrorKind::ConnectionRefused), addr);
/// assert!(line.ends_with("is the server running?"));
/// ```
pub fn explain_connect(error: &io::Error, addr: SocketAddr) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => {
            format!("nothing is listening on {addr} (connection refused): is the server running?")
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => format!(
            "no answer from {addr} in time: is the server running, and is the address right?"
        ),
        io::ErrorKind::AddrNotAvailable | io::ErrorKind::NetworkUnreachable => {
            format!("cannot reach {addr} from this machine: check the IP address")
        }
        _ => format!("cannot connect to {addr}: {error}"),
    }
}

/// Explains what went wrong while talking to a peer that is already connected
/// (`peer` is "the client" or "the server").
///
/// ```
/// use std::io::{Error, ErrorKind};
///
/// let line = lab_common::error::explain_io(&Error::from(ErrorKind::ConnectionReset), "the client");
/// assert_eq!(line, "the client reset the connection");
/// ```
pub fn explain_io(error: &io::Error, peer: &str) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            format!("{peer} reset the connection")
        }
        io::ErrorKind::BrokenPipe => format!("{peer} closed the connection"),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("{peer} sent nothing in time")
        }
        _ => format!("cannot talk to {peer}: {error}"),
    }
}
