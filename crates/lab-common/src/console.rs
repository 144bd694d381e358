//! When nobody reads the console any more.
//!
//! A program's output may go to a pipe (`lab-grade --list | head`, a test, a log
//! reader) whose reader stops reading, or to a terminal that was closed. Printing
//! then fails ("broken pipe"), and Rust's `println!` panics: a backtrace for the
//! person, and in a server's thread or task, a server left half alive (a tokio
//! server whose accept loop panicked keeps running without accepting anyone).
//! [`stop_when_closed`] makes the program stop at once and quietly instead, as a
//! Unix program stopped by SIGPIPE does, with the same status a shell shows for
//! one, [`CLOSED_STATUS`].

use std::any::Any;
use std::sync::Once;

/// The exit status of a program whose console was closed: 141 (128 + SIGPIPE),
/// what a Unix shell reports for a program stopped by a broken pipe, so that a
/// pipeline never takes it for a success.
pub const CLOSED_STATUS: i32 = 141;

/// From now on, a failure to print to stdout or stderr stops the program at once,
/// with status [`CLOSED_STATUS`] and without a panic message: there is nobody left
/// to read one. Any other panic is reported as usual.
///
/// Every server calls it when it prints its listening line, and every client when
/// it connects; calling it again does nothing.
///
/// ```
/// lab_common::console::stop_when_closed();
/// println!("printed as usual while someone reads");
/// ```
pub fn stop_when_closed() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let usual = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if is_console_closed(info.payload()) {
                std::process::exit(CLOSED_STATUS);
            }
            usual(info);
        }));
    });
}

/// Whether a panic is `println!`'s (or `eprintln!`'s) when it cannot print.
fn is_console_closed(payload: &(dyn Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("failed printing to stdout")
        || message.starts_with("failed printing to stderr")
}

#[cfg(test)]
mod tests {
    use super::is_console_closed;

    #[test]
    fn only_a_failure_to_print_is_a_closed_console() {
        let closed = String::from("failed printing to stdout: Broken pipe (os error 32)");
        assert!(is_console_closed(&closed));
        assert!(is_console_closed(
            &"failed printing to stderr: The pipe is being closed."
        ));
        assert!(!is_console_closed(&String::from("index out of bounds")));
        assert!(!is_console_closed(&42));
    }
}
