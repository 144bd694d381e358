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
//!
//! Those two take what one read returns as the message, as the slides' chat does.
//! But TCP carries a stream of bytes, not messages: one read may hold two
//! messages, or half of one. [`Messages`] frames them as the interactions page's
//! programs need it, for clients of both kinds: a message ends
//!
//! - at a newline (`nc`, a person typing Enter), which is not part of it, nor a
//!   `\r` before it; or
//! - where the client stops sending to wait for the answer, when it sends no
//!   newline (the page's `tcp_client.py` does one `send()` and then `recv()`):
//!   when nothing more comes for a moment ([`QUIET`]), or the client closes its side.

use std::borrow::Cow;
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
    if !replies_bounded(stream, timeout) {
        return Heard::Left;
    }
    let deadline = Instant::now() + timeout;
    let mut buffer = vec![0; max_len];
    loop {
        // -- recv(), in slices, to look up now and then
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            gave_up(max_len, timeout);
            return Heard::Left;
        }
        match read_for(stream, &mut buffer, left.min(slice)) {
            // -- An empty read: the client closed the connection
            Got::Closed | Got::Failed => return Heard::Left,
            // -- decode(): the bytes as text, with � for what is not UTF-8
            Got::Bytes(n) => {
                return Heard::Message(String::from_utf8_lossy(&buffer[..n]).into_owned());
            }
            Got::Nothing => {
                if stop() {
                    return Heard::Stopped;
                }
            }
        }
    }
}

/// What one read of a client gave.
enum Got {
    /// Some bytes, this many.
    Bytes(usize),
    /// Nothing within the wait: the client is quiet.
    Nothing,
    /// The client closed the connection.
    Closed,
    /// The read failed (said on stderr).
    Failed,
}

/// A client that never reads our replies holds us at most `timeout` too: the
/// write timeout. False (said on stderr) if it cannot be set.
fn replies_bounded(stream: &TcpStream, timeout: Duration) -> bool {
    match stream.set_write_timeout(Some(timeout)) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("Cannot talk to the client: {e}");
            false
        }
    }
}

/// Says that the client sent nothing for `timeout`, and that it is given up.
fn gave_up(max_len: usize, timeout: Duration) {
    trace!("cs.recv({max_len})" => "-> timed out");
    let seconds = timeout.as_secs_f64();
    eprintln!("The client sent nothing for {seconds} s: giving up on it");
}

/// One `recv()` into `buffer`, waiting at most `wait`, traced.
fn read_for(stream: &mut TcpStream, buffer: &mut [u8], wait: Duration) -> Got {
    if let Err(e) = stream.set_read_timeout(Some(wait)) {
        eprintln!("Cannot read from the client: {e}");
        return Got::Failed;
    }
    // A signal is no pause of the client's: read again.
    let read = loop {
        match stream.read(buffer) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            read => break read,
        }
    };
    if trace::enabled() && !read.as_ref().is_err_and(|e| is_quiet(e.kind())) {
        trace::recv_line(None, "cs", buffer.len(), &read, buffer);
    }
    match read {
        Ok(0) => Got::Closed,
        Ok(n) => Got::Bytes(n),
        Err(e) if is_quiet(e.kind()) => Got::Nothing,
        Err(e) => {
            let why = explain_io(&e, "the client");
            eprintln!("Could not read the message: {why}");
            Got::Failed
        }
    }
}

/// How long a client may pause in the middle of a message that has no newline
/// before what came counts as the whole message: the pieces of one `send()` come
/// within microseconds, and a person types far slower than this.
pub const QUIET: Duration = Duration::from_millis(100);

/// How much one read takes at most.
const CHUNK: usize = 4096;

/// One message of a client, as [`Messages`] framed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message(Vec<u8>);

impl Message {
    /// The message's bytes exactly as the client sent them, without the line
    /// ending: what to compare a password with, never the [`text`](Message::text).
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The message as text, for display and for words: UTF-8 with `�` for the
    /// bytes that are not (two different messages may look the same here).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// The message's bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// What waiting for a client's next message with [`Messages::next`] gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The next message.
    Message(Message),
    /// A message longer than the limit: it was read to its end and dropped, so it
    /// is answered once, and its pieces are never taken for messages.
    TooLong,
    /// The client has left: it closed the connection (nothing printed), or it
    /// reset it, stayed silent for the timeout, or sent a message that never
    /// ended within the timeout (those printed on stderr).
    Left,
    /// The program asked to stop (Ctrl-C) while the client was silent.
    Stopped,
}

/// The messages of one client on one connection, each a line or what came
/// before a [`QUIET`] moment (see the [module](self)'s documentation). It keeps
/// what came after a message for the next one.
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use lab_common::conversation::{Messages, Next};
///
/// let ls = TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
/// let (mut cs, _) = ls.accept().unwrap();
/// let mut messages = Messages::new(80);
/// let five = Duration::from_secs(5);
/// let never = || false; // or: || server.stop_requested()
///
/// client.write_all(b"rock\r\npaper\n").unwrap(); // two lines in one write
/// let Next::Message(first) = messages.next(&mut cs, five, never) else { panic!() };
/// assert_eq!(first.bytes(), b"rock");
/// assert!(messages.has_more()); // the second came with it
/// let Next::Message(second) = messages.next(&mut cs, five, never) else { panic!() };
/// assert_eq!(second.text(), "paper");
///
/// client.write_all(b"caf\xC3\xA9 \xFF").unwrap(); // no newline: the client waits
/// let Next::Message(third) = messages.next(&mut cs, five, never) else { panic!() };
/// assert_eq!(third.bytes(), b"caf\xC3\xA9 \xFF");
/// assert_eq!(third.text(), "café �");
///
/// drop(client);
/// assert_eq!(messages.next(&mut cs, five, never), Next::Left);
/// ```
#[derive(Debug)]
pub struct Messages {
    /// The longest message answered as such.
    max_len: usize,
    /// What has been read and not yet given: the start of the next message (and,
    /// after a line, maybe more).
    pending: Vec<u8>,
    /// The message being read is already longer than `max_len` (its bytes so far dropped).
    too_long: bool,
}

impl Messages {
    /// The messages of a client, each answered as such if it is at most `max_len`
    /// bytes long (without its line ending), and as [`Next::TooLong`] if longer.
    pub fn new(max_len: usize) -> Messages {
        Messages {
            max_len,
            pending: Vec::new(),
            too_long: false,
        }
    }

    /// Reads the client's next message: waits at most `timeout` for it to begin,
    /// in slices of [`TICK`], asking `stop` after each slice that brought nothing
    /// (answer true to stop: Ctrl-C was pressed); then reads it to its end, which
    /// must come within `timeout` too. A message that has begun is always read to
    /// its end first. Replies are given `timeout` too: the write timeout is set.
    pub fn next(
        &mut self,
        stream: &mut TcpStream,
        timeout: Duration,
        mut stop: impl FnMut() -> bool,
    ) -> Next {
        if !replies_bounded(stream, timeout) {
            return Next::Left;
        }
        let waiting = Instant::now() + timeout;
        let mut began: Option<Instant> = None;
        let mut chunk = vec![0; CHUNK];
        loop {
            // -- A whole line has come: that is the message
            if let Some(next) = self.take_line() {
                return next;
            }
            let started = !self.pending.is_empty() || self.too_long;
            let wait = if started {
                let began = *began.get_or_insert_with(Instant::now);
                if began.elapsed() > timeout {
                    let seconds = timeout.as_secs_f64();
                    eprintln!(
                        "The client's message did not end within {seconds} s: giving up on it"
                    );
                    return Next::Left;
                }
                QUIET
            } else {
                let left = waiting.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    gave_up(CHUNK, timeout);
                    return Next::Left;
                }
                left.min(TICK)
            };
            // -- recv(): what has come, in pieces of at most CHUNK bytes
            match read_for(stream, &mut chunk, wait) {
                // The client closed its side: what came before is its last message.
                Got::Closed if started => return self.take_all(),
                Got::Closed | Got::Failed => return Next::Left,
                Got::Bytes(size) => self.absorb(&chunk[..size]),
                // A pause after the start of a message: the client waits for the answer.
                Got::Nothing if started => {
                    let ms = QUIET.as_millis();
                    trace!("cs.recv({CHUNK})" => "nothing more for {ms} ms: the message ends");
                    return self.take_all();
                }
                Got::Nothing => {
                    if stop() {
                        return Next::Stopped;
                    }
                }
            }
        }
    }

    /// Whether something of a next message has already come with the last one:
    /// the client sent more without waiting for the answer.
    pub fn has_more(&self) -> bool {
        !self.pending.is_empty() || self.too_long
    }

    /// Drops what has come of the next message (a server that answers several
    /// messages sent at once with one answer).
    pub fn clear(&mut self) {
        self.pending.clear();
        self.too_long = false;
    }

    /// Keeps `bytes`, just read, for the message being read.
    fn absorb(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        // Too long already, and no end in sight: keep only that it is. (+ 1: the
        // line may end with a `\r` whose `\n` has not come yet.)
        if self.pending.len() > self.max_len + 1 && !self.pending.contains(&b'\n') {
            self.too_long = true;
            self.pending.clear();
        }
    }

    /// The first line of what is pending, if a whole one has come.
    fn take_line(&mut self) -> Option<Next> {
        let end = self.pending.iter().position(|&b| b == b'\n')?;
        let mut line: Vec<u8> = self.pending.drain(..=end).collect();
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Some(self.give(line))
    }

    /// Everything pending, as one message (it ended by a pause or the close).
    fn take_all(&mut self) -> Next {
        let bytes = std::mem::take(&mut self.pending);
        self.give(bytes)
    }

    /// `bytes`, the end of a message, as the message (too long if it or what came
    /// before it was).
    fn give(&mut self, bytes: Vec<u8>) -> Next {
        if std::mem::take(&mut self.too_long) || bytes.len() > self.max_len {
            Next::TooLong
        } else {
            Next::Message(Message(bytes))
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

    const FIVE: Duration = Duration::from_secs(5);

    fn message(bytes: &[u8]) -> Next {
        Next::Message(Message(bytes.to_vec()))
    }

    fn next(messages: &mut Messages, cs: &mut TcpStream) -> Next {
        messages.next(cs, FIVE, || false)
    }

    #[test]
    fn a_message_without_a_newline_ends_when_the_client_waits() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        client.write_all(b"open sesame").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b"open sesame"));
        client.write_all(b" 7 ").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b" 7 "));
        assert!(!messages.has_more());
    }

    #[test]
    fn a_line_is_a_message_without_its_line_ending() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        client.write_all(b"rock\r\n\npaper \n").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b"rock"));
        assert!(messages.has_more());
        assert_eq!(next(&mut messages, &mut cs), message(b""));
        assert_eq!(next(&mut messages, &mut cs), message(b"paper "));
        assert!(!messages.has_more());
    }

    #[test]
    fn a_line_longer_than_one_read_is_one_message() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(4 * CHUNK);
        let line = vec![b'x'; 3 * CHUNK];
        let writer = {
            let mut client = client.try_clone().unwrap();
            let mut sent = line.clone();
            sent.push(b'\n');
            std::thread::spawn(move || client.write_all(&sent).unwrap())
        };
        assert_eq!(next(&mut messages, &mut cs), message(&line));
        writer.join().unwrap();
        client.write_all(b"next\n").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b"next"));
    }

    #[test]
    fn the_bytes_are_kept_as_sent_and_the_text_is_lossy() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        client.write_all(b"caf\xFF\n").unwrap();
        let Next::Message(got) = next(&mut messages, &mut cs) else {
            panic!("no message")
        };
        assert_eq!(got.bytes(), b"caf\xFF");
        assert_eq!(got.text(), "caf\u{FFFD}");
        assert_ne!(got.bytes(), "caf\u{FFFD}".as_bytes());
        assert_eq!(got.into_bytes(), b"caf\xFF");
    }

    #[test]
    fn a_message_longer_than_the_limit_is_answered_once() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        // Without a newline, more than the limit: one message, not pieces.
        client
            .write_all(format!("1{}7", "0".repeat(79)).as_bytes())
            .unwrap();
        assert_eq!(next(&mut messages, &mut cs), Next::TooLong);
        // With a newline, far more than one read.
        client.write_all(&[b'9'; 3 * CHUNK]).unwrap();
        client.write_all(b"\n").unwrap();
        assert_eq!(next(&mut messages, &mut cs), Next::TooLong);
        // 80 bytes and a Windows line ending are not too long.
        let eighty = [b'8'; 80];
        client.write_all(&eighty).unwrap();
        client.write_all(b"\r\n2\n").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(&eighty));
        assert_eq!(next(&mut messages, &mut cs), message(b"2"));
    }

    #[test]
    fn what_came_with_a_message_can_be_dropped() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        client.write_all(b"5\n3\n").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b"5"));
        assert!(messages.has_more());
        messages.clear();
        client.write_all(b"6\n").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b"6"));
    }

    #[test]
    fn a_newline_after_a_pause_is_an_empty_message() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        client.write_all(b"rock").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b"rock"));
        client.write_all(b"\npaper\n").unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b""));
        assert_eq!(next(&mut messages, &mut cs), message(b"paper"));
    }

    #[test]
    fn a_client_who_closes_after_a_message_still_has_it_answered() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        client.write_all(b"one\ntwo").unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(next(&mut messages, &mut cs), message(b"one"));
        assert_eq!(next(&mut messages, &mut cs), message(b"two"));
        assert_eq!(next(&mut messages, &mut cs), Next::Left);
    }

    #[test]
    fn a_silent_client_is_given_up_after_the_timeout_and_stop_is_asked() {
        let (_client, mut cs) = pair();
        let mut messages = Messages::new(80);
        let start = Instant::now();
        let timeout = Duration::from_millis(250);
        assert_eq!(messages.next(&mut cs, timeout, || false), Next::Left);
        assert!(start.elapsed() >= timeout);
        let mut asked = 0;
        let stop = || {
            asked += 1;
            asked == 2
        };
        assert_eq!(messages.next(&mut cs, FIVE, stop), Next::Stopped);
    }

    #[test]
    fn a_message_that_has_begun_is_framed_even_when_asked_to_stop() {
        let (mut client, mut cs) = pair();
        let mut messages = Messages::new(80);
        client.write_all(b"rock").unwrap();
        assert_eq!(messages.next(&mut cs, FIVE, || true), message(b"rock"));
    }

    #[test]
    fn a_message_is_at_most_max_len_bytes() {
        let (mut client, mut cs) = pair();
        client.write_all(&[b'x'; 100]).unwrap();
        let first = next_message(&mut cs, 10, Duration::from_secs(5)).unwrap();
        assert_eq!(first, "x".repeat(10));
    }
}
