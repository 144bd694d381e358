//! Messages: what one read returns, as text.
//!
//! In the request/reply lessons a message is what one `recv(2048)` returns,
//! decoded with `.decode()`. Python's `.decode()` crashes the server on invalid
//! UTF-8 and its `recv()` waits forever on a silent client; [`receive`] replaces
//! invalid bytes with `�` and gives up after a timeout, so one bad client cannot
//! stop or freeze a server that serves one client at a time.

use std::borrow::Cow;
use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::error::explain_io;
use crate::trace;

/// Reads one message of at most `max_len` bytes from a client, waiting at most
/// `timeout` for it.
///
/// Answers `None`, after printing why on the console (stderr), when there is no
/// message to answer: the client closed the connection without sending anything,
/// reset it, or stayed silent for `timeout`. The server then goes on with its next
/// client. Those lines are written for a server that reads one message per
/// connection; a program that reads several on one connection (the dealer's
/// guesses) reads them itself and says itself why it stops.
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
///
/// let ls = TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
/// client.write_all(b"caf\xC3\xA9 \xFF").unwrap();
/// let (mut cs, _) = ls.accept().unwrap();
/// let msg = lab_common::receive(&mut cs, 2048, Duration::from_secs(5));
/// assert_eq!(msg.as_deref(), Some("café �"));
/// ```
pub fn receive(stream: &mut TcpStream, max_len: usize, timeout: Duration) -> Option<String> {
    // A silent client, or one that never reads our reply, holds us at most `timeout`.
    let timeouts = stream.set_read_timeout(Some(timeout));
    if let Err(e) = timeouts.and_then(|()| stream.set_write_timeout(Some(timeout))) {
        eprintln!("Cannot read from the client: {e}");
        return None;
    }
    let mut buffer = vec![0; max_len];
    // -- recv(): one read. A signal may interrupt it before anything came: read again.
    let read = loop {
        match stream.read(&mut buffer) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => break result,
        }
    };
    if trace::enabled() {
        trace::recv_line(Some(6), "cs", max_len, &read, &buffer);
    }
    match read {
        Ok(0) => {
            eprintln!("The client closed the connection without sending a message");
            None
        }
        // -- decode(): the bytes as text, with � for what is not UTF-8
        Ok(n) => Some(String::from_utf8_lossy(&buffer[..n]).into_owned()),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            let seconds = timeout.as_secs_f64();
            eprintln!("The client sent nothing for {seconds} s: giving up on it");
            None
        }
        Err(e) => {
            eprintln!(
                "Could not read the message: {}",
                explain_io(&e, "the client")
            );
            None
        }
    }
}

/// Reads one line of at most `max_len` bytes, for the lessons whose messages are
/// lines (a game over `nc`, where each Enter sends one).
///
/// TCP delivers a stream of bytes, not messages: one read may hold several lines,
/// or half of one. So the bytes come through a [`BufRead`] (a `BufReader` around
/// the stream), which keeps what follows a line for the next call. Answers:
///
/// - `Ok(Some(line))`: the line, without its `\n` or `\r\n`, with invalid UTF-8
///   replaced by `�`; a last line with no newline before the end counts too;
/// - `Ok(None)`: the other side closed the connection, with no line pending;
/// - `Err(e)` with [`io::ErrorKind::InvalidData`]: the line is longer than
///   `max_len` bytes (so a client cannot make the server hold an endless line);
///   what was read of it is dropped, and the connection should be closed;
/// - `Err(e)`: the read failed (a reset, or the stream's read timeout: a silent client).
///
/// ```
/// use std::io::{BufReader, ErrorKind};
/// use lab_common::message::receive_line;
///
/// // Reads of 4 bytes: every line comes split across reads.
/// let mut input = BufReader::with_capacity(4, &b"rock\r\nPAPER \nsciss"[..]);
/// assert_eq!(receive_line(&mut input, 80).unwrap().as_deref(), Some("rock"));
/// assert_eq!(receive_line(&mut input, 80).unwrap().as_deref(), Some("PAPER "));
/// assert_eq!(receive_line(&mut input, 80).unwrap().as_deref(), Some("sciss"));
/// assert_eq!(receive_line(&mut input, 80).unwrap(), None);
///
/// let mut endless = BufReader::new(&[b'x'; 1000][..]);
/// assert_eq!(receive_line(&mut endless, 80).unwrap_err().kind(), ErrorKind::InvalidData);
/// ```
pub fn receive_line(reader: &mut impl BufRead, max_len: usize) -> io::Result<Option<String>> {
    let line = read_line(reader, max_len);
    if trace::enabled() {
        let gave = match &line {
            Ok(Some(line)) => format!("-> {}", trace::text(line)),
            Ok(None) => "-> '' (the other side closed its end)".to_string(),
            Err(e) => trace::failed(e),
        };
        trace::line(None, "f.readline()", &gave);
    }
    line
}

/// [`receive_line`], without the trace.
fn read_line(reader: &mut impl BufRead, max_len: usize) -> io::Result<Option<String>> {
    let too_long = || {
        let what = format!("a line longer than {max_len} bytes");
        io::Error::new(io::ErrorKind::InvalidData, what)
    };
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => result?,
        };
        if available.is_empty() {
            // The end of the stream: a last line without a newline is still a line.
            return Ok((!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned()));
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(at) => {
                line.extend_from_slice(&available[..at]);
                reader.consume(at + 1);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.len() > max_len {
                    return Err(too_long());
                }
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
            None => {
                let size = available.len();
                line.extend_from_slice(available);
                reader.consume(size);
                // (+ 1: the line may end with a `\r` whose `\n` has not come yet)
                if line.len() > max_len + 1 {
                    return Err(too_long());
                }
            }
        }
    }
}

/// Sends all of `data` to the client; if the client has gone, says so on the
/// console (stderr) and answers `false`. Either way the server goes on.
///
/// ```
/// use std::io::Read;
/// use std::net::{TcpListener, TcpStream};
///
/// let ls = TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
/// let (mut cs, _) = ls.accept().unwrap();
/// assert!(lab_common::send(&mut cs, "ECHO: hi\n"));
/// drop(cs);
/// let mut reply = String::new();
/// client.read_to_string(&mut reply).unwrap();
/// assert_eq!(reply, "ECHO: hi\n");
/// ```
pub fn send(stream: &mut TcpStream, data: impl AsRef<[u8]>) -> bool {
    let sent = stream.write_all(data.as_ref());
    if trace::enabled() {
        trace::send_line(Some(7), "cs", data.as_ref(), &sent);
    }
    match sent {
        Ok(()) => true,
        Err(e) => {
            eprintln!("Could not send the reply: {}", explain_io(&e, "the client"));
            false
        }
    }
}

/// Closes a connection politely, so that what was sent is never lost to a reset.
///
/// Closing a socket that still has unread data from the client makes the system
/// reset the connection, and the client may then lose our reply. So: say that we
/// are done sending (the client reads the end of the stream), then read and drop
/// what the client still sends until it closes too, for at most a second and a
/// mebibyte, and close.
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
///
/// let ls = TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
/// client.write_all(b"a request nobody reads").unwrap();
/// let (mut cs, _) = ls.accept().unwrap();
/// cs.write_all(b"the answer").unwrap();
/// let closing = std::thread::spawn(move || lab_common::message::close(cs));
/// let mut answer = String::new();
/// client.read_to_string(&mut answer).unwrap(); // no "connection reset"
/// assert_eq!(answer, "the answer");
/// drop(client);
/// closing.join().unwrap();
/// ```
pub fn close(stream: TcpStream) {
    const LINGER: Duration = Duration::from_secs(1);
    if stream.shutdown(std::net::Shutdown::Write).is_err() {
        trace!("cs.close()" => "(the client had gone already)");
        return; // already gone
    }
    trace!("cs.shutdown(SHUT_WR)" => "(we are done sending: the client reads the end)");
    let _ = stream.set_read_timeout(Some(LINGER));
    let deadline = std::time::Instant::now() + LINGER;
    let mut rest = (&stream).take(1 << 20);
    let mut scratch = [0; 8192];
    let mut why = "(the client did not close in time)";
    while std::time::Instant::now() < deadline {
        match rest.read(&mut scratch) {
            Ok(0) => {
                why = "(after the client's end: no reset)";
                break;
            }
            Err(_) => {
                why = "(the client reset or did not close in time)";
                break;
            }
            Ok(_) => {}
        }
    }
    trace!("cs.close()" => "{why}");
}

/// Client text made safe to print on the console: control characters other than
/// newline and tab (ESC, BEL, backspace, carriage return, DEL, ...) are shown
/// escaped, as `\u{1b}`, so a client can never drive the operator's terminal (change
/// its title, clear it, move its cursor, hide what came before).
///
/// Text without such characters comes back as it is, without a copy.
///
/// ```
/// use lab_common::message::printable;
///
/// assert_eq!(printable("caf\u{e9}\tok\n"), "caf\u{e9}\tok\n");
/// assert_eq!(printable("\u{1b}]0;pwned\u{7}"), "\\u{1b}]0;pwned\\u{7}");
/// assert_eq!(printable("a\rb"), "a\\u{d}b");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}
