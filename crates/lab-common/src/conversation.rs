//! Conversations: a client that sends many messages on one connection.
//!
//! In the request/reply lessons a client sends one message and the server closes
//! ([`receive`](crate::receive)). In a chat the client talks until it leaves, and
//! leaving (an empty read) is the normal end of the conversation, not an error:
//! [`next_message`] reads the next message and says nothing when the client
//! leaves, so the program prints its own line (the slides' `Client disconnected`).
//!
//! A server that must also stop on Ctrl-C while a client is silent (a chat whose
//! operator presses Ctrl-C) cannot sit in one long read: a signal does not wake
//! it. [`next_message_unless`] reads in short slices instead, and between two
//! slices asks whether to stop.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::error::explain_io;
use crate::trace;

/// How often [`next_message_unless`] asks whether to stop: well within a second.
pub const TICK: Duration = Duration::from_millis(100);

/// What waiting for a client's next message gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// The next message, decoded as UTF-8 with `�` for invalid bytes.
    Message(String),
    /// The client has left: it closed the connection (nothing printed), or it reset
    /// it, or it stayed silent for the timeout (both printed on stderr).
    Left,
    /// The program asked to stop while the client was silent.
    Stopped,
}

/// Reads the next message (at most `max_len` bytes) of a client in a conversation,
/// waiting at most `timeout` for it; `None` once the client has left (see
/// [`Heard::Left`]).
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use lab_common::conversation::next_message;
///
/// let ls = TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
/// let (mut cs, _) = ls.accept().unwrap();
/// client.write_all(b"I am sad\n").unwrap();
/// let five = Duration::from_secs(5);
/// assert_eq!(next_message(&mut cs, 1024, five).as_deref(), Some("I am sad\n"));
/// drop(client);
/// assert_eq!(next_message(&mut cs, 1024, five), None); // it left: nothing printed
/// ```
pub fn next_message(stream: &mut TcpStream, max_len: usize, timeout: Duration) -> Option<String> {
    // One read, waiting the whole timeout: nothing to look up in between.
    match read_in_slices(stream, max_len, timeout, timeout, || false) {
        Heard::Message(message) => Some(message),
        Heard::Left | Heard::Stopped => None,
    }
}

/// [`next_message`], which also stops waiting, within [`TICK`], once `stop` answers
/// true (Ctrl-C was pressed, the operator has left...).
///
/// `stop` is asked only while the client is silent: a message that has arrived is
/// always read first.
///
/// ```
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use lab_common::conversation::{Heard, next_message_unless};
///
/// let ls = TcpListener::bind("127.0.0.1:0").unwrap();
/// let _silent = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
/// let (mut cs, _) = ls.accept().unwrap();
/// let ctrl_c = || true;
/// let heard = next_message_unless(&mut cs, 1024, Duration::from_secs(60), ctrl_c);
/// assert_eq!(heard, Heard::Stopped);
/// ```
pub fn next_message_unless(
    stream: &mut TcpStream,
    max_len: usize,
    timeout: Duration,
    stop: impl FnMut() -> bool,
) -> Heard {
    read_in_slices(stream, max_len, timeout, TICK, stop)
}

/// Reads the next message, waiting at most `timeout` in reads of at most `slice`,
/// and asking `stop` after each slice that brought nothing.
fn read_in_slices(
    stream: &mut TcpStream,
    max_len: usize,
    timeout: Duration,
    slice: Duration,
    mut stop: impl FnMut() -> bool,
) -> Heard {
    // A client that never reads our replies holds us at most `timeout` too.
    if let Err(e) = stream.set_write_timeout(Some(timeout)) {
        eprintln!("Cannot talk to the client: {e}");
        return Heard::Left;
    }
    let deadline = Instant::now() + timeout;
    let mut buffer = vec![0; max_len];
    loop {
        // -- recv(), in slices, to look up now and then
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            trace!("cs.recv({max_len})" => "-> timed out");
            let seconds = timeout.as_secs_f64();
            eprintln!("The client sent nothing for {seconds} s: giving up on it");
            return Heard::Left;
        }
        if let Err(e) = stream.set_read_timeout(Some(left.min(slice))) {
            eprintln!("Cannot read from the client: {e}");
            return Heard::Left;
        }
        let read = stream.read(&mut buffer);
        if trace::enabled() && !read.as_ref().is_err_and(|e| is_quiet(e.kind())) {
            trace::recv_line(None, "cs", max_len, &read, &buffer);
        }
        match read {
            // -- An empty read: the client closed the connection
            Ok(0) => return Heard::Left,
            // -- decode(): the bytes as text, with � for what is not UTF-8
            Ok(n) => return Heard::Message(String::from_utf8_lossy(&buffer[..n]).into_owned()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if stop() {
                    return Heard::Stopped;
                }
            }
            Err(e) => {
                let why = explain_io(&e, "the client");
                eprintln!("Could not read the message: {why}");
                return Heard::Left;
            }
        }
    }
}

/// A read that brought nothing yet (a slice that ended, a signal): not traced, so
/// that a silent client does not fill the trace with a line every [`TICK`].
fn is_quiet(kind: io::ErrorKind) -> bool {
    matches!(
        kind,
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    use super::*;

    fn pair() -> (TcpStream, TcpStream) {
        let ls = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
        (client, ls.accept().unwrap().0)
    }

    #[test]
    fn a_message_that_came_is_read_even_when_asked_to_stop() {
        let (mut client, mut cs) = pair();
        client.write_all(b"caf\xC3\xA9 \xFF").unwrap();
        // The first slice of reading gets what loopback already delivered.
        let heard = next_message_unless(&mut cs, 1024, Duration::from_secs(5), || true);
        assert_eq!(heard, Heard::Message("café �".to_string()));
    }

    #[test]
    fn a_silent_client_is_given_up_after_the_timeout() {
        let (_client, mut cs) = pair();
        let start = Instant::now();
        let heard = next_message_unless(&mut cs, 1024, Duration::from_millis(250), || false);
        assert_eq!(heard, Heard::Left);
        assert!(start.elapsed() >= Duration::from_millis(250));
    }

    #[test]
    fn a_message_is_at_most_max_len_bytes() {
        let (mut client, mut cs) = pair();
        client.write_all(&[b'x'; 100]).unwrap();
        let first = next_message(&mut cs, 10, Duration::from_secs(5)).unwrap();
        assert_eq!(first, "x".repeat(10));
    }
}
