//! Guesses: one guess is one guess, however TCP splits it.
//!
//! The page's dealer takes what one `recv(80)` returns as a guess. But TCP carries
//! a stream of bytes, not messages: a guess longer than the 80-byte buffer comes in
//! several reads (and `'1' + 79 zeros + the secret` would even win in its second
//! piece), and two guesses sent at once come in one read. So here a guess ends:
//!
//! - at a newline (`nc`, a person typing), or
//! - for the page's player, which sends no newline, where the player stops sending
//!   to wait for the answer: when nothing more comes for a moment ([`PAUSE`]), or
//!   the player closes its side.
//!
//! A guess longer than the buffer is read to its end and answered once; guesses
//! that come together, before the first is answered, get one answer too.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::Duration;

/// The size of the buffer: the most one guess can be.
pub const BUFFER: usize = 80;

/// How long the player may pause in the middle of a guess that has no newline:
/// the pieces of one write come within microseconds, a person types far slower.
pub const PAUSE: Duration = Duration::from_millis(100);

/// What the player sent, as the dealer answers it.
#[derive(Debug, PartialEq)]
pub enum Guess {
    /// One guess, without its newline.
    One(String),
    /// A guess longer than [`BUFFER`] bytes.
    TooLong,
    /// Several guesses sent at once, before the answer to the first.
    Several,
}

/// The guesses of one player: what has been read of the next one.
#[derive(Debug, Default)]
pub struct Guesses {
    pending: Vec<u8>,
    too_long: bool,
}

impl Guesses {
    /// Reads the player's next guess, waiting at most `timeout` for it to begin.
    ///
    /// Answers `None` when the player is gone: it closed the connection, reset
    /// it (said on the console), or sent nothing for `timeout` (said too).
    pub fn next(&mut self, player: &mut TcpStream, timeout: Duration) -> Option<Guess> {
        // The answer too must not wait for ever on a player that does not read.
        if let Err(e) = player.set_write_timeout(Some(timeout)) {
            eprintln!("Cannot talk to the player: {e}");
            return None;
        }
        let mut chunk = [0; BUFFER];
        loop {
            // A whole line has come: that is the guess.
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                let guess = self.take(&line[..end]);
                if self.pending.is_empty() {
                    return Some(guess);
                }
                // More came with it: the player did not wait for the answer.
                self.pending.clear();
                return Some(Guess::Several);
            }
            let started = !self.pending.is_empty() || self.too_long;
            let wait = if started { PAUSE } else { timeout };
            if let Err(e) = player.set_read_timeout(Some(wait)) {
                eprintln!("Cannot read from the player: {e}");
                return None;
            }
            let got = player.read(&mut chunk);
            if got.is_ok() {
                lab_common::trace::recv("player", chunk.len(), &got, &chunk);
            }
            match got {
                // The player closed its side: what came before is its last guess.
                Ok(0) if started => return Some(self.take_pending()),
                Ok(0) => return None,
                Ok(size) => {
                    self.pending.extend_from_slice(&chunk[..size]);
                    // Too long already, and no end in sight: keep only that it is.
                    if self.pending.len() > BUFFER && !self.pending.contains(&b'\n') {
                        self.too_long = true;
                        self.pending.clear();
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    // A pause after the start of a guess: the player waits for the answer.
                    if started {
                        return Some(self.take_pending());
                    }
                    let seconds = timeout.as_secs_f64();
                    eprintln!("The client sent nothing for {seconds} s: giving up on it");
                    return None;
                }
                Err(e) => {
                    let why = lab_common::error::explain_io(&e, "the player");
                    eprintln!("Could not read the guess: {why}");
                    return None;
                }
            }
        }
    }

    /// Everything read so far, as one guess.
    fn take_pending(&mut self) -> Guess {
        let pending = std::mem::take(&mut self.pending);
        self.take(&pending)
    }

    /// `bytes`, the end of a guess, as the guess (too long if it or what came
    /// before it was).
    fn take(&mut self, bytes: &[u8]) -> Guess {
        let too_long = std::mem::take(&mut self.too_long) || bytes.len() > BUFFER;
        if too_long {
            Guess::TooLong
        } else {
            Guess::One(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Write;
    use std::net::{Shutdown, TcpListener};

    use super::*;

    /// A connected pair: the player's end and the dealer's.
    fn pair() -> (TcpStream, TcpStream) {
        let ls = TcpListener::bind("127.0.0.1:0").unwrap();
        let player = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
        (player, ls.accept().unwrap().0)
    }

    fn next(guesses: &mut Guesses, dealer: &mut TcpStream) -> Option<Guess> {
        guesses.next(dealer, Duration::from_secs(20))
    }

    fn one(text: &str) -> Option<Guess> {
        Some(Guess::One(text.to_string()))
    }

    #[test]
    fn a_guess_without_a_newline_ends_when_the_player_waits() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player.write_all(b"5").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("5"));
        player.write_all(b" 7 ").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one(" 7 "));
    }

    #[test]
    fn a_line_is_a_guess_even_in_pieces() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player.write_all(b"4\n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("4"));
        // A line of 80 bytes comes in two reads of the 80-byte buffer.
        let line = format!("{}\n", " ".repeat(79) + "3");
        player.write_all(line.as_bytes()).unwrap();
        assert_eq!(
            next(&mut guesses, &mut dealer),
            one(line.trim_end_matches('\n'))
        );
    }

    #[test]
    fn a_guess_longer_than_the_buffer_is_one_guess() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player
            .write_all(format!("1{}7", "0".repeat(79)).as_bytes())
            .unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), Some(Guess::TooLong));
        player
            .write_all(format!("{}\n", "9".repeat(500)).as_bytes())
            .unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), Some(Guess::TooLong));
        player.write_all(b"2\n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("2"));
    }

    #[test]
    fn guesses_sent_at_once_are_answered_once() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player.write_all(b"5\n3\n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), Some(Guess::Several));
        player.write_all(b"6\n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("6"));
    }

    #[test]
    fn a_player_who_closes_after_a_guess_still_has_it_answered() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player.write_all(b"8").unwrap();
        player.shutdown(Shutdown::Write).unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("8"));
        assert_eq!(next(&mut guesses, &mut dealer), None);
    }
}
