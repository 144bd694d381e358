//! A client that waits on a person typing still hears its server leave.
//!
//! The lessons' clients do one thing at a time: `input()`, then `send()`, then
//! `recv()`. While they wait for the person's next line, nobody reads the socket,
//! so a server that stops (its operator's Ctrl-D, a second Ctrl-C) is noticed only
//! after that line is typed and sent. [`Watch`] is a second thread that looks at
//! the socket (a `peek`, which takes nothing from it) while the person types: if
//! the connection ends then, it calls the program's `on_end`, which says so and
//! ends the program.

use std::io;
use std::net::TcpStream;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, PoisonError};

/// Watches a connection while the person types (see the [module](self)).
#[derive(Debug)]
pub struct Watch {
    typing: Arc<Mutex<bool>>,
    prompted: Sender<()>,
}

impl Watch {
    /// Starts the watching thread on a clone of `stream`. `on_end` runs, on that
    /// thread, when the connection ends while the person types; it should say so
    /// and end the program (`std::process::exit`).
    ///
    /// ```no_run
    /// let stream = lab_common::connect("127.0.0.1", 21566, std::time::Duration::from_secs(5))?;
    /// let watch = lab_common::watch::Watch::start(&stream, || {
    ///     println!("Server disconnected");
    ///     std::process::exit(0)
    /// })?;
    /// let line = watch.typing(|| std::io::stdin().lines().next());
    /// # Ok::<(), anyhow::Error>(())
    /// ```
    pub fn start(stream: &TcpStream, on_end: fn() -> !) -> io::Result<Watch> {
        let watched = stream.try_clone()?;
        let typing = Arc::new(Mutex::new(false));
        let (prompted, prompts) = mpsc::channel::<()>();
        let still_typing = Arc::clone(&typing);
        std::thread::spawn(move || {
            for () in prompts {
                if ended_while(&watched, &still_typing) {
                    // Held while `on_end` runs: the person's line is not sent meanwhile.
                    let _typing = still_typing.lock().unwrap_or_else(PoisonError::into_inner);
                    on_end();
                }
            }
        });
        Ok(Watch { typing, prompted })
    }

    /// Runs `read` (reading the person's line) with the connection watched.
    pub fn typing<T>(&self, read: impl FnOnce() -> T) -> T {
        self.set_typing(true);
        let _ = self.prompted.send(());
        let line = read();
        self.set_typing(false);
        line
    }

    fn set_typing(&self, now: bool) {
        *self.typing.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }
}

/// Waits until something comes on `stream` or the person stops typing; whether
/// the connection ended while `typing` was still true.
fn ended_while(stream: &TcpStream, typing: &Mutex<bool>) -> bool {
    let is_typing = || *typing.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let ended = match stream.peek(&mut [0]) {
            Ok(0) => true,
            // Something to read: the program reads it itself.
            Ok(_) => return false,
            // The stream's read timeout: look again while the person still types.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                false
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
            Err(e) => matches!(
                e.kind(),
                io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
            ),
        };
        if ended {
            return is_typing();
        }
        if !is_typing() {
            return false;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        (client, listener.accept().unwrap().0)
    }

    #[test]
    fn a_close_while_typing_is_an_end() {
        let (client, server) = pair();
        drop(server);
        assert!(ended_while(&client, &Mutex::new(true)));
    }

    #[test]
    fn a_close_once_typing_is_over_is_left_to_the_program() {
        let (client, server) = pair();
        drop(server);
        assert!(!ended_while(&client, &Mutex::new(false)));
    }

    #[test]
    fn data_is_left_to_the_program() {
        let (client, mut server) = pair();
        io::Write::write_all(&mut server, b"reply").unwrap();
        assert!(!ended_while(&client, &Mutex::new(true)));
        let mut reply = [0; 5];
        io::Read::read_exact(&mut &client, &mut reply).unwrap();
        assert_eq!(&reply, b"reply");
    }
}
