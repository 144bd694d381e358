//! `--trace`: each socket call, as it happens, in the lesson's words.
//!
//! The lessons teach socket calls (create, bind, listen, accept, recv, send,
//! close), and in our programs `lab-common` makes most of them. With `--trace`
//! (a flag of [`ServerArgs`](crate::ServerArgs), [`ListenArgs`](crate::ListenArgs)
//! and [`ClientArgs`](crate::ClientArgs)), or with the environment variable
//! `LAB_TRACE=1` (so a grader can turn it on without knowing a program's flags),
//! every call is printed on standard error as it happens, one line each:
//!
//! ```text
//! trace  step 1  ls = socket(AF_INET, SOCK_STREAM)      -> socket 3
//! trace          ls.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
//! trace  step 2  ls.bind(('127.0.0.1', 8080))
//! trace  step 3  ls.listen(128)
//! trace  step 4  ls.accept()                            waiting...
//! trace  step 5  ls.accept()                            -> socket 4, client ('127.0.0.1', 50212)
//! trace  step 6  cs.recv(2048)                          -> 4 bytes b'Test'
//! trace  step 7  cs.sendall(b'ECHO: Test\n')            -> 11 bytes
//! trace          cs.close()                             (after the client's end: no reset)
//! ```
//!
//! - Every line starts with the word `trace`, so a reader (or a grader) tells it
//!   apart from the program's own console lines.
//! - The step number is the lesson's (Session 10 numbers a server's steps from 1,
//!   create, to 7, send) where the lesson numbers that call; the call is written as
//!   the lesson's Python writes it, with `ls` for a listening socket, `cs` for a
//!   server's socket of one client and `s` for a client's socket, unless the
//!   program names its own; `socket N` is the number the system gave the socket
//!   (its file descriptor), which ties the lines of one connection together.
//! - Data is shown as Python shows `bytes`, control characters escaped
//!   (`b'\x1b[2J'`), and shortened: a 1 MiB message is one short line.
//! - A line from a thread of a server that serves many clients at once names the
//!   thread (`[worker 2]`); the async server names the task.
//! - In colour only on a terminal, and never with `NO_COLOR` set.
//!
//! Off (the default), each call costs one check of a flag: nothing measurable.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Not decided yet: the environment is read at the first [`enabled`].
const UNDECIDED: u8 = 0;
/// Tracing is off.
const OFF: u8 = 1;
/// Tracing is on.
const ON: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(UNDECIDED);

/// Whether data is hidden from the trace (see [`hide_data`]).
static HIDDEN: AtomicBool = AtomicBool::new(false);

/// From now on the trace shows how many bytes each call sent or received, but not
/// what they were: for a program whose messages are secrets (a password), which a
/// trace must not print any more than the console does.
///
/// ```
/// lab_common::trace::hide_data();
/// assert_eq!(lab_common::trace::bytes(b"sesame\n"), "(7 bytes, not shown)");
/// ```
pub fn hide_data() {
    HIDDEN.store(true, Ordering::Relaxed);
}

/// Whether [`hide_data`] was called.
fn hidden() -> bool {
    HIDDEN.load(Ordering::Relaxed)
}

/// The environment variable that turns the trace on for any program built on
/// `lab-common`, whatever its flags: `LAB_TRACE=1`.
pub const ENV: &str = "LAB_TRACE";

/// How many bytes of data a trace line shows at most (then `...` and the count).
pub const SHOWN: usize = 48;

/// Whether socket calls are traced: `--trace` was given, or `LAB_TRACE=1` is set.
///
/// ```
/// // (in a test process, neither is set)
/// let _ = lab_common::trace::enabled();
/// ```
#[inline]
pub fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        ON => true,
        OFF => false,
        _ => decide(),
    }
}

/// Reads `LAB_TRACE` once: any value but empty and `0` turns the trace on.
#[cold]
fn decide() -> bool {
    let on = std::env::var_os(ENV).is_some_and(|v| !v.is_empty() && v != "0");
    // `on()` may have been called meanwhile: it wins.
    let _ = STATE.compare_exchange(
        UNDECIDED,
        if on { ON } else { OFF },
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    STATE.load(Ordering::Relaxed) == ON
}

/// Turns the trace on for the rest of the program (what `--trace` does).
pub fn on() {
    STATE.store(ON, Ordering::Relaxed);
}

/// Prints one trace line: `trace`, the step number if any, the call, and what it
/// gave (empty: nothing to say), on standard error in one write.
///
/// Call it only when [`enabled`] (the [`trace!`](crate::trace!) macro does), so
/// that nothing is formatted when the trace is off.
pub fn line(step: Option<u32>, call: &str, gave: &str) {
    let who = std::thread::current().name().and_then(|name| {
        let ours = name != "main" && !name.starts_with("tokio");
        ours.then(|| name.to_string())
    });
    line_for(who.as_deref(), step, call, gave);
}

/// [`line`](fn@line), naming who makes the call (`task 3`) instead of the current thread.
pub fn line_for(who: Option<&str>, step: Option<u32>, call: &str, gave: &str) {
    let colour = use_colour();
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = paint("2", "trace");
    let step = match step {
        Some(n) => format!("step {n}"),
        None => String::new(),
    };
    let _ = write!(out, "  {}", paint("1", &format!("{step:<6}")));
    if let Some(who) = who {
        let _ = write!(out, "  {}", paint("35", &format!("[{who}]")));
    }
    let _ = write!(out, "  {}", paint("36", call));
    if !gave.is_empty() {
        let pad = 40usize.saturating_sub(call.chars().count());
        let _ = write!(out, "{:pad$}  {gave}", "");
    }
    out.push('\n');
    // One write: lines of several threads never mix. A closed stderr is not our business.
    let _ = io::stderr().lock().write_all(out.as_bytes());
}

/// Whether to colour trace lines: stderr is a terminal, and `NO_COLOR` is not set.
fn use_colour() -> bool {
    static COLOUR: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *COLOUR.get_or_init(|| {
        io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    })
}

/// Prints a trace line if the trace is on; the call and what it gave are written
/// with `format!`'s syntax, and formatted only when the trace is on.
///
/// ```
/// let (n, data) = (4, b"Test");
/// lab_common::trace!(step 6; "cs.recv({})", 2048 => "-> {n} bytes {}", lab_common::trace::bytes(data));
/// lab_common::trace!("cs.close()" => "");
/// ```
#[macro_export]
macro_rules! trace {
    (step $step:literal; $($call:expr),+ => $($gave:expr),+) => {
        if $crate::trace::enabled() {
            $crate::trace::line(Some($step), &format!($($call),+), &format!($($gave),+));
        }
    };
    ($($call:expr),+ => $($gave:expr),+) => {
        if $crate::trace::enabled() {
            $crate::trace::line(None, &format!($($call),+), &format!($($gave),+));
        }
    };
}

/// Data as Python writes `bytes`, escaped and shortened: `b'ECHO: Test\n'`.
///
/// Printable ASCII stays as it is; `\n`, `\r`, `\t`, `\\` and `\'` are escaped,
/// and every other byte (control characters, non-ASCII) is written `\xNN`. Past
/// [`SHOWN`] bytes, the start is shown, then `...` and the total, so that a
/// 1 MiB message is one short line.
///
/// ```
/// use lab_common::trace::bytes;
///
/// assert_eq!(bytes(b"ECHO: Test\n"), r"b'ECHO: Test\n'");
/// assert_eq!(bytes(b"\x1b[2J\x07caf\xc3\xa9"), r"b'\x1b[2J\x07caf\xc3\xa9'");
/// assert_eq!(bytes(&[b'x'; 1 << 20]), format!("b'{}'... (1048576 bytes)", "x".repeat(48)));
/// ```
pub fn bytes(data: &[u8]) -> String {
    if hidden() {
        return format!("({} bytes, not shown)", data.len());
    }
    let mut shown = String::with_capacity(SHOWN + 16);
    shown.push_str("b'");
    for &b in data.iter().take(SHOWN) {
        match b {
            b'\n' => shown.push_str("\\n"),
            b'\r' => shown.push_str("\\r"),
            b'\t' => shown.push_str("\\t"),
            b'\\' => shown.push_str("\\\\"),
            b'\'' => shown.push_str("\\'"),
            b' '..=b'~' => shown.push(char::from(b)),
            _ => {
                let _ = write!(shown, "\\x{b:02x}");
            }
        }
    }
    shown.push('\'');
    if data.len() > SHOWN {
        let _ = write!(shown, "... ({} bytes)", data.len());
    }
    shown
}

/// Text (a decoded message, a pickle's `repr()`) escaped and shortened as
/// [`bytes`] does, between double quotes: `"I am sad\n"`.
///
/// ```
/// assert_eq!(lab_common::trace::text("I am sad\n"), r#""I am sad\n""#);
/// assert_eq!(lab_common::trace::text("a\u{1b}b"), r#""a\x1bb""#);
/// ```
pub fn text(text: &str) -> String {
    if hidden() {
        return format!("({} characters, not shown)", text.chars().count());
    }
    let (shown, cut) = escape(text, true);
    format!("\"{shown}\"{cut}")
}

/// Text escaped and shortened as [`text`] does, without the quotes around it:
/// for what is already written as Python writes it (a pickle's `repr()`).
///
/// ```
/// use lab_common::trace::escaped;
///
/// assert_eq!(escaped("{'clientid': 5000}"), "{'clientid': 5000}");
/// assert_eq!(escaped("a\u{1b}b"), r"a\x1bb");
/// ```
pub fn escaped(text: &str) -> String {
    if hidden() {
        return format!("({} characters, not shown)", text.chars().count());
    }
    let (shown, cut) = escape(text, false);
    shown + &cut
}

/// The first [`SHOWN`] characters of `text`, escaped (and `"` too if `quoted`), and
/// what to say after them if there were more.
fn escape(text: &str, quoted: bool) -> (String, String) {
    let mut shown = String::new();
    for c in text.chars().take(SHOWN) {
        match c {
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            '\\' if quoted => shown.push_str("\\\\"),
            '"' if quoted => shown.push_str("\\\""),
            c if c.is_control() => {
                let _ = write!(shown, "\\x{:02x}", u32::from(c));
            }
            c => shown.push(c),
        }
    }
    let count = text.chars().count();
    let cut = if count > SHOWN {
        format!("... ({count} characters)")
    } else {
        String::new()
    };
    (shown, cut)
}

/// An address as Python writes it: `('127.0.0.1', 8080)`.
///
/// ```
/// let addr = "[::1]:80".parse().unwrap();
/// assert_eq!(lab_common::trace::addr(addr), "('::1', 80)");
/// ```
pub fn addr(addr: SocketAddr) -> String {
    format!("('{}', {})", addr.ip(), addr.port())
}

/// The address family of `addr` as Python names it: `AF_INET` or `AF_INET6`.
pub fn family(addr: SocketAddr) -> &'static str {
    if addr.is_ipv4() {
        "AF_INET"
    } else {
        "AF_INET6"
    }
}

/// The number the system gave a socket (its file descriptor; on Windows its
/// handle), which ties the trace lines of one connection together.
#[cfg(unix)]
pub fn id(socket: &impl std::os::fd::AsRawFd) -> i64 {
    i64::from(socket.as_raw_fd())
}

/// The number the system gave a socket (its file descriptor; on Windows its
/// handle), which ties the trace lines of one connection together.
#[cfg(windows)]
pub fn id(socket: &impl std::os::windows::io::AsRawSocket) -> i64 {
    socket.as_raw_socket() as i64
}

/// The number the system gave a socket (none here).
#[cfg(not(any(unix, windows)))]
pub fn id<T>(_socket: &T) -> i64 {
    -1
}

/// Traces a `recv` the program made itself: `name.recv(max) -> what it gave`.
///
/// `got` is what the read returned and `buffer` what it read into; an empty read
/// is the other side closing (`b''`), an error is named.
///
/// ```
/// use std::io::Read;
///
/// let mut data = [0; 1024];
/// let got = (&b"hi"[..]).read(&mut data);
/// lab_common::trace::recv("conn", data.len(), &got, &data);
/// ```
#[inline]
pub fn recv(name: &str, max: usize, got: &io::Result<usize>, buffer: &[u8]) {
    if enabled() {
        recv_line(None, name, max, got, buffer);
    }
}

/// The line of a `recv`, with its step number if the lesson gives one.
#[cold]
pub(crate) fn recv_line(
    step: Option<u32>,
    name: &str,
    max: usize,
    got: &io::Result<usize>,
    buffer: &[u8],
) {
    line(step, &format!("{name}.recv({max})"), &received(got, buffer));
}

/// What a read gave (`got`, into `buffer`), as a trace says it: `-> 4 bytes b'Test'`.
///
/// ```
/// assert_eq!(lab_common::trace::received(&Ok(2), b"hi"), "-> 2 bytes b'hi'");
/// ```
pub fn received(got: &io::Result<usize>, buffer: &[u8]) -> String {
    match got {
        Ok(0) => "-> b'' (the other side closed its end)".to_string(),
        Ok(n) => format!("-> {n} bytes {}", bytes(&buffer[..*n])),
        Err(e) => failed(e),
    }
}

/// An error, as a trace says it: `-> timed out`, or `-> error: ` and the error.
pub fn failed(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "-> timed out".to_string(),
        _ => format!("-> error: {error}"),
    }
}

/// Traces a `sendall` the program made itself: `name.sendall(data) -> N bytes`.
///
/// ```
/// let sent = Ok(());
/// lab_common::trace::send("s", b"Hello, world", &sent);
/// ```
#[inline]
pub fn send(name: &str, data: &[u8], sent: &io::Result<()>) {
    if enabled() {
        send_line(None, name, data, sent);
    }
}

/// The line of a `sendall`, with its step number if the lesson gives one.
#[cold]
pub(crate) fn send_line(step: Option<u32>, name: &str, data: &[u8], sent: &io::Result<()>) {
    let gave = match sent {
        Ok(()) => format!("-> {} bytes", data.len()),
        Err(e) => failed(e),
    };
    line(step, &format!("{name}.sendall({})", bytes(data)), &gave);
}

/// Traces reading until the other side closes, which the program did itself
/// (`read_to_end`): `name.recv() until b''` and all that came.
///
/// ```
/// use std::io::Read;
///
/// let mut all = Vec::new();
/// let got = (&b"Fri Dec  4 15:06:44 2026\r\n"[..]).read_to_end(&mut all);
/// lab_common::trace::recv_all("s", &got, &all);
/// ```
#[inline]
pub fn recv_all(name: &str, got: &io::Result<usize>, data: &[u8]) {
    if enabled() {
        let gave = match got {
            Ok(_) => format!("-> {} bytes {}, then b''", data.len(), bytes(data)),
            Err(e) => failed(e),
        };
        line(None, &format!("{name}.recv() until b''"), &gave);
    }
}

/// Traces a `shutdown(SHUT_WR)` the program made itself: it will send nothing more.
#[inline]
pub fn shutdown(name: &str, done: &io::Result<()>) {
    if enabled() {
        let gave = match done {
            Ok(()) => "(nothing more to send: the other side reads b'')".to_string(),
            Err(e) => failed(e),
        };
        line(None, &format!("{name}.shutdown(SHUT_WR)"), &gave);
    }
}

/// Traces an `accept` the program made itself: the client's socket and address.
/// A non-blocking accept that found nobody yet is not traced.
#[inline]
pub fn accept(call: &str, accepted: &io::Result<(TcpStream, SocketAddr)>) {
    let nobody = |e: &io::Error| e.kind() == io::ErrorKind::WouldBlock;
    if enabled() && !accepted.as_ref().is_err_and(nobody) {
        accept_line(None, call, accepted);
    }
}

/// The line of an `accept` that returned, with its step number if the lesson gives one.
#[cold]
pub(crate) fn accept_line(
    step: Option<u32>,
    call: &str,
    accepted: &io::Result<(TcpStream, SocketAddr)>,
) {
    let gave = match accepted {
        Ok((cs, client)) => format!("-> socket {}, client {}", id(cs), addr(*client)),
        Err(e) => failed(e),
    };
    line(step, call, &gave);
}

/// Traces a `sendto` the program made itself: `name.sendto(data, to) -> N bytes`.
#[inline]
pub fn sendto(name: &str, data: &[u8], to: SocketAddr, sent: &io::Result<usize>) {
    if enabled() {
        let gave = match sent {
            Ok(n) => format!("-> {n} bytes"),
            Err(e) => failed(e),
        };
        line(
            None,
            &format!("{name}.sendto({}, {})", bytes(data), addr(to)),
            &gave,
        );
    }
}

/// Traces a `recvfrom` the program made itself on a socket "connected" to `from`
/// (so every datagram it reads comes from there).
#[inline]
pub fn recvfrom(name: &str, max: usize, from: SocketAddr, got: &io::Result<usize>, buffer: &[u8]) {
    if enabled() {
        let gave = match got {
            Ok(n) => format!("-> {n} bytes {}, from {}", bytes(&buffer[..*n]), addr(from)),
            Err(e) => failed(e),
        };
        line(None, &format!("{name}.recvfrom({max})"), &gave);
    }
}

/// Traces a `close` the program makes itself (or a socket dropped).
#[inline]
pub fn close(name: &str) {
    if enabled() {
        line(None, &format!("{name}.close()"), "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_escape_every_control_character() {
        assert_eq!(bytes(b"a\x00\x7f\xff'\\"), r"b'a\x00\x7f\xff\'\\'");
    }

    #[test]
    fn bytes_of_a_short_message_are_not_shortened() {
        let data = [b'y'; SHOWN];
        assert!(!bytes(&data).contains("..."));
        assert!(bytes(&[b'y'; SHOWN + 1]).ends_with(&format!("... ({} bytes)", SHOWN + 1)));
    }

    #[test]
    fn a_megabyte_is_one_short_line() {
        let shown = bytes(&[b'\n'; 1 << 20]);
        assert!(!shown.contains('\n'));
        assert!(shown.len() < 200, "{shown}");
    }

    #[test]
    fn text_is_shortened_by_characters() {
        let long = "é".repeat(100);
        assert!(text(&long).ends_with("... (100 characters)"));
    }

    #[test]
    fn what_a_read_gave() {
        assert_eq!(received(&Ok(2), b"hi"), "-> 2 bytes b'hi'");
        assert!(received(&Ok(0), b"").starts_with("-> b''"));
        let timeout = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(received(&Err(timeout), b""), "-> timed out");
    }
}
