//! Ctrl-C (and SIGTERM on unix) as something a task can wait for.
//!
//! lab-common's `Server` wakes a blocked `accept()` by connecting to itself; a
//! tokio server needs none of that: the signal is one more event its tasks can
//! `.await`. The handlers are installed by [`Signals::install`], at once (not on
//! the first `.await`), so a Ctrl-C that comes early is not missed.

use std::io;

/// The signals that stop the server, installed and waiting to be heard.
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(windows)]
    ctrl_c: tokio::signal::windows::CtrlC,
}

impl Signals {
    /// Installs the handlers (inside the runtime).
    #[cfg(unix)]
    pub fn install() -> io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// Installs the handler (inside the runtime).
    #[cfg(windows)]
    pub fn install() -> io::Result<Signals> {
        Ok(Signals {
            ctrl_c: tokio::signal::windows::ctrl_c()?,
        })
    }

    /// Waits for the next Ctrl-C (or SIGTERM).
    pub async fn wait(&mut self) {
        #[cfg(unix)]
        std::future::poll_fn(|cx| {
            // Whichever comes first: poll both, ready when one is.
            let interrupt = self.interrupt.poll_recv(cx).is_ready();
            let terminate = self.terminate.poll_recv(cx).is_ready();
            if interrupt || terminate {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        #[cfg(windows)]
        self.ctrl_c.recv().await;
    }
}
