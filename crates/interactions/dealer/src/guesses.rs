//! Guesses: one guess is one guess, however TCP splits it.
//!
//! The page's dealer takes what one `recv(80)` returns as a guess. But TCP carries
//! a stream of bytes, not messages: a guess longer than the 80-byte buffer comes in
//! several reads (and `'1' + 79 zeros + the secret` would even win in its second
//! piece), and two guesses sent at once come in one read. So a guess is one of
//! lab-common's [`Messages`]: it ends at a newline (`nc`, a person typing), or, for
//! the page's player, which sends no newline, where the player stops sending to
//! wait for the answer.
//!
//! What is the dealer's own: a guess longer than the buffer is answered once, and
//! so are guesses sent all at once, before the first is answered.

use std::net::TcpStream;
use std::time::Duration;

use lab_common::conversation::{Messages, Next};

/// The size of the buffer: the most one guess can be.
pub const BUFFER: usize = 80;

/// What the player did, as the dealer answers it.
#[derive(Debug, PartialEq)]
pub enum Guess {
    /// One guess, without its newline.
    One(String),
    /// A guess longer than [`BUFFER`] bytes.
    TooLong,
    /// Several guesses sent at once, before the answer to the first.
    Several,
    /// The player has gone: it closed the connection, reset it (said on the
    /// console), or sent nothing for the timeout (said too).
    Gone,
    /// Ctrl-C was pressed while the player was thinking.
    Stop,
}

/// The guesses of one player.
#[derive(Debug)]
pub struct Guesses(Messages);

impl Default for Guesses {
    fn default() -> Guesses {
        Guesses(Messages::new(BUFFER))
    }
}

impl Guesses {
    /// Reads the player's next guess, waiting at most `timeout` for it to begin,
    /// and stopping the wait once `stop` answers true.
    pub fn next(
        &mut self,
        player: &mut TcpStream,
        timeout: Duration,
        stop: impl FnMut() -> bool,
    ) -> Guess {
        let guess = match self.0.next(player, timeout, stop) {
            Next::Message(guess) => Guess::One(guess.text().into_owned()),
            Next::TooLong => Guess::TooLong,
            Next::Left => return Guess::Gone,
            Next::Stopped => return Guess::Stop,
        };
        if self.0.has_more() {
            // More came with it: the player did not wait for the answer.
            self.0.clear();
            return Guess::Several;
        }
        guess
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Write;
    use std::net::TcpListener;

    use super::*;

    /// A connected pair: the player's end and the dealer's.
    fn pair() -> (TcpStream, TcpStream) {
        let ls = TcpListener::bind("127.0.0.1:0").unwrap();
        let player = TcpStream::connect(ls.local_addr().unwrap()).unwrap();
        (player, ls.accept().unwrap().0)
    }

    fn next(guesses: &mut Guesses, dealer: &mut TcpStream) -> Guess {
        guesses.next(dealer, Duration::from_secs(20), || false)
    }

    fn one(text: &str) -> Guess {
        Guess::One(text.to_string())
    }

    #[test]
    fn a_guess_without_a_newline_ends_when_the_player_waits() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player.write_all(b"5").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("5"));
        player.write_all(b" 7 \n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one(" 7 "));
    }

    #[test]
    fn a_guess_longer_than_the_buffer_is_one_guess() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player
            .write_all(format!("1{}7", "0".repeat(79)).as_bytes())
            .unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), Guess::TooLong);
        player.write_all(b"2\n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("2"));
    }

    #[test]
    fn guesses_sent_at_once_are_answered_once() {
        let (mut player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        player.write_all(b"5\n3\n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), Guess::Several);
        player.write_all(b"6\n").unwrap();
        assert_eq!(next(&mut guesses, &mut dealer), one("6"));
    }

    #[test]
    fn a_player_who_leaves_is_gone_and_ctrl_c_stops_the_wait() {
        let (player, mut dealer) = pair();
        let mut guesses = Guesses::default();
        let ctrl_c = || true;
        assert_eq!(
            guesses.next(&mut dealer, Duration::from_secs(20), ctrl_c),
            Guess::Stop
        );
        drop(player);
        assert_eq!(next(&mut guesses, &mut dealer), Guess::Gone);
    }
}
