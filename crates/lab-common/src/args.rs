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
/// A server that never waits on a client takes [`ListenArgs`] instead, so that it
/// offers no `--timeout` it would not use.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs<const PORT: u16, const TIMEOUT: u64 = 5> {
    /// IP address to listen on: 127.0.0.1 is this machine only, 0.0.0.0 every network
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_parser = parse_ip)]
    pub ip: IpAddr,

    /// Port to listen on (0: any free port; the listening line says which)
    #[arg(long, default_value_t = PORT, value_parser = parse_port, allow_negative_numbers = true)]
    pub port: u16,

    /// Seconds to wait for a client's message before giving up on that client
    #[arg(long = "timeout", value_name = "SECONDS", default_value_t = TIMEOUT as f64,
          value_parser = parse_seconds_f64, allow_negative_numbers = true)]
    pub timeout_secs: f64,

    /// Print each socket call as it happens, on standard error (also: LAB_TRACE=1)
    #[arg(long, action = clap::ArgAction::SetTrue, value_parser = parse_trace)]
    pub trace: bool,
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
            trace: false,
        }
    }
}

/// Where a server listens, for a server that never waits on a client (one that
/// sends and closes, or answers datagrams): [`ServerArgs`] without `--timeout`.
///
/// ```
/// use clap::Parser;
///
/// /// The time server: sends the time to every client, and closes.
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     server: lab_common::ListenArgs<9999>,
/// }
///
/// let args = Args::parse_from(["time-server", "--ip", "[::1]"]);
/// assert_eq!(args.server.addr().to_string(), "[::1]:9999");
/// assert!(Args::try_parse_from(["time-server", "--timeout", "5"]).is_err());
/// ```
#[derive(Debug, Clone, clap::Args)]
pub struct ListenArgs<const PORT: u16> {
    /// IP address to listen on: 127.0.0.1 is this machine only, 0.0.0.0 every network
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_parser = parse_ip)]
    pub ip: IpAddr,

    /// Port to listen on (0: any free port; the listening line says which)
    #[arg(long, default_value_t = PORT, value_parser = parse_port, allow_negative_numbers = true)]
    pub port: u16,

    /// Print each socket call as it happens, on standard error (also: LAB_TRACE=1)
    #[arg(long, action = clap::ArgAction::SetTrue, value_parser = parse_trace)]
    pub trace: bool,
}

impl<const PORT: u16> ListenArgs<PORT> {
    /// The address to listen on: `--ip` and `--port` together.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.ip, self.port)
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
    #[arg(long, visible_alias = "host", default_value = "127.0.0.1", value_parser = parse_host)]
    pub ip: String,

    /// The server's port
    #[arg(long, default_value_t = PORT, value_parser = parse_server_port, allow_negative_numbers = true)]
    pub port: u16,

    /// Seconds to wait for the server: to connect, and for each reply
    #[arg(long = "timeout", value_name = "SECONDS", default_value_t = TIMEOUT as f64,
          value_parser = parse_seconds_f64, allow_negative_numbers = true)]
    pub timeout_secs: f64,

    /// Print each socket call as it happens, on standard error (also: LAB_TRACE=1)
    #[arg(long, action = clap::ArgAction::SetTrue, value_parser = parse_trace)]
    pub trace: bool,
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

/// Reads the `--trace` flag (clap gives `true` when it is there, `false` when it is
/// not), and turns the trace on when it is there: every program that flattens
/// [`ServerArgs`], [`ListenArgs`] or [`ClientArgs`] into its own flags then traces
/// its socket calls (see [`trace`](mod@crate::trace)) without a line of its own.
///
/// ```
/// use clap::Parser;
///
/// #[derive(Parser)]
/// struct Args {
///     #[command(flatten)]
///     server: lab_common::ServerArgs<8080>,
/// }
///
/// assert!(!Args::parse_from(["server"]).server.trace);
/// let args = Args::parse_from(["server", "--trace"]);
/// assert!(args.server.trace);
/// assert!(lab_common::trace::enabled());
/// ```
pub fn parse_trace(text: &str) -> Result<bool, String> {
    let on: bool = text
        .parse()
        .map_err(|_| format!("'{text}' is not true or false"))?;
    if on {
        crate::trace::on();
    }
    Ok(on)
}

/// Reads an IP address, written plain (`::1`) or in brackets, as the listening
/// line and URLs write IPv6 addresses (`[::1]`).
///
/// ```
/// use std::net::{IpAddr, Ipv6Addr};
///
/// use lab_common::args::parse_ip;
///
/// assert_eq!(parse_ip("[::1]"), Ok(IpAddr::V6(Ipv6Addr::LOCALHOST)));
/// assert_eq!(parse_ip("::1"), Ok(IpAddr::V6(Ipv6Addr::LOCALHOST)));
/// assert_eq!(parse_ip("127.0.0.1").unwrap().to_string(), "127.0.0.1");
/// assert!(parse_ip("localhost").is_err());
/// ```
pub fn parse_ip(text: &str) -> Result<IpAddr, String> {
    unbracket(text).parse().map_err(|_| {
        "it is not an IP address: use 127.0.0.1 (this machine only), 0.0.0.0 (every \
         network), ::1 or :: (the same in IPv6)"
            .to_string()
    })
}

/// Reads a server's host: a name, an IP address, or an IPv6 address in brackets
/// (`[::1]`), given back without them.
///
/// ```
/// use lab_common::args::parse_host;
///
/// assert_eq!(parse_host("[::1]").as_deref(), Ok("::1"));
/// assert_eq!(parse_host("localhost").as_deref(), Ok("localhost"));
/// assert!(parse_host("").is_err());
/// ```
pub fn parse_host(text: &str) -> Result<String, String> {
    let host = unbracket(text);
    if host.is_empty() {
        return Err("give the server's IP address or host name".to_string());
    }
    Ok(host.to_string())
}

/// `text` without the brackets around an IPv6 address.
fn unbracket(text: &str) -> &str {
    match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(inside) if inside.parse::<std::net::Ipv6Addr>().is_ok() => inside,
        _ => text,
    }
}

/// Reads a port, with a sentence a person understands when it is not one.
///
/// ```
/// use lab_common::args::parse_port;
///
/// assert_eq!(parse_port("8080"), Ok(8080));
/// assert_eq!(
///     parse_port("-1").unwrap_err(),
///     "a port is a whole number from 0 to 65535 (0: any free port)"
/// );
/// assert!(parse_port("70000").is_err());
/// ```
pub fn parse_port(text: &str) -> Result<u16, String> {
    text.parse()
        .map_err(|_| "a port is a whole number from 0 to 65535 (0: any free port)".to_string())
}

/// Reads the port of a server to connect to: unlike a server's own `--port`, 0
/// is no port anyone listens on, so it is refused in words.
///
/// ```
/// use lab_common::args::parse_server_port;
///
/// assert_eq!(parse_server_port("8080"), Ok(8080));
/// assert_eq!(
///     parse_server_port("0").unwrap_err(),
///     "0 is not a port a server listens on: give the port its listening line shows (1 to 65535)"
/// );
/// assert_eq!(
///     parse_server_port("99999").unwrap_err(),
///     "the server's port is a whole number from 1 to 65535"
/// );
/// ```
pub fn parse_server_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(0) => Err(
            "0 is not a port a server listens on: give the port its listening line \
                      shows (1 to 65535)"
                .to_string(),
        ),
        Ok(port) => Ok(port),
        Err(_) => Err("the server's port is a whole number from 1 to 65535".to_string()),
    }
}

/// Reads how many of something a flag asks for (clients, say): a whole number,
/// 1 or more, with a sentence a person understands when it is not.
///
/// ```
/// use lab_common::args::parse_count;
///
/// assert_eq!(parse_count("5"), Ok(5));
/// assert_eq!(parse_count("0").unwrap_err(), "it must be a whole number, 1 or more");
/// assert!(parse_count("-1").is_err());
/// ```
pub fn parse_count(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err("it must be a whole number, 1 or more".to_string()),
    }
}

/// [`parse_count`], at most `MAX` (tries, say).
///
/// ```
/// use lab_common::args::parse_count_up_to;
///
/// assert_eq!(parse_count_up_to::<100>("3"), Ok(3));
/// assert_eq!(
///     parse_count_up_to::<100>("0").unwrap_err(),
///     "it must be a whole number from 1 to 100"
/// );
/// ```
pub fn parse_count_up_to<const MAX: u32>(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(count) if (1..=MAX).contains(&count) => Ok(count),
        _ => Err(format!("it must be a whole number from 1 to {MAX}")),
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
