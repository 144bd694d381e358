//! The operator: the person at the server's keyboard, who types the replies.
//!
//! Reading standard input blocks until a line comes, and nothing wakes that read:
//! not Ctrl-C, not a client. A server sitting in it could not stop. So a thread of
//! its own reads standard input, line by line, and sends each line into a channel;
//! the server takes the lines from the channel when it needs a reply, waiting at
//! most [`TICK`] at a time, and between two waits it checks whether Ctrl-C was
//! pressed. When the server stops, that thread may still be blocked in its read:
//! it ends with the program.
//!
//! The end of the input (Ctrl-D, or the end of a pipe) ends the thread, which
//! closes the channel: the operator has left.

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::thread;

use lab_common::conversation::TICK;

/// The operator's lines, as they are typed.
pub struct Operator {
    /// The lines the reading thread sends.
    lines: Receiver<String>,
    /// Lines typed before the server asked for them (typed ahead), oldest first.
    typed: VecDeque<String>,
    /// Whether the input has ended (the reading thread has finished).
    ended: bool,
}

impl Operator {
    /// Starts the thread that reads standard input.
    pub fn start() -> io::Result<Operator> {
        let (sender, lines) = channel();
        thread::Builder::new().spawn(move || {
            // Lossy: a pipe may bring bytes that are not UTF-8; a terminal's Enter may be \r\n.
            for line in io::stdin().lock().split(b'\n') {
                let Ok(line) = line else { break };
                let line = String::from_utf8_lossy(&line);
                if sender
                    .send(line.trim_end_matches('\r').to_string())
                    .is_err()
                {
                    break;
                }
            }
            // The sender is dropped here: the channel says the input has ended.
        })?;
        Ok(Operator {
            lines,
            typed: VecDeque::new(),
            ended: false,
        })
    }

    /// Whether the operator has left: the input has ended, and every line typed
    /// before has been used. Never waits.
    pub fn has_left(&mut self) -> bool {
        loop {
            match self.lines.try_recv() {
                Ok(line) => self.typed.push_back(line),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.ended = true;
                    break;
                }
            }
        }
        self.ended && self.typed.is_empty()
    }

    /// The slides' `raw_input('> ')`: prompts `> ` and gives the next line typed.
    /// An empty line is no reply: the prompt comes again.
    ///
    /// `None` once the operator has left, or as soon as `stop` says so (it is
    /// asked every [`TICK`] while nothing is typed).
    pub fn reply(&mut self, mut stop: impl FnMut() -> bool) -> Option<String> {
        loop {
            print!("> ");
            let _ = io::stdout().flush();
            let line = loop {
                if let Some(line) = self.typed.pop_front() {
                    break line;
                }
                if self.ended || stop() {
                    // End the prompt's line, so what the server says next starts a line.
                    println!();
                    return None;
                }
                match self.lines.recv_timeout(TICK) {
                    Ok(line) => break line,
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => self.ended = true,
                }
            };
            if !line.is_empty() {
                return Some(line);
            }
        }
    }
}
