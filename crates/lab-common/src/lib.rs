//! What every socket-labs program shares.
//!
//! Each lesson's program keeps in its own `main.rs` what that lesson teaches (the
//! accept loop, what is read and what is sent back). What every program needs, and
//! what would hide the lesson if it were written out each time, lives here once,
//! one idea per module:
//!
//! - [`socket`]: create, configure (SO_REUSEADDR), bind and listen (Steps 1 to 3 of
//!   the lessons), or connect as a client, and print the listening line.
//! - [`shutdown`]: a server (TCP or UDP) that stops gracefully on Ctrl-C (or SIGTERM).
//! - [`message`]: read one message with a timeout and lossy UTF-8; send a reply;
//!   show client text on the console without letting it drive the terminal.
//! - [`conversation`]: the next message of a client that talks until it leaves,
//!   read in slices so that Ctrl-C is seen while the client is silent; and
//!   [`Messages`](conversation::Messages), each a line or what came before a
//!   short pause, as the bytes the client sent.
//! - [`clock`]: the local time as Python's `time.ctime()` writes it.
//! - [`console`]: a console that nobody reads any more stops the program quietly.
//! - [`args`]: the `--ip`, `--port`, `--timeout` and `--trace` flags every program
//!   takes, with sentences a person understands for bad values.
//! - [`trace`](mod@trace): `--trace` (or `LAB_TRACE=1`): each socket call printed as it
//!   happens, in the lesson's words, on standard error.
//! - [`watch`]: a client that waits on a person typing still hears its server leave.
//! - [`error`]: one clear line for each error people hit, and the [`Result`] that
//!   `main` returns so nobody ever sees a backtrace.
//!
//! A whole server, the Happy Server of Session 10, reads like this:
//!
//! ```no_run
//! use lab_common::{Server, ServerArgs};
//!
//! fn main() -> lab_common::Result {
//!     let args = ServerArgs::<8080>::default();
//!     let server = Server::start(args.addr())?;
//!     while let Some((mut cs, _client)) = server.accept() {
//!         if let Some(msg) = lab_common::receive(&mut cs, 2048, args.timeout()) {
//!             println!("Message received: {msg}");
//!             lab_common::send(&mut cs, "HELLO. I am the Happy Server :-)\n");
//!         }
//!     }
//!     println!("Server stopped by the user");
//!     Ok(())
//! }
//! ```

pub mod args;
pub mod clock;
pub mod console;
pub mod conversation;
pub mod error;
pub mod message;
pub mod shutdown;
pub mod socket;
pub mod trace;
pub mod watch;

pub use args::{ClientArgs, ListenArgs, ServerArgs};
pub use error::{Error, Result};
pub use message::{printable, receive, send};
pub use shutdown::{Server, StopHandle, UdpServer};
pub use socket::{bind_udp, connect, connect_udp, listen, listen_with_backlog};
