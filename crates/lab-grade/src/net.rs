//! The grader's side of a connection: connect, send, read until the server
//! closes, read replies framed by line or by a pause ([`Replies`]), reset; every
//! wait bounded, every failure an error to report.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// Connects to `addr`, with `limit` on the connection and on every read and write.
///
/// A refused connection is tried again for a moment: a server that has bound its
/// port may not be listening yet.
pub fn connect(addr: SocketAddr, limit: Duration) -> io::Result<Conn> {
    let deadline = Instant::now() + Duration::from_millis(500);
    let stream = loop {
        match TcpStream::connect_timeout(&addr, limit) {
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(10));
            }
            result => break result?,
        }
    };
    stream.set_read_timeout(Some(limit))?;
    stream.set_write_timeout(Some(limit))?;
    Ok(Conn::new(stream))
}

/// The grader's end of a connection to the program under test: a `TcpStream`
/// (it derefs to one) that, when dropped, closes so that no TIME_WAIT is left on
/// the program's side. The side that closes first keeps the port's connection
/// in TIME_WAIT for a minute, and a server without SO_REUSEADDR cannot listen
/// on that port again meanwhile: on a lesson's fixed port, the next stage's copy
/// would not start. So when the program has already closed (its end of file is
/// waiting to be read), the grader's close is a reset, which ends both sides at
/// once; otherwise the grader closes first, normally, and the TIME_WAIT is its own.
#[derive(Debug)]
pub struct Conn(Option<TcpStream>);

impl Conn {
    /// The grader's end of `stream`.
    pub fn new(stream: TcpStream) -> Conn {
        Conn(Some(stream))
    }

    /// The stream itself, which then closes as any stream does.
    pub fn into_inner(mut self) -> TcpStream {
        match self.0.take() {
            Some(stream) => stream,
            // Only `drop` empties it, and then nobody holds the Conn.
            None => unreachable!("a Conn always holds its stream until dropped"),
        }
    }
}

impl std::ops::Deref for Conn {
    type Target = TcpStream;
    fn deref(&self) -> &TcpStream {
        match &self.0 {
            Some(stream) => stream,
            None => unreachable!("a Conn always holds its stream until dropped"),
        }
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut TcpStream {
        match &mut self.0 {
            Some(stream) => stream,
            None => unreachable!("a Conn always holds its stream until dropped"),
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (**self).read(buf)
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (**self).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }
}

impl From<TcpStream> for Conn {
    fn from(stream: TcpStream) -> Conn {
        Conn::new(stream)
    }
}

impl From<Conn> for TcpStream {
    fn from(conn: Conn) -> TcpStream {
        conn.into_inner()
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(stream) = self.0.take() {
            leave(&stream);
        }
    }
}

/// Prepares `stream` to be closed: if the other side has closed already (what
/// it still sent is read and dropped), the close will be a reset (see [`Conn`]).
pub fn leave(stream: &TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut buffer = [0; 4096];
    let mut reader = stream;
    // Bounded: a program flooding the connection is not read for ever.
    for _ in 0..256 {
        match reader.read(&mut buffer) {
            Ok(0) => {
                let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
                return;
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// What came back on a connection, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The bytes read.
    pub data: Vec<u8>,
    /// How reading ended: `None` when the server closed the connection normally.
    pub error: Option<io::ErrorKind>,
}

impl Reply {
    /// Whether something came, then nothing more, the connection still open.
    pub fn stayed_open(&self) -> bool {
        !self.data.is_empty() && self.timed_out()
    }

    /// Whether the read timed out with the connection still open.
    pub fn timed_out(&self) -> bool {
        matches!(
            self.error,
            Some(io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
        )
    }

    /// Whether the server reset the connection.
    pub fn reset(&self) -> bool {
        matches!(
            self.error,
            Some(io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted)
        )
    }
}

/// Reads until the server closes the connection, the read times out, or it fails.
///
/// Once the server has closed, the connection is set to end with a reset when
/// dropped: the side that closes first keeps the port in TIME_WAIT, and a server
/// without SO_REUSEADDR could not be started again on it at once (the next stage).
pub fn read_to_end(stream: &mut TcpStream) -> Reply {
    let mut data = Vec::new();
    let mut buffer = [0; 8192];
    // Bounded in all, not only read by read: a server that never stops sending
    // is cut off after three times its read timeout, or MAX_REPLY bytes.
    let limit = stream
        .read_timeout()
        .ok()
        .flatten()
        .unwrap_or(Duration::from_secs(20));
    let deadline = Instant::now() + limit * 3;
    loop {
        if data.len() > MAX_REPLY || Instant::now() > deadline {
            return Reply {
                data,
                error: Some(io::ErrorKind::TimedOut),
            };
        }
        match stream.read(&mut buffer) {
            Ok(0) => {
                let _ = socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO));
                return Reply { data, error: None };
            }
            Ok(n) => data.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Reply {
                    data,
                    error: Some(e.kind()),
                };
            }
        }
    }
}

/// The most bytes the grader reads to the end of one connection (an echo of
/// 8 MiB fits); past it, a server that never stops sending is cut off.
pub const MAX_REPLY: usize = 64 * 1024 * 1024;

/// How long a reply may pause before the grader takes it as complete, when the
/// connection stays open: a reply is sent at once (one `send()`).
pub const QUIET: Duration = Duration::from_secs(1);

/// Reads a reply: until the server closes the connection, or, once something
/// came, until nothing more comes for `quiet` (the connection still open: a
/// server that forgets to close is seen by the one stage about closing, not
/// by every stage that reads a reply), or until the stream's timeout with
/// nothing at all.
pub fn read_reply(stream: &mut TcpStream, quiet: Duration) -> Reply {
    let limit = stream.read_timeout().ok().flatten();
    let mut data = Vec::new();
    let mut buffer = [0; 8192];
    // Bounded in all: a server that never stops sending is cut off.
    let deadline = Instant::now() + limit.unwrap_or(Duration::from_secs(20)) * 3;
    loop {
        if data.len() > MAX_REPLY || Instant::now() > deadline {
            let _ = stream.set_read_timeout(limit);
            return Reply {
                data,
                error: Some(io::ErrorKind::TimedOut),
            };
        }
        match stream.read(&mut buffer) {
            Ok(0) => {
                let _ = socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO));
                let _ = stream.set_read_timeout(limit);
                return Reply { data, error: None };
            }
            Ok(n) => {
                data.extend_from_slice(&buffer[..n]);
                let _ = stream.set_read_timeout(Some(quiet));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = stream.set_read_timeout(limit);
                return Reply {
                    data,
                    error: Some(e.kind()),
                };
            }
        }
    }
}

/// Reads one piece (one read), waiting at most the stream's timeout.
pub fn read_once(stream: &mut TcpStream, max: usize) -> io::Result<Vec<u8>> {
    let mut buffer = vec![0; max];
    let n = loop {
        match stream.read(&mut buffer) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            result => break result?,
        }
    };
    buffer.truncate(n);
    Ok(buffer)
}

/// One exchange as the lessons' clients do it: connect, send `message`, read the
/// reply until the server closes the connection. A write the server refused
/// (it closed first) is not an error: what it sent is still read.
pub fn talk(addr: SocketAddr, message: &[u8], limit: Duration) -> io::Result<Reply> {
    let mut stream = connect(addr, limit)?;
    let _ = stream.write_all(message);
    Ok(read_to_end(&mut stream))
}

/// [`talk`], but a reply counts once nothing more comes for `quiet`, whether
/// or not the server closes (see [`read_reply`]).
pub fn ask(
    addr: SocketAddr,
    message: &[u8],
    limit: Duration,
    quiet: Duration,
) -> io::Result<Reply> {
    let mut stream = connect(addr, limit)?;
    let _ = stream.write_all(message);
    Ok(read_reply(&mut stream, quiet))
}

/// Sends `data` from a second thread while reading, then closes the sending side,
/// and returns everything read until the server closes. (Sending it all before
/// reading would fill both sides' buffers and stall an echo.)
pub fn echo_through(addr: SocketAddr, data: Vec<u8>, limit: Duration) -> io::Result<Reply> {
    let mut stream = connect(addr, limit)?;
    let mut sender = stream.try_clone()?;
    let sending = thread::spawn(move || {
        let sent = sender.write_all(&data);
        let _ = sender.shutdown(Shutdown::Write);
        sent
    });
    let reply = read_to_end(&mut stream);
    let sent = sending
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the sending thread failed")));
    match sent {
        Err(e) if reply.error.is_none() && reply.data.is_empty() => Err(e),
        _ => Ok(reply),
    }
}

/// How long a reply without a newline may pause before what came counts as the
/// whole reply: the pieces of a server's one `send()` come within microseconds;
/// this leaves room for a loaded machine.
pub const PAUSE: Duration = Duration::from_millis(200);

/// How a reply read by [`Replies`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// With a newline (`\n`, or `\r\n`), which is not part of the reply.
    Newline,
    /// Without a newline: nothing more came for a moment ([`PAUSE`]).
    Quiet,
    /// The server closed the connection.
    Closed,
    /// Nothing came for this long.
    Silent(Duration),
    /// More kept coming, with no newline and no pause, for this long.
    Endless(Duration),
    /// Reading failed (a reset...).
    Failed(io::ErrorKind),
}

/// One reply of a server: a line, or what came before a pause, a close or a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framed {
    /// The reply's bytes, without its newline.
    pub data: Vec<u8>,
    /// How it ended.
    pub ending: Ending,
}

impl Framed {
    /// Whether a reply came: some bytes, or at least an (empty) line.
    pub fn came(&self) -> bool {
        !self.data.is_empty() || self.ending == Ending::Newline
    }

    /// Whether it is a reply that the connection goes on after: a line, or what
    /// came before a pause.
    pub fn is_whole(&self) -> bool {
        matches!(self.ending, Ending::Newline | Ending::Quiet)
    }

    /// The reply as text (invalid UTF-8 shown as `�`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// What came, as a person reads it: `"access denied\n"`,
    /// `"a draw" and no newline, then nothing for 10 s`, `the connection closed`.
    pub fn describe(&self) -> String {
        let shown = || show(&self.data, 80);
        let seconds = |d: &Duration| format!("{} s", d.as_secs_f64());
        let failed = |kind: &io::ErrorKind| match kind {
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
                "a reset (the connection was closed abruptly)".to_string()
            }
            kind => format!("a failed read ({kind})"),
        };
        match (&self.ending, self.data.is_empty()) {
            (Ending::Newline, _) => show(&[&self.data[..], b"\n"].concat(), 80),
            (Ending::Quiet, _) => format!("{} and no newline", shown()),
            (Ending::Closed, true) => "the connection closed".to_string(),
            (Ending::Closed, false) => {
                format!("{} and no newline, then the connection closed", shown())
            }
            (Ending::Silent(d), true) => format!("nothing for {}", seconds(d)),
            (Ending::Silent(d), false) => {
                format!(
                    "{} and no newline, then nothing for {}",
                    shown(),
                    seconds(d)
                )
            }
            (Ending::Endless(d), _) => format!(
                "{} and more, with no newline nor pause for {}",
                shown(),
                seconds(d)
            ),
            (Ending::Failed(kind), true) => failed(kind),
            (Ending::Failed(kind), false) => format!("{}, then {}", shown(), failed(kind)),
        }
    }
}

/// Replies in a row, as a person reads them: each [`Framed::describe`], joined by
/// `, then ` (`"access denied\n", then the connection closed`).
pub fn describe_all(replies: &[Framed]) -> String {
    if replies.is_empty() {
        return "nothing".to_string();
    }
    let each: Vec<String> = replies.iter().map(Framed::describe).collect();
    each.join(", then ")
}

/// The client's side of a conversation with a server that answers each message:
/// reads its replies, each a line or what came before a pause ([`PAUSE`]), as
/// both a server reading lines and one in the interactions page's style (one
/// `send()` without a newline) send them.
#[derive(Debug)]
pub struct Replies {
    stream: Conn,
    /// What has come and was not given yet.
    pending: Vec<u8>,
    /// The last reply ended by a pause: a newline that comes first now is its
    /// late end, not an empty reply.
    after_quiet: bool,
    /// The server has closed the connection.
    closed: bool,
}

impl Replies {
    /// The replies that come on `stream`.
    pub fn new(stream: impl Into<Conn>) -> Replies {
        let stream = stream.into();
        Replies {
            stream,
            pending: Vec::new(),
            after_quiet: false,
            closed: false,
        }
    }

    /// The connection.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Sends `bytes` as they are; a write the server refused (it has closed) is
    /// not an error here: the reply that is missing says it.
    pub fn send(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes);
    }

    /// Sends `message` as the page's clients do, in one `send()` without a newline,
    /// and reads the reply, waiting at most `wait`. A server that waits for a newline
    /// does not answer the page's `tcp_client.py` either. (An empty message, which
    /// the page's clients cannot send, goes as a newline alone, as `nc` sends it.)
    pub fn ask(&mut self, message: &[u8], wait: Duration) -> Framed {
        self.send(if message.is_empty() { b"\n" } else { message });
        self.next(wait)
    }

    /// The next reply, waiting at most `wait` for it to begin (and to end).
    pub fn next(&mut self, wait: Duration) -> Framed {
        let start = Instant::now();
        let mut buffer = [0; 8192];
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let mut data: Vec<u8> = self.pending.drain(..=end).collect();
                data.pop();
                if data.last() == Some(&b'\r') {
                    data.pop();
                }
                return Framed {
                    data,
                    ending: Ending::Newline,
                };
            }
            if self.closed {
                return self.take(Ending::Closed);
            }
            let started = !self.pending.is_empty();
            let left = wait.saturating_sub(start.elapsed());
            if left.is_zero() {
                let ending = if started {
                    Ending::Endless(wait)
                } else {
                    Ending::Silent(wait)
                };
                return self.take(ending);
            }
            let slice = if started { PAUSE.min(left) } else { left };
            if let Err(e) = self.stream.set_read_timeout(Some(slice)) {
                return self.take(Ending::Failed(e.kind()));
            }
            match self.stream.read(&mut buffer) {
                Ok(0) => {
                    // The server closed first: end with a reset when dropped, so the
                    // TIME_WAIT stays with us, not on the server's port.
                    let _ = socket2::SockRef::from(&*self.stream).set_linger(Some(Duration::ZERO));
                    self.closed = true;
                }
                Ok(n) => {
                    let mut got = &buffer[..n];
                    if std::mem::take(&mut self.after_quiet) && self.pending.is_empty() {
                        got = got
                            .strip_prefix(b"\r\n")
                            .or_else(|| got.strip_prefix(b"\n"))
                            .unwrap_or(got);
                    }
                    self.pending.extend_from_slice(got);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    // A pause after the start of a reply: the server waits for us.
                    if started {
                        self.after_quiet = true;
                        return self.take(Ending::Quiet);
                    }
                }
                Err(e) => return self.take(Ending::Failed(e.kind())),
            }
        }
    }

    /// The replies until the server closes the connection, goes silent for `wait`,
    /// or fails: the last one says which.
    pub fn rest(&mut self, wait: Duration) -> Vec<Framed> {
        let mut replies = Vec::new();
        loop {
            let reply = self.next(wait);
            let whole = reply.is_whole();
            replies.push(reply);
            if !whole || replies.len() > 100 {
                return replies;
            }
        }
    }

    /// Everything pending, as one reply ending as `ending`.
    fn take(&mut self, ending: Ending) -> Framed {
        Framed {
            data: std::mem::take(&mut self.pending),
            ending,
        }
    }
}

/// Closes `stream` with a reset (RST) instead of a normal close (FIN), as a client
/// that crashes or pulls the cable does.
pub fn reset(stream: impl Into<TcpStream>) {
    let stream = stream.into();
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// A loopback address of `server`'s family, any port: where a client binds.
pub fn loopback_for(server: SocketAddr) -> SocketAddr {
    match server {
        SocketAddr::V4(_) => (std::net::Ipv4Addr::LOCALHOST, 0).into(),
        SocketAddr::V6(_) => (std::net::Ipv6Addr::LOCALHOST, 0).into(),
    }
}

/// `len` pseudo-random bytes, different at every call (xorshift, seeded from the
/// clock): data with no pattern a server could get right by accident.
pub fn random_bytes(len: usize) -> Vec<u8> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(1);
    let mut state = (nanos as u64) | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// Bytes as a person reads them: text where they are printable, `\xFF` escapes
/// elsewhere, cut after `max` characters.
pub fn show(bytes: &[u8], max: usize) -> String {
    let mut shown = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => shown.push_str("\\n"),
                '\r' => shown.push_str("\\r"),
                '\t' => shown.push_str("\\t"),
                '"' => shown.push_str("\\\""),
                '\\' => shown.push_str("\\\\"),
                c if c.is_control() => shown.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => shown.push(c),
            }
        }
        for b in chunk.invalid() {
            shown.push_str(&format!("\\x{b:02X}"));
        }
        if shown.chars().count() > max {
            let cut: String = shown.chars().take(max).collect();
            return format!("{cut}...\" ({} bytes)", bytes.len());
        }
    }
    shown.push('"');
    shown
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::net::TcpListener;

    const LIMIT: Duration = Duration::from_secs(20);

    #[test]
    fn show_escapes_what_is_not_printable() {
        assert_eq!(show(b"Hi \xFF\xFE\n", 80), r#""Hi \xFF\xFE\n""#);
        assert_eq!(show(b"a\0b", 80), r#""a\u{0}b""#);
        assert_eq!(show(&[b'x'; 100], 5), "\"xxxx...\" (100 bytes)");
    }

    #[test]
    fn talk_reads_until_the_server_closes() {
        let ls = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = ls.local_addr().unwrap();
        let server = thread::spawn(move || {
            let (mut cs, _) = ls.accept().unwrap();
            let mut got = [0; 4];
            cs.read_exact(&mut got).unwrap();
            cs.write_all(b"ok ").unwrap();
            cs.write_all(&got).unwrap();
        });
        let reply = talk(addr, b"Test", LIMIT).unwrap();
        assert_eq!(reply.data, b"ok Test");
        assert_eq!(reply.error, None);
        server.join().unwrap();
    }

    #[test]
    fn a_silent_server_is_a_timeout_not_a_hang() {
        let ls = TcpListener::bind("127.0.0.1:0").unwrap();
        let reply = talk(ls.local_addr().unwrap(), b"hi", Duration::from_millis(100)).unwrap();
        assert!(reply.timed_out(), "{reply:?}");
    }

    #[test]
    fn a_refused_connection_is_an_error() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        assert!(connect(port, LIMIT).is_err());
    }

    /// A server on a thread that answers as `answer` does; the client's Replies.
    fn served(answer: impl FnOnce(TcpStream) + Send + 'static) -> Replies {
        let ls = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = ls.local_addr().unwrap();
        thread::spawn(move || answer(ls.accept().unwrap().0));
        Replies::new(connect(addr, LIMIT).unwrap())
    }

    fn framed(data: &[u8], ending: Ending) -> Framed {
        Framed {
            data: data.to_vec(),
            ending,
        }
    }

    #[test]
    fn replies_are_lines_or_what_came_before_a_pause() {
        let mut replies = served(|mut cs| {
            cs.write_all(b"access denied\r\nsecond\nno newline")
                .unwrap();
            let mut got = [0; 2];
            cs.read_exact(&mut got).unwrap();
            cs.write_all(b"late").unwrap();
            cs.write_all(b"\n").unwrap();
        });
        assert_eq!(
            replies.next(LIMIT),
            framed(b"access denied", Ending::Newline)
        );
        assert_eq!(replies.next(LIMIT), framed(b"second", Ending::Newline));
        let quiet = replies.next(LIMIT);
        assert_eq!(quiet, framed(b"no newline", Ending::Quiet));
        assert_eq!(quiet.describe(), r#""no newline" and no newline"#);
        replies.send(b"go");
        assert_eq!(replies.next(LIMIT), framed(b"late", Ending::Newline));
        let closed = replies.next(LIMIT);
        assert_eq!(closed, framed(b"", Ending::Closed));
        assert_eq!(closed.describe(), "the connection closed");
    }

    #[test]
    fn what_came_is_described_never_an_errno() {
        let mut replies = served(|mut cs| {
            cs.write_all(b"server plays rock: a draw").unwrap();
            let mut rest = Vec::new();
            let _ = cs.read_to_end(&mut rest);
        });
        let wait = Duration::from_millis(500);
        let got = replies.rest(wait);
        assert_eq!(
            describe_all(&got),
            r#""server plays rock: a draw" and no newline, then nothing for 0.5 s"#
        );
    }

    #[test]
    fn ask_sends_as_the_pages_client_without_a_newline() {
        let mut page = served(|mut cs| {
            let mut got = [0; 80];
            for _ in 0..2 {
                let n = cs.read(&mut got).unwrap();
                cs.write_all(format!("{:?}", &got[..n]).as_bytes()).unwrap();
            }
            let _ = cs.read(&mut got);
        });
        let rock = format!("{:?}", b"rock");
        assert_eq!(
            page.ask(b"rock", LIMIT),
            framed(rock.as_bytes(), Ending::Quiet)
        );
        assert_eq!(page.ask(b"", LIMIT), framed(b"[10]", Ending::Quiet));
    }

    #[test]
    fn random_bytes_differ() {
        assert_eq!(random_bytes(10).len(), 10);
        assert_ne!(random_bytes(64), random_bytes(64));
    }
}
