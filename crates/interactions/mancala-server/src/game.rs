//! One game at the table: the server sends the board and the prompts, hears every
//! player's lines, and applies the rules ([`crate::kalah`]).
//!
//! Each player's socket is read by a thread of its own, which reports every line
//! (or the player leaving) as an [`Event`] on one channel. So the server hears a
//! player who types out of turn, or who leaves while the other one is thinking,
//! and waits for the player to move with a deadline.

use std::io::{self, BufReader};
use std::net::{Shutdown, TcpStream};
use std::num::IntErrorKind;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use lab_common::StopHandle;
use lab_common::error::explain_io;
use lab_common::message::{printable, receive_line};

use crate::computer;
use crate::kalah::{BadMove, Kalah, Moved, Player};

/// The longest line a player may send: a move is a number.
const MAX_LINE: usize = 80;
/// The line that asks the player to move.
const PROMPT: &str = "Your move (pit 1-6): ";

/// What a player's reading thread reports.
pub enum Event {
    /// A line the player sent, without its line ending.
    Line(Player, String),
    /// The player left (the reading thread says why on the console).
    Left(Player),
}

/// A player connected over TCP.
pub struct Seat {
    stream: TcpStream,
    player: Player,
}

impl Seat {
    /// Seats the client `stream` as `player` (called `name`): a thread reads its
    /// lines and reports them to `events` until the connection ends.
    pub fn new(
        stream: TcpStream,
        player: Player,
        name: &'static str,
        events: Sender<Event>,
        over: Arc<AtomicBool>,
        timeout: Duration,
    ) -> io::Result<Seat> {
        // A player who never reads what we send holds us at most `timeout`.
        stream.set_write_timeout(Some(timeout))?;
        let mut lines = BufReader::new(stream.try_clone()?);
        thread::spawn(move || {
            loop {
                let why = match receive_line(&mut lines, MAX_LINE) {
                    Ok(Some(line)) => {
                        // Once the game is over nobody listens: then this thread ends too.
                        if events.send(Event::Line(player, line)).is_err() {
                            return;
                        }
                        continue;
                    }
                    Ok(None) => "closed the connection".to_string(),
                    Err(e) => {
                        if e.kind() == io::ErrorKind::InvalidData {
                            let goodbye =
                                format!("line too long (more than {MAX_LINE} bytes): goodbye\n");
                            lab_common::send(lines.get_mut(), goodbye);
                        }
                        explain_io(&e, "the player")
                    }
                };
                // Said at once, even while the server waits for someone else; but a
                // player who closes once the game is over has not left it.
                if !over.load(Ordering::SeqCst) && events.send(Event::Left(player)).is_ok() {
                    println!("{name} left: {why}");
                }
                return;
            }
        });
        Ok(Seat { stream, player })
    }

    /// Sends `text` and a newline; false if the player has gone.
    pub fn tell(&mut self, text: &str) -> bool {
        lab_common::send(&mut self.stream, format!("{text}\n"))
    }
}

/// How a game ended.
#[derive(Debug, PartialEq)]
pub enum End {
    /// Played to the end.
    Finished,
    /// A player left before the end.
    Left(Player),
    /// The player to move did not move in time.
    TooSlow(Player),
    /// Ctrl-C: the server stops.
    Stopping,
}

/// The players of one game and what they send.
pub struct Table {
    seats: Vec<Seat>,
    events: Receiver<Event>,
    vs_computer: bool,
    timeout: Duration,
    stop: StopHandle,
    /// Set once the game is over: the players' threads then end without a word.
    over: Arc<AtomicBool>,
}

impl Table {
    /// A table with the people in `seats` (player 2 is the computer with `vs_computer`).
    pub fn new(
        seats: Vec<Seat>,
        events: Receiver<Event>,
        vs_computer: bool,
        timeout: Duration,
        stop: StopHandle,
        over: Arc<AtomicBool>,
    ) -> Table {
        Table {
            seats,
            events,
            vs_computer,
            timeout,
            stop,
            over,
        }
    }

    /// Plays one game, tells the players how it ended, and closes their connections.
    pub fn play(mut self) -> End {
        let end = self.game().err().unwrap_or(End::Finished);
        let line = match end {
            End::Finished => None,
            End::Left(player) => Some(format!(
                "The game is over: {} left.",
                name(player, self.vs_computer)
            )),
            End::TooSlow(player) => Some(format!(
                "The game is over: {} did not move for {} s.",
                name(player, self.vs_computer),
                self.timeout.as_secs_f64()
            )),
            End::Stopping => Some("The game is over: the server is stopping.".to_string()),
        };
        if let Some(line) = line {
            println!("{line}");
            // Everyone still there hears it, whoever has gone.
            for player in [Player::One, Player::Two] {
                let _ = self.tell(player, &line);
            }
        }
        self.close();
        end
    }

    /// The game itself, until its end or the first event that ends it early.
    fn game(&mut self) -> Result<(), End> {
        let mut game = Kalah::new();
        self.tell_all("The game starts: player 1 moves first.")?;
        self.tell_all(&game.to_string())?;
        while !game.is_over() {
            let mover = game.to_move();
            let (pit, moved) = if self.is_computer(mover) {
                let pit = computer::choose(&game).unwrap_or(1);
                (pit, game.play(pit).map_err(|_| End::Finished)?)
            } else {
                self.ask_move(&mut game, mover)?
            };
            let who = name(mover, self.vs_computer);
            let mut news = format!("Move: {who} plays pit {pit}.");
            if moved.captured > 0 {
                news += &format!(" Capture: {who} takes {} stones.", moved.captured);
            }
            if moved.extra_turn && !moved.game_over {
                news += &format!(" Another turn for {who}.");
            }
            println!("{news}");
            self.tell_all(&news)?;
            self.tell_all(&game.to_string())?;
        }
        let over = match game.winner() {
            Some(winner) => format!(
                "Game over: {} wins, {} to {}",
                name(winner, self.vs_computer),
                game.store(winner),
                game.store(winner.other())
            ),
            None => format!(
                "Game over: a draw, {} to {}",
                game.store(Player::One),
                game.store(Player::Two)
            ),
        };
        println!("{over}");
        self.tell_all(&over)
    }

    /// Asks `mover` for a move until they send a good one, and plays it.
    fn ask_move(&mut self, game: &mut Kalah, mover: Player) -> Result<(usize, Moved), End> {
        let waiting = format!("Waiting for {} to move.", name(mover, self.vs_computer));
        self.tell(mover.other(), &waiting)?;
        self.tell(mover, PROMPT)?;
        let deadline = Instant::now() + self.timeout;
        // -- Told once a turn: a player who floods lines out of turn (and reads
        // -- nothing) must not make the server wait on it, while the mover's move waits
        let mut told_out_of_turn = false;
        loop {
            let (player, line) = match self.next_event(mover, deadline)? {
                Event::Line(player, line) => (player, line),
                Event::Left(player) => return Err(End::Left(player)),
            };
            if player != mover {
                if !told_out_of_turn {
                    told_out_of_turn = true;
                    self.tell(
                        player,
                        &format!("Not your turn: {}", waiting.to_lowercase()),
                    )?;
                }
                continue;
            }
            let problem = match pit_number(&line) {
                Err(problem) => problem,
                Ok(pit) => match game.play(pit) {
                    Ok(moved) => return Ok((pit, moved)),
                    Err(BadMove::Empty) => format!("Pit {pit} is empty: choose a pit with stones."),
                    Err(BadMove::OutOfRange) => format!("No pit {pit}: type a pit from 1 to 6."),
                    Err(BadMove::GameOver) => return Err(End::Finished),
                },
            };
            let who = name(player, self.vs_computer);
            println!("{who} sent \"{}\": {problem}", printable(&line));
            self.tell(player, &problem)?;
            self.tell(player, PROMPT)?;
        }
    }

    /// The next line or departure of a player, waiting at most until `deadline` for
    /// `mover` to move, and ending early on Ctrl-C.
    fn next_event(&self, mover: Player, deadline: Instant) -> Result<Event, End> {
        loop {
            if self.stop.requested() {
                return Err(End::Stopping);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(End::TooSlow(mover));
            }
            // Wake up now and then to see whether Ctrl-C was pressed.
            match self
                .events
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok(event) => return Ok(event),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Err(End::Left(mover)),
            }
        }
    }

    fn is_computer(&self, player: Player) -> bool {
        self.vs_computer && player == Player::Two
    }

    /// Sends `text` to `player` if they are a person at the table.
    fn tell(&mut self, player: Player, text: &str) -> Result<(), End> {
        let seat = self.seats.iter_mut().find(|seat| seat.player == player);
        if seat.is_some_and(|seat| !seat.tell(text)) {
            return Err(End::Left(player));
        }
        Ok(())
    }

    /// Sends `text` to every person at the table.
    fn tell_all(&mut self, text: &str) -> Result<(), End> {
        for player in [Player::One, Player::Two] {
            self.tell(player, text)?;
        }
        Ok(())
    }

    /// Closes the players' connections so that what was sent is not lost: say we
    /// are done sending, give the players a second to close their side (their
    /// reading threads then end), and close.
    fn close(self) {
        let Table {
            seats,
            events,
            over,
            ..
        } = self;
        over.store(true, Ordering::SeqCst);
        for seat in &seats {
            let _ = seat.stream.shutdown(Shutdown::Write);
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        // The channel disconnects once every reading thread has ended.
        while let Ok(_) | Err(RecvTimeoutError::Timeout) =
            events.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if Instant::now() >= deadline {
                break;
            }
        }
        // Nobody listens any more: the reading threads end without a word.
        drop(events);
        for seat in &seats {
            let _ = seat.stream.shutdown(Shutdown::Both);
        }
    }
}

/// The pit number a player typed (surrounding spaces ignored), or what is wrong.
fn pit_number(line: &str) -> Result<usize, String> {
    let out_of_range = || format!("No pit {}: type a pit from 1 to 6.", line.trim());
    match line.trim().parse::<i64>() {
        Ok(number) => usize::try_from(number).map_err(|_| out_of_range()),
        Err(e)
            if matches!(
                e.kind(),
                IntErrorKind::PosOverflow | IntErrorKind::NegOverflow
            ) =>
        {
            Err(out_of_range())
        }
        Err(_) => Err("Not a number: type a pit from 1 to 6.".to_string()),
    }
}

/// How the players are called: player 2 is the computer with `--vs-computer`.
pub fn name(player: Player, vs_computer: bool) -> &'static str {
    match (player, vs_computer) {
        (Player::One, _) => "player 1",
        (Player::Two, false) => "player 2",
        (Player::Two, true) => "the computer",
    }
}
