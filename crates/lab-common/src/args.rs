//! The command-line flags every program shares.
//!
//! Each program declares its own `Args` with `#[derive(clap::Parser)]` (its doc
//! comment is the program's `--help` text) and flattens one of these into it, with
//! the lesson's port as the default:
//!
//! ```
//! use clap::Parser;
//! use lab_common::ServerArgs;
//!
//! /// The Happy Server: replies the same to every client.
//! #[derive(Parser)]
//! #[command(version)]
//! struct Args {
//!     #[command(flatten)]
//!     server: ServerArgs<8080>,
//! }
//!
//! let args = Args::parse_from(["happy-server", "--port", "0"]);
//! assert_eq!(args.server.addr().to_string(), "127.0.0.1:0");
//! ```
//!
//! `--help` and `--version` come with clap, and a bad flag ends the program with
//! status 2 and a usage line.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// Where a server listens, and how long it waits for a silent client.
///
/// `PORT` is the lesson's port, the default of `--port`; `TIMEOUT` is the default
/// of `--timeout` in seconds: 5, unless the program waits on a person typing.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs<const PORT: u16, const TIMEOUT: u64 = 5> {
    /// IP address to listen on: 127.0.0.1 is this machine only, 0.0.0.0 every network
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub ip: IpAddr,

    /// Port to listen on (0: any free port; the listening line says which)
    #[arg(long, default_value_t = PORT)]
    pub port: u16,

    /// Seconds to wait for a client's message before giving up on that client
    #[arg(long = "timeout", value_name = "SECONDS", default_value_t = TIMEOUT as f64,
          value_parser = parse_seconds_f64)]
    pub timeout_secs: f64,
}

impl<const PORT: u16, const TIMEOUT: u64> ServerArgs<PORT, TIMEOUT> {
    /// The address to listen on: `--ip` and `--port` together.
    ///
    /// ```
    /// let args = lab_common::ServerArgs::<8080>::default();
    /// assert_eq!(args.addr().to_string(), "127.0.0.1:8080");
    /// ```
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.ip, self.port)
    }

    /// How long to wait for a silent client: `--timeout`.
    ///
    /// ```
    /// let args = lab_common::ServerArgs::<8080>::default();
    /// assert_eq!(args.timeout().as_secs(), 5);
    /// ```
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_secs)
    }
}

/// The defaults of the flags: 127.0.0.1, the lesson's port and timeout.
impl<const PORT: u16, const TIMEOUT: u64> Default for ServerArgs<PORT, TIMEOUT> {
    fn default() -> Self {
        ServerArgs {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: PORT,
            timeout_secs: TIMEOUT as f64,
        }
    }
}

/// Which server a client talks to, and how long it waits for it.
///
/// `PORT` is the lesson's port, the default of `--port`; `TIMEOUT` the default of
/// `--timeout` in seconds.
///
/// ```
/// use clap::Parser;
///
/// /// A client.
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     server: lab_common::ClientArgs<8080>,
/// }
///
/// let args = Args::parse_from(["client", "--ip", "localhost", "--timeout", "0.5"]);
/// assert_eq!(args.server.ip, "localhost");
/// assert_eq!(args.server.timeout().as_millis(), 500);
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs<const PORT: u16, const TIMEOUT: u64 = 5> {
    /// The server's IP address or host name
    #[arg(long, visible_alias = "host", default_value = "127.0.0.1")]
    pub ip: String,

    /// The server's port
    #[arg(long, default_value_t = PORT)]
    pub port: u16,

    /// Seconds to wait for the server: to connect, and for each reply
    #[arg(long = "timeout", value_name = "SECONDS", default_value_t = TIMEOUT as f64,
          value_parser = parse_seconds_f64)]
    pub timeout_secs: f64,
}

impl<const PORT: u16, const TIMEOUT: u64> ClientArgs<PORT, TIMEOUT> {
    /// How long to wait for the server: `--timeout`.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_secs)
    }

    /// Connects to the server (see [`connect`](crate::connect)).
    pub fn connect(&self) -> anyhow::Result<std::net::TcpStream> {
        crate::connect(&self.ip, self.port, self.timeout())
    }
}

/// Reads a number of seconds such as `5` or `0.5` (a flag's value).
///
/// ```
/// use std::time::Duration;
///
/// assert_eq!(lab_common::args::parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
/// assert!(lab_common::args::parse_seconds("soon").is_err());
/// assert!(lab_common::args::parse_seconds("0").is_err());
/// ```
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    parse_seconds_f64(text).map(Duration::from_secs_f64)
}

/// [`parse_seconds`], as a number of seconds.
fn parse_seconds_f64(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    match Duration::try_from_secs_f64(seconds) {
        Ok(duration) if !duration.is_zero() && seconds <= 86_400.0 => Ok(seconds),
        _ => Err(format!(
            "the timeout must be more than 0 and at most 86400 seconds, not {text}"
        )),
    }
}
