//! Framing: where one pickle ends in a stream of bytes.
//!
//! The lab reads a pickle with one `recv(4096)`. TCP, though, is a stream, not a
//! sequence of messages: one `send()` may arrive in two pieces, and two sends in
//! one piece. A pickle carries its own end, the STOP opcode (`.`), so a reader can
//! keep reading until it has seen STOP, and keep what came after it for the next
//! pickle. Finding STOP means stepping over each instruction's argument (a `.` may
//! be a letter of a string), which is what [`opcodes::next`] does. On the way,
//! each instruction goes through the [`Guard`], so that bytes that cannot be a
//! pickle (most text is mostly opcodes: `h` is BINGET, `a` APPEND) are answered
//! at once, not after a wait for a STOP that will never come.
//!
//! [`PickleReader`] does this on a socket, with the lab's limit: a pickle has at
//! most [`MAX_ALLOC_MEM`] bytes, and a silent peer is given up after the socket's
//! read timeout.

use std::io::{self, Read};

use crate::MAX_ALLOC_MEM;
use crate::guard::Guard;
use crate::opcodes::{self, Step};

/// What the bytes read so far hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A whole pickle: its first `n` bytes, up to and including STOP.
    Complete(usize),
    /// The beginning of a pickle: more bytes must come.
    Incomplete,
    /// These bytes cannot begin a pickle (what is wrong with them).
    Invalid(String),
}

/// Looks for the end of the pickle at the start of `bytes`, which may be at most
/// `limit` bytes long, checking its instructions with the [`Guard`] on the way.
///
/// ```
/// use safe_pickle::framing::{Frame, frame};
///
/// assert_eq!(frame(b"\x80\x03X\x01\x00\x00\x00.q\x00.more", 4096), Frame::Complete(11));
/// assert_eq!(frame(b"\x80\x03X\x01\x00\x00\x00", 4096), Frame::Incomplete);
/// assert!(matches!(frame(b"hello", 4096), Frame::Invalid(_)));
/// ```
pub fn frame(bytes: &[u8], limit: usize) -> Frame {
    Scanner::default().scan(bytes, limit)
}

/// [`frame`], a piece at a time: it goes on from where the last call stopped, so
/// that each byte is looked at once however the pickle is cut into pieces.
#[derive(Debug, Default)]
pub struct Scanner {
    /// Where the next instruction starts.
    offset: usize,
    /// What the instructions so far would do.
    guard: Guard,
}

impl Scanner {
    /// Goes on looking for the end of the pickle in `bytes`: the same bytes as at
    /// the last call, and maybe more after them.
    pub fn scan(&mut self, bytes: &[u8], limit: usize) -> Frame {
        loop {
            match opcodes::next(bytes, self.offset, limit) {
                Ok(Step::Op(_, next)) if next > limit => return too_long(limit),
                // A FRAME says how many bytes follow: more than the limit will never come.
                Ok(Step::Op(op, next)) if frame_claim(&op) > (limit - next) as u64 => {
                    return Frame::Invalid(format!(
                        "FRAME claims {} bytes, but a whole pickle may have at most {limit}",
                        frame_claim(&op)
                    ));
                }
                Ok(Step::Op(op, next)) => match self.guard.step(op) {
                    Ok(true) => return Frame::Complete(next),
                    Ok(false) => self.offset = next,
                    Err(why) => return Frame::Invalid(why),
                },
                // A pickle that fills the whole limit and still has no STOP never will.
                Ok(Step::Incomplete) if bytes.len() >= limit => return too_long(limit),
                Ok(Step::Incomplete) => return Frame::Incomplete,
                Err(malformed) => return Frame::Invalid(malformed.to_string()),
            }
        }
    }
}

/// How many bytes a FRAME instruction says follow it (0 for any other instruction).
fn frame_claim(op: &opcodes::Instruction<'_>) -> u64 {
    match <[u8; 8]>::try_from(op.arg) {
        Ok(le) if op.op.code == opcodes::FRAME => u64::from_le_bytes(le),
        _ => 0,
    }
}

fn too_long(limit: usize) -> Frame {
    Frame::Invalid(format!(
        "longer than {limit} bytes: no STOP opcode in the first {limit} bytes"
    ))
}

/// What [`PickleReader::next_pickle`] read.
#[derive(Debug)]
pub enum Received {
    /// One whole pickle, up to and including its STOP.
    Pickle(Vec<u8>),
    /// Bytes that are not a pickle, not one of at most [`MAX_ALLOC_MEM`] bytes, or
    /// one cut short by the end of the connection or by a silence (what is wrong
    /// with them). They are dropped; the next pickle may follow.
    Invalid(String),
    /// The peer closed the connection.
    Closed,
    /// Nothing came within the socket's read timeout.
    TimedOut,
    /// The connection failed (reset by the peer...).
    Failed(io::Error),
}

/// Reads whole pickles from a stream (a `TcpStream`, or `&TcpStream`).
///
/// ```
/// use safe_pickle::framing::{PickleReader, Received};
///
/// // Two pickles in one piece, as TCP may deliver them: None, then True.
/// let mut reader = PickleReader::new(&b"\x80\x02N.\x80\x02\x88."[..]);
/// assert!(matches!(reader.next_pickle(), Received::Pickle(p) if p == b"\x80\x02N."));
/// assert!(matches!(reader.next_pickle(), Received::Pickle(p) if p == b"\x80\x02\x88."));
/// assert!(matches!(reader.next_pickle(), Received::Closed));
/// ```
#[derive(Debug)]
pub struct PickleReader<R> {
    stream: R,
    /// What was read and not yet handed out: the beginning of the next pickle.
    pending: Vec<u8>,
    /// Where the next pickle has got to in `pending`.
    scanner: Scanner,
    /// How the stream ended, once it has (told after the pickle it cut short).
    ended: Option<Received>,
    /// The most bytes one pickle may have.
    limit: usize,
}

impl<R: Read> PickleReader<R> {
    /// A reader of the pickles `stream` sends, of at most [`MAX_ALLOC_MEM`] bytes each.
    pub fn new(stream: R) -> Self {
        PickleReader::with_limit(stream, MAX_ALLOC_MEM)
    }

    /// A reader of pickles of at most `limit` bytes each (a server's
    /// acknowledgements: [`MAX_REPLY`](crate::MAX_REPLY)).
    pub fn with_limit(stream: R, limit: usize) -> Self {
        PickleReader {
            stream,
            pending: Vec::with_capacity(MAX_ALLOC_MEM),
            scanner: Scanner::default(),
            ended: None,
            limit,
        }
    }

    /// The stream, to write to it (a `TcpStream` is read and written both).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.stream
    }

    /// The stream, once done reading.
    pub fn into_inner(self) -> R {
        self.stream
    }

    /// Reads until a whole pickle has come, and hands it out.
    ///
    /// When the stream ends, or goes silent, in the middle of a pickle, that pickle
    /// is [`Received::Invalid`] (cut short), and the end comes at the next call.
    pub fn next_pickle(&mut self) -> Received {
        if let Some(ended) = self.ended.take() {
            return ended;
        }
        let mut buffer = [0; MAX_ALLOC_MEM];
        loop {
            // What came already may hold a whole pickle (two sent in one piece).
            if !self.pending.is_empty() {
                match self.scanner.scan(&self.pending, self.limit) {
                    Frame::Complete(n) => {
                        self.scanner = Scanner::default();
                        let pickle = self.pending.drain(..n).collect();
                        return Received::Pickle(pickle);
                    }
                    Frame::Invalid(why) => {
                        // No way to tell where these bad bytes end: drop all we have.
                        self.scanner = Scanner::default();
                        self.pending.clear();
                        return Received::Invalid(crate::shorten(why));
                    }
                    Frame::Incomplete => {}
                }
            }
            // -- recv(): never more than the rest of the 4096 bytes a pickle may have.
            let room = (self.limit - self.pending.len()).min(MAX_ALLOC_MEM);
            let got = self.stream.read(&mut buffer[..room]);
            lab_common::trace::recv("sock", room, &got, &buffer);
            let end = match got {
                Ok(0) => Received::Closed,
                Ok(n) => {
                    self.pending.extend_from_slice(&buffer[..n]);
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    Received::TimedOut
                }
                Err(e) => return Received::Failed(e),
            };
            if self.pending.is_empty() {
                return end;
            }
            // The end came in the middle of a pickle: first say that it was cut short.
            let unfinished = std::mem::take(&mut self.pending).len();
            self.scanner = Scanner::default();
            let how = match end {
                Received::TimedOut => "nothing more came in time",
                _ => "the connection ended",
            };
            self.ended = Some(end);
            return Received::Invalid(format!(
                "the pickle is cut short: {how} after {unfinished} bytes, before its STOP"
            ));
        }
    }
}

#[cfg(test)]
// Tests report failures by panicking.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// A stream that gives its pieces one read at a time, as TCP may.
    struct Pieces(Vec<Vec<u8>>);

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let piece = &mut self.0[0];
            let n = piece.len().min(buf.len());
            buf[..n].copy_from_slice(&piece[..n]);
            piece.drain(..n);
            if piece.is_empty() {
                self.0.remove(0);
            }
            Ok(n)
        }
    }

    fn reader(pieces: &[&[u8]]) -> PickleReader<Pieces> {
        PickleReader::new(Pieces(pieces.iter().map(|p| p.to_vec()).collect()))
    }

    // pickle.dumps({'a': '.'}, protocol=3): a STOP byte inside a string.
    const DICT: &[u8] = b"\x80\x03}q\x00X\x01\x00\x00\x00aq\x01X\x01\x00\x00\x00.q\x02s.";

    #[test]
    fn a_stop_byte_inside_an_argument_does_not_end_the_pickle() {
        assert_eq!(frame(DICT, 4096), Frame::Complete(DICT.len()));
    }

    #[test]
    fn a_pickle_in_pieces_is_read_whole() {
        let mut r = reader(&[&DICT[..3], &DICT[3..12], &DICT[12..]]);
        assert!(matches!(r.next_pickle(), Received::Pickle(p) if p == DICT));
        assert!(matches!(r.next_pickle(), Received::Closed));
    }

    #[test]
    fn a_pickle_cut_short_is_reported_before_the_end() {
        let mut r = reader(&[&DICT[..10]]);
        assert!(matches!(
            r.next_pickle(),
            Received::Invalid(why) if why == "the pickle is cut short: the connection ended after 10 bytes, before its STOP"
        ));
        assert!(matches!(r.next_pickle(), Received::Closed));
    }

    #[test]
    fn bad_bytes_are_dropped_and_the_next_pickle_is_read() {
        let mut r = reader(&[b"\xfe\xff", DICT]);
        assert!(
            matches!(r.next_pickle(), Received::Invalid(why) if why.contains("byte 0xfe at offset 0"))
        );
        // Text is mostly opcodes: the guard finds that it makes no sense, at once.
        let mut r = reader(&[b"hello", DICT]);
        assert!(
            matches!(r.next_pickle(), Received::Invalid(why) if why == "BINGET of memo 101, which was never stored")
        );
        assert!(matches!(r.next_pickle(), Received::Pickle(p) if p == DICT));
    }

    #[test]
    fn a_pickle_longer_than_4096_bytes_is_invalid() {
        // MARK, then 5000 times None, then LIST and STOP.
        let mut long = vec![b'('];
        long.extend(vec![b'N'; 5000]);
        long.extend(b"l.");
        let mut r = reader(&[&long]);
        assert!(
            matches!(r.next_pickle(), Received::Invalid(why) if why.starts_with("longer than 4096 bytes"))
        );
        assert_eq!(frame(&long[..4096], 4096), too_long(4096));
    }

    #[test]
    fn a_claim_of_gigabytes_is_invalid_at_once() {
        let mut r = reader(&[b"\x80\x03X\xff\xff\xff\x7f"]);
        assert!(
            matches!(r.next_pickle(), Received::Invalid(why) if why == "BINUNICODE claims 2147483647 bytes, but a whole pickle may have at most 4096")
        );
    }

    #[test]
    fn a_frame_claiming_more_than_the_limit_is_invalid_at_once() {
        let mut claim = b"\x80\x04\x95".to_vec();
        claim.extend_from_slice(&(1u64 << 62).to_le_bytes());
        let mut r = reader(&[&claim, b"more bytes that never end"]);
        assert!(
            matches!(r.next_pickle(), Received::Invalid(why) if why == "FRAME claims 4611686018427387904 bytes, but a whole pickle may have at most 4096")
        );
    }

    #[test]
    fn a_pickle_of_exactly_4096_bytes_is_accepted() {
        let mut exact = vec![b'('];
        exact.extend(vec![b'N'; 4093]);
        exact.extend(b"l.");
        assert_eq!(exact.len(), 4096);
        assert_eq!(frame(&exact, 4096), Frame::Complete(4096));
    }
}
